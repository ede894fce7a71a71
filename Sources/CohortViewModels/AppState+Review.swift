import CohortDomain

/// The daily review (the screen at the bottom): its keys, its filter, opening a participant by ID, and undo.
extension AppState {
    /// The intents the review handles.
    static let reviewIntents: Set<Intent> = [
        .moveDown, .moveUp, .pageDown, .pageUp, .moveTop, .moveBottom, .openParticipant, .completeVisit, .markMissed, .rescheduleVisit,
        .enterScores, .enroll, .showRoster, .showSummary, .filterSubjects, .undo, .addAdverseEvent, .addMedication, .markReportSent,
        .jumpToParticipant, .previousDay, .nextDay, .backToToday, .showQueue, .syncStore, .resolveConflict, .showHelp, .quit,
    ]

    /// A key on the review.
    mutating func reviewIntent(_ intent: Intent) -> [Effect] {
        if let moved = moving(selection, intent, count: review.count) {
            selection = moved
            return []
        }
        // T names the report the banner shows pending (the most pressing), never the selected row's participant,
        // who may have none (docs/RULES.md, "Adverse events and medications").
        if let effects = safetyIntent(intent, subject: intent == .markReportSent ? nil : selectedEntry?.subject) { return effects }
        switch intent {
        case .previousDay: changeDay(to: day.adding(days: -1))
        case .nextDay: changeDay(to: day.adding(days: 1))
        case .backToToday: changeDay(to: today)
        case .openParticipant:
            guard let entry = selectedEntry else { return nothingSelected() }
            return open(entry.subject, at: entry.visit.code)
        case .resolveConflict:
            // The first participant the conflicts line names, whichever row is selected (docs/RULES.md, "Merging and conflicts").
            guard let subject = data?.table.safetyAlerts.first(where: { $0.kind == .syncConflict })?.subject else {
                status = StatusLine("No sync conflict is open.", .info)
                return []
            }
            return open(subject)
        case .completeVisit, .markMissed, .rescheduleVisit, .enterScores:
            guard let entry = selectedEntry else { return nothingSelected() }
            guard let participant = data?.participants[entry.subject] else { return [.fetch(subject: entry.subject, then: intent)] }
            guard let studyProtocol = data?.context.protocols[participant.study],
                  let visit = try? participant.plannedVisit(entry.visit.code, studyProtocol) else { return nothingSelected() }
            return visitIntent(intent, participant: participant, visit: visit)
        case .filterSubjects:
            overlay = .prompt(Prompt(.filter, title: "Filter by subject ID or initials (\(key(.cancel, in: .prompt)) clears)",
                                     fields: [Prompt.Field(.subject, "Subject", filter)]))
        case .enroll:
            guard let data else { return [] }
            let subject = SubjectID.next(after: data.table.subjects, site: data.siteNumber)
            screens.append(.enrollment(EnrollmentForm(nextSubject: subject, today: today, protocols: data.context.sortedProtocols)))
        case .showSummary:
            screens.append(.summary(SummaryPage(day: day)))
            refreshSummary()
            return summaryRecordsEffects()
        case .showRoster:
            screens.append(.roster(RosterPage()))
            refreshRoster()
        case .showQueue:
            screens.append(.queue(QueuePage()))
            return [.loadQueue]
        case .syncStore:
            // The progress line is drawn before the sync runs (docs/RULES.md, "Several machines").
            status = StatusLine("Syncing with the remote: commit, fetch, merge, push…", .info)
            return [.sync]
        case .jumpToParticipant:
            overlay = .prompt(Self.jumpPrompt)
        case .showHelp:
            overlay = .help(.review)
        case .undo:
            return undo()
        case .quit:
            return [.quit]
        default:
            return doesNothing(intent)
        }
        return []
    }

    /// The review's filter as it is typed (or cleared): the rows narrow at once.
    mutating func applyFilter(_ typed: String) {
        filter = typed
        refreshReview()
    }

    private mutating func changeDay(to new: CivilDate) {
        day = new
        selection = 0
        refreshReview(keepingSelection: false)
    }

