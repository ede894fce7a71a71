/// What the summary reads from each participant's whole record and trail rather than from the review's
/// digests: entries recorded on the day for earlier days, safety items still open, acknowledgements
/// (docs/RULES.md, "The day's lists and the summary").
extension DaySummary {
    /// Something recorded on the day for an earlier clinical date.
    public struct LateEntry: Sendable, Equatable, Codable {
        /// What kind of entry.
        public enum What: String, Sendable, Codable, CaseIterable {
            case visitCompleted = "visit-completed", visitMissed = "visit-missed", scores, adverseEvent = "adverse-event"
            case medication, measure, withdrawal, randomization, deviationClass = "deviation-class"
        }
        /// Subject ID.
        public let subject: String
        /// What was entered.
        public let what: What
        /// The visit code, AE/CM id, `VISIT/SCALE` or `VISIT/TEST`.
        public let id: String
        /// The clinical date it is dated.
        public let date: CivilDate
        /// The local date of the audit record that created it.
        public let recorded: CivilDate

        /// Creates one.
        public init(subject: String, what: What, id: String, date: CivilDate, recorded: CivilDate) {
            self.subject = subject; self.what = what; self.id = id; self.date = date; self.recorded = recorded
        }

        /// "101-0001 AE3 adverse-event dated 2026-11-20" as the text summary names it.
        public var described: String { "\(subject) \(id): \(what.rawValue) dated \(date)" }
    }

    /// A safety matter still open at the end of the day.
    public struct OpenSafety: Sendable, Equatable, Codable {
        /// What is open.
        public enum Kind: String, Sendable, Codable, CaseIterable {
            case seriousOngoing = "serious-ae-ongoing", specialInterestOngoing = "special-interest-ae-ongoing"
            case followUpPending = "follow-up-report-pending", valueNotAssessed = "value-not-assessed"
            case urgentFlag = "urgent-flag-unacknowledged"
        }
        /// Subject ID.
        public let subject: String
        /// What is open.
        public let kind: Kind
        /// The AE id, `VISIT/TEST` of a result, or `VISIT/FLAG` of a flag.
        public let id: String

        /// Creates one.
        public init(subject: String, kind: Kind, id: String) { self.subject = subject; self.kind = kind; self.id = id }
    }

    /// An urgent flag acknowledged on the day.
    public struct Acknowledged: Sendable, Equatable, Codable {
        /// Subject ID.
        public let subject: String
        /// Visit code.
        public let visit: String
        /// Flag name.
        public let flag: String
        /// Who acknowledged it.
        public let user: String
        /// What was done (nil on acknowledgements made before an action was asked).
        public let action: String?

        /// Creates one.
        public init(subject: String, visit: String, flag: String, user: String, action: String?) {
            self.subject = subject; self.visit = visit; self.flag = flag; self.user = user; self.action = action
        }

        private enum CodingKeys: String, CodingKey { case subject, visit, flag, user, action }

        /// Writes `action` as `null` when there is none (the binding JSON has the key always).
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(subject, forKey: .subject); try container.encode(visit, forKey: .visit)
            try container.encode(flag, forKey: .flag); try container.encode(user, forKey: .user); try container.encode(action, forKey: .action)
        }
    }

    /// The three lists the summary reads from the records, gathered by one pass over the store
    /// (`ParticipantStore.summaryRecords`), for the command line and the summary screen alike.
    public struct Records: Sendable, Equatable {
        /// Entered on the day for earlier days.
        public var recordedLate: [LateEntry] = []
        /// Safety items open at the end of the day.
        public var openSafety: [OpenSafety] = []
        /// Urgent flags acknowledged on the day.
        public var acknowledged: [Acknowledged] = []

        /// None yet.
        public init() {}

        /// Adds one participant's part on `day`: open safety items and acknowledgements from `state` (the data
        /// the summary is computed from), and, when the trail has records made on the day, what they created
        /// for earlier days (`dayChange`: the states replayed before the day's first record and after its last).
        /// `mayBeInSafetyLists` false (its digest says it has no open safety item and no acknowledgement on the
        /// day: `ParticipantDigest.mayBeInSafetyLists`) leaves the safety lists unread.
        public mutating func add(record state: Participant, dayChange: (before: Participant?, after: Participant)?, on day: CivilDate,
                                 context: StudyContext, mayBeInSafetyLists: Bool = true) {
            if mayBeInSafetyLists {
                openSafety += state.openSafety(on: day, context: context)
                acknowledged += state.acknowledgements(on: day)
            }
            if let dayChange { recordedLate += dayChange.after.entries(recordedOn: day, since: dayChange.before, context: context) }
        }

        /// Adds the next participants' parts (in subject order), made apart.
        public mutating func add(_ later: Records) {
            recordedLate += later.recordedLate; openSafety += later.openSafety; acknowledged += later.acknowledged
        }
    }

    /// Marks the summary as read from the records (a site with no participant has nothing to add).
    public mutating func markRecordsRead() { readsRecords = true }

    /// Adds the lists read from the records (in subject order).
    public mutating func add(_ records: Records) {
        readsRecords = true
        recordedLate += records.recordedLate; openSafety += records.openSafety; acknowledged += records.acknowledged
    }

    /// Adds one participant's part (see `Records.add(record:dayChange:on:context:)`).
    public mutating func add(record state: Participant, dayChange: (before: Participant?, after: Participant)?, context: StudyContext) {
        var records = Records()
        records.add(record: state, dayChange: dayChange, on: date, context: context)
        add(records)
    }
}
