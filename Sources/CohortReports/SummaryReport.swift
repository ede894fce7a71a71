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

    /// Builds the sections from the day's figures and the table (for urgent flags still open and deviation
    /// notes). Every count names what it counts, three to a line under it; reports still owed are judged at
    /// the end of the day, or `now` when that is earlier.
    public init(summary: DaySummary, table: ReviewTable, site: String, now: Moment? = nil) {
        self.summary = summary
        self.site = site
        var sections: [Section] = []
        let urgent = table.urgentFlags
        if !urgent.isEmpty {
            sections.append(Section(title: "URGENT — not yet acknowledged",
                                    lines: urgent.map { "\($0.subject) \($0.visit): \($0.flag) (raised \($0.date))" }, isSafety: true))
        }
        // Reports owed to the sponsor come right after what cannot wait: the clock is running.
        if !summary.saeReports.isEmpty {
            // Serious or of special interest; past due at `now` says so.
            sections.append(Section(title: "REPORTS TO THE SPONSOR still to send",
                                    lines: summary.saeReports.map { owed in
                                        // Judged at the end of the day summarised, or now if that is earlier.
                                        let late = owed.due < min(now ?? summary.endOfDay, summary.endOfDay)
                                        return "\(owed.subject) \(owed.id): initial report " + (late ? "OVERDUE (was due \(owed.due))" : "due \(owed.due)")
                                    }, isSafety: true))
        }
        if !summary.openSafety.isEmpty {
            sections.append(Section(title: "Open safety items", lines: summary.openSafety.map { "\($0.subject) \($0.id): \($0.kind.rawValue)" },
                                    isSafety: true))
        }
        if !summary.acknowledged.isEmpty {
            sections.append(Section(title: "Urgent flags acknowledged today", lines: summary.acknowledged.map {
                "\($0.subject) \($0.visit): \($0.flag) — by \($0.user)" + ($0.action.map { ": \(Text.shown($0, longest: 80))" } ?? "")
            }, isSafety: false))
        }
        sections.append(Section(title: "Adverse events with onset today",
                                lines: summary.adverseEvents.isEmpty ? ["none"] : summary.adverseEvents.map {
                                    "\($0.subject) \($0.id): \(Text.shown($0.term, longest: 60))" + ($0.serious ? " — SERIOUS" : "")
                                }, isSafety: summary.adverseEvents.contains { $0.serious }))
        if !summary.prohibitedMedications.isEmpty {
            sections.append(Section(title: "Prohibited medications (protocol deviations)",
                                    lines: summary.prohibitedMedications.map { "\($0.subject) \($0.id): \(Text.shown($0.name, longest: 60))" }, isSafety: true))
        }
        sections.append(Section(title: "Measures out of range or raising an alert",
                                lines: summary.measureFlags.isEmpty ? ["none"] : summary.measureFlags.map {
                                    "\($0.subject) \($0.visit) \($0.test) \($0.value): \($0.flag == .normal ? "in range" : $0.flag.rawValue)" + ($0.alert ? ", ALERT" : "")
                                }, isSafety: summary.measureFlags.contains { $0.alert }))
        sections.append(Section(title: "Safety flags raised today",
                                lines: summary.flags.isEmpty ? ["none"] : summary.flags.map { "\($0.subject) \($0.visit): \($0.flag)" },
                                isSafety: !summary.flags.isEmpty))
        func named(_ label: String, _ names: [CustomStringConvertible]) -> [String] {
            Self.counted("\(label) \(names.count)", names)
        }
        sections.append(Section(title: "Visits",
                                lines: named("planned", summary.plannedVisits)
                                    + Self.counted("completed \(summary.completed) (\(summary.completedOutOfWindow) out of window)",
                                                   summary.completedVisits)
                                    + named("missed", summary.missedVisits) + named("still pending", summary.pendingVisits)
                                    + named("overdue backlog", summary.overdueVisits), isSafety: false))
        sections.append(Section(title: "Scores", lines: ["administrations entered \(summary.scoresEntered)"]
                                    + named("visits with incomplete forms", summary.incompleteVisitList), isSafety: false))
        sections.append(Section(title: "Protocol deviations", lines: summary.deviations.isEmpty ? ["none"] : summary.deviations.map { d in
            let classified = table.digest(d.subject)?.deviationClasses.first { $0.visit == d.visit }
            let what = d.days.map { "\(Text.count(abs($0), "day")) \($0 < 0 ? "early" : "late")" }
                ?? (d.kind == .lateReport ? "initial report sent late" : "missed")
            return "\(d.subject) \(d.visit): \(what) — \(classified?.classification.rawValue ?? "unclassified")" + (classified?.note.map { " (\($0))" } ?? "")
        }, isSafety: false))
        sections.append(Section(title: "Enrollment", lines: named("enrolled", summary.enrolledSubjects) + named("randomized", summary.randomizedSubjects)
                                    + named("withdrawn", summary.withdrawnSubjects) + named("screen-failed", summary.screenFailedSubjects),
                                isSafety: false))
        // Late entries would otherwise reach no summary the PI reads: they are named on the day they were made.
        if summary.readsRecords {
            sections.append(Section(title: "Entered today for earlier days",
                                    lines: summary.recordedLate.isEmpty ? ["none"] : summary.recordedLate.map(\.described), isSafety: false))
        }
        sections.append(Section(title: "Tomorrow", lines: named("scheduled", summary.tomorrowVisits), isSafety: false))
        self.sections = sections
    }

    /// A count line and the names behind it, three to a line under it.
    static func counted(_ head: String, _ names: [CustomStringConvertible]) -> [String] {
        [head] + stride(from: 0, to: names.count, by: 3).map {
            "  " + names[$0..<min($0 + 3, names.count)].map(\.description).joined(separator: ", ")
        }
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
            // Names under a count are a list nested in its item.
            "\n## " + section.title + "\n\n" + section.lines.map { $0.hasPrefix("  ") ? "  - " + $0.dropFirst(2) : "- " + $0 }.joined(separator: "\n")
        }).joined(separator: "\n")
    }
}
