/// What the day's lists and the day's summary need of one participant, derived from the participant and
/// its protocol: visits with their dates, how much of each is scored, the latest primary score, flags.
/// Small enough to keep for every participant of a large site, and to cache between runs.
public struct ParticipantDigest: Sendable, Equatable {
    /// Subject ID.
    public var subject: String
    /// Initials.
    public var initials: String
    /// Protocol id.
    public var study: String
    /// Where the participant is in the study.
    public var status: ParticipantStatus
    /// Consent (enrollment) date.
    public var consentDate: CivilDate
    /// Day 1 as the data stands (the completed baseline, else the planned one): study days count from it.
    public var origin: CivilDate
    /// Date the participant left (withdrawn or screen-failed).
    public var exitDate: CivilDate?
    /// The arm (open-label studies), given at enrollment.
    public var arm: String?
    /// The randomization (blinded studies), once randomized.
    public var randomization: Randomization?
    /// Every primary-scale total, in protocol order, with change from baseline (see `primary(on:)`).
    public var primaryScores: [PrimaryScore]
    /// Every visit in protocol order.
    public var visits: [VisitDigest]
    /// The date of every administration.
    public var scoreDates: [CivilDate]
    /// Every flag raised, with whether it was acknowledged.
    public var flags: [DigestFlag]
    /// The lead's classes of deviations (a deviation without one is unclassified).
    public var deviationClasses: [DeviationClassification]
    /// Every adverse event, in order of entry.
    public var adverseEvents: [AdverseEventDigest]
    /// Concomitant medications on the protocol's prohibited list.
    public var prohibitedMedications: [ProhibitedMedication]
    /// Results outside their normal range or raising an alert.
    public var flaggedMeasures: [FlaggedMeasure]
    /// The dates of the urgent-flag acknowledgements (the summary lists those of its day).
    public var acknowledgementDates: [CivilDate]
    /// The ids of its open sync conflicts (`C1`, …), for the line at the top of the review.
    public var syncConflicts: [String]

    /// Creates a digest from its parts (the cache reads them back this way).
    package init(subject: String, initials: String, study: String, status: ParticipantStatus, consentDate: CivilDate,
                origin: CivilDate, exitDate: CivilDate?, arm: String?, randomization: Randomization?, primaryScores: [PrimaryScore], visits: [VisitDigest],
                scoreDates: [CivilDate], flags: [DigestFlag], deviationClasses: [DeviationClassification],
                adverseEvents: [AdverseEventDigest] = [], prohibitedMedications: [ProhibitedMedication] = [], flaggedMeasures: [FlaggedMeasure] = [],
                acknowledgementDates: [CivilDate] = [], syncConflicts: [String] = []) {
        self.flaggedMeasures = flaggedMeasures; self.acknowledgementDates = acknowledgementDates; self.syncConflicts = syncConflicts
        self.subject = subject; self.initials = initials; self.study = study; self.status = status
        self.consentDate = consentDate; self.origin = origin; self.exitDate = exitDate; self.arm = arm; self.randomization = randomization
        self.primaryScores = primaryScores; self.visits = visits; self.scoreDates = scoreDates; self.flags = flags
        self.deviationClasses = deviationClasses; self.adverseEvents = adverseEvents; self.prohibitedMedications = prohibitedMedications
    }

