/// The latest total of the protocol's primary scale.
public struct PrimaryScore: Sendable, Equatable {
    /// Scale code.
    public var scale: String
    /// Total.
    public var total: Int
    /// Total minus the baseline total, where change from baseline applies.
    public var change: Int?

    /// Creates a primary score.
    public init(scale: String, total: Int, change: Int?) { self.scale = scale; self.total = total; self.change = change }
}
