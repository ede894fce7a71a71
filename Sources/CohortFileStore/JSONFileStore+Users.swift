import CohortDomain
import CohortIdentity
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The delegation log in the store (docs/RULES.md, "Users and roles"): `users/NAME.json` per user, each with
/// its own trail `audit/users/NAME.jsonl` derived like a participant's, and who may save (docs/RULES.md,
/// "Signed saves"): in a store with users, every save is made and signed by an active user's key.
extension JSONFileStore {
    var usersDirectory: String { directory + "/users" }
    func userFile(_ name: String) -> String { usersDirectory + "/" + name + ".json" }
    func userLog(_ name: String) -> AuditLog { AuditLog(path: auditDirectory + "/users/" + name + ".jsonl") }

    /// Every user's name, sorted.
    func userNames() throws -> [String] {
        try Self.requireFolder(usersDirectory)
        return try DurableFile.entries(of: usersDirectory).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Whether authentication is on: the store has a user (the first, a PI, turned it on for good).
    public func hasUsers() throws -> Bool { !(try userNames()).isEmpty }

    /// Every user on the delegation log, in the order they were added.
    public func users() throws -> [User] {
        try userNames().map { try readUser($0).user }.sorted { ($0.added, $0.name) < ($1.added, $1.name) }
    }

    /// One user, or nil when there is none of that name.
    public func user(_ name: String) throws -> User? {
        guard User.nameProblem(name) == nil, access(userFile(name), F_OK) == 0 else { return nil }
        return try readUser(name).user
    }

    /// Reads a user's file, checked against its sealing and the state its trail's head records.
    func readUser(_ name: String) throws -> UserFile {
        let path = userFile(name)
        guard let bytes = try DurableFile.read(path) else { throw DomainError("No user \(name) in this store (`cohort user list` lists them).") }
        let (file, tree) = try CanonicalJSON.unsealWithTree(bytes, as: UserFile.self, path: path, version: Self.formatVersion)
        guard file.user.name == name else { throw StoreError(.damaged, "\(path) holds user \(file.user.name.prefix(32)), not \(name): it was renamed or copied by hand.") }
        try Self.requireStateMatches(tree["user"] ?? .null, head: file.audit, trail: userLog(name).path, file: path)
        return file
    }

    /// The user `key` belongs to as the store has them now, refused unless active and holding that key.
    func activeUser(for key: UnlockedKey) throws -> User {
        guard let user = try user(key.userName), user.publicKey == key.publicKeyText else {
            throw DomainError("\(key.userName) is not a user of this store with this key: log in as one of its users (`cohort user list`).")
        }
        if user.disabled != nil { throw DomainError("\(user.name) was disabled on \(user.disabled ?? "") and can change nothing.") }
        if user.signingLocked == true {
            throw DomainError("Signing is locked for \(user.name) after \(User.maxFailedUnlocks) wrong passphrases in a row: a PI enables it again with `cohort user enable \(user.name)`.")
        }
        return user
    }

    /// Asks `signerProvider` for the signer when the store has users and none is logged in yet (before the
    /// lock is taken: the provider may ask a person for their passphrase).
    public func authenticate() throws {
        guard signer == nil, let signerProvider, try hasUsers() else { return }
        signer = try signerProvider()
    }

    /// Who may save now, under the lock: nobody needs to in a store without users (saves are unsigned, as
    /// before); in a store with users, the signer, who must be an active user whose role covers `needed`.
    /// Returns the key to sign with, describing the user as the store has them.
    func requireSigner(_ needed: Role, orDataManager: Bool = false, to what: String) throws -> UnlockedKey? {
        guard try hasUsers() else { return nil }
        guard let signer else {
            throw DomainError("This store has users: every change is made by a logged-in user. Run `cohort login` (or give --passphrase-fd N with --user NAME). Nothing was changed.")
        }
        let user = try activeUser(for: signer)
        try user.role.require(needed, orDataManager: orDataManager, to: what)
        return signer.describing(user)
    }

    /// Adds a user. The first must be a PI and signs their own addition with their new key (`key`;
    /// authentication is on from this save on); later ones are added by an active PI (the store's `signer`).
    /// A name is never used twice.
    public func addUser(_ user: User, key: UnlockedKey) throws {
        if let problem = User.nameProblem(user.name) { throw DomainError("Cannot add the user: \(problem).") }
        _ = try FreeText.required(user.fullName, what: "full name")
        try authenticate()
        try FileLock.withLock(lockFile) {
            try DurableFile.makeDirectory(usersDirectory)
            try DurableFile.makeDirectory(auditDirectory + "/users")
            let existing = try userNames()
            guard !existing.contains(user.name), access(userLog(user.name).path, F_OK) != 0 else {
                throw DomainError("The name \(user.name) is already on the delegation log (a name is never used again, even after it is disabled): choose another.")
            }
            let signing: UnlockedKey
            if existing.isEmpty {
                guard user.role == .pi else {
                    throw DomainError("The first user must be the PI (--role pi): adding them turns authentication on for good.")
                }
                guard user.publicKey == key.publicKeyText else { throw DomainError("The first user signs with their own key.") }
                signing = key
            } else {
                guard let signer = try requireSigner(.pi, to: "add users") else { throw DomainError("Only a PI adds users.") }
                signing = signer
            }
            try saveUser(user, before: nil, committed: .empty, reason: nil, signer: signing)
        }
    }

    /// Disables a user for good (never deleted; the name is never used again), by an active PI.
    public func disableUser(_ name: String, reason: String) throws {
        let reason = try FreeText.required(reason, what: "reason")
        try changeUser(name, needed: .pi, what: "disable users", reason: reason) { user, signer in
            guard user.disabled == nil else { throw DomainError("\(name) is already disabled.") }
            guard user.name != signer.userName else { throw DomainError("A PI cannot disable themselves; another PI can.") }
            user.disabled = UTCTimestamp.string(from: clock()); user.disabledBy = signer.userName; user.disabledReason = reason
        }
    }

    /// Changes a user's role on the delegation log, by an active PI, with a reason: from this save on they may
    /// make what the new role allows (docs/RULES.md, "Users and roles"); their earlier saves are judged by
    /// the role they held then (`verify`, docs/RULES.md, "Signed saves").
    public func changeRole(_ name: String, to role: Role, reason: String) throws {
        let reason = try FreeText.required(reason, what: "reason")
        try changeUser(name, needed: .pi, what: "change users' roles", reason: reason) { user, signer in
            guard user.disabled == nil else { throw DomainError("\(name) was disabled for good; add them under a new name. Nothing was changed.") }
            guard user.name != signer.userName else { throw DomainError("A PI cannot change their own role; another PI can. Nothing was changed.") }
            guard user.role != role else { throw DomainError("\(name) already has the role \(role.rawValue). Nothing was changed.") }
            user.role = role
        }
    }

    /// Enables signing again for a user locked after wrong passphrases, by an active PI.
    public func enableUser(_ name: String) throws {
        try changeUser(name, needed: .pi, what: "enable users", reason: "signing enabled again") { user, _ in
            guard user.signingLocked == true || user.failedUnlocks != nil else { throw DomainError("Signing is not locked for \(name).") }
            guard user.disabled == nil else { throw DomainError("\(name) was disabled for good; add them under a new name.") }
            user.signingLocked = nil; user.failedUnlocks = nil; user.signingLockedAt = nil
        }
    }

    /// Whether `user`'s signing lock has lapsed now, on the store's clock (`User.lockHasLapsed`).
    public func lockHasLapsed(_ user: User) throws -> Bool {
        let cutoff = UTCTimestamp.string(from: clock().addingTimeInterval(-Double(User.lockLapseMinutes) * 60))
        return user.lockHasLapsed(cutoff: cutoff, among: try users())
    }

    /// Lifts the lapsed lock of the user of `key`, opened with their right passphrase: audited and signed by
    /// them, with the reason (docs/RULES.md, "Users and roles").
    public func noteLockLapsed(_ key: UnlockedKey) throws {
        try FileLock.withLock(lockFile) {
            let file = try readUser(key.userName)
            guard file.user.publicKey == key.publicKeyText, try lockHasLapsed(file.user) else {
                throw DomainError("Signing is locked for \(key.userName): a PI enables it again with `cohort user enable \(key.userName)`. Nothing was changed.")
            }
            var user = file.user
            user.signingLocked = nil; user.failedUnlocks = nil; user.signingLockedAt = nil
            try saveUser(user, before: file.user, committed: file.audit,
                         reason: "signing lock lapsed: \(User.lockLapseMinutes) minutes after it was set, with no other active PI to enable it; right passphrase",
                         signer: key)
        }
    }

    /// Records a wrong passphrase for `name` (21 CFR 11.300(d)): audited, unsigned (the person could not
    /// sign), and signing is locked at the fifth in a row. Returns the user as saved.
    @discardableResult
    public func noteFailedUnlock(_ name: String) throws -> User {
        try FileLock.withLock(lockFile) {
            let file = try readUser(name)
            var user = file.user
            let reason = user.noteFailedUnlock(at: UTCTimestamp.string(from: clock()))
            try saveUser(user, before: file.user, committed: file.audit, reason: reason, signer: nil)
            return user
        }
    }

    /// Records a right passphrase after wrong ones: the count starts again, signed by the user.
    public func noteUnlocked(_ key: UnlockedKey) throws {
        try FileLock.withLock(lockFile) {
            let file = try readUser(key.userName)
            guard file.user.failedUnlocks != nil, file.user.signingLocked != true, file.user.publicKey == key.publicKeyText else { return }
            var user = file.user
            user.failedUnlocks = nil
            try saveUser(user, before: file.user, committed: file.audit, reason: "right passphrase", signer: key)
        }
    }

    /// A change to a user by an active signer whose role covers `needed`, under the lock.
    private func changeUser(_ name: String, needed: Role, what: String, reason: String, _ change: (inout User, UnlockedKey) throws -> Void) throws {
        try authenticate()
        try FileLock.withLock(lockFile) {
            guard let signer = try requireSigner(needed, to: what) else { throw DomainError("This store has no users yet: add the PI first (`cohort user add`).") }
            let file = try readUser(name)
            var user = file.user
            try change(&user, signer)
            try saveUser(user, before: file.user, committed: file.audit, reason: reason, signer: signer)
        }
    }

    /// The one write path for a user (under the lock), as for a participant: chain made to agree, records
    /// derived and signed, then the file (the commit point).
    func saveUser(_ user: User, before: User?, committed: AuditHead, reason: String?, signer: UnlockedKey?) throws {
        let old = try before.map { try JSONValue(encoding: $0) } ?? .emptyObject
        let new = try JSONValue(encoding: user)
        let operations = JSONPatch.diff(from: old, to: new)
        guard !operations.isEmpty else { return }
        let log = userLog(user.name)
        let path = userFile(user.name)
        let chain = Ledger.userChain(user.name), ledger = ledger
        // A pair of files put back from an older copy ends before the head this machine noted (or off it):
        // a save on it would give record numbers again and lose what came after.
        if let noted = try ledger.lastHead(of: chain), noted != committed, noted.seq >= committed.seq {
            throw StoreError(.damaged, "users/\(user.name).json was rolled back to an earlier state of its own files: restore the later files from a backup (cohort verify says more).")
        }
        let tail = try log.prepare(committed: committed, confirmed: { try ledger.furthest(chain) }, dataFile: path).tail
        let length = try log.length()
        let previous = try DurableFile.read(path)
        do {
            let head = try log.append(operations, subject: chain, user: signer?.userName ?? user.name, reason: reason,
                                      time: UTCTimestamp.string(from: clock()), after: tail, state: new.stateHash, signer: signer)
            try DurableFile.replace(path, with: try CanonicalJSON.seal(UserFile(user: user, audit: head), formatVersion: Self.formatVersion))
            // As a participant's: the ledger records the user's head, so a user file deleted or rolled back
            // with its trail is named by `verify` (docs/RULES.md, "Users and roles").
            do {
                try ledger.record(chain, head: head)
            } catch {
                try takeBack(path, to: previous, error: error)
                throw error
            }
        } catch {
            log.rollBack(to: length)
            throw error
        }
    }
}

/// A user file's content: the user and the audit record its saved state corresponds to.
struct UserFile: Codable {
    var user: User
    var audit: AuditHead
}

extension JSONFileStore {
    /// Refuses, naming the role needed, a change the logged-in user's role does not allow; in a store
    /// without users every change is allowed (docs/RULES.md, "Users and roles").
    /// In a store with users the checklist must carry a valid `eligibility` signature (docs/RULES.md,
    /// "Eligibility", "Signatures"); without users nobody can sign, so none is required.
    public func eligibilitySignature(of participant: Participant) -> EligibilitySignature {
        participant.eligibilitySignature(required: (try? hasUsers()) ?? false, trusted: signatureTrust(of: participant))
    }

