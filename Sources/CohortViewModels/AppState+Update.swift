import CohortDomain
import CohortReports
import Foundation

/// The update function: (state, action) → new state + effects. Pure: the run loop executes the effects
/// and feeds their outcomes back as actions.
extension AppState {
    /// Turns a key into an action through the key table and handles it.
    public mutating func handle(key: Key, table: KeyTable = .defaults) -> [Effect] {
        let context = keyContext
        if case .paste(let text) = key { return paste(text, in: context) }
        if case .pasteDiscarded(let bytes) = key { return discardPaste(of: Text.byteSize(bytes)) }
        if case .pasteHeldEndMarker(let bytes) = key {
            status = StatusLine("Paste of \(Text.byteSize(bytes)) discarded: the paste held a paste-end marker, so it was discarded whole; nothing was typed or done.", .error)
            return []
        }
        if let intent = table.intent(for: key, in: context) { return handle(.intent(intent)) }
        if case .character(let character) = key, context.takesText { return handle(.type(character)) }
        if case .resize = key { return [] }
        if context == .help { return handle(.intent(.back)) }
        status = StatusLine("\(key.label) does nothing here; ? lists the keys.", .info)
        return []
    }

    /// After the files changed on disk: what was begun on a participant saved differently since is not
    /// saved over it (an open prompt or score entry closes, saying so), and a participant on screen is read
    /// again with its trail.
    private mutating func followChanges(_ dropped: Set<String>) -> [Effect] {
        var closed: String?
        if case .prompt(let prompt)? = overlay, let subject = prompt.purpose.subject, dropped.contains(subject) {
            overlay = nil
            closed = subject
        }
        if let subject = closeEntry(ofAny: dropped) { closed = subject }
        if let closed {
            status = StatusLine("Not saved: \(closed) was changed elsewhere (another copy or the command line) while you were entering this. It now shows what is saved; look again.", .error)
        }
        // Every participant on a screen, on top or under it, is read again.
        let shown = screens.compactMap { screen -> String? in
            if case .participant(let page) = screen { return page.subject } else { return nil }
        }.filter { data?.participants[$0] == nil && data?.table.digest($0) != nil }
        return Array(Set(shown)).sorted().flatMap { [Effect.fetch(subject: $0, then: nil), .loadAudit(subject: $0)] }
    }

    /// Participants whose files changed though their digests did not (a medication that is not prohibited,
    /// a note): one on a screen is read again and compared with what it shows; one read before but no
    /// longer shown is let go, so opening it again reads the file.
    private mutating func refresh(_ reread: Set<String>) -> [Effect] {
        let held = reread.filter { data?.participants[$0] != nil }
        let shown = Set(screens.compactMap { screen -> String? in
            switch screen {
            case .participant(let page): return page.subject
            case .scoreEntry(let entry): return entry.subject
            case .record(let form): return form.subject
            default: return nil
            }
        } + [overlaySubject].compactMap { $0 })
        for subject in held where !shown.contains(subject) { data?.participants[subject] = nil }
        return held.filter(shown.contains).sorted().map { Effect.refresh(subject: $0) }
    }

    /// The participant an open prompt is about, if any.
    private var overlaySubject: String? {
        if case .prompt(let prompt)? = overlay { return prompt.purpose.subject }
        return nil
    }

    /// Closes a score entry or record form on top begun on one of `subjects` (what was typed was for data
    /// that has changed: it is never saved over it); returns the subject when one closed.
    private mutating func closeEntry(ofAny subjects: Set<String>) -> String? {
        let subject: String
        switch screen {
        case .scoreEntry(let entry): subject = entry.subject
        case .record(let form): subject = form.subject
        default: return nil
        }
        guard subjects.contains(subject), screens.count > 1 else { return nil }
        screens.removeLast()
        return subject
    }

