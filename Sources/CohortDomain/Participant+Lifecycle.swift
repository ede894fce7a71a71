/// The participant and visit lifecycle of §3.3. Each action changes the participant in place and returns
/// its audit changes; a refused action throws before changing anything.
extension Participant {
    /// Completes a visit on `date`. A missed visit, or a completed one given a new date, needs a reason.
    /// Completion outside the window is never blocked: it becomes a draft deviation.
    public mutating func complete(_ code: String, on date: CivilDate, reason: String?, studyProtocol: StudyProtocol,
                                  today: CivilDate) throws -> Mutation {
        let planned = try plannedVisit(code, studyProtocol)
        try requireInStudy(toChange: "complete \(code)")
        try requirePlausible(date, what: "completion date", today: today)
        var reasonGiven = try FreeText.optional(reason, what: "reason")
        switch planned.status {
        case .cancelled:
            throw DomainError("\(subject) visit \(code) was cancelled and cannot be completed.")
        case .completed:
            if planned.record.completedDate == date {
                throw DomainError("\(subject) visit \(code) is already completed on \(date).")
            }
            reasonGiven = try FreeText.required(reason, what: "reason to change the completion date of a completed visit")
        case .missed:
            reasonGiven = try FreeText.required(reason, what: "reason to complete a visit marked missed")
        case .scheduled:
            break
        }
        var changes = updateVisit(code) { visit in
            visit.status = .completed
            visit.completedDate = date
            visit.missedDate = nil
            visit.missedReason = nil
        }
        if planned.definition.isBaseline && status == .screening { changes += setStatus(.active) }
        changes += completeIfNothingLeft()
        return Mutation(changes: changes, reason: reasonGiven)
    }

    /// Marks a scheduled visit missed on `date`, with the reason it was missed.
    public mutating func miss(_ code: String, on date: CivilDate, reason: String?, studyProtocol: StudyProtocol,
                              today: CivilDate) throws -> Mutation {
        let planned = try plannedVisit(code, studyProtocol)
        try requireInStudy(toChange: "mark \(code) missed")
        let why = try FreeText.required(reason, what: "reason the visit was missed")
        try requirePlausible(date, what: "missed date", today: today)
        guard planned.status == .scheduled else {
            throw DomainError("\(subject) visit \(code) is \(planned.status.rawValue); only a scheduled visit can be marked missed.")
        }
        var changes = updateVisit(code) { visit in
            visit.status = .missed
            visit.missedDate = date
            visit.missedReason = why
        }
        changes += completeIfNothingLeft()
        return Mutation(changes: changes, reason: why)
    }

    /// Moves a scheduled visit to `date`; a date outside the window needs a reason.
    public mutating func reschedule(_ code: String, to date: CivilDate, reason: String?,
                                    studyProtocol: StudyProtocol) throws -> Mutation {
        let planned = try plannedVisit(code, studyProtocol)
        try requireInStudy(toChange: "reschedule \(code)")
        guard planned.status == .scheduled else {
            throw DomainError("\(subject) visit \(code) is \(planned.status.rawValue); only a scheduled visit can be rescheduled.")
        }
        guard date != planned.scheduled else { throw DomainError("\(subject) visit \(code) is already scheduled on \(date).") }
        let why: String?
        if planned.window.contains(date) {
            why = try FreeText.optional(reason, what: "reason")
        } else {
            why = try FreeText.required(reason, what: "reason to schedule \(code) on \(date), outside its window \(planned.window.start)..\(planned.window.end)")
        }
        let changes = updateVisit(code) { visit in
            visit.rescheduledDate = date
            visit.rescheduleReason = why
        }
        return Mutation(changes: changes, reason: why)
    }

