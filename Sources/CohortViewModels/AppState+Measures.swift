import CohortDomain

/// Vital signs, lab values and ECG measures on screen (docs/RULES.md, "Vital signs, lab values and ECG measures"): entered after a visit's scales (or
/// with `V`), each value's flag shown as it is typed; `C` records the investigator's assessment of an
/// out-of-range value, and a clinically significant one offers its adverse event.
extension AppState {
    /// What field `index` of a measures form says as typed: why Enter would refuse it, or its flag against
    /// the range that will be used and an alert (`HIGH (normal 60–100), ALERT`); nil for other forms and fields.
    public func measureNote(_ form: RecordForm, field index: Int) -> MeasureNote? {
        guard case .measures(let visit) = form.kind, form.fields.indices.contains(index),
              let value = Quantity(form.fields[index].text.trimmingCharacters(in: .whitespaces)),
              let data, let participant = data.participants[form.subject], let studyProtocol = data.context.protocols[participant.study],
              let definition = data.context.scales.measure(form.fields[index].label) else { return nil }
        // What Enter would refuse is said first.
        if let problem = definition.problem(for: value) { return MeasureNote(text: problem, refused: true, outOfRange: false, alert: false) }
        var trial = participant
        let saved = participant.measurement(visit: visit, test: definition.code)
        trial.measurements.removeAll { $0.visit == visit && $0.test == definition.code }
        trial.measurements.append(Measurement(visit: visit, test: definition.code, value: value, unit: definition.unit,
                                              date: saved?.date ?? today, range: saved?.range))
        guard let appended = trial.measurements.last else { return nil }
        let reading = trial.reading(appended, studyProtocol: studyProtocol, catalog: data.context.scales)
        let flag = reading.flag.map { $0 == .normal ? "normal" : $0.rawValue.uppercased() } ?? ""
        let precision = definition.precisionWarning(for: value).map { "; " + $0 } ?? ""
        return MeasureNote(text: flag + (reading.range.map { " (normal \($0))" } ?? "") + (reading.alert ? ", ALERT" : "") + precision, refused: false,
                           outOfRange: reading.flag?.isOutOfRange == true, alert: reading.alert)
    }

    /// Asks which out-of-range result is assessed (the first awaiting one filled in), and how.
    func assessPrompt(_ participant: Participant, studyProtocol: StudyProtocol) -> Prompt {
        let awaiting = data.map { participant.measureReadings(studyProtocol, catalog: $0.context.scales).filter(\.awaitsAssessment) } ?? []
        let first = awaiting.first.map { "\($0.measurement.visit) \($0.measurement.test)" } ?? ""
        let others = awaiting.map { "\($0.measurement.visit) \($0.measurement.test) \($0.measurement.value?.description ?? "")" }
        return Prompt(.assess(subject: participant.subject), title: "Clinical significance of an out-of-range value of \(participant.subject)",
                      fields: [Prompt.Field(.result, "Result", first, hint: others.isEmpty ? "VISIT TEST; none awaits" : Text.shown(others.joined(separator: ", "), longest: 50)),
                               Prompt.Field(.assessment, "Assessment", hint: "cs: clinically significant; ncs: not", choices: Significance.allCases.map(\.rawValue)),
                               Prompt.Field(.comment, "Comment", hint: "optional"),
                               Prompt.Field(.reason, "Reason", hint: "only to change an assessment already saved")])
    }

    /// The change an assessment prompt asks for; a clinically significant value also readies the adverse
    /// event form, opened once the assessment is saved.
    mutating func submitAssessment(_ prompt: inout Prompt, subject: String) -> Submission {
        let named = prompt.value(.result).split(separator: " ").map { $0.uppercased() }
        guard named.count == 2 else {
            prompt.error = "Name the result as VISIT TEST, e.g. W2 HR."
            return .refused
        }
        guard let significance = Significance(rawValue: prompt.value(.assessment).lowercased()) else {
            prompt.error = "Assessment: cs (clinically significant) or ncs (not)."
            return .refused
        }
        offeredForm = nil
        if significance == .cs, let participant = data?.participants[subject], let result = participant.measurement(visit: named[0], test: named[1]),
           let studyProtocol = data?.context.protocols[participant.study], let catalog = data?.context.scales {
            let reading = participant.reading(result, studyProtocol: studyProtocol, catalog: catalog)
            var form = RecordForm.newAdverseEvent(subject: subject, today: today, now: now)
            form.set(RecordForm.Label.term, to: "\(catalog.measure(named[1])?.name ?? named[1]) \(reading.flag == .low ? "decreased" : "increased")")
            form.set(RecordForm.Label.onset, to: result.date.description)
            form.set(RecordForm.Label.visit, to: result.visit)
            offeredForm = form
        }
        return .change(.assess(subject: subject, visit: named[0], test: named[1], significance: significance,
                               comment: prompt.optional(.comment), reason: prompt.optional(.reason)))
    }

    /// After measures are saved: what awaits the investigator, and any alert, in words.
    mutating func measuresSaved(_ visit: String, participant: Participant) {
        guard let data, let studyProtocol = data.context.protocols[participant.study] else { return }
        let readings = participant.measureReadings(studyProtocol, catalog: data.context.scales).filter { $0.measurement.visit == visit }
        let alerts = readings.filter(\.alert).map { "\($0.measurement.test) \($0.measurement.value?.description ?? "")" }
        let awaiting = readings.filter(\.awaitsAssessment).map { "\($0.measurement.test) \($0.measurement.value?.description ?? "")" }
        if !alerts.isEmpty {
            status = StatusLine("Saved. ALERT \(participant.subject) \(visit): \(alerts.joined(separator: ", ")) — tell the PI"
                                + (awaiting.isEmpty ? "." : "; \(key(.assessMeasure, in: .participant)) assesses the values out of range."), .urgent)
        } else if !awaiting.isEmpty {
            status = StatusLine("Saved. Out of range at \(participant.subject) \(visit): \(awaiting.joined(separator: ", ")) — \(key(.assessMeasure, in: .participant)) in the participant view assesses.", .error)
        }
    }
}

/// What a measure's field says as it is typed.
public struct MeasureNote: Equatable, Sendable {
    /// The words shown beside the field.
    public let text: String
    /// Enter would refuse the value.
    public let refused: Bool
    /// The value is outside its normal range.
    public let outOfRange: Bool
    /// The value raises a protocol alert.
    public let alert: Bool
}
