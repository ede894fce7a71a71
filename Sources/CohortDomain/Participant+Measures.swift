/// Measures on a participant (docs/RULES.md, "Vital signs, lab values and ECG measures"): results read against their ranges and the protocol's alerts,
/// recorded and corrected at completed visits, assessed by the investigator.
extension Participant {
    /// Every result of this participant read against its ranges and alerts, in visit order (an unscheduled
    /// visit after the protocol visit before it) then by test.
    public func measureReadings(_ studyProtocol: StudyProtocol, catalog: ScaleCatalog) -> [MeasureReading] {
        return measurements.sorted {
            (visitOrder($0.visit, studyProtocol), $0.test) < (visitOrder($1.visit, studyProtocol), $1.test)
        }
            .map { reading($0, studyProtocol: studyProtocol, catalog: catalog) }
    }

    /// One result read against its ranges and alerts.
    public func reading(_ measurement: Measurement, studyProtocol: StudyProtocol, catalog: ScaleCatalog) -> MeasureReading {
        let range = measurement.range ?? studyProtocol.ranges[measurement.test] ?? catalog.measure(measurement.test)?.normal
        guard let value = measurement.value else { return MeasureReading(measurement: measurement, range: range, flag: nil, alert: false) }
        // A rise is from the baseline, so only visits after it have one (as for change in scores); an
        // unscheduled visit counts from the protocol visit before it.
        let afterBaseline = studyProtocol.baselineVisit.map { visitOrder(measurement.visit, studyProtocol) > visitOrder($0.code, studyProtocol) } ?? false
        let baseline = afterBaseline ? baselineMeasurement(of: measurement.test, studyProtocol: studyProtocol)?.value : nil
        let held = studyProtocol.alerts.first { $0.test == measurement.test && $0.holds(value, upper: range?.high, baseline: baseline) }
        return MeasureReading(measurement: measurement, range: range, flag: range?.flag(value) ?? .normal, alert: held != nil,
                              alertRule: held?.words(upper: range?.high))
    }

    /// The baseline of a measure (docs/RULES.md, "Vital signs, lab values and ECG measures"): its last non-missing value dated
    /// on or before Day 1 — the baseline visit's when it has one, else the latest from a visit before it
    /// (labs drawn only at screening still have a baseline).
    public func baselineMeasurement(of test: String, studyProtocol: StudyProtocol) -> Measurement? {
        guard let baseline = studyProtocol.baselineVisit else { return nil }
        if let atBaseline = measurement(visit: baseline.code, test: test), atBaseline.value != nil { return atBaseline }
        let dayOne = origin(studyProtocol), baseOrder = visitOrder(baseline.code, studyProtocol)
        return measurements
            .filter { $0.test == test && $0.value != nil && $0.date <= dayOne && visitOrder($0.visit, studyProtocol) < baseOrder }
            .max { ($0.date, visitOrder($0.visit, studyProtocol)) < ($1.date, visitOrder($1.visit, studyProtocol)) }
    }

    /// The forms of a visit entered and required: its scales (not done does not count) and its measures
    /// (a value counts): what the review's column and the participant view show.
    public func forms(of visit: VisitDefinition) -> (entered: Int, required: Int) {
        let scales = visit.scales.filter { administration(visit: visit.code, scale: $0).map { !$0.isNotDone } ?? false }.count
        let measures = visit.requiredMeasures.filter { measurement(visit: visit.code, test: $0)?.value != nil }.count
        return (scales + measures, visit.scales.count + visit.requiredMeasures.count)
    }

    /// The result of `test` at `visit`, if recorded.
    public func measurement(visit: String, test: String) -> Measurement? {
        measurements.first { $0.visit == visit && $0.test == test }
    }

