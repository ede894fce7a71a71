/// A person on the site's delegation log (docs/RULES.md, "Users and roles"): their public key, full name
/// and role, and who added and disabled them. Stored as `users/NAME.json` with its own trail; never deleted.
public struct User: Codable, Equatable, Sendable {
    /// The login name (`ana`, `j.lee`): lower-case letters, digits, `.`, `-`, `_`, 2–32 characters.
    public var name: String
    /// The name signatures and the delegation log show ("Dr Ana Ruiz").
    public var fullName: String
    /// What they may change.
    public var role: Role
    /// The Ed25519 public key, base64 of its 32 raw bytes.
    public var publicKey: String
    /// Who added them (nil for the first user, who added themselves) and when (UTC).
    public var addedBy: String?
    /// When they were added (UTC, ISO-8601).
    public var added: String
    /// Set once disabled: by whom, when (UTC) and why. A disabled user changes and signs nothing.
    public var disabledBy: String?
    /// When they were disabled.
    public var disabled: String?
    /// Why they were disabled.
    public var disabledReason: String?
    /// Wrong passphrases in a row since the last right one (absent when none).
    public var failedUnlocks: Int?
    /// Set after `User.maxFailedUnlocks` wrong passphrases in a row: signing is off until a PI enables it.
    public var signingLocked: Bool?
    /// When signing was locked, or last refused a wrong passphrase while locked (UTC, ISO-8601): the lapse of
    /// an only PI's lock counts from it. Absent when not locked, and in stores written before it.
    public var signingLockedAt: String?

    /// Wrong passphrases in a row that lock a user's signing (21 CFR 11.300(d)).
    public static let maxFailedUnlocks = 5
    /// Minutes after which a PI's signing lock lapses when no other active PI could enable it
    /// (docs/RULES.md, "Users and roles").
    public static let lockLapseMinutes = 60

    /// A new, enabled user.
    public init(name: String, fullName: String, role: Role, publicKey: String, addedBy: String?, added: String) {
        self.name = name; self.fullName = fullName; self.role = role; self.publicKey = publicKey
        self.addedBy = addedBy; self.added = added
    }

    /// Whether they may change and sign now: not disabled, signing not locked.
    public var isActive: Bool { disabled == nil && signingLocked != true }

    /// How the status reads in the delegation log.
    public var status: String {
        if disabled != nil { return "disabled" }
        if signingLocked == true { return "locked" }
        return "active"
    }

    /// Why `name` cannot be a user name, or nil when it can.
    public static func nameProblem(_ name: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
        guard (2...32).contains(name.count), name.allSatisfy(allowed.contains), let first = name.first, first.isLetter else {
            return "the user name '\(name.prefix(40))' must be 2-32 characters of a-z, 0-9, '.', '-' or '_', beginning with a letter"
        }
        return nil
    }

    /// A wrong passphrase at `time` (UTC): counted, and signing locked at the fifth in a row (a later wrong
    /// one sets the lock's time again, so an only PI's lapse never lets more than five guesses an hour).
    /// Returns the reason to record.
    public mutating func noteFailedUnlock(at time: String) -> String {
        let count = (failedUnlocks ?? 0) + 1
        failedUnlocks = count
        if count >= Self.maxFailedUnlocks {
            signingLocked = true
            signingLockedAt = time
            return "wrong passphrase (\(count) in a row): signing locked until a PI enables it"
        }
        return "wrong passphrase (\(count) in a row)"
    }

    /// Whether this user's signing lock has lapsed (docs/RULES.md, "Users and roles"): the lock of a PI whom
    /// no other active PI among `users` could enable lapses `lockLapseMinutes` after it was set. `cutoff` is
    /// the UTC time that many minutes ago, in the same ISO-8601 form (so the strings compare as times); a
    /// lock written before its time was kept has lapsed.
    public func lockHasLapsed(cutoff: String, among users: [User]) -> Bool {
        guard signingLocked == true, disabled == nil, isPIWithoutAnother(among: users) else { return false }
        return (signingLockedAt ?? "") <= cutoff
    }

    /// True for a PI when no other user among `users` is an active PI (who could enable them).
    public func isPIWithoutAnother(among users: [User]) -> Bool {
        role == .pi && !users.contains { $0.name != name && $0.role == .pi && $0.isActive }
    }
}
