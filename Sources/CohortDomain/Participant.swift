/// One enrolled participant: coded identity only (no names, no full birth dates), visits and scores.
public struct Participant: Codable, Sendable, Equatable {
    /// Subject ID, unique in the store (`101-0007`).
    public var subject: String
    /// Two or three capital letters.
    public var initials: String
    /// Year of birth (never the full date).
    public var birthYear: Int
    /// Sex as recorded.
    public var sex: Sex
    /// Protocol id.
    public var study: String
    /// Treatment arm, in an open-label study only (nil in a blinded one).
    public var arm: String?
    /// The randomization number from the sponsor's system, in a blinded study, once randomized.
    public var randomization: Randomization?
    /// Date informed consent was signed (the enrollment date).
    public var consentDate: CivilDate
    /// Day 1.
    public var baselineDate: CivilDate
    /// Where the participant is in the study.
    public var status: ParticipantStatus
    /// Date and reason for leaving (withdrawn or screen-failed).
    public var exit: ExitRecord?
    /// One record per protocol visit, in protocol order.
    public var visits: [VisitRecord]
    /// Rating-scale administrations.
    public var administrations: [Administration]
    /// Urgent flags the lead has acknowledged.
    public var acknowledgements: [FlagAcknowledgement]
    /// The lead's classifications of protocol deviations (a deviation without one is unclassified).
    public var deviationClasses: [DeviationClassification]
    /// Adverse events, in order of entry.
    public var adverseEvents: [AdverseEvent] {
        get { storedAdverseEvents ?? [] }
        set { storedAdverseEvents = newValue.isEmpty ? nil : newValue }
    }
    /// Prior and concomitant medications, in order of entry.
    public var medications: [Medication] {
        get { storedMedications ?? [] }
        set { storedMedications = newValue.isEmpty ? nil : newValue }
    }
    /// Vital signs, lab values and ECG measures, in order of entry.
    public var measurements: [Measurement] {
        get { storedMeasurements ?? [] }
        set { storedMeasurements = newValue.isEmpty ? nil : newValue }
    }
    /// Visits outside the protocol's schedule (`U1`, `U2`, …), in order of entry.
    public var unscheduledVisits: [UnscheduledVisit] {
        get { storedUnscheduledVisits ?? [] }
        set { storedUnscheduledVisits = newValue.isEmpty ? nil : newValue }
    }
    /// The version of the informed-consent form signed at the first consent, when recorded.
    public var icfVersion: String?
    /// Consents signed again after the first (a new ICF version), in order of entry.
    public var reconsents: [Consent] {
        get { storedReconsents ?? [] }
        set { storedReconsents = newValue.isEmpty ? nil : newValue }
    }
    /// Part 11 signatures of this participant's records, in order of signing, invalidated ones kept
    /// (docs/RULES.md, "Signatures").
    public var signatures: [Signature] {
        get { storedSignatures ?? [] }
        set { storedSignatures = newValue.isEmpty ? nil : newValue }
    }
    /// Set while a signed casebook is locked: nothing changes until a `pi` unlocks it.
    public var casebookLock: CasebookLock?
    /// Answers to the protocol's entry criteria, by criterion id (docs/RULES.md, "Eligibility"); who gave
    /// each and when are in the audit trail.
    public var eligibility: [String: EligibilityRecord] {
        get { storedEligibility ?? [:] }
        set { storedEligibility = newValue.isEmpty ? nil : newValue }
    }
    /// Changes from another machine that a sync could not merge without picking a value, until resolved
    /// (docs/RULES.md, "Merging and conflicts").
    public var conflicts: [SyncConflict] {
        get { storedConflicts ?? [] }
        set { storedConflicts = newValue.isEmpty ? nil : newValue }
    }
    // Absent from the file until the first one is recorded: files written before adverse events and
    // measures existed read, re-encode and replay byte for byte.
    private var storedSignatures: [Signature]?
    private var storedConflicts: [SyncConflict]?
    private var storedEligibility: [String: EligibilityRecord]?
    private var storedUnscheduledVisits: [UnscheduledVisit]?
    private var storedReconsents: [Consent]?
    private var storedAdverseEvents: [AdverseEvent]?
    private var storedMedications: [Medication]?
    private var storedMeasurements: [Measurement]?
    /// The highest AE and CM numbers ever given (`{"AE": 3}`), kept through an undo so a number the sponsor
    /// may have seen is never given to another record; absent until a record is removed.
    private var storedRecordNumbers: [String: Int]?

