/// The store's idle time (docs/RULES.md, "The idle lock"): minutes without a key after which the screens
/// lock and a command-line session is let go; 1 to 60, 15 unless a PI set another.
public enum IdleTime {
    /// The idle time of a store that has none set.
    public static let defaultMinutes = 15
    /// The idle times a PI may set.
    public static let allowed = 1...60

    /// `minutes` when allowed, else a refusal saying what is.
    public static func checked(_ minutes: Int) throws -> Int {
        guard allowed.contains(minutes) else {
            throw DomainError("The idle time must be \(allowed.lowerBound) to \(allowed.upperBound) minutes, not \(minutes). Nothing was changed.")
        }
        return minutes
    }
}
