import Foundation

/// Part 11 signatures on a participant's records (docs/RULES.md, "Signatures"): the content each scope
/// covers, signing, the casebook lock, invalidation by a later change, and what awaits a signature
/// (docs/RULES.md, "The investigator's queue").
extension Participant {
    /// The canonical JSON (sorted keys, no spaces) of what `scope` covers, as it stands: the bytes whose
    /// SHA-256 a signature holds. Throws when there is nothing to sign under that scope.
    public func signedContent(_ scope: SignatureScope, studyProtocol: StudyProtocol) throws -> Data {
        switch scope {
        case .adverseEvent(let id):
            guard var event = adverseEvents.first(where: { $0.id == id }) else {
                throw DomainError("\(subject) has no adverse event \(id) to sign.")
            }
            // The event with its causality and seriousness: the reports to the sponsor are the site's
            // administration, not the investigator's assessment, so sending one does not undo a signature.
            event.reports = []
            event.followUpPending = false
            return content(scope, event)
        case .deviation(let code):
            guard let found = deviation(at: code, studyProtocol) else {
                throw DomainError("\(subject) has no protocol deviation at \(code) to sign.")
            }
            return content(scope, DeviationContent(kind: found.kind, days: found.days, classification: deviationClass(at: code)))
        case .flag(let visit, let flag):
            guard let acknowledgement = acknowledgements.first(where: { $0.visit == visit && $0.flag == flag }) else {
                throw DomainError("\(subject) has no acknowledged urgent flag \(flag) at \(visit) to sign; acknowledge it first.")
            }
            return content(scope, FlagContent(acknowledgement: acknowledgement, administrations: administrations.filter { $0.visit == visit }))
        case .measure(let visit, let test):
            guard let measurement = measurements.first(where: { $0.visit == visit && $0.test == test }), measurement.assessment != nil else {
                throw DomainError("\(subject) has no clinical-significance assessment of \(test) at \(visit) to sign; assess it first.")
            }
            return content(scope, measurement)
        case .eligibility:
            guard let checklist = eligibilityChecklist(studyProtocol), checklist.isComplete else {
                throw DomainError("\(subject) has no complete eligibility checklist to sign: record every criterion first (`cohort eligibility \(subject) ID met|not-met`).")
            }
            return content(scope, checklist.items)
        case .casebook:
            // Conflicts recorded and closed are a sync's bookkeeping, not what the investigator signed: recording
            // one must not invalidate the casebook (docs/RULES.md, "Merging and conflicts").
            var whole = withoutConflicts
            whole.signatures = []
            whole.casebookLock = nil
            return content(scope, whole)
        case .summary:
            throw DomainError("The day's summary is the site's, not a participant's: sign it with `cohort sign - \(scope)`.")
        }
    }

    /// The casebook's content as builds before 2026-12-03 (late) signed it, conflicts included: a casebook
    /// signed then still reads valid while that content stands (docs/RULES.md, "Merging and conflicts").
    public func casebookContentWithConflicts() -> Data {
        var whole = self
        whole.signatures = []
        whole.casebookLock = nil
        return content(.casebook, whole)
    }

    private func content<T: Encodable>(_ scope: SignatureScope, _ value: T) -> Data {
        CompactJSON.bytes(SignedContent(subject: subject, scope: scope.description, content: value))
    }

    /// The valid signatures of `scope`, oldest first: not invalidated, and `trusted` (the store's check of each
    /// record against its signer's key and the content as it stands, docs/RULES.md, "Signatures"; a record
    /// copied or forged into the file is not a signature).
    public func validSignatures(of scope: SignatureScope, trusted: (Signature) -> Bool = { _ in true }) -> [Signature] {
        signatures.filter { $0.isValid && $0.scope == scope.description && trusted($0) }
    }