    /// The number the next record of `kind` (`AE`, `CM`) takes: one past the highest given, removed or not.
    func nextRecordNumber(_ kind: String, existing: [String]) -> Int {
        let highest = existing.compactMap { Int($0.dropFirst(kind.count)) }.max() ?? 0
        return max(highest, storedRecordNumbers?[kind] ?? 0) + 1
    }

    /// The highest number of `kind` (`AE`, `CM`) given so far, its record removed or not.
    public func highestRecordNumber(_ kind: String) -> Int {
        nextRecordNumber(kind, existing: kind == "AE" ? adverseEvents.map(\.id) : medications.map(\.id)) - 1
    }

    /// Remembers that number `number` of `kind` was given (a conflict resolved: its id is never given again).
    mutating func rememberNumber(_ kind: String, _ number: Int) {
        if number > (storedRecordNumbers?[kind] ?? 0) { storedRecordNumbers = (storedRecordNumbers ?? [:]).merging([kind: number]) { max($0, $1) } }
    }

    /// This participant without its sync conflicts and their remembered `C` numbers: the rules' bookkeeping,
    /// which no clinical value and so no casebook signature holds (docs/RULES.md, "Merging and conflicts").
    var withoutConflicts: Participant {
        var copy = self
        copy.conflicts = []
        copy.storedRecordNumbers?["C"] = nil
        if copy.storedRecordNumbers?.isEmpty == true { copy.storedRecordNumbers = nil }
        return copy
    }

    /// Raises the remembered highest AE and CM numbers to `given` (the highest the audit trail shows were
    /// ever given) where this state's own are lower: the counter must not live only in data a hand edit
    /// can change (docs/RULES.md, "The trail is the record").
    public mutating func rememberRecordNumbers(_ given: [String: Int]) {
        let kept = given.filter { $0.value > highestRecordNumber($0.key) }
        if !kept.isEmpty { storedRecordNumbers = (storedRecordNumbers ?? [:]).merging(kept) { max($0, $1) } }
    }

    /// After an undo from `current` back to this state: remembers the highest AE and CM numbers `current`
    /// had given, where this state's own records would not.
    mutating func keepRecordNumbers(from current: Participant) {
        let highest = ["AE": current.nextRecordNumber("AE", existing: current.adverseEvents.map(\.id)) - 1,
                       "CM": current.nextRecordNumber("CM", existing: current.medications.map(\.id)) - 1]
        let own = ["AE": nextRecordNumber("AE", existing: adverseEvents.map(\.id)) - 1,
                   "CM": nextRecordNumber("CM", existing: medications.map(\.id)) - 1]
        let kept = highest.filter { $0.value > (own[$0.key] ?? 0) }
        if !kept.isEmpty { storedRecordNumbers = (storedRecordNumbers ?? [:]).merging(kept) { max($0, $1) } }
    }

    private enum CodingKeys: String, CodingKey {
        case subject, initials, birthYear, sex, study, arm, randomization, consentDate, baselineDate, status, exit, visits
        case administrations, acknowledgements, deviationClasses
        case storedAdverseEvents = "adverseEvents", storedMedications = "medications", storedMeasurements = "measurements"
        case storedRecordNumbers = "recordNumbers"
        case storedUnscheduledVisits = "unscheduledVisits", icfVersion, storedReconsents = "reconsents"
        case storedSignatures = "signatures", casebookLock
        case storedEligibility = "eligibility"
        case storedConflicts = "conflicts"
    }

