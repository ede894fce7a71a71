/// Checking a participant read from a file against its definitions: a value that no action could have
/// written (a forged score of 10¹⁸, a visit the protocol does not have) makes the file unusable, so no
/// screen or command computes with it and `verify` names it.
extension Participant {
    /// Every value outside its definition, each a short sentence; empty when the participant is sound.
    public func problems(context: StudyContext) -> [String] {
        var found: [String] = []
        if let problem = SubjectID.problem(subject) { found.append(problem) }
        if !((2...3).contains(initials.count) && initials.allSatisfy({ $0.isASCII && $0.isUppercase })) {
            found.append("initials '\(initials.prefix(8))' are not 2 or 3 capital letters")
        }
        if !(1900...9999).contains(birthYear) { found.append("birth year \(birthYear) is not possible") }
        guard let studyProtocol = context.protocols[study] else {
            return found + ["it follows study \(study.prefix(40)), which is not in this store"]
        }
        let scheduled = Set(studyProtocol.visits.map(\.code))
        var seen = Set<String>()
        for visit in visits {
            if !scheduled.contains(visit.code) { found.append("visit \(visit.code.prefix(16)) is not in protocol \(study)") }
            if !seen.insert(visit.code).inserted { found.append("visit \(visit.code.prefix(16)) is listed twice") }
        }
        // Results may also be at the participant's unscheduled visits, numbered U1, U2, … in order of entry.
        for (index, unscheduled) in unscheduledVisits.enumerated() {
            if unscheduled.code != "U\(index + 1)" { found.append("unscheduled visit \(unscheduled.code.prefix(16)) is not numbered U\(index + 1)") }
            if unscheduled.date < consentDate { found.append("unscheduled visit \(unscheduled.code.prefix(16)) is before consent") }
            if let problem = Text.problem(unscheduled.reason, what: "the reason of \(unscheduled.code.prefix(16))", longest: FreeText.maximumLength) { found.append(problem) }
        }
        let codes = scheduled.union(unscheduledVisits.map(\.code))
        for consent in consents {
            if let version = consent.icfVersion, let problem = Consent.versionProblem(version) { found.append(problem) }
            if consent.date < consentDate { found.append("a re-consent on \(consent.date) is before the first consent") }
        }
        for (id, record) in eligibility.sorted(by: { $0.key < $1.key }) {
            if studyProtocol.eligibility?.criterion(id) == nil { found.append("an eligibility answer names criterion \(id.prefix(12)), which is not in protocol \(study)") }
            if let source = record.source, let problem = Text.problem(source, what: "the source of \(id.prefix(12))", longest: FreeText.maximumLength) { found.append(problem) }
        }
        var administered = Set<String>()
        for administration in administrations {
            let key = "\(administration.visit) \(administration.scale)"
            if !administered.insert(key).inserted { found.append("\(key.prefix(40)) is recorded twice") }
            if !codes.contains(administration.visit) { found.append("scores at visit \(administration.visit.prefix(16)), which is not in protocol \(study)") }
            guard let scale = context.scales[administration.scale] else {
                found.append("scale \(administration.scale.prefix(16)) is unknown")
                continue
            }
            guard administration.items.count == scale.items.count else {
                found.append("\(key) has \(Text.count(administration.items.count, "item score")); \(scale.code) has \(Text.count(scale.items.count, "item"))")
                continue
            }
            for (value, item) in zip(administration.items, scale.items) {
                if let value, !(item.min...item.max).contains(value) {
                    found.append("\(key) item \(item.code) is \(value); it must be \(item.min)–\(item.max)")
                }
            }
        }
        for acknowledgement in acknowledgements where !codes.contains(acknowledgement.visit) {
            found.append("an acknowledgement refers to visit \(acknowledgement.visit.prefix(16)), which is not in protocol \(study)")
        }
        // A deviation is a visit's, a prohibited medication's or a late report's (an AE id).
        let recordIDs = Set(medications.map(\.id) + adverseEvents.map(\.id))
        for classified in deviationClasses where !codes.contains(classified.visit) && !recordIDs.contains(classified.visit) {
            found.append("a deviation class refers to visit \(classified.visit.prefix(16)), which is not in protocol \(study)")
        }
        // Ids are AE<n> and CM<n>, numbers rising in order of entry (an undo may leave a gap, never a repeat).
        func rising(_ ids: [String], _ kind: String) -> Bool {
            let numbers = ids.map { $0.hasPrefix(kind) ? Int($0.dropFirst(kind.count)) ?? 0 : 0 }
            return numbers.allSatisfy { $0 > 0 } && zip(numbers, numbers.dropFirst()).allSatisfy { $0 < $1 }
                && ids.allSatisfy { $0 == kind + String(Int($0.dropFirst(kind.count)) ?? 0) }
        }
        if !rising(adverseEvents.map(\.id), "AE") { found.append("adverse event ids are not AE1, AE2, … in order of entry") }
        if !rising(medications.map(\.id), "CM") { found.append("medication ids are not CM1, CM2, … in order of entry") }
        for event in adverseEvents {
            if let problem = Text.problem(event.term, what: "the term of \(event.id.prefix(16))", longest: FreeText.maximumLength) { found.append(problem) }
            if let visit = event.visit, !codes.contains(visit) { found.append("\(event.id.prefix(16)) refers to visit \(visit.prefix(16)), which is not in protocol \(study)") }
            if event.onset < consentDate { found.append("\(event.id.prefix(16)) began before consent") }
            found += event.brokenRules()
            if let hidden = FreeText.hiddenCharacter(in: event.term) {
                found.append("the term of \(event.id.prefix(16)) holds \(hidden)")
            }
        }
        for medication in medications {
            if let problem = Text.problem(medication.name, what: "the name of \(medication.id.prefix(16))", longest: FreeText.maximumLength) { found.append(problem) }
            if let end = medication.end, end < medication.start { found.append("\(medication.id.prefix(16)) ends before it starts") }
            if let hidden = FreeText.hiddenCharacter(in: medication.name) {
                found.append("the name of \(medication.id.prefix(16)) holds \(hidden)")
            }
        }
        var measured = Set<String>()
        for measurement in measurements {
            let key = "\(measurement.visit.prefix(16)) \(measurement.test.prefix(16))"
            if !measured.insert(key).inserted { found.append("\(key) is recorded twice") }
            if !codes.contains(measurement.visit) { found.append("a result at visit \(measurement.visit.prefix(16)), which is not in protocol \(study)") }
            guard let definition = context.scales.measure(measurement.test) else {
                found.append("measure \(measurement.test.prefix(16)) is unknown")
                continue
            }
            if measurement.unit != definition.unit { found.append("\(key) is in \(measurement.unit.prefix(16)), not \(definition.unit)") }
            if let value = measurement.value {
                if let problem = definition.problem(for: value) { found.append(problem) }
            } else if measurement.notDone == nil {
                found.append("\(key) has neither a value nor a reason it was not done")
            }
        }
        if let linked = exit?.adverseEvent, !adverseEvents.contains(where: { $0.id == linked }) {
            found.append("the withdrawal refers to adverse event \(linked.prefix(16)), which is not recorded")
        }
        return found
    }
}
