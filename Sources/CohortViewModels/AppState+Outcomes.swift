import CohortDomain
import Foundation

/// What the run loop reports back (a read, a check, a save, a refusal) and what the screens do with it.
extension AppState {
    /// Handles the outcome of an effect (or the clock, or a resize).
    mutating func outcome(_ action: Action) -> [Effect] {
        switch action {
        case .loaded(let snapshot):
            load(snapshot)
            reportUnreadable(snapshot.unreadable)
            // A store still being read goes on (a frame between parts); a table from the cache is checked.
            if snapshot.reading != nil { return [.readMore] }
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
            return saved(change, participant: participant, before: before, undoable: undoable) + summaryRecordsEffects() + queueEffects()
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
                status = StatusLine("Not saved yet: \(latest.subject) was changed elsewhere, but not \(entry.visit) or its \(entry.scale). Your items are kept: \(key(.submit, in: .scoreEntry)) saves them on what is saved now.", .error)
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
        case .queueLoaded(let items):
            takeQueue(items)
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
        case .type, .intent, .unlocked:
            return [] // dispatched by handle(_:) before this
        }
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

    private mutating func saved(_ change: String, participant: Participant, before: Participant?, undoable: Bool) -> [Effect] {
        replace(participant)
        let context = data?.context
        let urgent = context.map { participant.unacknowledgedUrgentFlags(context: $0) } ?? []
        let wasRaised = { (flag: VisitFlag) in context.flatMap { c in before?.unacknowledgedUrgentFlags(context: c).contains(flag) } ?? false }
        if let flag = urgent.first(where: { !wasRaised($0) }) {
            status = StatusLine("Saved. URGENT: \(flag.flag) for \(flag.subject) at \(flag.visit) — act now, then acknowledge it (\(key(.acknowledgeFlag, in: .participant)) in the participant view).", .urgent)
        } else if let studyProtocol = context?.protocols[participant.study],
                  let created = participant.deviationsCreated(since: before, studyProtocol).first, let words = created.deviationWords {
            // A late or early completion is a deviation: said at once, not found later on the page.
            status = StatusLine("Saved: \(change). Protocol deviation (unclassified): \(participant.subject) \(created.code) \(words) — \(key(.noteDeviation, in: .participant)) on the participant page classifies it.", .error)
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

    private mutating func reportUnreadable(_ subjects: [String]) {
        guard !subjects.isEmpty else { return }
        let named = subjects.prefix(5).joined(separator: ", ") + (subjects.count > 5 ? " and \(subjects.count - 5) more" : "")
        status = StatusLine("Not shown, their files could not be read: \(named). `cohort verify` says what is wrong; nothing was changed.", .error)
    }
}
