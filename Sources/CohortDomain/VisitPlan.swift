/// What a visit's plan says beyond its window state: that it waits for Day 1, or that it was planned
/// outside its window (docs/RULES.md, "Visits, windows and window states"). Every list, page and report
/// says it in these words.
public struct VisitPlan: Sendable, Equatable, CustomStringConvertible {
    /// The visit comes after the baseline in protocol order and the baseline is not completed.
    public let isWaitingForDayOne: Bool
    /// Days between the scheduled date and the window (negative before it, positive after); nil inside.
    public let daysOutsideWindow: Int?

    /// The plan of a visit with `status`, `window` and `scheduled` date; nil when there is nothing to say
    /// (a visit no longer scheduled has its completion, miss or cancellation to say instead).
    public init?(status: VisitStatus, window: VisitWindow, scheduled: CivilDate, waiting: Bool) {
        let distance = window.distance(to: scheduled)
        guard status != .cancelled, waiting || (status == .scheduled && distance != 0) else { return nil }
        isWaitingForDayOne = waiting
        daysOutsideWindow = status == .scheduled && distance != 0 ? distance : nil
    }

    /// "waiting for Day 1", "planned 2 days after its window", or both.
    public var description: String {
        var words: [String] = []
        if isWaitingForDayOne { words.append("waiting for Day 1") }
        if let days = daysOutsideWindow {
            words.append("planned \(Text.count(abs(days), "day")) \(days < 0 ? "before" : "after") its window")
        }
        return words.joined(separator: "; ")
    }
}
