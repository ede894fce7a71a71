/// The end-of-day summary (docs/RULES.md, "The day's lists and the summary"). Property names are the binding JSON keys.
public struct DaySummary: Sendable, Equatable, Encodable {
    /// A flag raised that day, or found that day by correcting an earlier administration (`corrected`).
    public struct Flag: Sendable, Equatable, Codable, Hashable {
        /// Subject ID.
        public let subject: String
        /// Visit code.
        public let visit: String
        /// Flag name.
        public let flag: String
        /// True when an earlier-dated administration was corrected that day (the key is left out otherwise).
        public var corrected: Bool?

        /// Creates a flag.
        public init(subject: String, visit: String, flag: String, corrected: Bool? = nil) {
            self.subject = subject; self.visit = visit; self.flag = flag; self.corrected = corrected
        }
    }

    /// A protocol deviation of a visit completed (early or late) or marked missed that day, or of an AE's
    /// initial report sent late that day (`visit` is then the AE id).
    public struct Deviation: Sendable, Equatable, Codable, Hashable {
        /// Subject ID.
        public let subject: String
        /// Visit code.
        public let visit: String
        /// Early, late or missed.
        public let kind: DeviationKind
        /// Days outside the window: negative early, positive late; nil for a missed visit.
        public let days: Int?

        private enum CodingKeys: String, CodingKey { case subject, visit, kind, days }

