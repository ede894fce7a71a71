import CohortDomain
import CohortStore
import Foundation

/// What `verify` checks of each signed save's role (docs/RULES.md, "Signed saves"): in a store with users, a
/// save was made by a user whose role on the delegation log, at the save's time, allowed it. A signature
/// proves who made a save, not that it was theirs to make: a user with their own key and the files can
/// append a save no command would have let them make.
struct SaveRoles {
    /// Each user's roles over time: after each save of their file (its time), the role it left them with.
    let history: [String: [(time: String, role: Role)]]
    /// The store's first user, the one user who added themselves (the PI who turned authentication on).
    let firstUser: String?

    /// The roles of `users`, each from their own file's trail (`trails`, by name) where it can be read, else
    /// the role their file holds now. A role counts from a save that could give it: the user's addition, or
    /// a save signed by another user who was a PI then; a role a user gave themselves, or that an unsigned or
    /// non-PI save wrote, does not count (`verify` names that save).
    init(users: [User], trails: [String: [AuditRecord]]) {
        func histories(_ signerIsPI: (String, String) -> Bool) -> [String: [(time: String, role: Role)]] {
            var history: [String: [(time: String, role: Role)]] = [:]
            for user in users {
                let changes = Self.roles(of: user.name, in: trails[user.name] ?? [], signerIsPI: signerIsPI)
                history[user.name] = changes.isEmpty ? [(user.added, user.role)] : changes
            }
            return history
        }
        // First every role as written, to know who was a PI when; then only the roles a PI gave.
        let written = histories { _, _ in true }
        history = histories { signer, time in Self.role(of: signer, at: time, in: written) == .pi }
        // The first added; of two added in the same millisecond, the one nobody added.
        firstUser = users.min { ($0.added, $0.addedBy == nil ? 0 : 1, $0.name) < ($1.added, $1.addedBy == nil ? 0 : 1, $1.name) }?.name
    }

    /// The role each save of `name`'s trail left them with, in the trail's order (the trail replayed save by
    /// save): the role added with, then each change made by a signed save of another user for whom
    /// `signerIsPI(user, time)` holds; a later save that gives no role keeps the one before.
    static func roles(of name: String, in records: [AuditRecord], signerIsPI: (String, String) -> Bool) -> [(time: String, role: Role)] {
        var document = JSONValue.emptyObject, roles: [(time: String, role: Role)] = []
        for record in records {
            guard (try? JSONPatch.apply(record.operation, to: &document)) != nil else { return roles }
            guard record.state != nil, let role = Self.role(in: document) else { continue }
            if roles.isEmpty {
                roles.append((record.time, role))
            } else if role != roles.last?.role, record.signature != nil, record.user != name, signerIsPI(record.user, record.time) {
                roles.append((record.time, role))
            }
        }
        return roles
    }

    /// The role a user's data holds, if any.
    private static func role(in user: JSONValue) -> Role? { user["role"]?.stringValue.flatMap(Role.init(rawValue:)) }

    /// The role `user` held at `time` (UTC, ISO-8601): the one their last save of their file at or before it
    /// left; a time before their addition (another machine's clock behind this one's) takes the role they
    /// were added with. Nil for a name not on the delegation log.
    func role(of user: String, at time: String) -> Role? { Self.role(of: user, at: time, in: history) }

    /// `role(of:at:)` in `history`.
    private static func role(of user: String, at time: String, in history: [String: [(time: String, role: Role)]]) -> Role? {
        guard let roles = history[user], let first = roles.first else { return nil }
        return roles.last(where: { $0.time <= time })?.role ?? first.role
    }

    /// The problem with one signed save (`save`, its records), or nil when it was within its author's role or
    /// cannot be judged (an author not on the log, a participant save after its enrollment without a change
    /// value this version reads). `first`: the save begins its chain; `before` gives the chain's data before it.
    func problem(_ save: [AuditRecord], path: String, first: Bool, before: () -> JSONValue) -> String? {
        guard let last = save.last, let role = role(of: last.user, at: last.time) else { return nil }
        let outside = { (who: String, what: String) in
            "\(path) record \(last.seq) (saved \(last.time)\(last.origin == nil ? "" : ", applied again by a merge")): a save by \(last.user.prefix(32)) (\(role.title)) that only \(who) may make (\(what)). It is outside their role on the delegation log at that time: no command saves it, so it was written to the files directly. Review it with the PI; restore the file and its trail from a backup taken before it."
        }
        switch last.subject {
        case nil:
            // Store-wide: a day summary's signature is an investigator's; protocols and settings the PI's.
            let signing = save.allSatisfy { $0.operation.path == "/summarySignatures" || $0.operation.path.hasPrefix("/summarySignatures/") }
            let needed: Role = signing ? .investigator : .pi
            return role.covers(needed) ? nil : outside(Role.who(needed), signing ? "sign a day's summary" : "add protocols or change the store's settings")
        case let subject? where subject.hasPrefix(Ledger.userChainPrefix):
            return userProblem(save, user: String(subject.dropFirst(Ledger.userChainPrefix.count)), role: role, before: before).map { outside("the PI", $0) }
        default:
            // An enrollment records no change value: a coordinator's at least, as every participant save.
            if first && save.last?.change == nil {
                return role.covers(.coordinator) ? nil : outside(Role.who(.coordinator), "enroll participants")
            }
            return participantProblem(save, role: role, before: before).map { outside($0.whoMayMake, "\($0.actionName): \($0.description)") }
        }
    }

    /// The change of a participant save its author's role did not allow, or nil.
    private func participantProblem(_ save: [AuditRecord], role: Role, before: () -> JSONValue) -> Change? {
        // The PI may make every change: their saves need no change value decoded.
        guard role != .pi, let value = save.last?.change, let recorded = RecordedChange(value: value) else { return nil }
        let changes: [Change]
        switch recorded.change {
        case .recordConflict(_, let conflict):
            // A merge records a conflict under the name of the author of the change it could not apply: that
            // change is what their role must allow (docs/RULES.md, "Merging and conflicts").
            changes = conflict.change.map { [$0] } ?? []
        case .resolveConflict:
            let open = before()["conflicts"].flatMap { try? JSONValueDecoder.decode([SyncConflict].self, from: $0) } ?? []
            changes = recorded.change.changesToAllow(conflicts: open)
        default:
            changes = [recorded.change]
        }
        return changes.first { !$0.isAllowed(for: role) }
    }

    /// What a save of user `name`'s file did that only a PI may do, or nil (docs/RULES.md, "Users and roles"):
    /// a PI changes users; a user's own signed saves are the first user's addition of themselves as the PI,
    /// and the count of wrong passphrases set back (a lapsed lock lifted: a PI's own).
    private func userProblem(_ save: [AuditRecord], user name: String, role: Role, before: () -> JSONValue) -> String? {
        guard let last = save.last else { return nil }
        if last.user != name { return role == .pi ? nil : "change users: \(name)" }
        let previous = before()
        if Self.role(in: previous) == nil {
            var added = previous
            for record in save { try? JSONPatch.apply(record.operation, to: &added) }
            return name == firstUser && Self.role(in: added) == .pi ? nil : "add users: \(name) added themselves"
        }
        let bookkeeping = ["/failedUnlocks", "/signingLocked", "/signingLockedAt"]
        guard save.allSatisfy({ bookkeeping.contains($0.operation.path) }) else { return "change users: \(name) changed their own record" }
        let liftsLock = save.contains { $0.operation.path == "/signingLocked" }
        return liftsLock && role != .pi ? "lift a signing lock: only a PI's own lock lapses" : nil
    }
}