    /// Adds `signature`, made over `content` (the content the signer saw); `lock` locks the casebook.
    /// Refused when the content changed since it was read, or the same signer already signed it with the
    /// same meaning and nothing changed since.
    public mutating func sign(_ signature: Signature, content: Data, lock: Bool, studyProtocol: StudyProtocol,
                              trusted: (Signature) -> Bool = { _ in true }) throws -> String? {
        let scope = try SignatureScope(signature.scope)
        guard try signedContent(scope, studyProtocol: studyProtocol) == content else {
            throw DomainError("\(subject) \(scope) changed after it was read for signing; nothing was signed. Look at it again and sign again.")
        }
        if let same = validSignatures(of: scope, trusted: trusted).first(where: { $0.user == signature.user && $0.meaning == signature.meaning }) {
            throw DomainError("\(subject) \(scope) is already signed: \(same.manifestation).")
        }
        if lock {
            guard scope == .casebook else { throw DomainError("--lock goes with the casebook only (`cohort sign \(subject) casebook --lock`).") }
            casebookLock = CasebookLock(user: signature.user, time: signature.time)
        }
        signatures.append(signature)
        return nil
    }

    /// Refuses any change while the casebook is locked (docs/RULES.md, "Signatures").
    public func requireUnlocked() throws {
        guard let casebookLock else { return }
        throw DomainError("\(subject)'s casebook is locked (by \(casebookLock.user) at \(casebookLock.time)): nothing changes until a pi unlocks it "
                          + "(`cohort unlock \(subject) --reason TEXT`), which invalidates its casebook signature.")
    }

    /// Unlocks a locked casebook: always with a reason, which invalidates the casebook signature.
    public mutating func unlock(reason: String?, on date: CivilDate, change: String) throws -> String? {
        guard casebookLock != nil else { throw DomainError("\(subject)'s casebook is not locked.") }
        let why = try FreeText.required(reason, what: "reason to unlock \(subject)'s casebook")
        casebookLock = nil
        for index in signatures.indices where signatures[index].isValid && signatures[index].scope == SignatureScope.casebook.description {
            signatures[index].invalidated = Signature.Invalidation(date: date, change: change, reason: why)
        }
        return why
    }

    /// Marks invalidated every signature that was valid in `before` whose content this state no longer
    /// holds (changed or gone), naming `change`; returns their scopes.
    @discardableResult
    public mutating func invalidateSignatures(changedFrom before: Participant, studyProtocol: StudyProtocol, change: String,
                                              reason: String?, on date: CivilDate) -> [String] {
        var hit: [String] = []
        for index in signatures.indices where signatures[index].isValid {
            guard let scope = try? SignatureScope(signatures[index].scope) else { continue }
            let old = try? before.signedContent(scope, studyProtocol: studyProtocol)
            let new = try? signedContent(scope, studyProtocol: studyProtocol)
            if old != new {
                signatures[index].invalidated = Signature.Invalidation(date: date, change: change, reason: reason)
                hit.append(signatures[index].scope)
            }
        }
        return hit
    }

