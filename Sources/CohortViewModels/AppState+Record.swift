import CohortDomain
import CohortReports

/// The record form on screen (an adverse event, a medication, a visit's measures): its keys, typing, and
/// what the status line says once it is saved (docs/RULES.md, "Adverse events and medications").
extension AppState {
    /// The intents the record form handles.
    static let recordIntents: Set<Intent> = [.nextField, .previousField, .deleteBackward, .clearField, .submit, .cancel]

    /// Keys on the record form.
    mutating func recordIntent(_ intent: Intent, _ form: RecordForm) -> [Effect] {
        var form = form
        switch intent {
        case .nextField:
            form.touched.insert(form.focus)
            form.focus = (form.focus + 1) % form.fields.count
        case .previousField:
            form.touched.insert(form.focus)
            form.focus = (form.focus + form.fields.count - 1) % form.fields.count
        case .deleteBackward:
            if !form.fields[form.focus].text.isEmpty { form.fields[form.focus].text.removeLast() }
            form.touched.insert(form.focus)
            form.error = nil
        case .clearField:
            form.fields[form.focus].text = ""
            form.touched.insert(form.focus)
            form.error = nil
        case .submit:
            let problems = form.problems(zone: zone)
            if let first = problems.keys.min() {
                form.touched = Set(form.fields.indices)
                form.focus = first
                form.error = "\(form.fields[first].label): \(problems[first] ?? "")"
            } else if data?.participants[form.subject] == nil {
                form.error = "\(form.subject) is still being read; press \(key(.submit, in: .record)) again in a moment."
            } else if let change = form.change(zone: zone, now: now) {
                // The domain's rules across fields, checked on a copy: nothing is sent until they pass.
                if let refusal = dryRun(change) { form.error = refusal } else { replaceTop(.record(form)); return [saving(change)] }
            }
        case .cancel:
            screens.removeLast()
            status = StatusLine("\(form.title): cancelled; nothing was saved.", .info)
            return []
        default:
            return doesNothing(intent)
        }
        replaceTop(.record(form))
        return []
    }

    /// A character typed into the record form's focused field.
    mutating func typeInRecord(_ character: Character, _ form: RecordForm) {
        guard !character.isNewline else { return }
        var form = form
        form.fields[form.focus].text.append(character)
        form.touched.insert(form.focus)
        form.error = nil
        replaceTop(.record(form))
    }

    /// After a save from the record form: the form closes, the report clock is said in words, and a fatal
    /// outcome offers the withdrawal (category death, the AE linked).
    mutating func recordSaved(_ form: RecordForm, participant: Participant) {
        screens.removeLast()
        if case .measures(let visit) = form.kind { return measuresSaved(visit, participant: participant) }
        if form.kind == .medication, let studyProtocol = data?.context.protocols[participant.study],
           let medication = form.editing.flatMap({ id in participant.medications.first { $0.id == id } }) ?? participant.medications.last,
           SafetyRules(studyProtocol).isProhibited(medication, dayOne: participant.origin(studyProtocol)) {
            status = StatusLine("Saved \(participant.subject) \(medication.id). PROHIBITED MEDICATION: \(medication.name) is on \(studyProtocol.id)'s list — a protocol deviation; tell the PI.", .urgent)
            return
        }
        guard form.kind == .adverseEvent, let studyProtocol = data?.context.protocols[participant.study],
              let event = form.editing.flatMap({ id in participant.adverseEvents.first { $0.id == id } }) ?? participant.adverseEvents.last else { return }
        let rules = SafetyRules(studyProtocol)
        if let due = rules.reportDue(event), event.initialReport == nil {
            status = StatusLine("Saved \(participant.subject) \(event.id). Report to the sponsor \(ReportClock.words(due: due, at: now, zone: zone)): \(key(.markReportSent, in: .participant)) when sent.", .urgent)
        } else if event.followUpPending {
            status = StatusLine("Saved \(participant.subject) \(event.id). A follow-up report is now pending: \(key(.markReportSent, in: .participant)) when sent.", .urgent)
        }
        if event.outcome == .fatal, participant.exit == nil {
            overlay = .prompt(Self.withdrawPrompt(participant, category: .death, adverseEvent: event.id, today: today))
        }
    }
}
