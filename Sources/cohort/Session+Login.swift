import CohortDomain
import CohortFileStore
import CohortIdentity
import CohortStore
import Foundation

/// Who is logged in on the command line of a store with users (docs/RULES.md, "Users and roles"): the
/// terminal's session when it has one for this store, else the user's passphrase.
extension Session {
    /// The user's key folder.
    var keyFolder: KeyFolder { keyFolderPath.map(KeyFolder.init(path:)) ?? KeyFolder() }

    /// The store's folder as a session names it (links resolved).
    var canonicalStore: String {
        URL(fileURLWithPath: storeDirectory).resolvingSymlinksInPath().standardizedFileURL.path
    }

    /// The key to sign with: this terminal's session for this store while it lasts (each use extends it),
    /// else the passphrase of the user named by `--user` (or the login name).
    func unlock(_ store: JSONFileStore) throws -> UnlockedKey {
        try requireKnownKeys(store)
        let path = SessionFile.path()
        if var session = terminalSession(), try sessionServes(session) {
            // The store's idle time as it is now, not as it was at login (docs/RULES.md, "The idle lock").
            session.idleMinutes = store.site.idleTime
            if session.hasExpired(at: clock.date()) {
                _ = SessionFile.remove(at: path)
                Session.warn("The session of \(session.user) ended after \(session.idleMinutes) minutes without use.")
            } else if let user = try store.user(session.user), let key = session.unlockedKey(for: user) {
                session.lastUsed = clock.date().timeIntervalSince1970
                try? session.save(to: path)
                return key
            }
        }
        return try unlockWithPassphrase(store, name: user)
    }

    /// This terminal's session for this store, if it has one (expired or not).
    func terminalSession() -> SessionFile? {
        SessionFile.load(from: SessionFile.path()).flatMap { $0.store == canonicalStore ? $0 : nil }
    }

    /// Whether `session` may sign for this command: a session serves only the user it belongs to, so when
    /// `--user` or `$COHORT_USER` names someone else it is not used and that user's passphrase is asked
    /// (docs/RULES.md, "Users and roles"); with no way to ask it, the command is refused.
    func sessionServes(_ session: SessionFile) throws -> Bool {
        guard userIsNamed, session.user != user else { return true }
        if passphraseFD == nil, !PassphraseReader.hasTerminal {
            throw DomainError("This terminal's session is \(session.user)'s, but --user (or COHORT_USER) names \(user): a session serves only its own user. Give \(user)'s passphrase (--passphrase-fd N, or at a terminal), or leave out --user to act as \(session.user). Nothing was changed.")
        }
        return false
    }

    /// The key of user `name`, unlocked with their passphrase; a wrong one is audited and counted, the
    /// fifth in a row locks signing (21 CFR 11.300(d)).
    /// `passphrase` when the screens asked for it already (else it is read as `--passphrase-fd` or the terminal gives it).
    func unlockWithPassphrase(_ store: JSONFileStore, name: String, passphrase given: String? = nil) throws -> UnlockedKey {
        try requireKnownKeys(store)
        guard let user = try store.user(name) else {
            throw DomainError("This store has users and \(name) is not one of them: give --user NAME of a user on the delegation log (`cohort user list`). Nothing was changed.")
        }
        if user.disabled != nil { throw DomainError("\(name) was disabled on \(user.disabled ?? "") and can change nothing. Nothing was changed.") }
        // The only PI's lock lapses after a fixed time, so nobody locks the site out for good (docs/RULES.md, "Users and roles").
        let lapsed = try store.lockHasLapsed(user)
        if user.signingLocked == true && !lapsed {
            let onlyPI = user.isPIWithoutAnother(among: try store.users())
            throw DomainError("Signing is locked for \(name) after \(User.maxFailedUnlocks) wrong passphrases in a row: a PI enables it again with `cohort user enable \(name)`"
                              + (onlyPI ? ", or, as no other active PI can, it lapses \(User.lockLapseMinutes) minutes after the last wrong passphrase (\(user.signingLockedAt ?? "") UTC)" : "")
                              + ". Nothing was changed.")
        }
        let sealed = try identity { try keyFolder.sealedKey(of: user) }
        let passphrase = try given ?? PassphraseReader(descriptor: passphraseFD).read("Passphrase for \(name): ")
        do {
            let key = try UnlockedKey(user: user, privateKey: try sealed.open(passphrase: passphrase))
            if lapsed { try store.noteLockLapsed(key) } else { try store.noteUnlocked(key) }
            return key
        } catch is WrongPassphrase {
            let counted = try store.noteFailedUnlock(name)
            let count = counted.failedUnlocks ?? 0
            throw DomainError(counted.signingLocked == true
                ? "Wrong passphrase for \(name), \(count) in a row: signing is now locked until a PI enables it (`cohort user enable \(name)`). Nothing was changed."
                : "Wrong passphrase for \(name) (\(count) in a row; signing locks at \(User.maxFailedUnlocks)). Nothing was changed.")
        } catch let error as IdentityError {
            throw DomainError(error.description)
        }
    }

    /// The login the screens start with in a store with users: this terminal's session, else the user
    /// named by `--user` (or the login name, or asked for when that is not a user) and their passphrase.
    /// Nil in a store without users. The key is the store's signer from then on.
    func loginForScreens(_ store: JSONFileStore) throws -> UnlockedKey? {
        guard try store.hasUsers() else { return nil }
        var name = user
        if try store.user(name) == nil, passphraseFD == nil, let typed = try? PassphraseReader.typed("Cohort user name: ") {
            name = typed.trimmingCharacters(in: .whitespaces)
        }
        let key = try Session(storeDirectory: storeDirectory, clock: clock, user: name, scales: scales, passphraseFD: passphraseFD,
                              userIsNamed: userIsNamed || name != user).unlock(store)
        store.signer = key
        return key
    }

    /// Runs `body`, giving a key or session problem as a refusal.
    func identity<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as IdentityError { throw DomainError(error.description) }
    }
}