    /// Creates a participant record.
    public init(subject: String, initials: String, birthYear: Int, sex: Sex, study: String, arm: String?,
                consentDate: CivilDate, baselineDate: CivilDate, status: ParticipantStatus, exit: ExitRecord? = nil,
                visits: [VisitRecord], administrations: [Administration] = [],
                acknowledgements: [FlagAcknowledgement] = [], deviationClasses: [DeviationClassification] = []) {
        self.subject = subject; self.initials = initials; self.birthYear = birthYear; self.sex = sex
        self.study = study; self.arm = arm; self.consentDate = consentDate; self.baselineDate = baselineDate
        self.status = status; self.exit = exit; self.visits = visits; self.administrations = administrations
        self.acknowledgements = acknowledgements; self.deviationClasses = deviationClasses
    }

    /// How the participant is allocated, as screens and reports say it: the arm in an open-label study, the
    /// randomization number in a blinded one (never an arm), or that it is still to come.
    public var allocation: String {
        if let arm { return "arm \(arm)" }
        if let randomization { return "rand. \(randomization.number)" }
        return "not yet randomized"
    }

    /// The record of a visit by code.
    public func visit(_ code: String) -> VisitRecord? { visits.first { $0.code == code } }

    /// Writes (or replaces) the note of visit `code`: free text, checked like any (docs/RULES.md, "Visit notes").
    public mutating func note(_ code: String, text: String) throws -> String? {
        guard let index = visits.firstIndex(where: { $0.code == code }) else { throw DomainError("\(subject) has no visit \(Text.shown(code)) of the protocol to note.") }
        visits[index].note = try FreeText.required(text, what: "note")
        return nil
    }

    /// The administration of a scale at a visit, if entered.
    public func administration(visit: String, scale: String) -> Administration? {
        administrations.first { $0.visit == visit && $0.scale == scale }
    }
}

/// Sex as recorded on the enrollment form.
public enum Sex: String, Codable, Sendable, CaseIterable {
    case female = "F", male = "M", unspecified = "X"
}

/// Participant status (docs/RULES.md, "Participant lifecycle"): screening → active → completed, or withdrawn / screen-failed.
public enum ParticipantStatus: String, Codable, Sendable, CaseIterable {
    case screening, active, completed, withdrawn
    case screenFailed = "screen-failed"

    /// True once the participant has left the study for good.
    public var hasLeft: Bool { self == .withdrawn || self == .screenFailed }
}

/// A blinded participant's randomization: the sponsor's number and the day it was given.
public struct Randomization: Codable, Sendable, Equatable {
    /// The number (1–20 of A–Z a–z 0–9 -), unique within the study.
    public var number: String
    /// The day of randomization.
    public var date: CivilDate

    /// Creates a randomization.
    public init(number: String, date: CivilDate) { self.number = number; self.date = date }
}

/// When and why a participant left.
public struct ExitRecord: Codable, Sendable, Equatable {
    /// Date of withdrawal or screen failure.
    public var date: CivilDate
    /// The category (CDISC-style disposition); nil only on records made before categories existed.
    public var category: WithdrawalCategory?
    /// The stated reason.
    public var reason: String
    /// The adverse event that led to the withdrawal (category `adverse-event` or `death`), when linked.
    public var adverseEvent: String?

    /// Creates an exit record.
    public init(date: CivilDate, category: WithdrawalCategory?, reason: String, adverseEvent: String? = nil) {
        self.date = date; self.category = category; self.reason = reason; self.adverseEvent = adverseEvent
    }
}

/// Why a participant left (docs/RULES.md, "Participant lifecycle").
public enum WithdrawalCategory: String, Codable, Sendable, CaseIterable {
    case adverseEvent = "adverse-event"
    case lackOfEfficacy = "lack-of-efficacy"
    case withdrawalBySubject = "withdrawal-by-subject"
    case physicianDecision = "physician-decision"
    case lostToFollowUp = "lost-to-follow-up"
    case protocolDeviation = "protocol-deviation"
    case pregnancy, death
    case sponsorDecision = "sponsor-decision"
    /// A screen failure: the person did not meet the entry criteria (docs/RULES.md, "Participant lifecycle").
    case eligibilityNotMet = "eligibility-not-met"
    case other
}

