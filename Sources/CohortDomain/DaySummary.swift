/// The end-of-day summary (§2.3, §3.5). Property names are the binding JSON keys.
public struct DaySummary: Sendable, Equatable, Codable {
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

    /// A protocol deviation of a visit completed (early or late) or marked missed that day.
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

    /// The day.
    public let date: CivilDate
    /// Visits scheduled on the day, not cancelled.
    public let planned: Int
    /// Visits completed on the day, whatever their scheduled date.
    public let completed: Int
    /// Of those, completed early or late.
    public let completedOutOfWindow: Int
    /// Visits marked missed on the day.
    public let missed: Int
    /// Visits scheduled on the day still scheduled.
    public let pending: Int
    /// Visits still scheduled whose window ended before the day.
    public let overdue: Int
    /// Administrations dated the day.
    public let scoresEntered: Int
    /// Visits completed on the day lacking a required scale or with an unscored item.
    public let incompleteVisits: Int
    /// Flags raised by administrations dated the day.
    public let flags: [Flag]
    /// Deviations of visits completed (early, late) or marked missed on the day.
    public let deviations: [Deviation]
    /// Participants whose consent date is the day.
    public let enrolled: Int
    /// Participants randomized on the day.
    public let randomized: Int
    /// Participants withdrawn on the day (not screen failures).
    public let withdrawn: Int
    /// Participants who screen-failed on the day.
    public let screenFailed: Int
    /// Visits scheduled the next day still scheduled.
    public let tomorrow: Int

    /// Computes the summary of `date` from the data as it stands.
    public init(date: CivilDate, participants: [Participant], context: StudyContext) {
        self.init(date: date, table: ReviewTable(participants: participants, context: context))
    }

    /// Computes the summary of `date` from every participant's digest.
    public init(date: CivilDate, table: ReviewTable) {
        self.date = date
        let review = table.review(on: date)
        var completed = 0, outOfWindow = 0, missed = 0, scores = 0, incomplete = 0, enrolled = 0, randomized = 0, withdrawn = 0, screenFailed = 0
        var flags: [Flag] = [], deviations: [Deviation] = []
        for participant in table.people {
            for visit in participant.visits {
                if visit.status == .completed, visit.completedDate == date {
                    completed += 1
                    if let days = visit.deviationDays {
                        outOfWindow += 1
                        deviations.append(Deviation(subject: participant.subject, visit: visit.code, kind: days < 0 ? .early : .late, days: days))
                    }
                    if visit.isIncomplete { incomplete += 1 }
                }
                if visit.status == .missed, visit.missedDate == date {
                    missed += 1
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
            if participant.consentDate == date { enrolled += 1 }
            if participant.randomizedOn == date { randomized += 1 }
            if participant.status == .withdrawn, participant.exitDate == date { withdrawn += 1 }
            if participant.status == .screenFailed, participant.exitDate == date { screenFailed += 1 }
        }
        planned = review.today.count
        self.completed = completed
        completedOutOfWindow = outOfWindow
        self.missed = missed
        pending = review.today.filter { $0.visit.status == .scheduled }.count
        overdue = review.overdue.count
        scoresEntered = scores
        incompleteVisits = incomplete
        self.flags = flags
        self.deviations = deviations
        self.enrolled = enrolled
        self.randomized = randomized
        self.withdrawn = withdrawn
        self.screenFailed = screenFailed
        tomorrow = table.review(on: date.adding(days: 1)).today.filter { $0.visit.status == .scheduled }.count
    }
}
