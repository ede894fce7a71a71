import CohortDomain

/// The binding JSON of `cohort visits --format json` (docs/RULES.md, "The day's lists and the summary").
public struct ReviewJSON: Encodable {
    /// One visit in a list.
    public struct Visit: Encodable, Equatable {
        let subject: String
        let visit: String
        let target: CivilDate
        let windowStart: CivilDate
        let windowEnd: CivilDate
        let scheduled: CivilDate
        let status: VisitStatus

        init(_ entry: ReviewEntry) {
            subject = entry.subject
            visit = entry.visit.code
            target = entry.visit.target
            windowStart = entry.visit.window.start
            windowEnd = entry.visit.window.end
            scheduled = entry.visit.scheduled
            status = entry.visit.status
        }
    }

    let date: CivilDate
    let today: [Visit]
    let overdue: [Visit]
    let closing: [Visit]

    /// The document for a day's review.
    public init(_ review: DayReview) {
        date = review.date
        today = review.today.map(Visit.init)
        overdue = review.overdue.map(Visit.init)
        closing = review.closing.map(Visit.init)
    }
}

/// The day's review as plain text for a terminal or a printout.
public enum ReviewText {
    /// Three titled sections with aligned columns.
    public static func render(_ review: DayReview, context: StudyContext) -> String {
        func section(_ title: String, _ entries: ReviewList) -> String {
            guard !entries.isEmpty else { return "\(title): none" }
            let rows = [["SUBJECT", "INIT", "VISIT", "DAY", "SCHEDULED", "WINDOW", "STATE", "FORMS", "PRIMARY"]]
                + entries.map { ReviewRow(entry: $0, on: review.date, context: context).cells }
            return "\(title) (\(entries.count))\n" + Columns.render(rows)
        }
        return ["Visit review for \(review.date)",
                section("Today", review.today),
                section("Overdue", review.overdue),
                section("Window closing", review.closing)].joined(separator: "\n\n")
    }
}
