import CohortDomain

/// The roster (every participant, searchable): its keys and its search.
extension AppState {
    /// The intents the roster handles.
    static let rosterIntents: Set<Intent> = [
        .moveDown, .moveUp, .pageDown, .pageUp, .moveTop, .moveBottom, .openParticipant, .filterSubjects, .jumpToParticipant,
        .addAdverseEvent, .addMedication, .markReportSent, .back, .showHelp,
    ]

    /// A key on the roster.
    mutating func rosterIntent(_ intent: Intent, _ page: RosterPage) -> [Effect] {
        var page = page
        if let moved = moving(page.selection, intent, count: roster?.shown.count ?? 0) {
            page.selection = moved
            replaceTop(.roster(page))
            return []
        }
        if let effects = safetyIntent(intent, subject: roster?.row(at: page.selection)?.subject) { return effects }
        switch intent {
        case .openParticipant:
            guard let row = roster?.row(at: page.selection) else {
                status = StatusLine("No participant is selected.", .info)
                return []
            }
            return open(row.subject)
        case .filterSubjects:
            overlay = .prompt(Prompt(.search, title: "Search: subject, initials, study, status or randomization (\(key(.cancel, in: .prompt)) clears)",
                                     fields: [Prompt.Field(.search, "Search", page.query)]))
        case .jumpToParticipant:
            overlay = .prompt(Self.jumpPrompt)
        case .back:
            screens.removeLast()
            refreshRoster()
            return []
        case .showHelp:
            overlay = .help(.roster)
        default:
            return doesNothing(intent)
        }
        replaceTop(.roster(page))
        return []
    }

    /// Narrows the open roster to `query` as it is typed; the cursor goes back to the top.
    mutating func search(_ query: String) {
        guard case .roster(var page) = screen else { return }
        page.query = query
        page.selection = 0
        replaceTop(.roster(page))
        roster?.search(query)
    }
}
