import Foundation

/// A change to one participant's data that a user asked for, as a value: the command line and the screens
/// build the same values, and the store applies them under its lock to the latest saved participant with
/// `apply`. The audit records are not part of it: the store derives them from the participant before and
/// after, so a new kind of change needs a domain function, a case here, its key and its command.
public indirect enum Change: Equatable, Sendable, Codable {
    case complete(subject: String, visit: String, date: CivilDate, reason: String?)
    case miss(subject: String, visit: String, date: CivilDate, reason: String)
    case reschedule(subject: String, visit: String, date: CivilDate, reason: String?)
    /// Item scores; `date` and `rater` nil keep what a correction does not give anew.
    case score(subject: String, visit: String, scale: String, items: [Int?], date: CivilDate?, rater: String?, reason: String?)
    /// `adverseEvent` links the AE that led to it (category `adverse-event` or `death`).
    case withdraw(subject: String, date: CivilDate, category: WithdrawalCategory, reason: String, screenFailure: Bool, adverseEvent: String? = nil)
    case randomize(subject: String, number: String, date: CivilDate)
    case acknowledge(subject: String, visit: String, flag: String, action: String)
    case classifyDeviation(subject: String, visit: String, classification: DeviationClass, note: String?, reason: String?)
    /// A new adverse event; `now` is the moment it is recorded (awareness defaults to it).
    case addAdverseEvent(subject: String, draft: AdverseEventDraft, now: Moment)
    case updateAdverseEvent(subject: String, id: String, draft: AdverseEventDraft, reason: String?, now: Moment)
    /// A report to the sponsor sent at `at` (nil: now).
    case reportAdverseEvent(subject: String, id: String, at: Moment?, followUp: Bool, now: Moment)
    case addMedication(subject: String, draft: MedicationDraft)
    case updateMedication(subject: String, id: String, draft: MedicationDraft, reason: String?)
    /// Results of measures at a visit (a reason when one corrects a saved result).
    case measure(subject: String, visit: String, entries: [MeasureEntry], reason: String?)
    /// The investigator's clinical-significance assessment of an out-of-range result.
    case assess(subject: String, visit: String, test: String, significance: Significance, comment: String?, reason: String? = nil)
    /// A completed visit outside the protocol's schedule (`U1`, …) on `date`.
    case addUnscheduledVisit(subject: String, date: CivilDate, reason: String)
    /// Corrected enrollment facts, always with a reason.
    case correct(subject: String, correction: EnrollmentCorrection, reason: String)
    /// A re-consent: version `version` of the informed-consent form signed on `date`.
    case reconsent(subject: String, version: String, date: CivilDate)
    /// A Part 11 signature over `content` (the scope's canonical JSON the signer saw); `lock` locks the casebook.
    case sign(subject: String, signature: Signature, content: Data, lock: Bool)
    /// A `pi` unlocks a locked casebook, always with a reason (invalidates the casebook signature).
    case unlock(subject: String, reason: String)
    /// Answers to entry criteria (a reason when one changes a saved answer).
    case answerEligibility(subject: String, answers: [EligibilityEntry], reason: String?)
    /// A free-text note on a visit.
    case note(subject: String, visit: String, text: String)
    /// Undo: back to `to`, provided the participant is still `expected`; always with a reason.
    case revert(subject: String, to: Participant, expected: Participant, description: String, reason: String?)
    /// A sync conflict a merge found (docs/RULES.md, "Merging and conflicts"): made by the merge, never typed.
    case recordConflict(subject: String, conflict: SyncConflict)
    /// A sync conflict resolved: the value kept, the other side's change re-applied, or a value given; always with a reason.
    case resolveConflict(subject: String, id: String, take: ConflictChoice, reason: String)

    /// The participant it changes.
    public var subject: String {
        switch self {
        case .complete(let s, _, _, _), .miss(let s, _, _, _), .reschedule(let s, _, _, _), .score(let s, _, _, _, _, _, _),
             .withdraw(let s, _, _, _, _, _), .randomize(let s, _, _), .acknowledge(let s, _, _, _), .classifyDeviation(let s, _, _, _, _),
             .addAdverseEvent(let s, _, _), .updateAdverseEvent(let s, _, _, _, _), .reportAdverseEvent(let s, _, _, _, _),
             .addMedication(let s, _), .updateMedication(let s, _, _, _), .measure(let s, _, _, _), .assess(let s, _, _, _, _, _),
             .revert(let s, _, _, _, _), .addUnscheduledVisit(let s, _, _), .correct(let s, _, _), .reconsent(let s, _, _),
             .sign(let s, _, _, _), .unlock(let s, _),
             .answerEligibility(let s, _, _), .note(let s, _, _), .recordConflict(let s, _), .resolveConflict(let s, _, _, _):
            return s
        }
    }

    /// What the status line says once it is saved.
    public var description: String {
        switch self {
        case .complete(let s, let v, let d, _): return "\(s) \(v) completed on \(d)"
        case .miss(let s, let v, let d, _): return "\(s) \(v) marked missed on \(d)"
        case .reschedule(let s, let v, let d, _): return "\(s) \(v) rescheduled to \(d)"
        case .score(let s, let v, let scale, _, _, _, _): return "\(s) \(v) \(scale) scores"
        case .withdraw(let s, let d, let c, _, let screenFailure, _): return "\(s) \(screenFailure ? "screen-failed" : "withdrawn") on \(d) (\(c.rawValue))"
        case .randomize(let s, let n, let d): return "\(s) randomized on \(d) (\(n))"
        case .acknowledge(let s, let v, let f, _): return "\(s) \(v) \(f) acknowledged"
        case .classifyDeviation(let s, let v, let c, _, _): return "\(s) \(v) deviation classified \(c.rawValue)"
        case .addAdverseEvent(let s, let draft, _): return "\(s) adverse event \(draft.term ?? "") recorded"
        case .updateAdverseEvent(let s, let id, _, _, _): return "\(s) \(id) updated"
        case .reportAdverseEvent(let s, let id, let at, let followUp, let now): return "\(s) \(id) \(followUp ? "follow-up" : "initial") report sent at \(at ?? now)"
        case .addMedication(let s, let draft): return "\(s) medication \(draft.name ?? "") recorded"
        case .updateMedication(let s, let id, _, _): return "\(s) \(id) updated"
        case .measure(let s, let v, let entries, _): return "\(s) \(v) " + entries.map { "\($0.test) \($0.value?.description ?? "not done")" }.joined(separator: ", ")
        case .assess(let s, let v, let test, let significance, _, _): return "\(s) \(v) \(test) assessed \(significance.rawValue)"
        case .revert(_, _, _, let d, _): return "undid " + d
        case .sign(let s, let signature, _, let lock):
            return "\(s) \(signature.scope) signed (\(signature.meaning.rawValue))" + (lock ? ", casebook locked" : "")
        case .unlock(let s, _): return "\(s) casebook unlocked"
        case .addUnscheduledVisit(let s, let d, _): return "\(s) unscheduled visit on \(d)"
        case .correct(let s, _, _): return "\(s) enrollment facts corrected"
        case .reconsent(let s, let v, let d): return "\(s) re-consented on \(d) (ICF \(v))"
        case .answerEligibility(let s, let answers, _): return "\(s) eligibility " + answers.map { "\($0.id) \($0.answer.words)" }.joined(separator: ", ")
        case .note(let s, let v, _): return "\(s) \(v) note"
        case .recordConflict(let s, let conflict): return "\(s) sync conflict at \(conflict.what)"
        case .resolveConflict(let s, let id, let take, _): return "\(s) sync conflict \(id) resolved (\(take.words))"
        }
    }

    /// Whether `u` can take it back (an undo itself is not undone again).
    /// A signature and an unlock are not undone either: a signature is never cut from the record.
    public var isUndoable: Bool {
        switch self {
        case .revert, .sign, .unlock, .recordConflict, .resolveConflict: return false
        default: return true
        }
    }

    /// True for the changes a locked casebook lets through: an unlock, a conflict recorded, a conflict resolved
    /// by keeping the value (docs/RULES.md, "Signatures").
    var changesNothingClinical: Bool {
        switch self {
        case .unlock, .recordConflict, .resolveConflict(_, _, .mine, _): return true
        default: return false
        }
    }

    /// False for a change that has no reason of its own to give (a new record, a report, a randomization,
    /// an acknowledgement, a re-consent, a visit note): one of these can alter only the casebook's signed content, and
    /// that signature's invalidation names the change instead (docs/RULES.md, "Signatures").
    public var takesReason: Bool {
        switch self {
        case .addAdverseEvent, .reportAdverseEvent, .addMedication, .randomize, .acknowledge, .reconsent, .note, .sign, .recordConflict: return false
        default: return true
        }
    }

    /// Applies the change to `participant` (the latest saved one) with the domain's rules, in `environment`;
    /// returns the reason to record. Throws, changing nothing, when a rule refuses it.
    public func apply(to participant: inout Participant, in environment: ChangeEnvironment) throws -> String? {
        let studyProtocol = try environment.context.studyProtocol(for: participant)
        // Nothing is dated after a death, whichever change would date it so (docs/RULES.md,
        // "Adverse events and medications"): checked once here, on the participant as the change leaves it.
        // A locked casebook is read-only for everyone until a pi unlocks it (docs/RULES.md, "Signatures").
        // A conflict recorded, or resolved as `mine` (the value kept), changes no clinical value, so either goes on.
        if !changesNothingClinical { try participant.requireUnlocked() }
        var changed = participant
        let reason = try applyAction(to: &changed, studyProtocol: studyProtocol, in: environment)
        try changed.requireNothingNewAfterDeath(than: participant.recordedAfterDeath())
        if case .sign = self {} else {
            // An undo does not take back a signature nor its invalidation: the signatures stay as they are,
            // and those whose content the undo changes are invalidated like any other change's.
            if case .revert = self { changed.signatures = participant.signatures }
            let hit = changed.invalidateSignatures(changedFrom: participant, studyProtocol: studyProtocol, change: description,
                                                   reason: reason, on: environment.today)
            if !hit.isEmpty && reason == nil && takesReason {
                throw DomainError("This changes \(participant.subject) \(hit.joined(separator: ", ")), which is signed: give a reason for the change (the signature will read invalidated).")
            }
        }
        participant = changed
        return reason
    }

    private func applyAction(to participant: inout Participant, studyProtocol: StudyProtocol,
                             in environment: ChangeEnvironment) throws -> String? {
        let (context, today, user) = (environment.context, environment.today, environment.user)
        switch self {
        case .complete(_, let visit, let date, let reason):
            return try participant.complete(visit, on: date, reason: reason, studyProtocol: studyProtocol, today: today,
                                            signature: environment.eligibilitySignature(participant))
        case .miss(_, let visit, let date, let reason):
            return try participant.miss(visit, on: date, reason: reason, studyProtocol: studyProtocol, today: today)
        case .reschedule(_, let visit, let date, let reason):
            return try participant.reschedule(visit, to: date, reason: reason, studyProtocol: studyProtocol)
        case .score(_, let visit, let scale, let items, let date, let rater, let reason):
            return try participant.score(visit, scale: try context.scales.definition(scale), items: items, date: date, rater: rater,
                                         reason: reason, studyProtocol: studyProtocol, today: today)
        case .withdraw(_, let date, let category, let reason, let screenFailure, let adverseEvent):
            return try participant.withdraw(on: date, category: category, reason: reason, screenFailure: screenFailure,
                                            studyProtocol: studyProtocol, today: today, adverseEvent: adverseEvent)
        case .addAdverseEvent(_, let draft, let now):
            return try participant.addAdverseEvent(draft, studyProtocol: studyProtocol, today: today, now: now)
        case .updateAdverseEvent(_, let id, let draft, let reason, let now):
            return try participant.updateAdverseEvent(id, draft, reason: reason, studyProtocol: studyProtocol, today: today, now: now)
        case .reportAdverseEvent(_, let id, let at, let followUp, let now):
            return try participant.reportAdverseEvent(id, at: at, followUp: followUp, studyProtocol: studyProtocol, now: now)
        case .addMedication(_, let draft):
            return try participant.addMedication(draft, today: today)
        case .updateMedication(_, let id, let draft, let reason):
            return try participant.updateMedication(id, draft, reason: reason, today: today)
        case .randomize(_, let number, let date):
            return try participant.randomize(number: number, on: date, studyProtocol: studyProtocol, today: today,
                                             taken: try environment.site.randomizationNumbers(in: participant.study, except: participant.subject),
                                             signature: environment.eligibilitySignature(participant))
        case .acknowledge(_, let visit, let flag, let action):
            return try participant.acknowledge(flag: flag, visit: visit, action: action, on: today, user: user, context: context)
        case .classifyDeviation(_, let visit, let classification, let note, let reason):
            return try participant.classifyDeviation(visit: visit, as: classification, note: note, reason: reason, studyProtocol: studyProtocol)
        case .measure(_, let visit, let entries, let reason):
            return try participant.recordMeasures(visit: visit, entries, reason: reason, studyProtocol: studyProtocol, catalog: context.scales, today: today)
        case .assess(_, let visit, let test, let significance, let comment, let reason):
            return try participant.assessMeasure(visit: visit, test: test, significance, comment: comment, reason: reason, studyProtocol: studyProtocol,
                                                 catalog: context.scales, today: today, user: user)
        case .addUnscheduledVisit(_, let date, let reason):
            return try participant.addUnscheduledVisit(on: date, reason: reason, today: today)
        case .correct(_, let correction, let reason):
            return try participant.correct(correction, reason: reason, studyProtocol: studyProtocol, today: today)
        case .reconsent(_, let version, let date):
            return try participant.reconsent(version: version, on: date, today: today)
        case .sign(_, let signature, let content, let lock):
            return try participant.sign(signature, content: content, lock: lock, studyProtocol: studyProtocol,
                                        trusted: environment.signatureTrust(participant))
        case .unlock(_, let reason):
            return try participant.unlock(reason: reason, on: today, change: description)
        case .answerEligibility(_, let answers, let reason):
            return try participant.answerEligibility(answers, reason: reason, studyProtocol: studyProtocol)
        case .note(_, let visit, let text):
            return try participant.note(visit, text: text)
        case .recordConflict(_, let conflict):
            return participant.recordConflict(conflict)
        case .resolveConflict(_, let id, let take, let reason):
            // docs/RULES.md, "Merging and conflicts": never without a reason; `theirs` goes through the rules again.
            let conflict = try participant.conflict(id)
            let why = try FreeText.required(reason, what: "reason")
            // docs/RULES.md, "Merging and conflicts": two participants under one ID are never merged into one.
            if conflict.isEnrollment {
                guard case .renumber = take else {
                    throw DomainError("Conflict \(id) of \(participant.subject) is a second participant enrolled under the same ID on another machine: it cannot be taken as mine or theirs. Enroll it under a new ID: cohort resolve \(participant.subject) \(id) --take renumber:NNN-NNNN --reason TEXT.")
                }
            } else if case .renumber = take {
                throw DomainError("Conflict \(id) of \(participant.subject) is not a participant enrolled on two machines: take mine, theirs or a value.")
            }
            switch take {
            case .mine, .renumber: break
            case .theirs:
                guard let theirs = conflict.change else {
                    throw DomainError("Conflict \(id) of \(participant.subject) holds no change to re-apply: take mine or a value.")
                }
                if case .resolveConflict = theirs {
                    // Another machine's resolution of a conflict this side resolved otherwise: its value, where it went.
                    guard conflict.what.hasPrefix("/"), let value = conflict.theirs else {
                        throw DomainError("Conflict \(id) of \(participant.subject) holds no value to take: take mine or a value.")
                    }
                    try participant.setValue(json: value, at: conflict.what, context: context)
                } else {
                    _ = try theirs.apply(to: &participant, in: environment)
                }
            case .value(let text):
                guard conflict.what.hasPrefix("/") else {
                    throw DomainError("Conflict \(id) of \(participant.subject) is a change the rules refused, not a value: take mine or theirs.")
                }
                try participant.setValue(text, at: conflict.what, context: context)
            }
            participant.closeConflict(id)
            return why
        case .revert(_, let earlier, let expected, let description, let reason):
            // An urgent flag stays until the lead acknowledges it: an undo does not make it vanish unseen.
            let waiting = Set(participant.unacknowledgedUrgentFlags(context: context))
            let why = try participant.revert(to: earlier, expected: expected, description: description, reason: reason)
            if let lost = waiting.subtracting(participant.unacknowledgedUrgentFlags(context: context)).first,
               !participant.acknowledgements.contains(where: { $0.visit == lost.visit && $0.flag == lost.flag }) {
                throw DomainError("Undoing this would remove the urgent flag \(lost.flag) at \(lost.visit) before anyone acknowledged it: acknowledge it first (what was done), then undo.")
            }
            return why
        }
    }
}