    /// Records (or, with a reason, corrects) results at a completed visit. Every entry is checked before
    /// any is kept: one refusal keeps none. A corrected value loses its assessment (it was of the old value).
    public mutating func recordMeasures(visit code: String, _ entries: [MeasureEntry], reason: String?, studyProtocol: StudyProtocol,
                                        catalog: ScaleCatalog, today: CivilDate) throws -> String? {
        let planned = try visitForEntry(code, studyProtocol)
        try planned.requireDayOne(subject, to: "have measures recorded", baseline: studyProtocol.baselineVisit?.code)
        guard planned.status == .completed, let completed = planned.record.completedDate else {
            throw DomainError("\(subject) \(code) is \(planned.status.rawValue): complete it first, then record its measures.")
        }
        guard !entries.isEmpty else { throw DomainError("No measure was given.") }
        var why: String?
        var updated = measurements
        for entry in entries {
            let definition = try catalog.measureDefinition(entry.test)
            if let unit = entry.unit, !definition.isUnit(unit) {
                throw DomainError("\(definition.code) is recorded in \(definition.unit), not \(Text.shown(unit)); convert the value to \(definition.unit).")
            }
            if let value = entry.value {
                guard entry.notDone == nil else { throw DomainError("Give \(definition.code) a value or say it was not done, not both.") }
                if let problem = definition.problem(for: value) { throw DomainError(problem) }
            }
            let notDone = try FreeText.optional(entry.notDone, what: "reason \(definition.code) was not done")
            if entry.value == nil && notDone == nil {
                throw DomainError("Give \(definition.code) a value, or say it was not done and why.")
            }
            let existing = updated.firstIndex { $0.visit == code && $0.test == definition.code }
            let date = entry.date ?? existing.map { updated[$0].date } ?? completed
            if date > today { throw DomainError("The date \(date) of \(definition.code) is after today (\(today)).") }
            if date < consentDate { throw DomainError("The date \(date) of \(definition.code) is before \(subject)'s consent (\(consentDate)).") }
            var result = Measurement(visit: code, test: definition.code, value: entry.value, unit: definition.unit, date: date,
                                     range: entry.range ?? existing.flatMap { updated[$0].range }, notDone: notDone)
            if let existing {
                let before = updated[existing]
                result.assessment = before.value == result.value && before.range == result.range ? before.assessment : nil
                // `95.0` over `95` is a correction of the text as given (docs/RULES.md, "Values as the source gives them").
                guard result != before || result.value?.description != before.value?.description else { throw DomainError("\(subject) \(code) \(definition.code) already reads so: nothing to change.") }
                why = try FreeText.required(reason, what: "reason for changing \(definition.code) at \(code) (it is saved)")
                updated[existing] = result
            } else {
                updated.append(result)
            }
        }
        measurements = updated
        return try why ?? FreeText.optional(reason, what: "reason")
    }

    /// Records the investigator's assessment of an out-of-range result.
    public mutating func assessMeasure(visit code: String, test: String, _ significance: Significance, comment: String?, reason: String? = nil,
                                       studyProtocol: StudyProtocol, catalog: ScaleCatalog, today: CivilDate, user: String) throws -> String? {
        guard let index = measurements.firstIndex(where: { $0.visit == code && $0.test == test }) else {
            throw DomainError("\(subject) has no \(Text.shown(test)) result at \(Text.shown(code)).")
        }
        let reading = reading(measurements[index], studyProtocol: studyProtocol, catalog: catalog)
        guard reading.flag?.isOutOfRange == true || reading.alert else {
            throw DomainError("\(subject) \(code) \(test) is \(reading.flag?.rawValue ?? "not done"): only a value outside its normal range, or one raising an alert, is assessed.")
        }
        let assessment = SignificanceAssessment(significance: significance, comment: try FreeText.optional(comment, what: "comment"),
                                                date: today, user: user)
        var why: String?
        if let saved = measurements[index].assessment {
            guard saved.significance != assessment.significance || saved.comment != assessment.comment else {
                throw DomainError("\(subject) \(code) \(test) is already assessed \(saved.significance.rawValue) so: nothing to change.")
            }
            why = try FreeText.required(reason, what: "reason for changing the assessment of \(test) at \(code) (it is saved)")
        }
        measurements[index].assessment = assessment
        return try why ?? FreeText.optional(reason, what: "reason")
    }
}
