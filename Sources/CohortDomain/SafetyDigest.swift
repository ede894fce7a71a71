/// What the day's lists, the summary and the roster need of one adverse event.
public struct AdverseEventDigest: Sendable, Equatable {
    /// `AE1`, `CM2`: the record within the participant.
    public var id: String
    /// The event as named.
    public var term: String
    /// The day it began.
    public var onset: CivilDate
    /// Any seriousness criterion is met.
    public var isSerious: Bool
    /// When the site became aware (the clock's start).
    public var aware: Moment
    /// The initial report's deadline, when one is needed (serious or of special interest).
    public var reportDue: Moment?
    /// When the initial report was sent.
    public var reportedAt: Moment?
    /// Changed since the initial report, with no follow-up sent.
    public var followUpPending: Bool

    /// Creates one from its parts (the cache reads them back this way).
    package init(id: String, term: String, onset: CivilDate, isSerious: Bool, aware: Moment, reportDue: Moment?, reportedAt: Moment?,
                followUpPending: Bool) {
        self.id = id; self.term = term; self.onset = onset; self.isSerious = isSerious; self.aware = aware
        self.reportDue = reportDue; self.reportedAt = reportedAt; self.followUpPending = followUpPending
    }

    /// The digest of `event` under `rules`.
    public init(_ event: AdverseEvent, rules: SafetyRules) {
        self.init(id: event.id, term: event.term, onset: event.onset, isSerious: event.isSerious, aware: event.aware, reportDue: rules.reportDue(event),
                  reportedAt: event.initialReport?.at, followUpPending: event.followUpPending)
    }

    /// True when the initial report was sent after its due time (a `late-report` deviation).
    public var wasReportedLate: Bool {
        guard let reportDue, let reportedAt else { return false }
        return reportDue < reportedAt
    }

    /// True when an initial report is needed and not sent.
    public var awaitsReport: Bool { reportDue != nil && reportedAt == nil }
}

/// A concomitant medication on the protocol's prohibited list: a deviation from the day it applied.
public struct ProhibitedMedication: Sendable, Equatable {
    /// `AE1`, `CM2`: the record within the participant.
    public var id: String
    /// The name as written.
    public var name: String
    /// Its start, or Day 1 if it started before.
    public var since: CivilDate
    /// Still taken (no end date): the review flags it until it is stopped.
    public var ongoing: Bool

    /// Creates one.
    package init(id: String, name: String, since: CivilDate, ongoing: Bool) {
        self.id = id; self.name = name; self.since = since; self.ongoing = ongoing
    }
}

/// A safety matter that waits at the top of the daily review until it is dealt with: an adverse event's
/// initial report not yet sent, or a prohibited medication still taken.
public struct SafetyAlert: Sendable, Equatable {
    /// What an alert is about.
    public enum Kind: UInt8, Sendable, CaseIterable {
        case report, prohibitedMedication, measureAlert
        /// A sync conflict waiting to be resolved (docs/RULES.md, "Merging and conflicts"): shown on one line above the rest.
        case syncConflict
    }
    /// A report owed, a prohibited medication taken, or a measure alert not assessed.
    public var kind: Kind
    /// Subject ID.
    public var subject: String
    /// `AE1`, `CM2`, or a visit and test (`W1 ALT`).
    public var record: String
    /// The AE's term, the medication's name, or the measure's value and alert rule.
    public var text: String
    /// The report's deadline (reports only).
    public var due: Moment?

    /// Creates one.
    package init(kind: Kind, subject: String, record: String, text: String, due: Moment?) {
        self.kind = kind; self.subject = subject; self.record = record; self.text = text; self.due = due
    }

    /// The order the review shows them in: sync conflicts first (shown on one line above the rest), then
    /// reports by deadline (overdue ones first, whatever the moment), then prohibited medications and
    /// alerts; by subject, then record number (AE2 before AE10).
    public static func precedes(_ a: SafetyAlert, _ b: SafetyAlert) -> Bool {
        func number(_ record: String) -> Int { Int(record.drop { !$0.isNumber }) ?? 0 }
        func rank(_ alert: SafetyAlert) -> Int { alert.kind == .syncConflict ? 0 : 1 }
        return (rank(a), a.due?.minutes ?? .max, a.subject, number(a.record)) < (rank(b), b.due?.minutes ?? .max, b.subject, number(b.record))
    }
}

extension Participant {
    /// The prohibited medications among this participant's concomitant ones, under `rules`, with Day 1 `dayOne`.
    public func prohibitedMedications(rules: SafetyRules, dayOne: CivilDate) -> [Medication] {
        medications.filter { rules.isProhibited($0, dayOne: dayOne) }
    }
}