/// A visit's state for one participant.
public struct VisitRecord: Codable, Sendable, Equatable {
    /// The protocol visit code.
    public var code: String
    /// Current status.
    public var status: VisitStatus
    /// A date set by hand; while nil the visit is scheduled on its target date.
    public var rescheduledDate: CivilDate?
    /// Why it was moved, when moved outside its window.
    public var rescheduleReason: String?
    /// Completion date, when completed.
    public var completedDate: CivilDate?
    /// Date it was marked missed.
    public var missedDate: CivilDate?
    /// Why it was missed.
    public var missedReason: String?
    /// A free-text note on the visit (docs/RULES.md, "Visit notes"); absent from the file until one is written.
    public var note: String?

    /// A freshly scheduled visit.
    public init(code: String) {
        self.code = code
        status = .scheduled
    }
}

/// Visit status (docs/RULES.md, "Participant lifecycle").
public enum VisitStatus: String, Codable, Sendable, CaseIterable {
    case scheduled, completed, missed, cancelled
}

/// One scale administered at one visit.
public struct Administration: Codable, Sendable, Equatable {
    /// The visit code.
    public var visit: String
    /// The scale code.
    public var scale: String
    /// The date the scale was administered.
    public var date: CivilDate
    /// Item scores in entry order; nil marks an item not assessed.
    public var items: [Int?]
    /// Rater initials, if given.
    public var rater: String?
    /// Why the scale was not done, when every item is not assessed (docs/RULES.md, "Scores").
    public var notDoneReason: String?
    /// The days its items were corrected: a flag found by a correction is seen on that day's summary.
    public var corrections: [CivilDate]?

    /// Creates an administration.
    public init(visit: String, scale: String, date: CivilDate, items: [Int?], rater: String? = nil, notDoneReason: String? = nil) {
        self.visit = visit; self.scale = scale; self.date = date; self.items = items; self.rater = rater
        self.notDoneReason = notDoneReason
    }

    /// True when every item is not assessed: the scale was not done. It reads "not done" everywhere (never
    /// "all no"), does not count as entered and leaves its visit incomplete.
    public var isNotDone: Bool { items.allSatisfy { $0 == nil } }

    /// The scores as typed: one character per item, `x` for not assessed (multi-digit scores space-separated).
    public var scoreText: String {
        let tokens = items.map { $0.map(String.init) ?? "x" }
        return tokens.allSatisfy { $0.count == 1 } ? tokens.joined() : tokens.joined(separator: " ")
    }
}

/// The lead's acknowledgement of an urgent flag, with what was done about it.
public struct FlagAcknowledgement: Codable, Sendable, Equatable {
    /// The visit whose administration raised it.
    public var visit: String
    /// The flag name.
    public var flag: String
    /// When acknowledged.
    public var date: CivilDate
    /// Who acknowledged it.
    public var user: String
    /// What was done ("PI assessed; 1:1 observation"); nil only on records made before it was asked.
    public var action: String?
}

/// The lead's classification of a visit's protocol deviation, with an optional note.
public struct DeviationClassification: Codable, Sendable, Equatable {
    /// The visit the deviation concerns.
    public var visit: String
    /// Minor or major.
    public var classification: DeviationClass
    /// The lead's note.
    public var note: String?

    /// Creates a classification.
    public init(visit: String, classification: DeviationClass, note: String?) {
        self.visit = visit; self.classification = classification; self.note = note
    }
}

/// How serious a protocol deviation is; `unclassified` until the lead says.
public enum DeviationClass: String, Codable, Sendable, CaseIterable {
    case unclassified, minor, major
}

/// What a protocol deviation is (docs/RULES.md, "Participant lifecycle").
public enum DeviationKind: String, Codable, Sendable, CaseIterable {
    case early, late, missed
    case prohibitedMedication = "prohibited-medication"
    /// An initial report to the sponsor sent after its due time (docs/RULES.md, "Deviations").
    case lateReport = "late-report"
}
