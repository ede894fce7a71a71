/// One participant as the site's roster shows it (docs/RULES.md, "The roster and the screening log"): who they are in which study, where they
/// stand, how they were allocated, and what comes next.
public struct RosterEntry: Sendable, Equatable {
    /// Subject ID.
    public var subject: String
    /// Initials.
    public var initials: String
    /// Protocol id.
    public var study: String
    /// Where the participant is in the study.
    public var status: ParticipantStatus
    /// Consent date.
    public var consent: CivilDate
    /// The planned baseline date.
    public var baseline: CivilDate
    /// Day 1 (docs/RULES.md, "Study days and dates"): the completed baseline, else the planned one.
    public var dayOne: CivilDate
    /// The randomization number, once randomized.
    public var randomization: String?
    /// The allocation as screens say it (arm, randomization number, or not yet randomized).
    public var allocation: String
    /// The still-scheduled visit with the earliest scheduled date (ties in protocol order), with that date;
    /// a visit waiting for Day 1 is never next (docs/RULES.md, "The roster and the screening log").
    public var next: NextVisit?
    /// Why and when the participant left (screen failure or withdrawal).
    public var exit: ExitRecord?
    /// Every consent signed, with its ICF version, the first one first.
    public var consents: [Consent]
    /// The entry criteria answered so that they keep the participant out, with the answer ("I2 not met",
    /// "E1 met"), in the protocol's order (docs/RULES.md, "Eligibility").
    public var criteriaNotMet: [String]

    /// The entry of `participant`, who follows `studyProtocol`.
    public init(_ participant: Participant, studyProtocol: StudyProtocol) {
        subject = participant.subject; initials = participant.initials; study = participant.study
        status = participant.status; consent = participant.consentDate; baseline = participant.baselineDate
        dayOne = participant.origin(studyProtocol); randomization = participant.randomization?.number
        allocation = participant.allocation; exit = participant.exit; consents = participant.consents
        criteriaNotMet = participant.eligibilityChecklist(studyProtocol)?.failed.map(\.words) ?? []
        next = NextVisit.earliest(participant.plannedVisits(studyProtocol).filter { $0.status == .scheduled && !$0.isWaitingForDayOne }.map { ($0.code, $0.scheduled) })
    }
}

/// A visit still to come and its scheduled date.
public struct NextVisit: Sendable, Equatable {
    /// The visit it belongs to.
    public var visit: String
    /// The day it is dated.
    public var date: CivilDate

    /// Creates one.
    public init(visit: String, date: CivilDate) { self.visit = visit; self.date = date }

    /// The earliest of `scheduled` (visit codes with scheduled dates, in protocol order): the first of the
    /// earliest date wins a tie.
    static func earliest(_ scheduled: [(code: String, date: CivilDate)]) -> NextVisit? {
        scheduled.min { $0.date < $1.date }.map { NextVisit(visit: $0.code, date: $0.date) }
    }
}

/// The site's participants, optionally narrowed to a study and a status, with how many of each study are
/// in each status: what a sponsor asks on every enrollment call.
public struct Roster: Sendable, Equatable {
    /// What to keep: nil keeps every study or status.
    public struct Filter: Sendable, Equatable {
        /// Only this study (nil: every one).
        public var study: String?
        /// Only this status (nil: every one).
        public var status: ParticipantStatus?
        /// A filter keeping `study` and `status` (nil keeps all).
        public init(study: String? = nil, status: ParticipantStatus? = nil) { self.study = study; self.status = status }

        /// True when `entry` passes.
        public func keeps(_ entry: RosterEntry) -> Bool {
            (study == nil || entry.study == study) && (status == nil || entry.status == status)
        }
    }

    /// The entries kept, by subject.
    public private(set) var entries: [RosterEntry] = []
    /// For every study kept, how many kept participants are in each status kept (zeros included).
    public private(set) var counts: [String: [ParticipantStatus: Int]]
    /// What was kept.
    public let filter: Filter

    /// An empty roster of `studies` (the store's protocol ids); entries are added in subject order.
    public init(studies: [String], filter: Filter = Filter()) throws {
        if let study = filter.study, !studies.contains(study) {
            throw DomainError("No study \(study) in this store; its studies are \(studies.sorted().joined(separator: ", ")).")
        }
        self.filter = filter
        let statuses = ParticipantStatus.allCases.filter { filter.status == nil || $0 == filter.status }
        counts = Dictionary(uniqueKeysWithValues: studies.filter { filter.study == nil || $0 == filter.study }.map { study in
            (study, Dictionary(uniqueKeysWithValues: statuses.map { ($0, 0) }))
        })
    }

    /// Adds `entry` when the filter keeps it.
    public mutating func add(_ entry: RosterEntry) {
        guard filter.keeps(entry) else { return }
        entries.append(entry)
        counts[entry.study, default: [:]][entry.status, default: 0] += 1
    }
}
