/// The participant and visit lifecycle (docs/RULES.md, "Participant lifecycle"). Each action changes the participant in
/// place and returns the reason to record with it (nil when none was needed); a refused action throws
/// before changing anything. What changed is not reported: the store derives the audit records from the
/// participant before and after.
extension Participant {
    /// Completes a visit on `date`. A missed visit, or a completed one given a new date, needs a reason.
    /// Completion outside the window is never blocked: it becomes a deviation, unclassified until the lead says.
    /// The baseline waits for an eligible checklist where the protocol has criteria (`signature`: whether it
    /// must be signed, and is).
    @discardableResult
    public mutating func complete(_ code: String, on date: CivilDate, reason: String?, studyProtocol: StudyProtocol,
                                  today: CivilDate, signature: EligibilitySignature = .notRequired) throws -> String? {
        let planned = try plannedVisit(code, studyProtocol)
        try planned.requireDayOne(subject, to: "be completed", baseline: studyProtocol.baselineVisit?.code)
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
        if planned.definition.isBaseline && planned.status != .completed {
            try requireScreeningDone(before: code, studyProtocol: studyProtocol)
            try requireEligibility(to: "complete the baseline \(code)", studyProtocol: studyProtocol, signature: signature)
        }
        if planned.definition.isBaseline && studyProtocol.blinded {
            guard let randomization else {
                throw DomainError("\(subject) is not randomized yet: \(studyProtocol.id) is blinded, so the baseline visit is completed only after randomization. Record the sponsor's number first: `cohort randomize \(subject) NUMBER`, or R on the participant's page.")
            }
            guard randomization.date <= date else {
                throw DomainError("\(subject) was randomized on \(randomization.date), after \(date): the baseline visit cannot be completed before randomization.")
            }
        }
        updateVisit(code) { visit in
            visit.status = .completed
            visit.completedDate = date
            visit.missedDate = nil
            visit.missedReason = nil
        }
        if planned.definition.isBaseline && status == .screening { status = .active }
        completeIfNothingLeft()
        return reasonGiven
    }

    /// Marks a scheduled visit missed on `date`, with the reason it was missed.
    @discardableResult
    public mutating func miss(_ code: String, on date: CivilDate, reason: String?, studyProtocol: StudyProtocol,
                              today: CivilDate) throws -> String? {
        let planned = try plannedVisit(code, studyProtocol)
        try planned.requireDayOne(subject, to: "be marked missed", baseline: studyProtocol.baselineVisit?.code)
        let why = try FreeText.required(reason, what: "reason the visit was missed")
        try requirePlausible(date, what: "missed date", today: today)
        guard planned.status == .scheduled else {
            throw DomainError("\(subject) visit \(code) is \(planned.status.rawValue); only a scheduled visit can be marked missed.")
        }
        updateVisit(code) { visit in
            visit.status = .missed
            visit.missedDate = date
            visit.missedReason = why
        }
        completeIfNothingLeft()
        return why
    }

    /// Moves a scheduled visit to `date`; a date outside the window needs a reason.
    @discardableResult
    public mutating func reschedule(_ code: String, to date: CivilDate, reason: String?,
                                    studyProtocol: StudyProtocol) throws -> String? {
        let planned = try plannedVisit(code, studyProtocol)
        guard planned.status == .scheduled else {
            throw DomainError("\(subject) visit \(code) is \(planned.status.rawValue); only a scheduled visit can be rescheduled.")
        }
        guard date != planned.scheduled else { throw DomainError("\(subject) visit \(code) is already scheduled on \(date).") }
        guard date >= consentDate else {
            throw DomainError("\(date) is before \(subject)'s consent (\(consentDate)): nothing is scheduled before consent.")
        }
        let why: String?
        if planned.window.contains(date) {
            why = try FreeText.optional(reason, what: "reason")
        } else {
            why = try FreeText.required(reason, what: "reason to schedule \(code) on \(date), outside its window \(planned.window.start)..\(planned.window.end)")
        }
        updateVisit(code) { visit in
            visit.rescheduledDate = date
            visit.rescheduleReason = why
        }
        return why
    }

