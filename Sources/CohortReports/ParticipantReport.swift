import CohortDomain

/// `cohort show --format json`: the participant as stored plus everything derived from it.
public struct ParticipantJSON: Encodable {
    struct Visit: Encodable {
        let visit: String
        let name: String
        let status: VisitStatus
        let target: CivilDate
        let windowStart: CivilDate
        let windowEnd: CivilDate
        let scheduled: CivilDate
        let windowState: WindowState
        /// What its plan says: waiting for Day 1, planned outside its window (absent when nothing).
        let plan: String?
        let completed: CivilDate?
        let missed: CivilDate?
        let missedReason: String?
        let deviationDays: Int?
        /// Why an unscheduled visit took place (absent on a protocol visit).
        let reason: String?
        /// The visit's note (absent when none).
        var note: String?
    }

    struct Score: Encodable {
        let visit: String
        let scale: String
        let date: CivilDate
        let scores: String
        let rater: String?
        let total: Int?
        let subscales: [String: Int]?
        let changeFromBaseline: Int?
        let improvementPercent: Double?
        let responder: Bool?
        let flags: [Flag]
    }

    /// A flag an administration raised, and its acknowledgement (`null` until one is given).
    struct Flag: Encodable {
        let flag: String
        let acknowledged: Acknowledgement?

        private enum CodingKeys: String, CodingKey { case flag, acknowledged }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(flag, forKey: .flag)
            try container.encode(acknowledged, forKey: .acknowledged)
        }
    }

    /// Who acknowledged a flag, when (the moment it was saved, else its day) and what was done.
    struct Acknowledgement: Encodable {
        let user: String
        let time: String
        let action: String?

        private enum CodingKeys: String, CodingKey { case user, time, action }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(user, forKey: .user)
            try container.encode(time, forKey: .time)
            try container.encode(action, forKey: .action)
        }

        /// The acknowledgement of `flag` at `visit`, if any; `times` by `"VISIT/FLAG"` (from the trail).
        init?(_ participant: Participant, visit: String, flag: String, times: [String: Moment]) {
            guard let found = participant.acknowledgements.first(where: { $0.visit == visit && $0.flag == flag }) else { return nil }
            user = found.user
            time = times[visit + "/" + flag]?.description ?? found.date.description
            action = found.action
        }
    }

    let subject: String
    let initials: String
    let birthYear: Int
    let sex: Sex
    let study: String
    let arm: String?
    let randomization: String?
    let randomized: CivilDate?
    let consentDate: CivilDate
    let baselineDate: CivilDate
    let dayOne: CivilDate
    let status: ParticipantStatus
    let exit: ExitRecord?
    let consents: [Consent]
    let visits: [Visit]
    let scores: [Score]
    let unacknowledgedUrgentFlags: [VisitFlag]
    let adverseEvents: [AdverseEventsJSON.Entry]
    let medications: [MedicationsJSON.Entry]
    let measures: [MeasuresJSON.Entry]
    /// Part 11 signatures with their manifestation and status (absent when none).
    let signatures: [ShownSignature]?
    /// The casebook lock, while locked.
    let casebookLock: CasebookLock?
    /// Open sync conflicts, as `cohort conflicts` prints them (absent when none).
    let conflicts: ConflictsJSON?

    /// The eligibility checklist; `null` when the protocol lists no criteria.
    let eligibility: EligibilityJSON?

    private enum CodingKeys: String, CodingKey {
        case subject, initials, birthYear, sex, study, arm, randomization, randomized, consentDate, baselineDate, dayOne, status, exit
        case consents, visits, scores, unacknowledgedUrgentFlags, adverseEvents, medications, measures, eligibility, signatures, casebookLock, conflicts
    }

    /// Every member as before; `eligibility` always present (`null` without criteria).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subject, forKey: .subject); try container.encode(initials, forKey: .initials)
        try container.encode(birthYear, forKey: .birthYear); try container.encode(sex, forKey: .sex)
        try container.encode(study, forKey: .study); try container.encodeIfPresent(arm, forKey: .arm)
        try container.encodeIfPresent(randomization, forKey: .randomization); try container.encodeIfPresent(randomized, forKey: .randomized)
        try container.encode(consentDate, forKey: .consentDate); try container.encode(baselineDate, forKey: .baselineDate)
        try container.encode(dayOne, forKey: .dayOne); try container.encode(status, forKey: .status)
        try container.encodeIfPresent(exit, forKey: .exit); try container.encode(consents, forKey: .consents)
        try container.encode(visits, forKey: .visits); try container.encode(scores, forKey: .scores)
        try container.encode(unacknowledgedUrgentFlags, forKey: .unacknowledgedUrgentFlags)
        try container.encode(adverseEvents, forKey: .adverseEvents); try container.encode(medications, forKey: .medications)
        try container.encode(measures, forKey: .measures); try container.encode(eligibility, forKey: .eligibility)
        try container.encodeIfPresent(signatures, forKey: .signatures); try container.encodeIfPresent(casebookLock, forKey: .casebookLock)
        try container.encodeIfPresent(conflicts?.conflicts, forKey: .conflicts)
    }

    /// The document for `participant` as of `today`, report clocks read at `now` on `zone`'s clock;
    /// `acknowledgedAt` the moments acknowledgements were saved, by `"VISIT/FLAG"` (from the trail);
    /// `signatureStatuses` the store's check of each signature (else as the records read).
    public init(_ participant: Participant, context: StudyContext, today: CivilDate, now: Moment, zone: TimeZone,
                acknowledgedAt: [String: Moment] = [:], signatureStatuses: [SignatureStatus]? = nil) {
        let shown = ParticipantText.signatureEntries(participant, statuses: signatureStatuses)
        signatures = shown.isEmpty ? nil : shown.map(ShownSignature.init)
        casebookLock = participant.casebookLock
        conflicts = participant.conflicts.isEmpty ? nil : ConflictsJSON(participant.conflicts)
        let eligibilitySigned = ParticipantText.isEligibilitySigned(shown)
        eligibility = context.protocols[participant.study].flatMap(participant.eligibilityChecklist).map { EligibilityJSON($0, signed: eligibilitySigned) }
        let safety = SafetyLines(participant, context: context, now: now, zone: zone)
        adverseEvents = safety.events.map(AdverseEventsJSON.Entry.init)
        medications = safety.medications.map(MedicationsJSON.Entry.init)
        measures = safety.readings.map { MeasuresJSON.Entry(subject: participant.subject, reading: $0) }
        subject = participant.subject; initials = participant.initials; birthYear = participant.birthYear
        sex = participant.sex; study = participant.study; arm = participant.arm
        randomization = participant.randomization?.number; randomized = participant.randomization?.date
        consentDate = participant.consentDate; baselineDate = participant.baselineDate
        dayOne = context.protocols[participant.study].map(participant.origin) ?? participant.baselineDate
        status = participant.status; exit = participant.exit; consents = participant.consents
        let planned = context.protocols[participant.study].map(participant.visitsInDateOrder) ?? []
        visits = planned.map { v in
            Visit(visit: v.code, name: v.definition.name, status: v.status, target: v.target, windowStart: v.window.start,
                  windowEnd: v.window.end, scheduled: v.scheduled, windowState: v.windowState(on: today),
                  plan: v.plan?.description, completed: v.record.completedDate, missed: v.record.missedDate, missedReason: v.record.missedReason,
                  deviationDays: v.deviationDays, reason: v.unscheduled?.reason, note: v.record.note)
        }
        let order = planned.map(\.code)
        scores = participant.administrations
            .sorted { (order.firstIndex(of: $0.visit) ?? 0, $0.scale) < (order.firstIndex(of: $1.visit) ?? 0, $1.scale) }
            .map { a in
                let result = participant.result(of: a, context: context)
                let subscales = result.map { Dictionary($0.subscales.compactMap { s in s.value.map { (s.code, $0) } }, uniquingKeysWith: { x, _ in x }) }
                return Score(visit: a.visit, scale: a.scale, date: a.date, scores: a.scoreText, rater: a.rater, total: result?.total,
                             subscales: subscales?.isEmpty == false ? subscales : nil, changeFromBaseline: result?.change,
                             improvementPercent: result?.improvementPercent.map(ScoreText.oneDecimal),
                             responder: result?.isResponder, flags: (result?.flags ?? []).map { raised in
                                 Flag(flag: raised.flag, acknowledged: Acknowledgement(participant, visit: a.visit, flag: raised.flag, times: acknowledgedAt))
                             })
            }
        unacknowledgedUrgentFlags = participant.unacknowledgedUrgentFlags(context: context)
    }
}