    /// Records a scale at a completed visit, dated by default with the completion date.
    /// Replacing scores already saved needs a reason.
    public mutating func score(_ code: String, scale: ScaleDefinition, items: [Int?], date: CivilDate?, rater: String?,
                               reason: String?, studyProtocol: StudyProtocol, today: CivilDate) throws -> Mutation {
        let planned = try plannedVisit(code, studyProtocol)
        guard planned.status == .completed, let completed = planned.record.completedDate else {
            throw DomainError("\(subject) visit \(code) is \(planned.status.rawValue); complete it before entering scores.")
        }
        guard planned.definition.scales.contains(scale.code) else {
            throw DomainError("\(scale.code) is not collected at \(code); its scales are \(planned.definition.scales.joined(separator: ", ")).")
        }
        guard items.count == scale.items.count else {
            throw DomainError("\(scale.code) takes \(scale.items.count) item scores; \(items.count) were given.")
        }
        for (value, item) in zip(items, scale.items) { if let value { try Scoring.validate(value, item: item, scale: scale) } }
        let when = date ?? completed
        try requirePlausible(when, what: "score date", today: today)
        let raterInitials = try rater.map { text -> String in
            let letters = text.uppercased()
            guard (2...3).contains(letters.count), letters.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw DomainError("Rater '\(text)' must be 2 or 3 letters (initials).")
            }
            return letters
        }
        let entity = "score \(code) \(scale.code)"
        let new = Administration(visit: code, scale: scale.code, date: when, items: items, rater: raterInitials)
        if let index = administrations.firstIndex(where: { $0.visit == code && $0.scale == scale.code }) {
            let old = administrations[index]
            guard old != new else { throw DomainError("\(subject) \(code) \(scale.code) already holds these scores.") }
            let why = try FreeText.required(reason, what: "reason to change \(scale.code) scores already saved for \(code)")
            administrations[index] = new
            var changes: [FieldChange] = []
            if old.items != new.items { changes.append(FieldChange(entity: entity, field: "items", old: old.scoreText, new: new.scoreText)) }
            if old.date != new.date { changes.append(FieldChange(entity: entity, field: "date", old: old.date.description, new: new.date.description)) }
            if old.rater != new.rater { changes.append(FieldChange(entity: entity, field: "rater", old: old.rater, new: new.rater)) }
            return Mutation(changes: changes, reason: why)
        }
        administrations.append(new)
        var changes = [FieldChange(entity: entity, field: "items", old: nil, new: new.scoreText),
                       FieldChange(entity: entity, field: "date", old: nil, new: when.description)]
        if let raterInitials { changes.append(FieldChange(entity: entity, field: "rater", old: nil, new: raterInitials)) }
        return Mutation(changes: changes, reason: try FreeText.optional(reason, what: "reason"))
    }

    /// Ends participation: withdrawn (or screen-failed), and every still-scheduled visit cancelled.
    public mutating func withdraw(on date: CivilDate, reason: String?, screenFailure: Bool, today: CivilDate) throws -> Mutation {
        let why = try FreeText.required(reason, what: "reason for withdrawal")
        guard !status.hasLeft else {
            throw DomainError("\(subject) already left the study (\(status.rawValue) on \(exit?.date.description ?? "?")).")
        }
        guard status != .completed else { throw DomainError("\(subject) has completed the study and cannot be withdrawn.") }
        if screenFailure && status != .screening {
            throw DomainError("\(subject) is \(status.rawValue); only a participant in screening can screen-fail.")
        }
        try requirePlausible(date, what: "withdrawal date", today: today)
        var changes = setStatus(screenFailure ? .screenFailed : .withdrawn)
        exit = ExitRecord(date: date, reason: why)
        changes.append(FieldChange(entity: "participant", field: "exit", old: nil, new: "\(date) \(why)"))
        for visit in visits where visit.status == .scheduled {
            changes += updateVisit(visit.code) { $0.status = .cancelled }
        }
        return Mutation(changes: changes, reason: why)
    }

    /// Records that the lead has seen an urgent flag raised at `code`.
    public mutating func acknowledge(flag: String, visit code: String, on date: CivilDate, user: String) throws -> Mutation {
        guard !acknowledgements.contains(where: { $0.visit == code && $0.flag == flag }) else {
            throw DomainError("\(subject) \(code) \(flag) is already acknowledged.")
        }
        acknowledgements.append(FlagAcknowledgement(visit: code, flag: flag, date: date, user: user))
        return Mutation(changes: [FieldChange(entity: "flag \(code) \(flag)", field: "acknowledged", old: nil, new: "\(date) by \(user)")],
                        reason: nil)
    }

    /// Sets (or replaces) the lead's note on the draft deviation of visit `code`.
    public mutating func noteDeviation(visit code: String, note: String, studyProtocol: StudyProtocol) throws -> Mutation {
        let planned = try plannedVisit(code, studyProtocol)
        guard planned.deviationDays != nil else { throw DomainError("\(subject) visit \(code) has no protocol deviation to note.") }
        let text = try FreeText.required(note, what: "deviation note")
        let old = deviationNotes.first { $0.visit == code }?.note
        deviationNotes.removeAll { $0.visit == code }
        deviationNotes.append(DeviationNote(visit: code, note: text))
        return Mutation(changes: [FieldChange(entity: "deviation \(code)", field: "note", old: old, new: text)], reason: nil)
    }

    // MARK: - Helpers

    private func requireInStudy(toChange what: String) throws {
        if status.hasLeft {
            throw DomainError("\(subject) is \(status.rawValue) (since \(exit?.date.description ?? "?")); cannot \(what).")
        }
    }

    private func requirePlausible(_ date: CivilDate, what: String, today: CivilDate) throws {
        if date > today { throw DomainError("The \(what) \(date) is after today (\(today)); enter the real date.") }
        if date < consentDate { throw DomainError("The \(what) \(date) is before \(subject)'s consent date \(consentDate).") }
    }

    private mutating func setStatus(_ new: ParticipantStatus) -> [FieldChange] {
        guard status != new else { return [] }
        defer { status = new }
        return [FieldChange(entity: "participant", field: "status", old: status.rawValue, new: new.rawValue)]
    }

    private mutating func completeIfNothingLeft() -> [FieldChange] {
        guard status == .active, !visits.contains(where: { $0.status == .scheduled }) else { return [] }
        return setStatus(.completed)
    }

    /// Applies `edit` to one visit and returns a change per field that differs.
    private mutating func updateVisit(_ code: String, _ edit: (inout VisitRecord) -> Void) -> [FieldChange] {
        guard let index = visits.firstIndex(where: { $0.code == code }) else { return [] }
        let old = visits[index]
        edit(&visits[index])
        return old.changes(to: visits[index])
    }
}

extension VisitRecord {
    /// One change per field that differs between `self` and `new`.
    public func changes(to new: VisitRecord) -> [FieldChange] {
        let entity = "visit \(code)"
        func compare(_ field: String, _ get: (VisitRecord) -> String?) -> FieldChange? {
            let before = get(self), after = get(new)
            return before == after ? nil : FieldChange(entity: entity, field: field, old: before, new: after)
        }
        return [
            compare("status") { $0.status.rawValue },
            compare("rescheduledDate") { $0.rescheduledDate?.description },
            compare("rescheduleReason") { $0.rescheduleReason },
            compare("completedDate") { $0.completedDate?.description },
            compare("missedDate") { $0.missedDate?.description },
            compare("missedReason") { $0.missedReason },
        ].compactMap { $0 }
    }
}

import Foundation
