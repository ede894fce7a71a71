/// What `ae add` gives, or what `ae update` changes (nil keeps what is recorded).
public struct AdverseEventDraft: Equatable, Sendable, Codable {
    /// The event as named.
    public var term: String?
    /// The day it began.
    public var onset: CivilDate?
    /// The day it ended, once it has.
    public var end: CivilDate?
    /// Intensity.
    public var severity: AdverseEvent.Severity?
    /// CTCAE grade 1–5.
    public var grade: Int?
    /// The full list of criteria (an update replaces it).
    public var criteria: [AdverseEvent.SeriousnessCriterion]?
    /// The causality assessment.
    public var related: AdverseEvent.Relatedness?
    /// What was done with the study drug.
    public var action: AdverseEvent.DrugAction?
    /// Where the event stands.
    public var outcome: AdverseEvent.Outcome?
    /// When the site became aware (the report clock starts).
    public var aware: Moment?
    /// The visit it belongs to.
    public var visit: String?
    /// An update takes the end date away (the event goes on after all).
    public var clearEnd = false
    /// The sponsor's coded term (an update only; empty text takes it away).
    public var decod: String?

    /// An empty draft.
    public init(term: String? = nil, onset: CivilDate? = nil, end: CivilDate? = nil, severity: AdverseEvent.Severity? = nil, grade: Int? = nil,
                criteria: [AdverseEvent.SeriousnessCriterion]? = nil, related: AdverseEvent.Relatedness? = nil,
                action: AdverseEvent.DrugAction? = nil, outcome: AdverseEvent.Outcome? = nil, aware: Moment? = nil, visit: String? = nil,
                clearEnd: Bool = false) {
        self.clearEnd = clearEnd
        self.term = term; self.onset = onset; self.end = end; self.severity = severity; self.grade = grade; self.criteria = criteria
        self.related = related; self.action = action; self.outcome = outcome; self.aware = aware; self.visit = visit
    }
}

/// What `med add` gives, or what `med update` changes (nil keeps what is recorded).
public struct MedicationDraft: Equatable, Sendable, Codable {
    /// The name as written.
    public var name: String?
    /// First day taken.
    public var start: CivilDate?
    /// The day it ended, once it has.
    public var end: CivilDate?
    /// Dose as written.
    public var dose: String?
    /// Route as written.
    public var route: String?
    /// Frequency as written.
    public var frequency: String?
    /// What it is for.
    public var indication: String?
    /// Given as rescue medication.
    public var rescue: Bool?
    /// An update takes the end date away (still taken after all).
    public var clearEnd = false
    /// The sponsor's coded name (an update only; empty text takes it away).
    public var decod: String?

    /// An empty draft.
    public init(name: String? = nil, start: CivilDate? = nil, end: CivilDate? = nil, dose: String? = nil, route: String? = nil,
                frequency: String? = nil, indication: String? = nil, rescue: Bool? = nil, clearEnd: Bool = false) {
        self.clearEnd = clearEnd
        self.name = name; self.start = start; self.end = end; self.dose = dose; self.route = route
        self.frequency = frequency; self.indication = indication; self.rescue = rescue
    }
}

/// Adverse events and medications (docs/RULES.md, "Adverse events and medications"). Each action changes the participant and returns the
/// reason to record; a refusal names the rule and changes nothing.
extension Participant {
    /// Records a new adverse event as `AE<n>`; `now` is the moment of recording (the default awareness).
    public mutating func addAdverseEvent(_ draft: AdverseEventDraft, studyProtocol: StudyProtocol, today: CivilDate, now: Moment) throws -> String? {
        guard let onset = draft.onset else { throw DomainError("An adverse event needs its onset date.") }
        guard let severity = draft.severity else { throw DomainError("An adverse event needs its severity: mild, moderate or severe.") }
        var event = AdverseEvent(
            id: "AE\(nextRecordNumber("AE", existing: adverseEvents.map(\.id)))", term: try FreeText.name(draft.term, what: "adverse event term"), onset: onset,
            end: draft.end, severity: severity, grade: draft.grade, criteria: draft.criteria ?? [], related: draft.related,
            action: draft.action ?? .none, outcome: draft.outcome ?? .notRecovered, aware: draft.aware ?? now, visit: draft.visit,
            reports: [], followUpPending: false)
        // For an event neither serious nor of special interest, awareness is the moment it was recorded (docs/RULES.md, "Adverse events and medications").
        // A given awareness there would be dropped silently: it is refused instead.
        if !SafetyRules(studyProtocol).needsReport(event) {
            if draft.aware != nil {
                throw DomainError("--aware (the Aware field) is when the site learned the event was serious or of special interest; \(event.id) is neither: leave --aware out.")
            }
            event.aware = now
        }
        try check(event, studyProtocol: studyProtocol, today: today, now: now)
        adverseEvents.append(event)
        return nil
    }