    /// The digest of `participant`; nil when its protocol is not in `context`.
    public init?(_ participant: Participant, context: StudyContext) {
        guard let studyProtocol = context.protocols[participant.study] else { return nil }
        let order = Dictionary(studyProtocol.visits.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        let acknowledged = Set(participant.acknowledgements.map { $0.visit + "\u{0}" + $0.flag })
        let rules = SafetyRules(studyProtocol), dayOne = participant.origin(studyProtocol)
        self.init(
            subject: participant.subject, initials: participant.initials, study: participant.study,
            status: participant.status, consentDate: participant.consentDate, origin: participant.origin(studyProtocol),
            exitDate: participant.exit?.date, arm: participant.arm, randomization: participant.randomization,
            primaryScores: participant.primaryScores(context: context).compactMap { administration, result in
                result.total.map { PrimaryScore(scale: administration.scale, total: $0, change: result.change, date: administration.date) }
            },
            visits: participant.plannedVisits(studyProtocol).map { planned in
                let forms = participant.forms(of: planned.definition)
                return VisitDigest(code: planned.code, order: order[planned.code] ?? 0, status: planned.status,
                                   target: planned.target, window: planned.window, scheduled: planned.scheduled,
                                   completedDate: planned.record.completedDate, missedDate: planned.record.missedDate,
                                   enteredForms: forms.entered,
                                   requiredForms: forms.required,
                                   isIncomplete: !participant.incompleteScales(of: planned).isEmpty,
                                   isWaitingForDayOne: planned.isWaitingForDayOne)
            },
            scoreDates: participant.administrations.filter { !$0.isNotDone }.map(\.date),
            flags: participant.raisedFlags(context: context).map { flag in
                DigestFlag(visit: flag.visit, flag: flag.flag, date: flag.date, isUrgent: flag.urgent,
                           isAcknowledged: acknowledged.contains(flag.visit + "\u{0}" + flag.flag), corrections: flag.corrections)
            },
            deviationClasses: participant.deviationClasses,
            adverseEvents: participant.adverseEvents.map { AdverseEventDigest($0, rules: rules) },
            prohibitedMedications: participant.prohibitedMedications(rules: rules, dayOne: dayOne).map {
                ProhibitedMedication(id: $0.id, name: $0.name, since: $0.deviationDate(dayOne: dayOne), ongoing: $0.end == nil)
            },
            flaggedMeasures: participant.measureReadings(studyProtocol, catalog: context.scales).compactMap { reading in
                guard let value = reading.measurement.value, let flag = reading.flag, flag.isOutOfRange || reading.alert else { return nil }
                return FlaggedMeasure(visit: reading.measurement.visit, test: reading.measurement.test, value: value, date: reading.measurement.date,
                                      flag: flag, alert: reading.alert, assessed: reading.measurement.assessment != nil, rule: reading.alertRule)
            },
            acknowledgementDates: participant.acknowledgements.map(\.date), syncConflicts: participant.conflicts.map(\.id))
    }

    /// What waits at the top of the review: reports not sent, prohibited medications still taken, measure
    /// alerts not assessed.
    public var safetyAlerts: [SafetyAlert] {
        adverseEvents.filter(\.awaitsReport).map { SafetyAlert(kind: .report, subject: subject, record: $0.id, text: $0.term, due: $0.reportDue) }
            + prohibitedMedications.filter(\.ongoing).map { SafetyAlert(kind: .prohibitedMedication, subject: subject, record: $0.id, text: $0.name, due: nil) }
            + flaggedMeasures.filter(\.isOpenAlert).map {
                SafetyAlert(kind: .measureAlert, subject: subject, record: "\($0.visit) \($0.test)", text: "\($0.value) (\($0.rule ?? "alert"))", due: nil)
            }
            + syncConflicts.map { SafetyAlert(kind: .syncConflict, subject: subject, record: $0, text: "sync conflict", due: nil) }
    }

    /// The still-scheduled visit with the earliest scheduled date, not waiting for Day 1 (needs the digest's visits).
    public var nextVisit: NextVisit? {
        NextVisit.earliest(visits.filter { $0.status == .scheduled && !$0.isWaitingForDayOne }.sorted { $0.order < $1.order }
            .map { ($0.code, $0.scheduled) })
    }

    /// Visits with a protocol deviation (out of window or missed), prohibited medications and AEs whose
    /// initial report was sent late, the lead has not classified yet (needs the digest's visits).
    public var unclassifiedDeviations: [String] {
        let classified = Set(deviationClasses.filter { $0.classification != .unclassified }.map(\.visit))
        return visits.filter { ($0.status == .missed || $0.deviationDays != nil) && !classified.contains($0.code) }.map(\.code)
            + prohibitedMedications.map(\.id).filter { !classified.contains($0) }
            + adverseEvents.filter(\.wasReportedLate).map(\.id).filter { !classified.contains($0) }
    }

    /// Urgent flags the lead has not acknowledged yet.
    public var urgentFlags: [VisitFlag] {
        flags.filter { $0.isUrgent && !$0.isAcknowledged }.map { visitFlag($0) }
    }

    /// True when the summary of `day` may list an open safety item or an acknowledgement of this participant,
    /// so it must read the whole record (docs/RULES.md, "The day's lists and the summary"). A filter, never
    /// the rule itself (`Participant.openSafety`): what the digest cannot tell (an AE's end, which flag an
    /// acknowledgement after `day` was for) counts as "may". False means both lists have nothing of it.
    public func mayBeInSafetyLists(on day: CivilDate, context: StudyContext) -> Bool {
        let rules = context.protocols[study].map(SafetyRules.init)
        return adverseEvents.contains { $0.onset <= day && ($0.isSerious || $0.followUpPending || rules?.isOfSpecialInterest($0.term) != false) }
            || flags.contains { $0.isUrgent && $0.date <= day && (!$0.isAcknowledged || acknowledgementDates.contains { $0 > day }) }
            || flaggedMeasures.contains { $0.alert && !$0.assessed && $0.date <= day }
            || acknowledgementDates.contains(day)
    }

    /// True when a measure alert waits for the investigator's assessment.
    public var hasOpenMeasureAlert: Bool { flaggedMeasures.contains(where: \.isOpenAlert) }

    /// True when an urgent flag waits for acknowledgement.
    public var hasUrgentFlag: Bool { flags.contains { $0.isUrgent && !$0.isAcknowledged } }

    /// Flags raised by administrations dated `date`.
    public func flags(raisedOn date: CivilDate) -> [VisitFlag] {
        flags.filter { $0.date == date }.map { visitFlag($0) }
    }

    /// Flags of earlier-dated administrations whose items were corrected on `date`: found late, they are
    /// still seen on the day they were found.
    public func flags(correctedOn date: CivilDate) -> [VisitFlag] {
        flags.filter { $0.corrections.contains(date) && $0.date != date }.map { visitFlag($0) }
    }

    private func visitFlag(_ flag: DigestFlag) -> VisitFlag {
        VisitFlag(subject: subject, visit: flag.visit, flag: flag.flag, urgent: flag.isUrgent, date: flag.date)
    }

    /// The primary score as it stood on `day`: the latest (in protocol order) administered on or before it.
    /// On a past day the review shows this, not today's.
    public func primary(on day: CivilDate) -> PrimaryScore? {
        primaryScores.last { $0.date <= day }
    }
}