    /// A paste goes into the focused text field only, as typed text: line breaks and tabs become spaces
    /// and other control characters are dropped, so nothing in it can submit, move or run an action.
    private mutating func paste(_ text: String, in context: KeyContext) -> [Effect] {
        // Longer than any field takes: dropped whole, never typed in part (docs/RULES.md, "Subject IDs and free text").
        if text.count > FreeText.maximumLength || text.utf8.count > FreeText.maximumBytes {
            return discardPaste(of: text.utf8.count < 1024 ? Text.count(text.count, "character") : Text.byteSize(text.utf8.count))
        }
        guard context.takesText else {
            status = StatusLine("A paste goes only into a text field; nothing was done.", .info)
            return []
        }
        var effects: [Effect] = []
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" { effects += handle(.type(" ")); continue }
            guard !Text.isControl(scalar) else { continue }
            effects += handle(.type(Character(scalar)))
        }
        return effects
    }

    /// An over-long paste: nothing of it is typed or run, and the status line says so.
    private mutating func discardPaste(of size: String) -> [Effect] {
        status = StatusLine("Paste of \(size) discarded: a field takes at most \(FreeText.maximumLength) characters (\(FreeText.maximumBytes) bytes); nothing was typed or done.", .error)
        return []
    }

    /// Handles one action.
    public mutating func handle(_ action: Action) -> [Effect] {
        switch action {
        case .loaded(let snapshot):
            load(snapshot)
            reportUnreadable(snapshot.unreadable)
            return snapshot.isFullyChecked ? [] : [.checkFiles]
        case .checked(let table, let unreadable, let reread):
            let dropped = takeChecked(table)
            data?.unreadable = unreadable
            reportUnreadable(unreadable)
            return followChanges(dropped) + refresh(reread.subtracting(dropped)) + (table == nil ? [] : summaryRecordsEffects())
        case .refreshed(let participant):
            // Only a participant that reads differently from the one shown is taken as changed elsewhere
            // (this copy's own save also changes its file).
            guard let held = data?.participants[participant.subject], held != participant else { return [] }
            data?.participants[participant.subject] = nil
            return followChanges([participant.subject])
        case .fetched(let participant, let intent):
            replace(participant)
            return intent.map { handle(.intent($0)) } ?? []
        case .saved(let change, let participant, let before, let undoable):
            return saved(change, participant: participant, before: before, undoable: undoable) + summaryRecordsEffects()
        case .stale(let change, let latest):
            // Show what is saved now and say so: the user looks again and decides. Typed scores were for
            // the old data, so the entry closes onto the participant as saved — unless what changed is not
            // what they are about (the visit and this scale read as before): then they stay, to be saved again.
            let basis = data?.participants[latest.subject]
            replace(latest)
            offeredForm = nil
            if case .scoreEntry(let entry) = screen, entry.subject == latest.subject, let basis,
               basis.visit(entry.visit) == latest.visit(entry.visit),
               basis.administration(visit: entry.visit, scale: entry.scale) == latest.administration(visit: entry.visit, scale: entry.scale) {
                status = StatusLine("Not saved yet: \(latest.subject) was changed elsewhere, but not \(entry.visit) or its \(entry.scale). Your items are kept: Enter saves them on what is saved now.", .error)
                return []
            }
            _ = closeEntry(ofAny: [latest.subject])
            status = StatusLine("Not saved: \(latest.subject) was changed elsewhere (another copy or the command line) since this screen read it. It now shows what is saved; check it and do it again (\(change)).", .error)
            return []
        case .failed(let message):
            status = StatusLine(message, .error)
            offeredForm = nil
            // A participant view still waiting for its participant cannot show anything: it closes.
            if case .participant(let page) = screen, data?.participants[page.subject] == nil { screens.removeLast() }
            if case .enrollment(var form) = screen {
                form.error = message
                replaceTop(.enrollment(form))
            }
            if case .record(var form) = screen {
                form.error = message
                replaceTop(.record(form))
            }
            return []
        case .summaryRecordsLoaded(let day, let records):
            takeSummaryRecords(records, day: day)
            return []
        case .auditLoaded(let subject, let records, let problems):
            if case .participant(var page) = screen, page.subject == subject {
                page.audit = records
                replaceTop(.participant(page))
            }
            if let problem = problems.first {
                status = StatusLine("\(subject)'s audit trail does not verify: \(problem) (cohort verify lists every problem)", .error)
            }
            return []
        case .resized(let rows):
            pageRows = max(1, rows)
            return []
        case .clock(let moment):
            now = moment
            return []
        case .type(let character):
            return type(character)
        case .intent(let intent):
            return perform(intent)
        }
    }

    // MARK: - Intents by context

    private mutating func perform(_ intent: Intent) -> [Effect] {
        switch overlay {
        case .help?:
            overlay = nil
            return []
        case .prompt(let prompt)?:
            return promptIntent(intent, prompt)
        case nil:
            break
        }
        status = nil
        switch screen {
        case .review: return reviewIntent(intent)
        case .participant(let page): return participantIntent(intent, page)
        case .scoreEntry(let entry): return scoreIntent(intent, entry)
        case .enrollment(let form): return enrollmentIntent(intent, form)
        case .summary(let page): return summaryIntent(intent, page)
        case .roster(let page): return rosterIntent(intent, page)
        case .record(let form): return recordIntent(intent, form)
        }
    }

    private mutating func reviewIntent(_ intent: Intent) -> [Effect] {
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
        case .completeVisit, .markMissed, .rescheduleVisit, .enterScores:
            guard let entry = selectedEntry else { return nothingSelected() }
            guard let participant = data?.participants[entry.subject] else { return [.fetch(subject: entry.subject, then: intent)] }
            guard let studyProtocol = data?.context.protocols[participant.study],
                  let visit = try? participant.plannedVisit(entry.visit.code, studyProtocol) else { return nothingSelected() }
            return visitIntent(intent, participant: participant, visit: visit)
        case .filterSubjects:
            overlay = .prompt(Prompt(.filter, title: "Filter by subject ID or initials (Esc clears)", fields: [Prompt.Field("Subject", filter)]))
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
        case .jumpToParticipant:
            overlay = .prompt(Self.jumpPrompt)
        case .showHelp:
            overlay = .help(.review)
        case .undo:
            return undo()
        case .quit:
            return [.quit]
        default:
            break
        }
        return []
    }

    private mutating func participantIntent(_ intent: Intent, _ page: ParticipantPage) -> [Effect] {
        guard let data, let participant = data.participants[page.subject],
              let studyProtocol = data.context.protocols[participant.study] else {
            // Still being read: only the way out works.
            if intent == .back { screens.removeLast() } else { status = StatusLine("Still reading \(page.subject)…", .info) }
            return []
        }
        if let effects = safetyIntent(intent, subject: participant.subject) { return effects }
        let visits = participant.visitsInDateOrder(studyProtocol)
        var page = page
        switch intent {
        case .moveDown: page.selection = min(page.selection + 1, max(0, visits.count - 1))
        case .moveUp: page.selection = max(page.selection - 1, 0)
        case .pageDown:
            // At most as far as there are lines below the timeline (sections, events, medications, measures, scales, trail).
            let lines = 10 + participant.adverseEvents.count + participant.medications.count
                + Set(participant.measurements.map(\.test)).count + Set(studyProtocol.visits.flatMap(\.scales)).count + (page.audit?.count ?? 0)
            page.scroll = min(page.scroll + max(1, pageRows / 2), max(0, lines - pageRows / 2))
        case .pageUp: page.scroll = max(0, page.scroll - max(1, pageRows / 2))
        case .completeVisit, .markMissed, .rescheduleVisit, .enterScores:
            guard visits.indices.contains(page.selection) else { return nothingSelected() }
            return visitIntent(intent, participant: participant, visit: visits[page.selection])
        case .acknowledgeFlag:
            guard let flag = participant.unacknowledgedUrgentFlags(context: data.context).first else {
                status = StatusLine("\(participant.subject) has no urgent flag waiting for acknowledgement.", .info)
                return []
            }
            overlay = .prompt(Self.acknowledgePrompt(subject: participant.subject, flag: flag))
        case .noteDeviation:
            // The selected visit's deviation; else a prohibited medication's or a late report's not classified yet.
            let unclassifiedMedication = (participant.medications.map(\.id) + participant.adverseEvents.map(\.id)).first { id in
                participant.deviation(at: id, studyProtocol) != nil && participant.deviationClass(at: id) == nil
            }
            let selected = visits.indices.contains(page.selection) ? visits[page.selection].code : nil
            guard let code = selected.flatMap({ participant.deviation(at: $0, studyProtocol) == nil ? nil : $0 }) ?? unclassifiedMedication,
                  let deviation = participant.deviation(at: code, studyProtocol) else {
                status = StatusLine("The selected visit has no protocol deviation to classify.", .info)
                return []
            }
            overlay = .prompt(Self.classifyPrompt(subject: participant.subject, visit: code, kind: deviation.kind,
                                                  classified: participant.deviationClass(at: code)))
        case .randomizeParticipant:
            guard studyProtocol.blinded else {
                status = StatusLine("\(studyProtocol.id) is open-label: the arm was recorded at enrollment.", .info)
                return []
            }
            overlay = .prompt(Prompt(.randomize(subject: participant.subject),
                                     title: "Randomize \(participant.subject): the number from the sponsor's system",
                                     fields: [Prompt.Field("Number", hint: "1-20 of A-Z a-z 0-9 -"), Prompt.Field("Date", today.description, hint: "YYYY-MM-DD")]))
        case .withdrawParticipant:
            overlay = .prompt(Self.withdrawPrompt(participant, today: today))
        case .addUnscheduledVisit, .correctEnrollment, .recordReconsent:
            overlay = .prompt(Self.enrollmentPrompt(intent, participant, today: today))
        case .enterMeasures:
            guard visits.indices.contains(page.selection) else { return nothingSelected() }
            let visit = visits[page.selection]
            guard visit.status == .completed else {
                status = StatusLine("\(participant.subject) \(visit.code) is \(visit.status.rawValue): complete it first (c), then enter measures.", .error)
                return []
            }
            // The visit's required measures, or every measure at a visit that requires none or is unscheduled.
            let tests = visit.definition.requiredMeasures.isEmpty || visit.unscheduled != nil ? data.context.scales.measures.map(\.code) : visit.definition.requiredMeasures
            screens.append(.record(.measures(subject: participant.subject, visit: visit.code, tests: tests, participant: participant,
                                             catalog: data.context.scales)))
            return []
        case .assessMeasure:
            overlay = .prompt(assessPrompt(participant, studyProtocol: studyProtocol))
        case .undo: return undo()
        case .jumpToParticipant: overlay = .prompt(Self.jumpPrompt)
        case .back: screens.removeLast()
        case .showHelp: overlay = .help(.participant)
        default: break
        }
        if case .participant = screen { replaceTop(.participant(page)) }
        return []
    }

    /// Complete, missed, reschedule and scores work the same from the review and the participant view.
    private mutating func visitIntent(_ intent: Intent, participant: Participant, visit: PlannedVisit) -> [Effect] {
        let subject = participant.subject
        let name = "\(subject) \(visit.code) \(visit.definition.name)"
        switch intent {
        case .completeVisit:
            overlay = .prompt(Prompt(.complete(subject: subject, visit: visit.code), title: "Complete \(name) (window \(visit.window.shortDescription))",
                                     fields: [Prompt.Field("Date", today.description, hint: "YYYY-MM-DD"),
                                              Prompt.Field("Reason", hint: "only to change a saved date or a missed visit")]))
        case .markMissed:
            overlay = .prompt(Prompt(.miss(subject: subject, visit: visit.code), title: "Mark \(name) missed",
                                     fields: [Prompt.Field("Reason"), Prompt.Field("Date", today.description, hint: "YYYY-MM-DD")]))
        case .rescheduleVisit:
            overlay = .prompt(Prompt(.reschedule(subject: subject, visit: visit.code), title: "Reschedule \(name) (window \(visit.window.shortDescription))",
                                     fields: [Prompt.Field("New date", visit.scheduled.description, hint: "YYYY-MM-DD"),
                                              Prompt.Field("Reason", hint: "required outside the window")]))
        case .enterScores:
            guard visit.status == .completed else {
                status = StatusLine("\(subject) \(visit.code) is \(visit.status.rawValue): complete it first (c), then enter scores.", .error)
                return []
            }
            guard let catalog = data?.context.scales else { return [] }
            if visit.unscheduled != nil {
                // Any scale may be recorded at an unscheduled visit: which one is asked first.
                overlay = .prompt(Self.unscheduledScalePrompt(subject: subject, visit: visit.code, participant: participant, context: data?.context))
                return []
            }
            guard !visit.definition.scales.isEmpty else {
                guard !visit.definition.requiredMeasures.isEmpty else {
                    status = StatusLine("\(subject) \(visit.code) has no scales or measures to enter.", .info)
                    return []
                }
                screens.append(.record(.measures(subject: subject, visit: visit.code, tests: visit.definition.requiredMeasures,
                                                 participant: participant, catalog: catalog)))
                return []
            }
            screens.append(.scoreEntry(ScoreEntry.start(subject: subject, visit: visit.code, scales: visit.definition.scales,
                                                        index: 0, participant: participant, catalog: catalog)))
            // Who rates is asked once per visit, the last initials offered.
            overlay = .prompt(Prompt(.rater(subject: subject, visit: visit.code), title: "Rater for \(subject) \(visit.code): your initials",
                                     fields: [Prompt.Field("Rater", raterInitials ?? "", hint: "2 or 3 letters")]))
        default:
            break
        }
        return []
    }

    private mutating func summaryIntent(_ intent: Intent, _ page: SummaryPage) -> [Effect] {
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
                status = StatusLine("Select an urgent flag (j/k) to acknowledge it.", .info)
                return []
            }
            // The acknowledgement is checked against the whole participant: read it first.
            guard data?.participants[flag.subject] != nil else { return [.fetch(subject: flag.subject, then: intent)] }
            overlay = .prompt(Self.acknowledgePrompt(subject: flag.subject, flag: flag))
        case .noteDeviation:
            guard items.indices.contains(page.selection), case .deviation(let deviation, let classified) = items[page.selection] else {
                status = StatusLine("Select a deviation (j/k) to classify it.", .info)
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
        default: break
        }
        replaceTop(.summary(page))
        if summaryCache?.summary.date != page.day {
            refreshSummary()
            return summaryRecordsEffects()
        }
        return []
    }

    private mutating func rosterIntent(_ intent: Intent, _ page: RosterPage) -> [Effect] {
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
            overlay = .prompt(Prompt(.search, title: "Search: subject, initials, study, status or randomization (Esc clears)",
                                     fields: [Prompt.Field("Search", page.query)]))
        case .jumpToParticipant:
            overlay = .prompt(Self.jumpPrompt)
        case .back:
            screens.removeLast()
            refreshRoster()
            return []
        case .showHelp:
            overlay = .help(.roster)
        default: break
        }
        replaceTop(.roster(page))
        return []
    }

    /// Where a cursor at `selection` in a list of `count` rows goes for a move intent; nil for other intents.
    private func moving(_ selection: Int, _ intent: Intent, count: Int) -> Int? {
        let last = max(0, count - 1)
        switch intent {
        case .moveDown: return min(selection + 1, last)
        case .moveUp: return max(selection - 1, 0)
        case .pageDown: return min(selection + pageRows, last)
        case .pageUp: return max(selection - pageRows, 0)
        case .moveTop: return 0
        case .moveBottom: return last
        default: return nil
        }
    }

    /// Opens the participant view of `subject`, on the visit `code` when given; a participant not read in
    /// full yet is read first (the view says so meanwhile).
    private mutating func open(_ subject: String, at code: String? = nil) -> [Effect] {
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
                                   fields: [Prompt.Field("Subject", hint: "e.g. 101-0042 or 42")])

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
        case 0: return .failure(DomainError("No participant \(Text.shown(typed)); p lists them all."))
        default:
            let named = ending.prefix(4).joined(separator: ", ") + (ending.count > 4 ? ", …" : "")
            return .failure(DomainError("\(ending.count) subject IDs end in \(Text.shown(typed)) (\(named)); type more of it."))
        }
    }

    // MARK: - Prompts

    private mutating func promptIntent(_ intent: Intent, _ prompt: Prompt) -> [Effect] {
        var prompt = prompt
        switch intent {
        case .cancel:
            offeredForm = nil
            if case .undo(let entry) = prompt.purpose { undoStack.append(entry) } // not undone: still there to undo
            if prompt.purpose == .filter { filter = ""; refreshReview() }
            if prompt.purpose == .search { search("") }
            overlay = nil
            return []
        case .nextField: prompt.focus = (prompt.focus + 1) % prompt.fields.count
        case .previousField: prompt.focus = (prompt.focus + prompt.fields.count - 1) % prompt.fields.count
        case .deleteBackward, .clearField:
            if intent == .clearField { prompt.fields[prompt.focus].text = "" }
            else if !prompt.fields[prompt.focus].text.isEmpty { prompt.fields[prompt.focus].text.removeLast() }
            if prompt.purpose == .filter { filter = prompt.fields[0].text; refreshReview() }
            if prompt.purpose == .search { search(prompt.fields[0].text) }
        case .submit:
            return submit(prompt)
        default:
            break
        }
        overlay = .prompt(prompt)
        return []
    }

    private mutating func submit(_ prompt: Prompt) -> [Effect] {
        var prompt = prompt
        func date(_ index: Int) -> CivilDate? {
            guard let parsed = CivilDate(prompt.value(index)) else {
                prompt.error = "\(prompt.fields[index].label) '\(prompt.value(index))' is not a real date; write YYYY-MM-DD."
                prompt.focus = index
                return nil
            }
            do { return try parsed.refusedIfTooLate(prompt.fields[index].label) } catch let error as DomainError {
                prompt.error = error.message
                prompt.focus = index
                return nil
            } catch { return nil }
        }
        func optional(_ index: Int) -> String? { prompt.value(index).isEmpty ? nil : prompt.value(index) }
        let change: Change?
        switch prompt.purpose {
        case .filter, .search:
            overlay = nil
            return []
        case .reportSent:
            switch reportChange(prompt) {
            case .success(let report):
                // A participant not read yet is checked by the store alone (its refusal comes back on the status line).
                guard data?.participants[report.subject] != nil else {
                    overlay = nil
                    return [.apply(report, basis: nil)]
                }
                change = report
            case .failure(let error):
                prompt.error = error.message
                change = nil
            }
        case .assess(let subject):
            switch assessChange(prompt, subject: subject) {
            case .success(let assessment):
                change = assessment
            case .failure(let error):
                prompt.error = error.message
                change = nil
            }
        case .editRecord(let subject):
            if let problem = editRecord(prompt, subject: subject) {
                prompt.error = problem
                overlay = .prompt(prompt)
            }
            return []
        case .jump:
            switch resolveSubject(prompt.value(0)) {
            case .success(let subject):
                overlay = nil
                return open(subject)
            case .failure(let error):
                prompt.error = error.message
                overlay = .prompt(prompt)
                return []
            }
        case .rater:
            let initials = prompt.value(0).uppercased()
            guard (2...3).contains(initials.count), initials.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                prompt.error = "The rater's initials are 2 or 3 letters."
                overlay = .prompt(prompt)
                return []
            }
            raterInitials = initials
            if case .scoreEntry(var entry) = screen {
                entry.rater = initials
                replaceTop(.scoreEntry(entry))
            }
            overlay = nil
            return []
        case .complete(let subject, let visit):
            change = date(0).map { .complete(subject: subject, visit: visit, date: $0, reason: optional(1)) }
        case .miss(let subject, let visit):
            change = date(1).map { .miss(subject: subject, visit: visit, date: $0, reason: prompt.value(0)) }
        case .reschedule(let subject, let visit):
            change = date(0).map { .reschedule(subject: subject, visit: visit, date: $0, reason: optional(1)) }
        case .withdraw(let subject):
            let category = WithdrawalCategory(rawValue: prompt.value(0).lowercased())
            if category == nil {
                prompt.error = "Category: one of " + WithdrawalCategory.allCases.map(\.rawValue).joined(separator: ", ") + "."
                prompt.focus = 0
            }
            let screenFailure = prompt.value(3).lowercased().hasPrefix("y")
            let adverseEvent = optional(4)?.uppercased()
            change = category.flatMap { category in
                date(2).map { .withdraw(subject: subject, date: $0, category: category, reason: prompt.value(1), screenFailure: screenFailure,
                                        adverseEvent: adverseEvent) }
            }
        case .randomize(let subject):
            change = date(1).map { .randomize(subject: subject, number: prompt.value(0), date: $0) }
        case .unscheduled(let subject):
            change = date(0).map { .addUnscheduledVisit(subject: subject, date: $0, reason: prompt.value(1)) }
        case .reconsent(let subject):
            change = date(1).map { .reconsent(subject: subject, version: prompt.value(0), date: $0) }
        case .correct(let subject):
            guard let participant = data?.participants[subject] else { return [] }
            change = date(3).flatMap { consent in
                date(4).map { baseline in
                    .correct(subject: subject, correction: EnrollmentCorrection.from(participant, initials: prompt.value(0), birthYear: prompt.value(1),
                                                                                     sex: prompt.value(2), consent: consent, baseline: baseline),
                             reason: prompt.value(5))
                }
            }
        case .unscheduledScale(let subject, let visit):
            guard let participant = data?.participants[subject], let catalog = data?.context.scales else { return [] }
            guard let scale = catalog[prompt.value(0).uppercased()] ?? catalog[prompt.value(0)] else {
                prompt.error = "Scale: one of " + catalog.all.map(\.code).joined(separator: ", ") + "."
                overlay = .prompt(prompt)
                return []
            }
            overlay = .prompt(Prompt(.rater(subject: subject, visit: visit), title: "Rater for \(subject) \(visit): your initials",
                                     fields: [Prompt.Field("Rater", raterInitials ?? "", hint: "2 or 3 letters")]))
            screens.append(.scoreEntry(ScoreEntry.start(subject: subject, visit: visit, scales: [scale.code], index: 0, participant: participant,
                                                        catalog: catalog)))
            return []
        case .acknowledge(let subject, let visit, let flag):
            change = .acknowledge(subject: subject, visit: visit, flag: flag, action: prompt.value(0))
        case .classify(let subject, let visit):
            let classification = DeviationClass(rawValue: prompt.value(0).lowercased())
            if classification == nil || classification == .unclassified {
                prompt.error = "Class: minor or major."
                prompt.focus = 0
            }
            change = classification.map { .classifyDeviation(subject: subject, visit: visit, classification: $0, note: optional(1), reason: optional(2)) }
        case .undo(let entry):
            change = .revert(subject: entry.after.subject, to: entry.before, expected: entry.after, description: entry.description,
                             reason: prompt.value(0))
        case .scoreReason(let entry):
            change = .score(subject: entry.subject, visit: entry.visit, scale: entry.scale, items: entry.values, date: nil, rater: entry.rater,
                            reason: prompt.value(0))
        }
        guard let change else {
            overlay = .prompt(prompt)
            return []
        }
        if let refusal = dryRun(change) {
            prompt.error = refusal
            overlay = .prompt(prompt)
            offeredForm = nil
            return []
        }
        overlay = nil
        return [saving(change)]
    }

    /// Asks what was done about an urgent flag: an acknowledgement is audited with the action taken.
    static func acknowledgePrompt(subject: String, flag: VisitFlag) -> Prompt {
        Prompt(.acknowledge(subject: subject, visit: flag.visit, flag: flag.flag),
               title: "Acknowledge \(flag.flag) for \(subject) at \(flag.visit): what was done?",
               fields: [Prompt.Field("Action taken", hint: "e.g. PI assessed; 1:1 observation")])
    }

    /// Asks the class (and a note) of a deviation; a reason too when it changes one already given.
    static func classifyPrompt(subject: String, visit: String, kind: DeviationKind, classified: DeviationClassification?) -> Prompt {
        Prompt(.classify(subject: subject, visit: visit), title: "Classify the \(kind.rawValue) deviation of \(subject) \(visit)",
               fields: [Prompt.Field("Class", classified?.classification.rawValue ?? "", choices: DeviationClass.allCases.map(\.rawValue)),
                        Prompt.Field("Note", classified?.note ?? ""),
                        Prompt.Field("Reason", hint: classified == nil ? "optional" : "needed to change a class or note")])
    }

    /// The effect that saves `change`, checked against the participant as this screen shows it, so a
    /// participant saved differently meanwhile (another copy, the command line) is never overwritten.
    func saving(_ change: Change) -> Effect {
        if case .revert = change { return .apply(change, basis: nil) } // an undo checks what it expects itself
        return .apply(change, basis: data?.participants[change.subject])
    }

    /// Checks a change against the domain rules on a copy, so a prompt can say what is wrong before anything
    /// is sent to the store (which applies the same rules again under its lock).
    func dryRun(_ change: Change) -> String? {
        guard let data, var participant = data.participants[change.subject] else { return "\(change.subject) is not loaded." }
        do {
            // Numbers held by others are checked by the store when it saves; the screen checks the rest.
            _ = try change.apply(to: &participant, in: ChangeEnvironment(context: data.context, today: today, user: user, site: UnknownSite()))
            return nil
        } catch let error as DomainError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    // MARK: - Typing

    private mutating func type(_ character: Character) -> [Effect] {
        if case .prompt(var prompt)? = overlay {
            guard !character.isNewline, character.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) else { return [] }
            prompt.fields[prompt.focus].text.append(character)
            prompt.error = nil
            overlay = .prompt(prompt)
            if prompt.purpose == .filter { filter = prompt.fields[0].text; refreshReview() }
            if prompt.purpose == .search { search(prompt.fields[0].text) }
            return []
        }
        switch screen {
        case .scoreEntry(let entry): return typeScore(character, entry)
        case .record(let form): typeInRecord(character, form)
        case .enrollment(var form):
            guard form.enrolled == nil, !character.isNewline else { return [] }
            form.values[form.focus, default: ""].append(character)
            form.touched.insert(form.focus)
            form.error = nil
            replaceTop(.enrollment(form))
        default: break
        }
        return []
    }

    // MARK: - Results

    private mutating func saved(_ change: String, participant: Participant, before: Participant?, undoable: Bool) -> [Effect] {
        replace(participant)
        let context = data?.context
        let urgent = context.map { participant.unacknowledgedUrgentFlags(context: $0) } ?? []
        let wasRaised = { (flag: VisitFlag) in context.flatMap { c in before?.unacknowledgedUrgentFlags(context: c).contains(flag) } ?? false }
        if let flag = urgent.first(where: { !wasRaised($0) }) {
            status = StatusLine("Saved. URGENT: \(flag.flag) for \(flag.subject) at \(flag.visit) — act now, then acknowledge it (a in the participant view).", .urgent)
        } else if let studyProtocol = context?.protocols[participant.study],
                  let created = participant.deviationsCreated(since: before, studyProtocol).first, let words = created.deviationWords {
            // A late or early completion is a deviation: said at once, not found later on the page.
            status = StatusLine("Saved: \(change). Protocol deviation (unclassified): \(participant.subject) \(created.code) \(words) — n on the participant page classifies it.", .error)
        } else {
            status = StatusLine("Saved: \(change).", .saved)
        }
        if let before, undoable, before != participant {
            undoStack.append(UndoEntry(description: change, before: before, after: participant))
        }
        switch screen {
        case .scoreEntry(let entry) where entry.subject == participant.subject:
            advanceScale(entry, participant: participant)
        case .record(let form) where form.subject == participant.subject:
            recordSaved(form, participant: participant)
        case .participant where offeredForm?.subject == participant.subject:
            if let form = offeredForm { screens.append(.record(form)) }
            offeredForm = nil
        case .enrollment(var form) where before == nil:
            form.enrolled = participant
            replaceTop(.enrollment(form))
            if let warning = Self.ageWarning(participant, context: context) { status = StatusLine("Saved: \(change). Warning: \(warning).", .error) }
        case .participant(let page) where page.subject == participant.subject:
            // A corrected birth year or consent warns like an enrollment does.
            if let before, before.birthYear != participant.birthYear || before.consentDate != participant.consentDate,
               let warning = Self.ageWarning(participant, context: context) {
                status = StatusLine("Saved: \(change). Warning: \(warning).", .error)
            }
            return [.loadAudit(subject: page.subject)]
        default:
            break
        }
        return []
    }

    private mutating func undo() -> [Effect] {
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
                                 fields: [Prompt.Field("Reason")]))
        return []
    }

    // MARK: - Helpers

    /// Narrows the open roster to `query` as it is typed; the cursor goes back to the top.
    private mutating func search(_ query: String) {
        guard case .roster(var page) = screen else { return }
        page.query = query
        page.selection = 0
        replaceTop(.roster(page))
        roster?.search(query)
    }

    private mutating func changeDay(to new: CivilDate) {
        day = new
        selection = 0
        refreshReview(keepingSelection: false)
    }

    private mutating func reportUnreadable(_ subjects: [String]) {
        guard !subjects.isEmpty else { return }
        let named = subjects.prefix(5).joined(separator: ", ") + (subjects.count > 5 ? " and \(subjects.count - 5) more" : "")
        status = StatusLine("Not shown, their files could not be read: \(named). `cohort verify` says what is wrong; nothing was changed.", .error)
    }

    private mutating func nothingSelected() -> [Effect] {
        status = StatusLine("No visit is selected.", .info)
        return []
    }

    /// Replaces the screen on top.
    mutating func replaceTop(_ screen: Screen) {
        screens[screens.count - 1] = screen
    }
}