    /// Records a scale at a completed visit, dated by default with the completion date.
    /// Replacing scores already saved needs a reason.
    @discardableResult
    public mutating func score(_ code: String, scale: ScaleDefinition, items: [Int?], date: CivilDate?, rater: String?,
                               reason: String?, studyProtocol: StudyProtocol, today: CivilDate) throws -> String? {
        let planned = try visitForEntry(code, studyProtocol)
        try planned.requireDayOne(subject, to: "be scored", baseline: studyProtocol.baselineVisit?.code)
        guard planned.status == .completed, let completed = planned.record.completedDate else {
            switch planned.status {
            case .cancelled: throw DomainError("\(subject) visit \(code) was cancelled; a cancelled visit has no scores.")
            case .missed: throw DomainError("\(subject) visit \(code) was marked missed; complete it (with a reason) before entering scores.")
            default: throw DomainError("\(subject) visit \(code) is \(planned.status.rawValue); complete it before entering scores.")
            }
        }
        // Any scale may be recorded at an unscheduled visit (docs/RULES.md, "Visits, windows and window states").
        guard planned.unscheduled != nil || planned.definition.scales.contains(scale.code) else {
            throw DomainError("\(scale.code) is not collected at \(code); its scales are \(planned.definition.scales.joined(separator: ", ")).")
        }
        guard items.count == scale.items.count else {
            throw DomainError("\(scale.code) takes \(scale.items.count) item scores; \(items.count) were given.")
        }
        for (value, item) in zip(items, scale.items) { if let value { try Scoring.validate(value, item: item, scale: scale) } }
        let raterInitials = try rater.map { text -> String in
            let letters = text.uppercased()
            guard (2...3).contains(letters.count), letters.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw DomainError("Rater '\(text)' must be 2 or 3 letters (initials).")
            }
            return letters
        }
        let existing = administrations.firstIndex { $0.visit == code && $0.scale == scale.code }
        // A correction changes only what it corrects: the date and rater stay unless given anew.
        let kept = existing.map { administrations[$0] }
        let when = date ?? kept?.date ?? completed
        try requirePlausible(when, what: "score date", today: today)
        var new = Administration(visit: code, scale: scale.code, date: when, items: items, rater: raterInitials ?? kept?.rater)
        if new.isNotDone {
            // Not done is never "all no": it is said, with why.
            new.notDoneReason = try FreeText.required(reason, what: "reason \(scale.code) was not done at \(code) (every item is x)")
        }
        if let existing, let kept {
            new.corrections = kept.corrections
            guard kept != new else { throw DomainError("\(subject) \(code) \(scale.code) already holds these scores.") }
            let why = try FreeText.required(reason, what: "reason to change \(scale.code) scores already saved for \(code)")
            if new.items != kept.items && new.corrections?.last != today { new.corrections = (new.corrections ?? []) + [today] }
            administrations[existing] = new
            return why
        }
        let why = try new.notDoneReason ?? FreeText.optional(reason, what: "reason")
        administrations.append(new)
        return why
    }

    /// Ends participation on `date` with a category and a reason (docs/RULES.md, "Participant lifecycle"). A withdrawal schedules
    /// the protocol's early-termination visit (target `date`) and cancels every scheduled visit except those
    /// kept after withdrawal (a safety follow-up); a screen failure cancels every scheduled visit.
    @discardableResult
    public mutating func withdraw(on date: CivilDate, category: WithdrawalCategory, reason: String?, screenFailure: Bool,
                                  studyProtocol: StudyProtocol, today: CivilDate, adverseEvent: String? = nil) throws -> String? {
        let why = try FreeText.required(reason, what: "reason for withdrawal")
        if let adverseEvent {
            guard category == .adverseEvent || category == .death else {
                throw DomainError("An adverse event is linked only to a withdrawal for adverse-event or death, not \(category.rawValue).")
            }
            guard let event = adverseEvents.first(where: { $0.id == adverseEvent }) else {
                throw DomainError("\(subject) has no adverse event \(Text.shown(adverseEvent)); the participant's page or `cohort ae list \(subject)` lists them.")
            }
            if date < event.onset { throw DomainError("\(adverseEvent) began on \(event.onset), after the withdrawal date \(date): it cannot have led to it.") }
            if category == .death && event.outcome != .fatal {
                throw DomainError("\(adverseEvent) has outcome \(event.outcome.rawValue): a withdrawal for death links a fatal adverse event (outcome fatal, criterion death).")
            }
            if category == .death, let died = event.end, died != date {
                throw DomainError("\(adverseEvent) ended in death on \(died): a withdrawal for death is dated that day, not \(date).")
            }
        }
        guard !status.hasLeft else {
            throw DomainError("\(subject) already left the study (\(status.rawValue) on \(exit?.date.description ?? "?")).")
        }
        guard status != .completed else { throw DomainError("\(subject) has completed the study and cannot be withdrawn.") }
        if screenFailure && status != .screening {
            throw DomainError("\(subject) is \(status.rawValue); only a participant in screening can screen-fail (withdraw without --screen-fail).")
        }
        try requirePlausible(date, what: "withdrawal date", today: today)
        status = screenFailure ? .screenFailed : .withdrawn
        exit = ExitRecord(date: date, category: category, reason: why, adverseEvent: adverseEvent)
        // After a death nothing more is scheduled: no early termination, no follow-up.
        let ends = screenFailure || category == .death
        let kept = ends ? [] : Set(studyProtocol.visits.filter { $0.afterWithdrawal == true }.map(\.code))
        for index in visits.indices where visits[index].status == .scheduled && !kept.contains(visits[index].code) {
            visits[index].status = .cancelled
        }
        if !ends, let termination = studyProtocol.earlyTerminationVisit, visit(termination.code) == nil {
            visits.append(VisitRecord(code: termination.code))
        }
        return why
    }

    /// Records the randomization number given by the sponsor's system (blinded studies only), dated `date`.
    /// `taken` holds the numbers other participants of the study already have. Where the protocol has entry
    /// criteria, the checklist must be complete and eligible first (and signed, when `signature` requires it).
    @discardableResult
    public mutating func randomize(number: String, on date: CivilDate, studyProtocol: StudyProtocol, today: CivilDate,
                                   taken: Set<String>, signature: EligibilitySignature = .notRequired) throws -> String? {
        guard studyProtocol.blinded else {
            throw DomainError("\(studyProtocol.id) is open-label: \(subject)'s arm was recorded at enrollment; there is no randomization number to record.")
        }
        try requireInStudy(toChange: "be randomized")
        if let randomization {
            throw DomainError("\(subject) was already randomized on \(randomization.date) with number \(randomization.number).")
        }
        try requireEligibility(to: "be randomized", studyProtocol: studyProtocol, signature: signature)
        guard (1...20).contains(number.utf8.count), number.utf8.allSatisfy({ byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
        }) else {
            throw DomainError("The randomization number '\(Text.shown(number, longest: 24))' must be 1 to 20 of A-Z a-z 0-9 -.")
        }
        // Numbers are compared without regard to case: R-001 and r-001 are one number to a sponsor's system.
        guard !taken.contains(where: { $0.uppercased() == number.uppercased() }) else {
            throw DomainError("Randomization number \(number) is already used in \(studyProtocol.id); check the number the sponsor's system gave.")
        }
        try requirePlausible(date, what: "randomization date", today: today)
        if let baseline = studyProtocol.baselineVisit, let record = visit(baseline.code), record.status == .completed,
           let done = record.completedDate, date > done {
            throw DomainError("The randomization date \(date) is after \(subject)'s completed baseline (\(done)); randomization comes first.")
        }
        randomization = Randomization(number: number, date: date)
        return nil
    }

    /// Records that the lead has seen an urgent flag raised at `code` and what was done about it; refused
    /// for a flag that is not (or no longer) raised, or already acknowledged.
    @discardableResult
    public mutating func acknowledge(flag: String, visit code: String, action: String?, on date: CivilDate, user: String,
                                     context: StudyContext) throws -> String? {
        guard !acknowledgements.contains(where: { $0.visit == code && $0.flag == flag }) else {
            throw DomainError("\(subject) \(code) \(flag) is already acknowledged.")
        }
        guard unacknowledgedUrgentFlags(context: context).contains(where: { $0.visit == code && $0.flag == flag }) else {
            throw DomainError("\(subject) has no unacknowledged urgent flag \(flag) at \(code).")
        }
        let done = try FreeText.required(action, what: "action taken (what was done about the flag, e.g. \"PI assessed; 1:1 observation\")")
        acknowledgements.append(FlagAcknowledgement(visit: code, flag: flag, date: date, user: user, action: done))
        return nil
    }

    /// The protocol deviation of visit `code`, if it has one: completed early or late (with the days
    /// outside the window), or missed; for a medication id (`CM2`), a prohibited medication taken; for an
    /// AE id (`AE3`), its initial report sent after its due time.
    public func deviation(at code: String, _ studyProtocol: StudyProtocol) -> (kind: DeviationKind, days: Int?)? {
        if let medication = medications.first(where: { $0.id == code }) {
            return SafetyRules(studyProtocol).isProhibited(medication, dayOne: origin(studyProtocol)) ? (.prohibitedMedication, nil) : nil
        }
        if let event = adverseEvents.first(where: { $0.id == code }) {
            return SafetyRules(studyProtocol).isReportedLate(event) ? (.lateReport, nil) : nil
        }
        guard let planned = try? plannedVisit(code, studyProtocol) else { return nil }
        if planned.status == .missed { return (.missed, nil) }
        guard let days = planned.deviationDays else { return nil }
        return (days < 0 ? .early : .late, days)
    }

    /// The class the lead gave the deviation at `code` (unclassified until then).
    public func deviationClass(at code: String) -> DeviationClassification? {
        deviationClasses.first { $0.visit == code }
    }

    /// Classifies the deviation of visit `code` as minor or major, with an optional note. Changing a class
    /// or note already given needs a reason.
    @discardableResult
    public mutating func classifyDeviation(visit code: String, as classification: DeviationClass, note: String?, reason: String?,
                                           studyProtocol: StudyProtocol) throws -> String? {
        guard let deviation = deviation(at: code, studyProtocol) else {
            throw DomainError("\(subject) visit \(code) has no protocol deviation to classify.")
        }
        guard classification != .unclassified else { throw DomainError("A deviation is classified minor or major.") }
        let text = try FreeText.optional(note, what: "deviation note")
        let new = DeviationClassification(visit: code, classification: classification, note: text)
        guard let index = deviationClasses.firstIndex(where: { $0.visit == code }) else {
            deviationClasses.append(new)
            return try FreeText.optional(reason, what: "reason")
        }
        guard deviationClasses[index] != new else {
            throw DomainError("\(subject) \(code)'s \(deviation.kind.rawValue) deviation is already \(classification.rawValue) with this note.")
        }
        let why = try FreeText.required(reason, what: "reason to change the class or note of \(code)'s deviation")
        deviationClasses[index] = new
        return why
    }

    // MARK: - Helpers

    private func requireInStudy(toChange what: String) throws {
        if status.hasLeft {
            throw DomainError("\(subject) is \(status.rawValue) (since \(exit?.date.description ?? "?")); cannot \(what).")
        }
    }

    /// The baseline waits for screening: every visit before it in protocol order is completed, missed or
    /// cancelled first (docs/RULES.md, "Participant lifecycle").
    private func requireScreeningDone(before baseline: String, studyProtocol: StudyProtocol) throws {
        guard let baselineIndex = studyProtocol.order(of: baseline) else { return }
        let open = studyProtocol.visits.prefix(baselineIndex).filter { visit($0.code)?.status == .scheduled }.map(\.code)
        guard let first = open.first else { return }
        throw DomainError("\(subject) visit \(open.joined(separator: ", ")) is still scheduled: the baseline \(baseline) waits for screening. "
                          + "Complete \(first) or mark it missed first.")
    }

    private func requirePlausible(_ date: CivilDate, what: String, today: CivilDate) throws {
        if date > today { throw DomainError("The \(what) \(date) is after today (\(today)); enter the real date.") }
        if date < consentDate { throw DomainError("The \(what) \(date) is before \(subject)'s consent date \(consentDate).") }
    }

    private mutating func completeIfNothingLeft() {
        if status == .active && !visits.contains(where: { $0.status == .scheduled }) { status = .completed }
    }

    private mutating func updateVisit(_ code: String, _ edit: (inout VisitRecord) -> Void) {
        if let index = visits.firstIndex(where: { $0.code == code }) { edit(&visits[index]) }
    }
}