    /// Changes what `draft` gives of adverse event `id`, with a reason. Becoming serious (or of special
    /// interest) starts the report clock anew; any change after the initial report makes a follow-up pending.
    public mutating func updateAdverseEvent(_ id: String, _ draft: AdverseEventDraft, reason: String?, studyProtocol: StudyProtocol,
                                            today: CivilDate, now: Moment) throws -> String? {
        let why = try FreeText.required(reason, what: "reason for changing an adverse event")
        let index = try adverseEventIndex(id)
        let before = adverseEvents[index]
        var event = before
        if let term = draft.term { event.term = try FreeText.name(term, what: "adverse event term") }
        if let onset = draft.onset { event.onset = onset }
        if let end = draft.end { event.end = end }
        if draft.clearEnd { event.end = nil }
        if let severity = draft.severity { event.severity = severity }
        if let grade = draft.grade { event.grade = grade }
        if let criteria = draft.criteria { event.criteria = criteria }
        if let related = draft.related { event.related = related }
        if let action = draft.action { event.action = action }
        if let outcome = draft.outcome { event.outcome = outcome }
        if let visit = draft.visit { event.visit = visit }
        if let decod = draft.decod { event.decod = try FreeText.optional(decod, what: "coded term (AEDECOD)") }
        let rules = SafetyRules(studyProtocol)
        // Becoming serious (or newly of special interest) is when the site learns it: the clock starts anew,
        // unless the sponsor already has a report of it (the change then makes a follow-up pending).
        let becameReportable = (!before.isSerious && event.isSerious) || (!rules.needsReport(before) && rules.needsReport(event))
        if let aware = draft.aware, aware != before.aware, let initial = before.initialReport {
            // The clock the report was judged by is part of what was reported: it is not moved afterwards.
            throw DomainError("\(id) was reported at \(initial.at): its awareness (\(before.aware)) is no longer changed (a change goes in a follow-up report).")
        }
        if becameReportable && event.initialReport == nil { event.aware = draft.aware ?? now }
        else if let aware = draft.aware { event.aware = aware }
        guard event != before else { throw DomainError("\(id) already reads so: nothing to change.") }
        try check(event, studyProtocol: studyProtocol, today: today, now: now)
        // The sponsor's own coding (AEDECOD) is nothing new to report: only another change makes a
        // follow-up pending (docs/RULES.md, "Adverse events and medications").
        var uncoded = event
        uncoded.decod = before.decod
        if event.initialReport != nil && uncoded != before { event.followUpPending = true }
        adverseEvents[index] = event
        return why
    }

    /// Records a report of adverse event `id` sent to the sponsor at `at` (default `now`): the initial one,
    /// or a follow-up, which clears a pending follow-up.
    public mutating func reportAdverseEvent(_ id: String, at: Moment?, followUp: Bool, studyProtocol: StudyProtocol, now: Moment) throws -> String? {
        let index = try adverseEventIndex(id)
        var event = adverseEvents[index]
        // A follow-up goes wherever an initial report went, even once the event is no longer serious.
        guard SafetyRules(studyProtocol).needsReport(event) || (followUp && event.initialReport != nil) else {
            throw DomainError("\(id) (\(event.term)) is neither serious nor of special interest: no report to the sponsor is required.")
        }
        let sent = at ?? now
        if sent < event.aware { throw DomainError("A report at \(sent) would be before the site was aware of \(id) (\(event.aware)).") }
        if now < sent { throw DomainError("A report at \(sent) would be after now (\(now)); give the time it was sent.") }
        if followUp {
            guard event.initialReport != nil else { throw DomainError("\(id) has no initial report yet; record that first (not as a follow-up).") }
            if let last = event.reports.last, sent < last.at {
                throw DomainError("A follow-up at \(sent) would be before \(id)'s last report (\(last.at)); give the time it was sent.")
            }
            event.followUpPending = false
        } else {
            if let initial = event.initialReport {
                throw DomainError("\(id)'s initial report was sent at \(initial.at); a later report is a follow-up.")
            }
            guard event.related != nil else {
                throw DomainError("\(id) has no causality assessment: the initial report needs one. Set it first (Related: not, unlikely, possible, probable or definite).")
            }
        }
        event.reports.append(AdverseEvent.Report(at: sent, followUp: followUp))
        adverseEvents[index] = event
        return nil
    }