/// `cohort show`: the participant as readable text.
public enum ParticipantText {
    /// Details, visit timeline, scores and open urgent flags.
    public static func render(_ participant: Participant, context: StudyContext, today: CivilDate, now: Moment, zone: TimeZone,
                              acknowledgedAt: [String: Moment] = [:], signatureStatuses: [SignatureStatus]? = nil) -> String {
        var lines = ["\(participant.subject)  \(participant.initials)  born \(participant.birthYear)  sex \(participant.sex.rawValue)  \(participant.study)  \(participant.allocation)",
                     "Consent \(participant.consentDate)  Baseline \(participant.baselineDate)  Day 1 \(context.protocols[participant.study].map(participant.origin) ?? participant.baselineDate)  Status \(participant.status.rawValue)"
                        + (participant.exit.map { " on \($0.date) (\($0.reason))" } ?? ""),
                     "Consents " + participant.consents.map(\.description).joined(separator: ", ")]
        if let lock = participant.casebookLock {
            lines.append("🔒 " + SignatureLines.lockWords(lock))
        }
        for flag in participant.unacknowledgedUrgentFlags(context: context) {
            lines.append("⚠ URGENT \(flag.flag) at \(flag.visit) (\(flag.date)) — not yet acknowledged")
        }
        for done in participant.acknowledgements {
            lines.append("✓ \(done.flag) at \(done.visit) acknowledged by \(done.user) \(acknowledgedAt[done.visit + "/" + done.flag]?.description ?? done.date.description)"
                         + (done.action.map { ": \(Text.shown($0, longest: 80))" } ?? ""))
        }
        guard let studyProtocol = context.protocols[participant.study] else {
            return (lines + ["Study \(participant.study) is not in this store."]).joined(separator: "\n")
        }
        var rows = [["VISIT", "NAME", "SCHEDULED", "WINDOW", "STATUS", "STATE", "DONE", "FORMS"]]
        for visit in participant.visitsInDateOrder(studyProtocol) {
            let done = (visit.record.completedDate?.description ?? visit.record.missedDate.map { "\($0) missed: \(visit.record.missedReason ?? "")" } ?? "")
                + (visit.unscheduled.map { " unscheduled: \($0.reason)" } ?? "")
            let deviation = visit.deviationDays.map { " (\($0 < 0 ? "\(-$0)d early" : "\($0)d late"))" } ?? ""
            let forms = participant.forms(of: visit.definition)
            rows.append([visit.code, visit.definition.name, visit.scheduled.description,
                         "\(visit.window.start)..\(visit.window.end)", visit.status.rawValue,
                         VisitStateText.words(visit.windowState(on: today), plan: visit.plan) + deviation, done, "\(forms.entered)/\(forms.required)"])
        }
        lines += ["", Columns.render(rows)]
        if let checklist = participant.eligibilityChecklist(studyProtocol) {
            let eligibilitySigned = isEligibilitySigned(signatureEntries(participant, statuses: signatureStatuses))
            lines += [""] + EligibilityText.lines(checklist, signed: eligibilitySigned, participant: participant)
        }
        let scored = participant.administrations.sorted {
            (participant.visitOrder($0.visit, studyProtocol), $0.scale) < (participant.visitOrder($1.visit, studyProtocol), $1.scale)
        }
        if !scored.isEmpty {
            lines += ["", "Scores"]
            for administration in scored {
                guard let scale = context.scales[administration.scale],
                      let result = participant.result(of: administration, context: context) else { continue }
                let flags = result.flags.isEmpty ? "" : "  FLAGS: " + result.flags.map(\.flag).joined(separator: ", ")
                lines.append("  \(administration.visit)  \(administration.scale)  \(administration.date)  \(administration.scoreText)  "
                             + ScoreText.summary(items: administration.items, result: result, scale: scale)
                             + (administration.notDoneReason.map { " (\($0))" } ?? "") + flags)
            }
        }
        let safety = SafetyLines(participant, context: context, now: now, zone: zone)
        if !safety.events.isEmpty { lines += ["", "Adverse events", AdverseEventsText.render(safety.events, now: now, withSignatures: false)] }
        if !safety.medications.isEmpty { lines += ["", "Medications", MedicationsText.render(safety.medications)] }
        if !safety.readings.isEmpty { lines += ["", "Measures", MeasuresText.render(safety.readings.map { (participant.subject, $0) })] }
        let signatures = signatureEntries(participant, statuses: signatureStatuses)
        if !signatures.isEmpty { lines += ["", "Signatures"] + signatures.map { "  " + $0.line } }
        if !participant.conflicts.isEmpty { lines += ["", ConflictsText.render(participant.conflicts)] }
        return lines.joined(separator: "\n")
    }