    /// Where a cursor at `selection` in a list of `count` rows goes for a move intent; nil for other intents.
    func moving(_ selection: Int, _ intent: Intent, count: Int) -> Int? {
        let last = max(0, count - 1)
        switch intent {
        case .moveDown: return min(selection + 1, last)
        case .moveUp: return max(selection - 1, 0)
        case .pageDown: return min(selection + pageRows, last)
        case .pageUp: return max(selection - pageRows, 0)
        case .moveTop: return 0
        case .moveBottom: return last
        default: return nil // not a move: the caller's own switch handles it
        }
    }

    mutating func nothingSelected() -> [Effect] {
        status = StatusLine("No visit is selected.", .info)
        return []
    }

    // MARK: - Opening a participant

    /// Opens the participant view of `subject`, on the visit `code` when given; a participant not read in
    /// full yet is read first (the view says so meanwhile).
    mutating func open(_ subject: String, at code: String? = nil) -> [Effect] {
        var page = ParticipantPage(subject: subject)
        if let participant = data?.participants[subject] {
            page.selection = data?.context.protocols[participant.study]
                .flatMap { participant.visitsInDateOrder($0).firstIndex { $0.code == code } } ?? 0
            screens.append(.participant(page))
            return [.loadAudit(subject: subject)]
        }
        page.pendingVisit = code
        screens.append(.participant(page))
        return [.fetch(subject: subject, then: nil), .loadAudit(subject: subject)]
    }

    /// Asks for a subject ID to open from anywhere.
    static let jumpPrompt = Prompt(.jump, title: "Open a participant: the subject ID, or its last digits",
                                   fields: [Prompt.Field(.subject, "Subject", hint: "e.g. 101-0042 or 42")])

    /// Opens the participant the jump prompt names, or says why not.
    mutating func submitJump(_ prompt: inout Prompt) -> Submission {
        switch resolveSubject(prompt.value(.subject)) {
        case .success(let subject):
            overlay = nil
            return .effects(open(subject))
        case .failure(let error):
            prompt.error = error.message
            return .refused
        }
    }

    /// The subject `typed` names: the ID itself, or the one ID ending in it; else why not.
    private func resolveSubject(_ typed: String) -> Result<String, DomainError> {
        let wanted = typed.uppercased()
        guard let data, !wanted.isEmpty else { return .failure(DomainError("Type a subject ID (or its last digits).")) }
        let subjects = data.table.subjects
        if data.table.index(of: wanted) != nil { return .success(wanted) }
        if data.unreadable.contains(wanted) {
            return .failure(DomainError("\(wanted)'s file cannot be read; `cohort verify` says why."))
        }
        let ending = subjects.filter { $0.hasSuffix(wanted) }
        switch ending.count {
        case 1: return .success(ending[0])
        case 0: return .failure(DomainError("No participant \(Text.shown(typed)); \(key(.showRoster, in: .review)) lists them all."))
        default:
            let named = ending.prefix(4).joined(separator: ", ") + (ending.count > 4 ? ", …" : "")
            return .failure(DomainError("\(ending.count) subject IDs end in \(Text.shown(typed)) (\(named)); type more of it."))
        }
    }

    // MARK: - Undo

    /// Takes back the last change made on screen, after asking why.
    mutating func undo() -> [Effect] {
        guard let last = undoStack.last else {
            status = StatusLine("Nothing to undo.", .info)
            return []
        }
        // The undo's dry run needs the participant as saved: from the review (which holds only digests)
        // it is read first, then the undo goes on.
        guard data?.participants[last.after.subject] != nil else { return [.fetch(subject: last.after.subject, then: .undo)] }
        undoStack.removeLast()
        // Shows what it will revert and asks why, like any change to saved data.
        overlay = .prompt(Prompt(.undo(last), title: "Undo \(last.description)? \(last.after.subject) goes back to before it. Why?",
                                 fields: [Prompt.Field(.reason, "Reason")]))
        return []
    }

    /// The revert the undo prompt asks for.
    func submitUndo(_ entry: UndoEntry, _ prompt: Prompt) -> Submission {
        .change(.revert(subject: entry.after.subject, to: entry.before, expected: entry.after, description: entry.description,
                        reason: prompt.value(.reason)))
    }
}
