/// A participant's visit as it appears in the day's lists.
public struct ReviewEntry: Sendable, Equatable {
    /// The participant (for initials, scores, flags).
    public let participant: Participant
    /// The visit with its derived dates.
    public let visit: PlannedVisit

    /// Subject ID.
    public var subject: String { participant.subject }
}

/// The daily visit review (§2.1, §3.5): today's visits, the overdue backlog and windows closing soon.
public struct DayReview: Sendable, Equatable {
    /// The day reviewed.
    public let date: CivilDate
    /// Visits scheduled on the day, any status but cancelled, by subject.
    public let today: [ReviewEntry]
    /// Visits still scheduled whose window ended before the day, oldest window end first.
    public let overdue: [ReviewEntry]
    /// Visits still scheduled, not on the day, whose window is open and ends within two days.
    public let closing: [ReviewEntry]

    /// How many days ahead a closing window is shown.
    public static let closingHorizon = 2

    /// Builds the lists for `date`.
    public init(date: CivilDate, participants: [Participant], context: StudyContext) {
        var today: [ReviewEntry] = [], overdue: [ReviewEntry] = [], closing: [ReviewEntry] = []
        for participant in participants {
            guard let studyProtocol = context.protocols[participant.study] else { continue }
            for visit in participant.plannedVisits(studyProtocol) {
                let entry = ReviewEntry(participant: participant, visit: visit)
                if visit.scheduled == date && visit.status != .cancelled { today.append(entry) }
                guard visit.status == .scheduled else { continue }
                if visit.window.end < date {
                    overdue.append(entry)
                } else if visit.scheduled != date, visit.window.start <= date,
                          visit.window.end <= date.adding(days: DayReview.closingHorizon) {
                    closing.append(entry)
                }
            }
        }
        self.init(date: date, today: today, overdue: overdue, closing: closing)
    }

    /// Lists already in §5 order (the index keeps them so).
    init(date: CivilDate, inOrder today: [ReviewEntry], overdue: [ReviewEntry], closing: [ReviewEntry]) {
        self.date = date
        self.today = today
        self.overdue = overdue
        self.closing = closing
    }

    /// Orders lists gathered in any order (§5: today by subject, overdue and closing by window end).
    init(date: CivilDate, today: [ReviewEntry], overdue: [ReviewEntry], closing: [ReviewEntry]) {
        self.date = date
        func byWindowEnd(_ a: ReviewEntry, _ b: ReviewEntry) -> Bool {
            (a.visit.window.end, a.subject, a.visit.target) < (b.visit.window.end, b.subject, b.visit.target)
        }
        self.today = today.sorted { ($0.subject, $0.visit.target) < ($1.subject, $1.visit.target) }
        self.overdue = overdue.sorted(by: byWindowEnd)
        self.closing = closing.sorted(by: byWindowEnd)
    }
}
