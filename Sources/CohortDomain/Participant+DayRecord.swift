/// A participant's part of the day's summary that needs the whole record (docs/RULES.md,
/// "The day's lists and the summary").
extension Participant {
    /// Safety items open at the end of `day`: serious or special-interest AEs begun by then and not ended
    /// by then, follow-up reports pending, alerts on results not assessed, urgent flags not acknowledged by then.
    public func openSafety(on day: CivilDate, context: StudyContext) -> [DaySummary.OpenSafety] {
        guard let studyProtocol = context.protocols[study] else { return [] }
        let rules = SafetyRules(studyProtocol)
        var open: [DaySummary.OpenSafety] = []
        func add(_ kind: DaySummary.OpenSafety.Kind, _ id: String) { open.append(DaySummary.OpenSafety(subject: subject, kind: kind, id: id)) }
        for event in adverseEvents where event.onset <= day {
            let ongoing = event.end.map { $0 > day } ?? true
            if ongoing && event.isSerious { add(.seriousOngoing, event.id) }
            if ongoing && rules.isOfSpecialInterest(event.term) { add(.specialInterestOngoing, event.id) }
            if event.followUpPending { add(.followUpPending, event.id) }
        }
        for reading in measureReadings(studyProtocol, catalog: context.scales)
        where reading.alert && reading.measurement.assessment == nil && reading.measurement.date <= day {
            add(.valueNotAssessed, reading.measurement.visit + "/" + reading.measurement.test)
        }
        for flag in raisedFlags(context: context) where flag.urgent && flag.date <= day
            && !acknowledgements.contains(where: { $0.visit == flag.visit && $0.flag == flag.flag && $0.date <= day }) {
            add(.urgentFlag, flag.visit + "/" + flag.flag)
        }
        return open
    }

    /// The urgent flags acknowledged on `day`, with who did it and the action taken.
    public func acknowledgements(on day: CivilDate) -> [DaySummary.Acknowledged] {
        acknowledgements.filter { $0.date == day }.map {
            DaySummary.Acknowledged(subject: subject, visit: $0.visit, flag: $0.flag, user: $0.user, action: $0.action)
        }
    }

    /// What this state (at the end of `day`) holds that `before` (the state before the day's first record;
    /// nil when there was none) did not, dated before `day`: what was entered on `day` for earlier days.
    public func entries(recordedOn day: CivilDate, since before: Participant?, context: StudyContext) -> [DaySummary.LateEntry] {
        var entries: [DaySummary.LateEntry] = []
        func add(_ what: DaySummary.LateEntry.What, _ id: String, _ date: CivilDate?) {
            guard let date, date < day else { return }
            entries.append(DaySummary.LateEntry(subject: subject, what: what, id: id, date: date, recorded: day))
        }
        for visit in visits {
            let was = before?.visit(visit.code)
            if visit.status == .completed, was?.status != .completed { add(.visitCompleted, visit.code, visit.completedDate) }
            if visit.status == .missed, was?.status != .missed { add(.visitMissed, visit.code, visit.missedDate) }
        }
        for administration in administrations where before?.administration(visit: administration.visit, scale: administration.scale) == nil {
            add(.scores, administration.visit + "/" + administration.scale, administration.date)
        }
        for event in adverseEvents where !(before?.adverseEvents.contains { $0.id == event.id } ?? false) {
            add(.adverseEvent, event.id, event.onset)
        }
        for medication in medications where !(before?.medications.contains { $0.id == medication.id } ?? false) {
            add(.medication, medication.id, medication.start)
        }
        for measurement in measurements where !(before?.measurements.contains { $0.visit == measurement.visit && $0.test == measurement.test } ?? false) {
            add(.measure, measurement.visit + "/" + measurement.test, measurement.date)
        }
        if status == .withdrawn, let exit, before?.status != .withdrawn { add(.withdrawal, exit.category?.rawValue ?? "withdrawal", exit.date) }
        if let randomization, before?.randomization == nil { add(.randomization, randomization.number, randomization.date) }
        let dayOne = context.protocols[study].map(origin) ?? baselineDate
        for classified in deviationClasses where classified.classification != .unclassified
            && !(before?.deviationClasses.contains { $0.visit == classified.visit && $0.classification == classified.classification } ?? false) {
            add(.deviationClass, classified.visit, deviationDate(at: classified.visit, dayOne: dayOne))
        }
        return entries
    }
}
