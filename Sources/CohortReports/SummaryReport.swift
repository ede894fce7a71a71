import CohortDomain

/// The end-of-day summary as sections a PI reads in ten seconds: safety first, then visits, scores,
/// deviations, enrollment, tomorrow. Rendered as plain text or Markdown from the same sections.
public struct SummaryReport {
    /// A titled group of lines.
    public struct Section: Equatable, Sendable {
        /// Heading.
        public let title: String
        /// Lines under it.
        public let lines: [String]
        /// Safety sections are drawn first and in colour on screen.
        public let isSafety: Bool
    }

    /// The figures.
    public let summary: DaySummary
    /// Site name for the heading.
    public let site: String
    /// Sections in reading order.
    public let sections: [Section]

    /// Builds the sections from the day's figures and the table (for urgent flags still open and deviation notes).
    public init(summary: DaySummary, table: ReviewTable, site: String) {
        self.summary = summary
        self.site = site
        var sections: [Section] = []
        let urgent = table.urgentFlags
        if !urgent.isEmpty {
            sections.append(Section(title: "URGENT — not yet acknowledged",
                                    lines: urgent.map { "\($0.subject) \($0.visit): \($0.flag) (raised \($0.date))" }, isSafety: true))
        }
        sections.append(Section(title: "Safety flags raised today",
                                lines: summary.flags.isEmpty ? ["none"] : summary.flags.map { "\($0.subject) \($0.visit): \($0.flag)" },
                                isSafety: !summary.flags.isEmpty))
        let inWindow = summary.completed - summary.completedOutOfWindow
        sections.append(Section(title: "Visits", lines: [
            "planned \(summary.planned)",
            "completed \(summary.completed) (in window \(inWindow), out of window \(summary.completedOutOfWindow))",
            "missed \(summary.missed)",
            "still pending \(summary.pending)",
            "overdue backlog \(summary.overdue)",
        ], isSafety: false))
        sections.append(Section(title: "Scores", lines: [
            "administrations entered \(summary.scoresEntered)",
            "visits with incomplete forms \(summary.incompleteVisits)",
        ], isSafety: false))
        sections.append(Section(title: "Protocol deviations", lines: summary.deviations.isEmpty ? ["none"] : summary.deviations.map { d in
            let classified = table.digest(d.subject)?.deviationClasses.first { $0.visit == d.visit }
            let what = d.days.map { "\(abs($0)) day(s) \($0 < 0 ? "early" : "late")" } ?? "missed"
            return "\(d.subject) \(d.visit): \(what) — \(classified?.classification.rawValue ?? "unclassified")" + (classified?.note.map { " (\($0))" } ?? "")
        }, isSafety: false))
        sections.append(Section(title: "Enrollment", lines: ["enrolled \(summary.enrolled)", "randomized \(summary.randomized)",
                                                          "withdrawn \(summary.withdrawn)", "screen-failed \(summary.screenFailed)"], isSafety: false))
        sections.append(Section(title: "Tomorrow", lines: ["\(summary.tomorrow) visit(s) scheduled"], isSafety: false))
        self.sections = sections
    }

    /// The heading line.
    public var heading: String { "End-of-day summary — \(site) — \(summary.date)" }

    /// Plain text, for a terminal or an e-mail body.
    public func text() -> String {
        ([heading] + sections.map { section in
            "\n" + section.title + "\n" + section.lines.map { "  " + $0 }.joined(separator: "\n")
        }).joined(separator: "\n")
    }

    /// Markdown, for a report or a chat message.
    public func markdown() -> String {
        (["# " + heading] + sections.map { section in
            "\n## " + section.title + "\n\n" + section.lines.map { "- " + $0 }.joined(separator: "\n")
        }).joined(separator: "\n")
    }
}