        /// Writes `days` as `null` for a missed visit (the binding JSON has the key always).
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(subject, forKey: .subject)
            try container.encode(visit, forKey: .visit)
            try container.encode(kind, forKey: .kind)
            try container.encode(days, forKey: .days)
        }
    }

    /// A visit named by subject and visit code.
    public struct VisitRef: Sendable, Equatable, Hashable, CustomStringConvertible {
        /// Subject ID.
        public let subject: String
        /// Visit code.
        public let visit: String
        /// "SUBJECT VISIT".
        public var description: String { subject + " " + visit }
    }

    /// The day.
    public let date: CivilDate
    /// Visits scheduled on the day, not cancelled.
    public let plannedVisits: [VisitRef]
    /// Visits completed on the day, whatever their scheduled date.
    public let completedVisits: [VisitRef]
    /// Of those, completed early or late.
    public let outOfWindowVisits: [VisitRef]
    /// Visits marked missed on the day.
    public let missedVisits: [VisitRef]
    /// Visits scheduled on the day still scheduled.
    public let pendingVisits: [VisitRef]
    /// Visits still scheduled whose window ended before the day.
    public let overdueVisits: [VisitRef]
    /// Administrations dated the day (not counting those not done).
    public let scoresEntered: Int
    /// Visits completed on the day lacking a required scale or with an unscored item.
    public let incompleteVisitList: [VisitRef]
    /// Flags raised by administrations dated the day.
    public let flags: [Flag]
    /// Deviations of visits completed (early, late) or marked missed on the day.
    public let deviations: [Deviation]
    /// Participants whose consent date is the day.
    public let enrolledSubjects: [String]
    /// Participants randomized on the day.
    public let randomizedSubjects: [String]
    /// Participants withdrawn on the day (not screen failures).
    public let withdrawnSubjects: [String]
    /// Participants who screen-failed on the day.
    public let screenFailedSubjects: [String]
    /// Visits scheduled the next day still scheduled: who to call.
    public let tomorrowVisits: [VisitRef]
    /// Adverse events whose onset is the day (docs/RULES.md, "Adverse events and medications").
    public let adverseEvents: [AdverseEventOfDay]
    /// Initial reports owed at the end of the day: aware by then, not reported by then (docs/RULES.md, "Adverse events and medications").
    public let saeReports: [ReportOwed]
    /// Prohibited medications that became a deviation on the day (start, or Day 1 if later).
    public let prohibitedMedications: [MedicationRef]
    /// The day's last minute on the local clock (what "still to send" is judged at).
    public let endOfDay: Moment
    /// Results dated the day outside their normal range or raising an alert (docs/RULES.md, "Vital signs, lab values and ECG measures").
    public let measureFlags: [MeasureFlagOfDay]
    /// What was recorded on the day for an earlier clinical date (added from the trails, `add(record:…)`).
    public internal(set) var recordedLate: [LateEntry] = []
    /// Safety items still open at the end of the day.
    public internal(set) var openSafety: [OpenSafety] = []
    /// Urgent flags acknowledged on the day.
    public internal(set) var acknowledged: [Acknowledged] = []
    /// The three lists above were read from the participants' records and trails (a summary made from the
    /// review's digests alone, as on screen, has not: it must not say "none").
    public internal(set) var readsRecords = false

    /// A flagged result of the day.
    public struct MeasureFlagOfDay: Sendable, Equatable, Codable {
        /// Subject ID.
        public let subject: String
        /// The visit it belongs to.
        public let visit: String
        /// The measure code.
        public let test: String
        /// The value.
        public let value: Quantity
        /// Low, high or normal.
        public let flag: MeasureFlag
        /// A protocol alert holds.
        public let alert: Bool
    }

    /// An adverse event of the day.
    public struct AdverseEventOfDay: Sendable, Equatable, Codable {
        /// Subject ID.
        public let subject: String
        /// `AE1`, `CM2`: the record within the participant.
        public let id: String
        /// The event as named.
        public let term: String
        /// Serious.
        public let serious: Bool
    }

    /// An initial report still owed, and its deadline (on the local clock).
    public struct ReportOwed: Sendable, Equatable, Codable {
        /// Subject ID.
        public let subject: String
        /// `AE1`, `CM2`: the record within the participant.
        public let id: String
        /// The initial report's deadline, on the local clock.
        public let due: Moment
    }

    /// A medication named by subject and id.
    public struct MedicationRef: Sendable, Equatable, Codable {
        /// Subject ID.
        public let subject: String
        /// `AE1`, `CM2`: the record within the participant.
        public let id: String
        /// The name as written.
        public let name: String
    }

    /// The counts of the binding JSON.
    public var planned: Int { plannedVisits.count }
    /// Visits completed on the day.
    public var completed: Int { completedVisits.count }
    /// Of those, visits done early or late.
    public var completedOutOfWindow: Int { outOfWindowVisits.count }
    /// Visits marked missed on the day.
    public var missed: Int { missedVisits.count }
    /// Visits scheduled on the day still to do.
    public var pending: Int { pendingVisits.count }
    /// Visits whose window closed, not done.
    public var overdue: Int { overdueVisits.count }
    /// Visits completed with a form missing.
    public var incompleteVisits: Int { incompleteVisitList.count }
    /// Participants who consented on the day.
    public var enrolled: Int { enrolledSubjects.count }
    /// Participants randomized on the day.
    public var randomized: Int { randomizedSubjects.count }
    /// Participants withdrawn on the day.
    public var withdrawn: Int { withdrawnSubjects.count }
    /// Participants who screen-failed on the day.
    public var screenFailed: Int { screenFailedSubjects.count }
    /// Visits scheduled for the next day.
    public var tomorrow: Int { tomorrowVisits.count }

    /// Computes the summary of `date` from the data as it stands.
    public init(date: CivilDate, participants: [Participant], context: StudyContext, zone: TimeZone) {
        self.init(date: date, table: ReviewTable(participants: participants, context: context), zone: zone)
    }

    /// Computes the summary of `date` from every participant's digest; the day ends at midnight on `zone`'s clock.
    public init(date: CivilDate, table: ReviewTable, zone: TimeZone) {
        self.date = date
        let endOfDay = Moment.endOf(date, in: zone)
        self.endOfDay = endOfDay
        var events: [AdverseEventOfDay] = [], owed: [ReportOwed] = [], prohibited: [MedicationRef] = [], measured: [MeasureFlagOfDay] = []
        let review = table.review(on: date)
        var completed: [VisitRef] = [], outOfWindow: [VisitRef] = [], missed: [VisitRef] = [], incomplete: [VisitRef] = []
        var enrolled: [String] = [], randomized: [String] = [], withdrawn: [String] = [], screenFailed: [String] = []
        var scores = 0
        var flags: [Flag] = [], deviations: [Deviation] = []
        for participant in table.people {
            for visit in participant.visits {
                let named = VisitRef(subject: participant.subject, visit: visit.code)
                if visit.status == .completed, visit.completedDate == date {
                    completed.append(named)
                    if let days = visit.deviationDays {
                        outOfWindow.append(named)
                        deviations.append(Deviation(subject: participant.subject, visit: visit.code, kind: days < 0 ? .early : .late, days: days))
                    }
                    if visit.isIncomplete { incomplete.append(named) }
                }
                if visit.status == .missed, visit.missedDate == date {
                    missed.append(named)
                    deviations.append(Deviation(subject: participant.subject, visit: visit.code, kind: .missed, days: nil))
                }
            }
            scores += participant.scoreDates.filter { $0 == date }.count
            for raised in participant.flags(raisedOn: date) {
                let flag = Flag(subject: raised.subject, visit: raised.visit, flag: raised.flag)
                if !flags.contains(flag) { flags.append(flag) }
            }
            for found in participant.flags(correctedOn: date) {
                let flag = Flag(subject: found.subject, visit: found.visit, flag: found.flag, corrected: true)
                if !flags.contains(flag) { flags.append(flag) }
            }
            if participant.consentDate == date { enrolled.append(participant.subject) }
            if participant.randomization?.date == date { randomized.append(participant.subject) }
            if participant.status == .withdrawn, participant.exitDate == date { withdrawn.append(participant.subject) }
            if participant.status == .screenFailed, participant.exitDate == date { screenFailed.append(participant.subject) }
            for event in participant.adverseEvents {
                if event.onset == date { events.append(AdverseEventOfDay(subject: participant.subject, id: event.id, term: event.term, serious: event.isSerious)) }
                // A report sent late is a deviation listed on the day it was sent (docs/RULES.md, "Deviations").
                if event.wasReportedLate, let sent = event.reportedAt, sent.shown(in: zone).date == date {
                    deviations.append(Deviation(subject: participant.subject, visit: event.id, kind: .lateReport, days: nil))
                }
                if let due = event.reportDue, event.aware <= endOfDay, event.reportedAt.map({ endOfDay < $0 }) ?? true {
                    owed.append(ReportOwed(subject: participant.subject, id: event.id, due: due.shown(in: zone)))
                }
            }
            for medication in participant.prohibitedMedications where medication.since == date {
                prohibited.append(MedicationRef(subject: participant.subject, id: medication.id, name: medication.name))
            }
            for result in participant.flaggedMeasures where result.date == date {
                measured.append(MeasureFlagOfDay(subject: participant.subject, visit: result.visit, test: result.test, value: result.value,
                                                 flag: result.flag, alert: result.alert))
            }
        }
        measureFlags = measured
        adverseEvents = events
        saeReports = owed
        prohibitedMedications = prohibited
        func named<Entries: Sequence<ReviewEntry>>(_ entries: Entries) -> [VisitRef] { entries.map { VisitRef(subject: $0.subject, visit: $0.visit.code) } }
        plannedVisits = named(review.today)
        completedVisits = completed
        outOfWindowVisits = outOfWindow
        missedVisits = missed
        pendingVisits = named(review.today.filter { $0.visit.status == .scheduled })
        overdueVisits = named(review.overdue)
        scoresEntered = scores
        incompleteVisitList = incomplete
        self.flags = flags
        self.deviations = deviations
        enrolledSubjects = enrolled
        randomizedSubjects = randomized
        withdrawnSubjects = withdrawn
        screenFailedSubjects = screenFailed
        tomorrowVisits = named(table.review(on: date.adding(days: 1)).today.filter { $0.visit.status == .scheduled })
    }

    private enum CodingKeys: String, CodingKey {
        case date, planned, completed, completedOutOfWindow, missed, pending, overdue, scoresEntered, incompleteVisits, flags, deviations
        case enrolled, randomized, withdrawn, screenFailed, tomorrow, adverseEvents, saeReports, prohibitedMedications, measureFlags
        case recordedLate, openSafety, acknowledged
    }

    /// Writes the binding JSON: counts as integers, flags and deviations as lists.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(date, forKey: .date)
        let counts: [(CodingKeys, Int)] = [(.planned, planned), (.completed, completed), (.completedOutOfWindow, completedOutOfWindow),
                                           (.missed, missed), (.pending, pending), (.overdue, overdue), (.scoresEntered, scoresEntered),
                                           (.incompleteVisits, incompleteVisits), (.enrolled, enrolled), (.randomized, randomized),
                                           (.withdrawn, withdrawn), (.screenFailed, screenFailed), (.tomorrow, tomorrow)]
        for (key, count) in counts { try container.encode(count, forKey: key) }
        try container.encode(flags, forKey: .flags)
        try container.encode(deviations, forKey: .deviations)
        try container.encode(adverseEvents, forKey: .adverseEvents)
        try container.encode(saeReports, forKey: .saeReports)
        try container.encode(prohibitedMedications, forKey: .prohibitedMedications)
        try container.encode(measureFlags, forKey: .measureFlags)
        try container.encode(recordedLate, forKey: .recordedLate)
        try container.encode(openSafety, forKey: .openSafety)
        try container.encode(acknowledged, forKey: .acknowledged)
    }
}

import Foundation
