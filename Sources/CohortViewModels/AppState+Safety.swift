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
                                         fields: [Prompt.Field("Record", hint: recordIDs(subject))]))
                return []
            }
            let form = intent == .addAdverseEvent ? RecordForm.newAdverseEvent(subject: subject, today: today, now: now)
                                                  : RecordForm.newMedication(subject: subject, today: today)
            return openForm(form)
        case .markReportSent:
            let prompt = reportPrompt(subject: subject)
            overlay = .prompt(prompt)
            // Read the participant now, so the prompt checks the report before it is sent.
            let named = prompt.fields[0].text.split(separator: " ").first.map(String.init)
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
                      fields: [Prompt.Field("Adverse event", first.map { "\($0.subject) \($0.record)" } ?? subject.map { "\($0) AE" } ?? "",
                                            hint: "SUBJECT AE-ID"),
                               Prompt.Field("Sent at", now.description, hint: "YYYY-MM-DDTHH:MM, local; +HH:MM the UTC offset"),
                               Prompt.Field("Follow-up", "n", hint: "y: a follow-up after the initial report")])
    }

    /// The change a report prompt asks for, or why it cannot be read.
    func reportChange(_ prompt: Prompt) -> Result<Change, DomainError> {
        let named = prompt.value(0).split(separator: " ").map(String.init)
        guard named.count == 2 else { return .failure(DomainError("Name the adverse event as SUBJECT AE-ID, e.g. 101-0004 AE2.")) }
        do {
            let sent = try Moment(prompt.value(1), zone: zone, what: "Sent at")
            return .success(.reportAdverseEvent(subject: named[0].uppercased(), id: named[1].uppercased(), at: sent,
                                                followUp: prompt.value(2).lowercased().hasPrefix("y"), now: now))
        } catch let error as DomainError {
            return .failure(error)
        } catch {
            return .failure(DomainError("\(error)"))
        }
    }

    /// Opens the form changing the record `prompt` names, or says why not.
    mutating func editRecord(_ prompt: Prompt, subject: String) -> String? {
        guard let participant = data?.participants[subject] else { return "\(subject) is still being read; try again." }
        let id = prompt.value(0).split(separator: " ").first.map { $0.uppercased() } ?? ""
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
                form.error = "\(form.subject) is still being read; press Enter again in a moment."
            } else if let change = form.change(zone: zone, now: now) {
                // The domain's rules across fields, checked on a copy: nothing is sent until they pass.
                if let refusal = dryRun(change) { form.error = refusal } else { replaceTop(.record(form)); return [saving(change)] }
            }
        case .cancel:
            screens.removeLast()
            status = StatusLine("\(form.title): cancelled; nothing was saved.", .info)
            return []
        default:
            break
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
            status = StatusLine("Saved \(participant.subject) \(event.id). Report to the sponsor \(ReportClock.words(due: due, at: now, zone: zone)): T when sent.", .urgent)
        } else if event.followUpPending {
            status = StatusLine("Saved \(participant.subject) \(event.id). A follow-up report is now pending: T when sent.", .urgent)
        }
        if event.outcome == .fatal, participant.exit == nil {
            overlay = .prompt(Self.withdrawPrompt(participant, category: .death, adverseEvent: event.id, today: today))
        }
    }

    /// Asks for a withdrawal, with the adverse events that could be linked offered in the hint.
    static func withdrawPrompt(_ participant: Participant, category: WithdrawalCategory? = nil, adverseEvent: String? = nil,
                               today: CivilDate) -> Prompt {
        let offered = participant.adverseEvents.map { "\($0.id) \($0.term)" }.joined(separator: ", ")
        return Prompt(.withdraw(subject: participant.subject),
                      title: "Withdraw \(participant.subject): scheduled visits are cancelled (the safety follow-up stays); early termination is scheduled",
                      fields: [Prompt.Field("Category", category?.rawValue ?? "", choices: WithdrawalCategory.allCases.map(\.rawValue)),
                               Prompt.Field("Reason"), Prompt.Field("Date", today.description, hint: "YYYY-MM-DD"),
                               Prompt.Field("Screen failure", "n", hint: "y: a screen failure (in screening only)"),
                               Prompt.Field("Adverse event", adverseEvent ?? "",
                                            hint: offered.isEmpty ? "none recorded" : "for adverse-event or death: " + Text.shown(offered, longest: 50))])
    }
}

import CohortReports
