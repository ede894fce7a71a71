import CohortDomain

/// The screens' idle lock in a store with users (docs/RULES.md, "The idle lock"): after the store's idle
/// time without a key, everything is hidden until the logged-in user types their passphrase again.
public struct IdleLock: Equatable, Sendable {
    /// The logged-in user, whose passphrase unlocks.
    public let user: String
    /// Minutes without a key before the screens lock (the store's idle time).
    public let minutes: Int
    /// When the last key was pressed (nil until the first clock tick or key).
    public var lastKey: Moment?
    /// Whether the screens are locked now.
    public var isLocked = false
    /// The passphrase typed so far while locked (never shown: the screen draws one dot per character).
    public var typed = ""

    /// A lock for `user` after `minutes` without a key.
    public init(user: String, minutes: Int) { self.user = user; self.minutes = minutes }

    /// Whether the idle time has passed at `now` since the last key.
    func hasExpired(at now: Moment) -> Bool {
        guard let lastKey else { return false }
        return now.minutes - lastKey.minutes >= minutes
    }
}
