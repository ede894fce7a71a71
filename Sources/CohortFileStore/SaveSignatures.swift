import CohortDomain
import CohortIdentity
import CohortStore
import Foundation

/// What `verify` checks of each save's signature (docs/RULES.md, "Signed saves"): in a store with users,
/// every save from the first user's addition on (and every save after a chain's first signed one) carries
/// its author's signature of the chain head it ends at, made with the key that user had, while enabled;
/// and each save was within its author's role at its time (`SaveRoles`).
struct SaveSignatures {
    /// Every user on the delegation log, by name.
    let users: [String: User]
    /// When authentication was turned on (the first user's addition), or nil in a store without users.
    let since: String?
    /// Each user's roles over time, to judge each save by the role its author held then.
    let roles: SaveRoles

    /// The rules for a store with `users`, whose own files' trails (`trails`, by name) give their roles over time.
    init(users: [User], trails: [String: [AuditRecord]] = [:]) {
        self.users = Dictionary(users.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        since = users.map(\.added).min()
        roles = SaveRoles(users: users, trails: trails)
    }

    /// One problem per save of `records` (a committed chain, in order) that is unsigned where a signature is
    /// needed, signed by a key no user holds or a disabled user's, or whose signature does not match; and
    /// one per signed save outside its author's role, or save a merge applied again of such an original
    /// (its head among `signedOrigins`: the signed saves of the participant's trail and branch files).
    func problems(_ records: [AuditRecord], path: String, signedOrigins: Set<String> = []) -> [String] {
        guard since != nil || records.contains(where: { $0.signature != nil }) else { return [] }
        var problems: [String] = []
        var save: [AuditRecord] = []
        var chainSigned = false
        for (index, record) in records.enumerated() {
            save.append(record)
            guard let last = save.last, last.state != nil else { continue }
            defer { save = [] }
            let place = "\(path) " + (save.count == 1 ? "record \(last.seq)" : "records \(save[0].seq)-\(last.seq)")
                + " (saved \(last.time) as \(last.user.prefix(32)))"
            // Signed, or applied again by a merge from a signed original: the author's role is known to be theirs.
            if last.signature != nil || last.origin.map(signedOrigins.contains) == true,
               let problem = roles.problem(save, path: path, first: save.first?.prev == "genesis",
                                           before: { JSONFileStore.replay(Array(records[..<(index + 1 - save.count)]), path: path).document }) {
                problems.append(problem)
            }
            guard let signature = last.signature else {
                let needed = chainSigned || (since.map { last.time > $0 } ?? false)
                // A save a merge applied again is proven by its signed original in a branch file instead
                // (JSONFileStore.mergeProblems checks that it is there).
                if needed && !Self.mayBeUnsigned(save) && last.origin == nil {
                    problems.append("\(place): the save is not signed although the store has users (written without a user's key: forged or edited). Restore it from a backup.")
                }
                continue
            }
            chainSigned = true
            if save.contains(where: { $0.user != last.user }) {
                problems.append("\(place): the records of one save name different users (edited). Restore it from a backup.")
            }
            guard let user = users[last.user] else {
                problems.append("\(place): signed by an unknown key (no user \(last.user.prefix(32)) on the delegation log). Restore it from a backup.")
                continue
            }
            if let disabled = user.disabled, disabled <= last.time {
                problems.append("\(place): signed by a disabled key (\(user.name) was disabled on \(disabled)). Restore it from a backup.")
            } else if !SignatureCheck.isValid(base64: signature, for: AuditRecord.signedMessage(last.hash), publicKey: user.publicKey) {
                problems.append("\(place): the signature does not match (it is not \(user.name)'s signature of this save: forged, or moved from another save). Restore it from a backup.")
            }
        }
        return problems
    }

    /// A save nobody could sign: a wrong passphrase counted on a user's record (the person failed to unlock
    /// their key), which only raises the count and may lock signing (with the lock's time).
    static func mayBeUnsigned(_ save: [AuditRecord]) -> Bool {
        save.allSatisfy { record in
            guard record.subject?.hasPrefix("user:") == true, record.operation.op != .remove else { return false }
            switch record.operation.path {
            case "/failedUnlocks": return (record.operation.value?.intValue ?? 0) > (record.operation.old?.intValue ?? 0)
            case "/signingLocked": return record.operation.value == .bool(true)
            // The lock's time, from which an only PI's lock lapses (docs/RULES.md, "Users and roles").
            case "/signingLockedAt": if case .string = record.operation.value { return true } else { return false }
            default: return false
            }
        }
    }
}