    /// True when a valid signature covers the eligibility checklist (never in a store without users).
    static func isEligibilitySigned(_ entries: [SignatureEntry]) -> Bool {
        entries.contains { $0.status == .valid && $0.signature.scope == SignatureScope.eligibility.description }
    }

    /// Each signature with its status: the store's check when given, else as the record reads (valid or
    /// invalidated).
    static func signatureEntries(_ participant: Participant, statuses: [SignatureStatus]?) -> [SignatureEntry] {
        participant.signatures.enumerated().map { index, signature in
            let status = statuses.flatMap { index < $0.count ? $0[index] : nil } ?? (signature.isValid ? .valid : .invalidated)
            return SignatureEntry(subject: participant.subject, signature: signature, status: status)
        }
    }
}

/// A participant's adverse events, medications and measures as every list and screen shows them.
public struct SafetyLines {
    /// Every adverse event with its report clock, in order of entry.
    public let events: [AdverseEventLine]
    /// Every medication with its category and whether it is prohibited.
    public let medications: [MedicationLine]
    /// Every result read against its range and alerts, in visit order then by test.
    public let readings: [MeasureReading]

    /// The lines of `participant` at `now` on `zone`'s clock.
    public init(_ participant: Participant, context: StudyContext, now: Moment, zone: TimeZone) {
        guard let studyProtocol = context.protocols[participant.study] else { events = []; medications = []; readings = []; return }
        let rules = SafetyRules(studyProtocol), dayOne = participant.origin(studyProtocol)
        events = participant.adverseEvents.map {
            AdverseEventLine(subject: participant.subject, event: $0, rules: rules, now: now, zone: zone, signatures: participant.signatures)
        }
        medications = participant.medications.map { MedicationLine(subject: participant.subject, medication: $0, dayOne: dayOne, rules: rules) }
        readings = participant.measureReadings(studyProtocol, catalog: context.scales)
    }
}

import Foundation
