import CohortDomain

/// A data change the user asked for, as a value: the effect runner applies it through the store,
/// with the same domain actions the command line uses.
public enum Change: Equatable, Sendable {
    case complete(subject: String, visit: String, date: CivilDate, reason: String?)
    case miss(subject: String, visit: String, date: CivilDate, reason: String)
    case reschedule(subject: String, visit: String, date: CivilDate, reason: String?)
    case score(subject: String, visit: String, scale: String, items: [Int?], reason: String?)
    case withdraw(subject: String, date: CivilDate, reason: String)
    case acknowledge(subject: String, visit: String, flag: String)
    case noteDeviation(subject: String, visit: String, note: String)
    case revert(subject: String, to: Participant, expected: Participant, description: String)

    /// The participant it changes.
    public var subject: String {
        switch self {
        case .complete(let s, _, _, _), .miss(let s, _, _, _), .reschedule(let s, _, _, _), .score(let s, _, _, _, _),
             .withdraw(let s, _, _), .acknowledge(let s, _, _), .noteDeviation(let s, _, _), .revert(let s, _, _, _):
            return s
        }
    }

    /// What the status line says once it is saved.
    public var description: String {
        switch self {
        case .complete(let s, let v, let d, _): return "\(s) \(v) completed on \(d)"
        case .miss(let s, let v, let d, _): return "\(s) \(v) marked missed on \(d)"
        case .reschedule(let s, let v, let d, _): return "\(s) \(v) rescheduled to \(d)"
        case .score(let s, let v, let scale, _, _): return "\(s) \(v) \(scale) scores"
        case .withdraw(let s, let d, _): return "\(s) withdrawn on \(d)"
        case .acknowledge(let s, let v, let f): return "\(s) \(v) \(f) acknowledged"
        case .noteDeviation(let s, let v, _): return "note on \(s) \(v) deviation"
        case .revert(_, _, _, let d): return "undid " + d
        }
    }

    /// Whether `u` can take it back (an undo itself is not undone again).
    public var isUndoable: Bool { if case .revert = self { return false } else { return true } }

    /// Applies the change to the latest saved participant (called under the store's lock).
    func apply(to participant: inout Participant, studyProtocol: StudyProtocol, context: StudyContext,
               today: CivilDate, user: String) throws -> Mutation {
        switch self {
        case .complete(_, let visit, let date, let reason):
            return try participant.complete(visit, on: date, reason: reason, studyProtocol: studyProtocol, today: today)
        case .miss(_, let visit, let date, let reason):
            return try participant.miss(visit, on: date, reason: reason, studyProtocol: studyProtocol, today: today)
        case .reschedule(_, let visit, let date, let reason):
            return try participant.reschedule(visit, to: date, reason: reason, studyProtocol: studyProtocol)
        case .score(_, let visit, let scale, let items, let reason):
            return try participant.score(visit, scale: try context.scales.definition(scale), items: items, date: nil, rater: nil,
                                         reason: reason, studyProtocol: studyProtocol, today: today)
        case .withdraw(_, let date, let reason):
            return try participant.withdraw(on: date, reason: reason, screenFailure: false, today: today)
        case .acknowledge(_, let visit, let flag):
            return try participant.acknowledge(flag: flag, visit: visit, on: today, user: user)
        case .noteDeviation(_, let visit, let note):
            return try participant.noteDeviation(visit: visit, note: note, studyProtocol: studyProtocol)
        case .revert(_, let earlier, let expected, let description):
            return try participant.revert(to: earlier, expected: expected, description: description)
        }
    }
}

/// Work the run loop does for the view model; its outcome comes back as an `Action`.
public enum Effect: Equatable, Sendable {
    /// Read the review table (start-up): from the cache when the store says it is current.
    case load
    /// Check every file against the table shown, once the first frame is on screen.
    case checkFiles
    /// Read one participant in full, then carry on with `then`.
    case fetch(subject: String, then: Intent)
    /// Save a change through the store.
    case apply(Change)
    /// Save a new participant.
    case enroll(EnrollmentRequest)
    /// Read a participant's audit trail.
    case loadAudit(subject: String)
    /// Leave the program.
    case quit

    /// Effects that wait until the frame in hand is drawn: the screen first, then the slower check.
    public var waitsForFrame: Bool { self == .checkFiles }
}

/// What was read from the store.
public struct Snapshot: Equatable, Sendable {
    /// Every readable participant's digest, ordered for the day's lists.
    public var table: ReviewTable
    /// Participants read in full so far (the ones opened or changed), by subject.
    public var participants: [String: Participant] = [:]
    /// Subjects whose files could not be read (`cohort verify` says what is wrong with each).
    public var unreadable: [String]
    /// False when the table was taken from the cache without looking at each file (a check follows).
    public var isFullyChecked: Bool
    /// Protocols and scales.
    public var context: StudyContext
    /// Site name.
    public var site: String
    /// Site number for new subject IDs.
    public var siteNumber: String

    /// Creates a snapshot.
    public init(table: ReviewTable, unreadable: [String] = [], isFullyChecked: Bool = true, context: StudyContext, site: String, siteNumber: String) {
        self.table = table; self.unreadable = unreadable; self.isFullyChecked = isFullyChecked
        self.context = context; self.site = site; self.siteNumber = siteNumber
    }
}

/// Input to the view model: a key's intent, typed text, or the outcome of an effect.
public enum Action: Equatable, Sendable {
    /// A bound key's intent.
    case intent(Intent)
    /// A printable character typed where text is expected.
    case type(Character)
    /// The terminal changed size (rows available for lists).
    case resized(rows: Int)
    /// The store was read.
    case loaded(Snapshot)
    /// Every file was checked against the table shown: the table as the files have it (nil when it is the
    /// one shown), and the subjects whose files could not be read.
    case checked(ReviewTable?, unreadable: [String])
    /// A participant was read in full, so `then` can go ahead.
    case fetched(Participant, then: Intent)
    /// A change was saved; `before` is the participant as it was (nil for an enrollment).
    case saved(change: String, participant: Participant, before: Participant?, undoable: Bool)
    /// An effect failed; the message says why and nothing was written.
    case failed(String)
    /// A participant's audit trail was read.
    case auditLoaded(subject: String, records: [AuditLine])
}

/// One audit record as the participant view shows it.
public struct AuditLine: Equatable, Sendable {
    /// UTC time.
    public let time: String
    /// Who.
    public let user: String
    /// `visit W1 status: scheduled → completed (reason)`.
    public let text: String

    /// Creates a line.
    public init(time: String, user: String, text: String) { self.time = time; self.user = user; self.text = text }
}
