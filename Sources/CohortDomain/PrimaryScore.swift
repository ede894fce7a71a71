/// A total of the protocol's primary scale, with the day it was administered.
public struct PrimaryScore: Sendable, Equatable {
    /// Scale code.
    public var scale: String
    /// Total.
    public var total: Int
    /// Total minus the baseline total, where change from baseline applies.
    public var change: Int?
    /// The administration's date.
    public var date: CivilDate

    /// Creates a primary score.
    package init(scale: String, total: Int, change: Int?, date: CivilDate) {
        self.scale = scale; self.total = total; self.change = change; self.date = date
    }
}