/// What a change needs besides the participant: the protocols and scales, the day, who makes it, and what
/// the rest of the site holds that the change must respect.
public struct ChangeEnvironment {
    /// The store's protocols and the scale and measure definitions.
    public var context: StudyContext
    /// Today, for the rules that refuse dates after it.
    public var today: CivilDate
    /// Who makes the change (an acknowledgement records it).
    public var user: String
    /// The rest of the site.
    public var site: any SiteFacts
    /// Whether a participant's eligibility checklist must be signed before randomization and the baseline, and
    /// is (docs/RULES.md, "Eligibility"). By default no signature is required: a store without users, where
    /// nobody can sign; a store with users sets it.
    public var eligibilitySignature: (Participant) -> EligibilitySignature
    /// The store's check of a participant's signature records against their signers' keys (docs/RULES.md,
    /// "Signatures"): a broken record never counts as signed.
    public var signatureTrust: (Participant) -> (Signature) -> Bool

    /// An environment for a change.
    public init(context: StudyContext, today: CivilDate, user: String, site: any SiteFacts,
                eligibilitySignature: @escaping (Participant) -> EligibilitySignature = { _ in .notRequired },
                signatureTrust: @escaping (Participant) -> (Signature) -> Bool = { _ in { _ in true } }) {
        self.context = context; self.today = today; self.user = user; self.site = site
        self.eligibilitySignature = eligibilitySignature
        self.signatureTrust = signatureTrust
    }
}

/// What the rest of the site holds that a change to one participant must respect.
public protocol SiteFacts {
    /// The randomization numbers the study's participants other than `subject` hold.
    func randomizationNumbers(in study: String, except subject: String) throws -> Set<String>
}

/// A site of which nothing is known: a screen's check of a change before it is sent (the store, which
/// knows the site, checks again when it saves).
public struct UnknownSite: SiteFacts {
    /// The site of which nothing is known.
    public init() {}
    /// None known.
    public func randomizationNumbers(in study: String, except subject: String) throws -> Set<String> { [] }
}