    /// Records a new medication as `CM<n>`.
    public mutating func addMedication(_ draft: MedicationDraft, today: CivilDate) throws -> String? {
        guard let start = draft.start else { throw DomainError("A medication needs its start date.") }
        var medication = Medication(id: "CM\(nextRecordNumber("CM", existing: medications.map(\.id)))", name: "", start: start)
        try apply(draft, to: &medication)
        try check(medication, today: today)
        medications.append(medication)
        return nil
    }

    /// Changes what `draft` gives of medication `id`, with a reason.
    public mutating func updateMedication(_ id: String, _ draft: MedicationDraft, reason: String?, today: CivilDate) throws -> String? {
        let why = try FreeText.required(reason, what: "reason for changing a medication")
        guard let index = medications.firstIndex(where: { $0.id == id }) else {
            throw DomainError("\(subject) has no medication \(Text.shown(id)); the participant's page or `cohort med list \(subject)` lists them.")
        }
        var medication = medications[index]
        try apply(draft, to: &medication)
        guard medication != medications[index] else { throw DomainError("\(id) already reads so: nothing to change.") }
        try check(medication, today: today)
        medications[index] = medication
        return why
    }

    // MARK: - Rules

    private func adverseEventIndex(_ id: String) throws -> Int {
        guard let index = adverseEvents.firstIndex(where: { $0.id == id }) else {
            throw DomainError("\(subject) has no adverse event \(Text.shown(id)); the participant's page or `cohort ae list \(subject)` lists them.")
        }
        return index
    }

    /// Every rule on one adverse event as it would be saved (docs/RULES.md, "Adverse events and medications").
    private func check(_ event: AdverseEvent, studyProtocol: StudyProtocol, today: CivilDate, now: Moment) throws {
        if event.onset > today { throw DomainError("The onset \(event.onset) is after today (\(today)); enter the real date.") }
        if event.onset < consentDate {
            throw DomainError("The onset \(event.onset) is before \(subject)'s consent (\(consentDate)): that is medical history, not an adverse event.")
        }
        // The rules within the event first (end before onset, awareness before onset, fatal and death, …).
        if let broken = event.brokenRules().first { throw DomainError(broken) }
        if let end = event.end, end > today { throw DomainError("The end \(end) is after today (\(today)); an event ends when it has ended.") }
        if now < event.aware { throw DomainError("Awareness \(event.aware) is after now (\(now)).") }
        if let code = event.visit {
            guard let planned = try? visitForEntry(code, studyProtocol) else {
                throw DomainError("\(subject) has no visit \(Text.shown(code)) on its schedule\(studyProtocol.visit(code) == nil ? "" : " (it is in \(studyProtocol.id), not scheduled for \(subject))").")
            }
            // The visit at which it was reported took place (or takes place today), on or after the onset.
            let held = planned.status == .completed ? planned.record.completedDate : (planned.status == .scheduled && planned.scheduled == today ? today : nil)
            guard let held else {
                throw DomainError("\(subject) \(code) is \(planned.status.rawValue)\(planned.status == .scheduled ? " for \(planned.scheduled)" : ""): an adverse event is reported at a visit that took place.")
            }
            if held < event.onset { throw DomainError("\(code) took place on \(held), before the onset \(event.onset): the event cannot have been reported there.") }
        }
    }

    private func apply(_ draft: MedicationDraft, to medication: inout Medication) throws {
        if let name = draft.name { medication.name = try FreeText.name(name, what: "medication name") }
        if let start = draft.start { medication.start = start }
        if let end = draft.end { medication.end = end }
        if draft.clearEnd { medication.end = nil }
        if let dose = draft.dose { medication.dose = try FreeText.optional(dose, what: "dose") }
        if let route = draft.route { medication.route = try FreeText.optional(route, what: "route") }
        if let frequency = draft.frequency { medication.frequency = try FreeText.optional(frequency, what: "frequency") }
        if let indication = draft.indication { medication.indication = try FreeText.optional(indication, what: "indication") }
        if let rescue = draft.rescue { medication.rescue = rescue }
        if let decod = draft.decod { medication.decod = try FreeText.optional(decod, what: "coded name (CMDECOD)") }
        if medication.name.isEmpty { throw DomainError("A medication needs its name.") }
    }

    private func check(_ medication: Medication, today: CivilDate) throws {
        if medication.start > today { throw DomainError("The start \(medication.start) is after today (\(today)); enter the real date.") }
        if medication.start.year < birthYear { throw DomainError("The start \(medication.start) is before \(subject) was born (\(birthYear)).") }
        if let end = medication.end {
            if end < medication.start { throw DomainError("The end \(end) is before the start \(medication.start).") }
            if end > today { throw DomainError("The end \(end) is after today (\(today)); a medication ends when it has stopped.") }
        }
    }
}
