import CohortDomain

/// One visit as the review shows it: every column already turned into text.
public struct ReviewRow: Equatable, Sendable {
    /// Subject ID.
    public let subject: String
    /// Participant initials.
    public let initials: String
    /// Visit code and name, e.g. `W1 Week 1`.
    public let visit: String
    /// Visit code alone.
    public let visitCode: String
    /// Study day of the scheduled date, e.g. `D8`.
    public let studyDay: String
    /// Scheduled date.
    public let scheduled: String
    /// Window, e.g. `Nov 23–27`.
    public let window: String
    /// Window state in words.
    public let state: WindowState
    /// What the plan says beyond the state ("planned 2 days after its window"); nil when nothing.
    public let plan: VisitPlan?
    /// Required forms (scales and measures) entered, e.g. `2/6`.
    public let forms: String
    /// The primary score as it stood on the day shown, with change, e.g. `PANSS 74 −12`.
    public let primary: String
    /// Urgent unacknowledged safety flags of the participant.
    public let urgentFlags: [String]
    /// A measure alert of the participant waits for assessment: the row carries the warning mark too.
    public let hasOpenAlert: Bool
    /// True when the row carries the warning mark (an urgent flag or an alert waiting).
    public var isMarked: Bool { !urgentFlags.isEmpty || hasOpenAlert }

    /// Presents `entry` as of `day`.
    public init(entry: ReviewEntry, on day: CivilDate, context: StudyContext) {
        let participant = entry.participant
        let visit = entry.visit
        subject = participant.subject
        initials = participant.initials
        visitCode = visit.code
        let definition = context.protocols[participant.study].flatMap { $0.visits.indices.contains(visit.order) ? $0.visits[visit.order] : nil }
        self.visit = visit.code + (definition.map { " " + $0.name } ?? "")
        studyDay = "D" + String(StudyDay.day(of: visit.scheduled, baseline: participant.origin))
        scheduled = visit.scheduled.description
        window = visit.window.shortDescription
        state = visit.windowState(on: day)
        plan = visit.plan
        forms = "\(visit.enteredForms)/\(visit.requiredForms)"
        primary = participant.primary(on: day).map { "\($0.scale) \($0.total)" + ($0.change.map { " " + ScoreText.signed($0) } ?? "") } ?? "—"
        urgentFlags = participant.urgentFlags.map { "\($0.flag) \($0.visit)" }
        hasOpenAlert = participant.hasOpenMeasureAlert
    }

    /// The columns in display order.
    public var cells: [String] {
        [subject, initials, visit, studyDay, scheduled, window, VisitStateText.words(state, plan: plan), forms,
         primary + (urgentFlags.isEmpty ? "" : " ⚠ URGENT") + (hasOpenAlert ? " ⚠ ALERT" : "")]
    }
}

/// A visit's state as lists and pages say it: the window state, then what its plan says
/// (docs/RULES.md, "Visits, windows and window states").
public enum VisitStateText {
    /// "open", "upcoming, planned 2 days after its window", "waiting for Day 1".
    public static func words(_ state: WindowState, plan: VisitPlan?) -> String {
        guard let plan else { return state.rawValue }
        return state == .waiting ? plan.description : state.rawValue + ", " + plan.description
    }
}

/// Aligned columns by display width (the last column is not padded).
public enum Columns {
    /// Renders rows of cells.
    public static func render(_ rows: [[String]]) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { widen(&widths, toFit: row) }
        return rows.map { line($0, widths: widths) }.joined(separator: "\n")
    }

    /// Widens `widths` so that `row` fits (for rows that come one at a time).
    public static func widen(_ widths: inout [Int], toFit row: [String]) {
        for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
    }

    /// One row padded to `widths`.
    public static func line(_ row: [String], widths: [Int]) -> String {
        row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[index] - cell.count))
        }.joined(separator: "  ")
    }
}
