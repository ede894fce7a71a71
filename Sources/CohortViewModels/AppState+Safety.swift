import CohortDomain

/// Adverse events, medications and reports to the sponsor on screen (docs/RULES.md, "Adverse events and medications"): `A` and `M` open a
/// one-screen form, `E` changes a record with a reason, `T` records a report as sent.
extension AppState {
    /// Handles the safety keys for `subject` (the selected or shown participant); nil for other intents.
    mutating func safetyIntent(_ intent: Intent, subject: String?) -> [Effect]? {
        switch intent {
        case .addAdverseEvent, .addMedication, .editRecord:
            guard let subject else {
                status = StatusLine("Select a participant first.", .info)
                return []
            }
            if intent == .editRecord {
                overlay = .prompt(Prompt(.editRecord(subject: subject), title: "Change which record of \(subject)?",
                                         fields: [Prompt.Field(.record, "Record", hint: recordIDs(subject))]))
                return []
            }
            let form = intent == .addAdverseEvent ? RecordForm.newAdverseEvent(subject: subject, today: today, now: now)
                                                  : RecordForm.newMedication(subject: subject, today: today)
            return openForm(form)
        case .markReportSent:
            let prompt = reportPrompt(subject: subject)
            overlay = .prompt(prompt)
            // Read the participant now, so the prompt checks the report before it is sent.
            let named = prompt.value(.adverseEvent).split(separator: " ").first.map(String.init)
            return named.flatMap { data?.participants[$0] == nil && data?.table.digest($0) != nil ? [.fetch(subject: $0, then: nil)] : nil } ?? []
        default:
            return nil
        }
    }

    /// Pushes `form`; its participant is read first if it is not yet (the rules are checked against it).
    private mutating func openForm(_ form: RecordForm) -> [Effect] {
        screens.append(.record(form))
        return data?.participants[form.subject] == nil ? [.fetch(subject: form.subject, then: nil)] : []
    }

    /// The AE and CM ids of `subject`, as a hint.
    private func recordIDs(_ subject: String) -> String {
        guard let participant = data?.participants[subject] else { return "AE1, CM1, …" }
        let ids = participant.adverseEvents.map { "\($0.id) \($0.term)" } + participant.medications.map { "\($0.id) \($0.name)" }
        return ids.isEmpty ? "none recorded yet" : Text.shown(ids.joined(separator: ", "), longest: 60)
    }

    /// Asks which report was sent and when: the most pressing report of `subject` (or of the site) filled in.
    private func reportPrompt(subject: String?) -> Prompt {
        let alerts = (data?.table.safetyAlerts ?? []).filter { $0.kind == .report && (subject == nil || $0.subject == subject) }
        let first = alerts.min { ($0.due?.minutes ?? .max) < ($1.due?.minutes ?? .max) }
        return Prompt(.reportSent, title: "A report sent to the sponsor: which adverse event, and when",
                      fields: [Prompt.Field(.adverseEvent, "Adverse event", first.map { "\($0.subject) \($0.record)" } ?? subject.map { "\($0) AE" } ?? "",
                                            hint: "SUBJECT AE-ID"),
                               Prompt.Field(.sentAt, "Sent at", now.description, hint: "YYYY-MM-DDTHH:MM, local; +HH:MM the UTC offset"),
                               Prompt.Field(.followUp, "Follow-up", "n", hint: "y: a follow-up after the initial report")])
    }

    /// The change a report prompt asks for, or why it cannot be read.
    func reportChange(_ prompt: Prompt) -> Result<Change, DomainError> {
        let named = prompt.value(.adverseEvent).split(separator: " ").map(String.init)
        guard named.count == 2 else { return .failure(DomainError("Name the adverse event as SUBJECT AE-ID, e.g. 101-0004 AE2.")) }
        do {
            let sent = try Moment(prompt.value(.sentAt), zone: zone, what: "Sent at")
            return .success(.reportAdverseEvent(subject: named[0].uppercased(), id: named[1].uppercased(), at: sent,
                                                followUp: prompt.value(.followUp).lowercased().hasPrefix("y"), now: now))
        } catch let error as DomainError {
            return .failure(error)
        } catch {
            return .failure(DomainError("\(error)"))
        }
    }

    /// Opens the form changing the record `prompt` names, or says why not.
    mutating func editRecord(_ prompt: Prompt, subject: String) -> String? {
        guard let participant = data?.participants[subject] else { return "\(subject) is still being read; try again." }
        let id = prompt.value(.record).split(separator: " ").first.map { $0.uppercased() } ?? ""
        if let event = participant.adverseEvents.first(where: { $0.id == id }) {
            overlay = nil
            _ = openForm(.editing(event, subject: subject))
        } else if let medication = participant.medications.first(where: { $0.id == id }) {
            overlay = nil
            _ = openForm(.editing(medication, subject: subject))
        } else {
            return "\(subject) has no record \(Text.shown(id)); its records: \(recordIDs(subject))."
        }
        return nil
    }

    /// The answer to a safety prompt: the report sent (checked by the store alone when its participant is
    /// not read yet), or the record to change.
    mutating func submitSafety(_ prompt: inout Prompt) -> Submission {
        switch prompt.purpose {
        case .reportSent:
            switch reportChange(prompt) {
            case .success(let report):
                // A participant not read yet is checked by the store alone (its refusal comes back on the status line).
                guard data?.participants[report.subject] != nil else {
                    overlay = nil
                    return .effects([.apply(report, basis: nil)])
                }
                return .change(report)
            case .failure(let error):
                prompt.error = error.message
                return .refused
            }
        case .editRecord(let subject):
            if let problem = editRecord(prompt, subject: subject) {
                prompt.error = problem
                return .refused
            }
            return .effects([])
        default:
            return .refused
        }
    }
}
