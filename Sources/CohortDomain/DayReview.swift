/// A participant's visit as it appears in the day's lists.
public struct ReviewEntry: Sendable, Equatable {
    /// The participant's digest (for initials, scores, flags), without its visits: a row needs only
    /// `visit`, and filling in the rest for every row drawn would be wasted work in every frame.
    public let participant: ParticipantDigest
    /// The visit with its derived dates.
    public let visit: VisitDigest

    /// Subject ID.
    public var subject: String { participant.subject }
}

/// The daily visit review (docs/RULES.md, "The day's lists and the summary"): today's visits, the overdue backlog and windows closing soon.
public struct DayReview: Sendable, Equatable {
    /// The day reviewed.
    public let date: CivilDate
    /// Visits scheduled on the day, any status but cancelled, by subject.
    public let today: ReviewList
    /// Visits still scheduled whose window ended before the day, oldest window end first.
    public let overdue: ReviewList
    /// Visits still scheduled, not on the day, whose window is open and ends within two days.
    public let closing: ReviewList

    /// How many days ahead a closing window is shown.
    public static let closingHorizon = 2

    /// Builds the lists for `date` from whole participants.
    public init(date: CivilDate, participants: [Participant], context: StudyContext) {
        self = ReviewTable(participants: participants, context: context).review(on: date)
    }

    /// Lists already in their binding order (docs/RULES.md, "The day's lists and the summary"; the table keeps them so).
    init(date: CivilDate, today: ReviewList, overdue: ReviewList, closing: ReviewList) {
        self.date = date
        self.today = today
        self.overdue = overdue
        self.closing = closing
    }
}
