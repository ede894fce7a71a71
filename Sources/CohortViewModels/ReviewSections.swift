import CohortDomain

/// The day's lists; the cursor runs through them in display order.
public struct ReviewSections: Equatable, Sendable {
    /// Scheduled on the day.
    public let today: ReviewList
    /// Window closed, not done.
    public let overdue: ReviewList
    /// Window closing within two days.
    public let closing: ReviewList

    /// The sections of a day's review.
    public init(today: ReviewList = ReviewList(), overdue: ReviewList = ReviewList(), closing: ReviewList = ReviewList()) {
        self.today = today; self.overdue = overdue; self.closing = closing
    }

    /// Rows in all three lists.
    public var count: Int { today.count + overdue.count + closing.count }

    /// The row at `position` in display order.
    public func entry(at position: Int) -> ReviewEntry? {
        locate(position).map { $0.list[$0.index] }
    }

    /// How far `position(of:near:)` looks: a change moves a visit within a few pages at most.
    static let searchRadius = 256

    /// The position of the row showing `visit` (subject, visit code), looking outward from `start`.
    func position(of visit: (String, String), near start: Int) -> Int? {
        for distance in 0...Self.searchRadius {
            for position in [start - distance, start + distance] {
                if let (list, index) = locate(position), list.visitKey(at: index) == visit { return position }
            }
        }
        return nil
    }

    private func locate(_ position: Int) -> (list: ReviewList, index: Int)? {
        var position = position
        guard position >= 0 else { return nil }
        for list in [today, overdue, closing] {
            if position < list.count { return (list, position) }
            position -= list.count
        }
        return nil
    }
}
