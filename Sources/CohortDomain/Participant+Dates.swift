/// The dates a participant's record holds (docs/RULES.md, "SDTM conventions"):
/// one list, so the rule that nothing is dated after a death and the end of participation read the same.
extension Participant {
    /// Every date the record holds beyond the consent and the exit, each with a short phrase naming it
    /// ("W2 completed"), in the record's order.
    public var datedEntries: [(date: CivilDate, what: String)] {
        var found: [(date: CivilDate, what: String)] = []
        func note(_ date: CivilDate?, _ what: String) {
            if let date { found.append((date, what)) }
        }
        note(randomization?.date, "randomization")
        for visit in visits {
            note(visit.completedDate, "\(visit.code) completed")
            note(visit.missedDate, "\(visit.code) marked missed")
        }
        for unscheduled in unscheduledVisits { note(unscheduled.date, "unscheduled visit \(unscheduled.code)") }
        for consent in reconsents { note(consent.date, "a re-consent") }
        for administration in administrations { note(administration.date, "\(administration.scale) at \(administration.visit)") }
        for measurement in measurements { note(measurement.date, "\(measurement.test) at \(measurement.visit)") }
        for event in adverseEvents {
            note(event.onset, "the onset of \(event.id)")
            note(event.end, "the end of \(event.id)")
        }
        for medication in medications {
            note(medication.start, "the start of \(medication.id)")
            note(medication.end, "the end of \(medication.id)")
        }
        return found
    }

    /// The last date of the record: the latest of the consent, the exit (withdrawal, screen failure) and
    /// every date in `datedEntries` — the end of participation as far as the site knows it (RFPENDTC).
    public var lastRecordedDate: CivilDate {
        ([consentDate] + [exit?.date].compactMap { $0 } + datedEntries.map(\.date)).max() ?? consentDate
    }
}