    /// A signature record counts only when it is valid by the check `cohort signatures` and verify make
    /// (docs/RULES.md, "Signatures"): its signer's key verifies it over this participant's content as it
    /// stands. A record copied from another participant, or forged, counts as no signature.
    public func signatureTrust(of participant: Participant) -> (Signature) -> Bool {
        let verifier = try? signatureVerifier()
        let studyProtocol = context.protocols[participant.study]
        return { signature in
            guard let verifier, let studyProtocol else { return false }
            return verifier.status(of: signature, in: participant, studyProtocol: studyProtocol) == .valid
        }
    }

    public func requireAllowed(_ change: Change) throws {
        guard try hasUsers() else { return }
        try authenticate()
        guard let signer else { _ = try requireSigner(.coordinator, to: "change participants' data"); return }
        let role = try activeUser(for: signer).role
        // A resolution is the underlying change's to make too (docs/RULES.md, "Merging and conflicts").
        var conflicts: [SyncConflict] = []
        if case .resolveConflict = change { conflicts = (try? participant(change.subject))?.conflicts ?? [] }
        for each in change.changesToAllow(conflicts: conflicts) { try each.requireAllowed(for: role) }
    }
}

extension JSONFileStore {
    /// The store's stable id: the hash of the first record of its store-wide trail (written when the store
    /// was made, never rewritten), so every store, old or new, has one without a new member in any file.
    /// Nil when that trail cannot be read (verify names why). The known keys are filed under it
    /// (docs/RULES.md, "Users and roles").
    public func storeIdentity() -> String? {
        guard let handle = FileHandle(forReadingAtPath: auditDirectory + "/" + Ledger.storeChain + ".jsonl") else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 65_536), let line = head.split(separator: UInt8(ascii: "\n")).first,
              let record = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
              let hash = record["hash"] as? String, hash.count == 64 else { return nil }
        return hash
    }
}
