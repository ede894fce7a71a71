import CohortDomain
import CohortReports

/// The end-of-day summary: its days, its items (urgent flags, deviations) and what they lead to.
extension AppState {
    /// The intents the summary handles.
    static let summaryIntents: Set<Intent> = [
        .moveDown, .moveUp, .pageDown, .pageUp, .acknowledgeFlag, .noteDeviation, .previousDay, .nextDay, .jumpToParticipant, .back, .showHelp,
    ]

    /// A key on the summary.
    mutating func summaryIntent(_ intent: Intent, _ page: SummaryPage) -> [Effect] {
        var page = page
        let items = summary(for: page.day)?.1 ?? []
        switch intent {
        case .moveDown: page.selection = min(page.selection + 1, max(0, items.count - 1)); page.followsSelection = true
        case .moveUp: page.selection = max(page.selection - 1, 0); page.followsSelection = true
        case .pageDown:
            page.followsSelection = false
            // At most as far as the summary's lines go (its sections and the names three to a line).
            var lines = 0
            if let (figures, _) = summary(for: page.day), let table = data?.table {
                let sections = SummaryReport(summary: figures, table: table, site: "").sections
                lines = sections.reduce(0) { total, section in total + 1 + section.lines.count }
            }
            page.scroll = min(page.scroll + max(1, pageRows / 2), max(0, lines - pageRows / 2))
        case .pageUp: page.scroll = max(0, page.scroll - max(1, pageRows / 2)); page.followsSelection = false
        case .previousDay: page.day = page.day.adding(days: -1); page.selection = 0; page.scroll = 0
        case .nextDay: page.day = page.day.adding(days: 1); page.selection = 0; page.scroll = 0
        case .acknowledgeFlag:
            guard items.indices.contains(page.selection), case .urgentFlag(let flag) = items[page.selection] else {
                status = StatusLine("Select an urgent flag (\(key(.moveDown, in: .summary))/\(key(.moveUp, in: .summary))) to acknowledge it.", .info)
                return []
            }
            // The acknowledgement is checked against the whole participant: read it first.
            guard data?.participants[flag.subject] != nil else { return [.fetch(subject: flag.subject, then: intent)] }
            overlay = .prompt(Self.acknowledgePrompt(subject: flag.subject, flag: flag))
        case .noteDeviation:
            guard items.indices.contains(page.selection), case .deviation(let deviation, let classified) = items[page.selection] else {
                status = StatusLine("Select a deviation (\(key(.moveDown, in: .summary))/\(key(.moveUp, in: .summary))) to classify it.", .info)
                return []
            }
            // The class is checked against the whole participant before it is sent, as from the participant view.
            guard data?.participants[deviation.subject] != nil else { return [.fetch(subject: deviation.subject, then: intent)] }
            overlay = .prompt(Self.classifyPrompt(subject: deviation.subject, visit: deviation.visit, kind: deviation.kind, classified: classified))
        case .jumpToParticipant:
            overlay = .prompt(Self.jumpPrompt)
        case .showHelp:
            overlay = .help(.summary)
        case .back:
            screens.removeLast()
            refreshSummary()
            return []
        default: return doesNothing(intent)
        }
        replaceTop(.summary(page))
        if summaryCache?.summary.date != page.day {
            refreshSummary()
            return summaryRecordsEffects()
        }
        return []
    }
}