    /// What of this participant awaits a signature, oldest first: serious and special-interest AEs,
    /// classified deviations, acknowledged urgent flags, `cs` assessments and the casebook of a participant
    /// who completed or left; an item whose signature a change invalidated waits again from that day.
    /// `trusted` is the store's check of a signature record (a broken record does not take an item off the queue).
    public func pendingSignatures(studyProtocol: StudyProtocol, trusted: (Signature) -> Bool = { _ in true }) -> [PendingSignature] {
        var items: [PendingSignature] = []
        func add(_ scope: SignatureScope, _ what: String, since: CivilDate?) {
            guard validSignatures(of: scope, trusted: trusted).isEmpty else { return }
            let invalidated = signatures.filter { $0.scope == scope.description }.compactMap { $0.invalidated?.date }.max()
            items.append(PendingSignature(subject: subject, scope: scope, what: what, since: invalidated ?? since ?? consentDate))
        }
        let rules = SafetyRules(studyProtocol)
        for event in adverseEvents where rules.needsReport(event) {
            add(.adverseEvent(event.id), "\(event.isSerious ? "serious" : "special-interest") AE \(event.term)", since: event.aware.date)
        }
        let dayOne = origin(studyProtocol)
        for classified in deviationClasses where classified.classification != .unclassified {
            guard let found = deviation(at: classified.visit, studyProtocol) else { continue }
            add(.deviation(classified.visit), "\(classified.classification.rawValue) deviation \(found.kind.rawValue)",
                since: deviationDate(at: classified.visit, dayOne: dayOne))
        }
        for acknowledgement in acknowledgements {
            add(.flag(visit: acknowledgement.visit, flag: acknowledgement.flag), "urgent flag acknowledged", since: acknowledgement.date)
        }
        for measurement in measurements {
            guard let assessment = measurement.assessment, assessment.significance == .cs else { continue }
            add(.measure(visit: measurement.visit, test: measurement.test), "clinically significant \(measurement.test)", since: assessment.date)
        }
        if let checklist = eligibilityChecklist(studyProtocol), checklist.isComplete {
            add(.eligibility, "eligibility checklist (\(checklist.state))", since: nil)
        }
        // A casebook once signed waits again when its signature is invalidated, whatever the status.
        if status == .completed || status.hasLeft || signatures.contains(where: { $0.scope == SignatureScope.casebook.description }) {
            let lastVisit = visits.compactMap { $0.completedDate ?? $0.missedDate }.max()
            add(.casebook, "casebook (\(status.rawValue))", since: exit?.date ?? lastVisit)
        }
        return items.sorted()
    }

    /// Whether the eligibility gate's signature is there (docs/RULES.md, "Eligibility"): in a store with
    /// users (`required`) a valid signature of the checklist as it stands (`trusted`: it verifies with its
    /// signer's key over this participant's checklist); without users none is required.
    public func eligibilitySignature(required: Bool, trusted: (Signature) -> Bool = { _ in true }) -> EligibilitySignature {
        guard required else { return .notRequired }
        return validSignatures(of: .eligibility, trusted: trusted).isEmpty ? .unsigned : .signed
    }

    /// The day the deviation at `code` (a visit, a medication or an AE id) happened: the visit's completion
    /// or missed date, the prohibited medication's deviation date, the late report's day.
    public func deviationDate(at code: String, dayOne: CivilDate) -> CivilDate? {
        let record = visit(code)
        return record?.completedDate ?? record?.missedDate
            ?? medications.first { $0.id == code }?.deviationDate(dayOne: dayOne)
            ?? adverseEvents.first { $0.id == code }?.initialReport?.at.date
    }
}

/// One item awaiting a signature: the participant, the scope, what it is in words, since when it waits.
public struct PendingSignature: Sendable, Equatable, Comparable {
    /// The participant.
    public var subject: String
    /// What to sign.
    public var scope: SignatureScope
    /// The item in words (`serious AE Acute urinary retention`).
    public var what: String
    /// The day it began to wait (its event, or the change that invalidated its signature).
    public var since: CivilDate

    /// Creates an item.
    public init(subject: String, scope: SignatureScope, what: String, since: CivilDate) {
        self.subject = subject; self.scope = scope; self.what = what; self.since = since
    }

    /// Whole days waited by `today`.
    public func daysWaited(_ today: CivilDate) -> Int { max(0, today.days(since: since)) }

    /// Oldest first, then by subject and scope.
    public static func < (a: PendingSignature, b: PendingSignature) -> Bool {
        (a.since, a.subject, a.scope.description) < (b.since, b.subject, b.scope.description)
    }
}

/// What a scope's canonical JSON holds: whose, which scope, and the content itself.
private struct SignedContent<Content: Encodable>: Encodable {
    let subject: String
    let scope: String
    let content: Content
}

/// A deviation's signed content: what it is and how the lead classified it.
private struct DeviationContent: Encodable {
    let kind: DeviationKind
    let days: Int?
    let classification: DeviationClassification?
}

/// An acknowledged urgent flag's signed content: the acknowledgement and the scores that raised it.
private struct FlagContent: Encodable {
    let acknowledgement: FlagAcknowledgement
    let administrations: [Administration]
}
