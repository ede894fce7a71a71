/// The eligibility checklist of a participant (docs/RULES.md, "Eligibility"): answering criteria, and the
/// gate that randomization and the baseline visit pass through.
extension Participant {
    /// The checklist under `studyProtocol`, or nil when the protocol lists no criteria (it is not gated).
    public func eligibilityChecklist(_ studyProtocol: StudyProtocol) -> EligibilityChecklist? {
        studyProtocol.eligibility.map { EligibilityChecklist(self, criteria: $0) }
    }

    /// Records what was found for one or more criteria. A first answer needs no reason; changing a saved
    /// answer or its source is a correction and needs one. Refused, changing nothing, for a protocol without
    /// criteria, an unknown id, an answer that changes nothing, or a source that is not plain text.
    @discardableResult
    public mutating func answerEligibility(_ entries: [EligibilityEntry], reason: String?, studyProtocol: StudyProtocol) throws -> String? {
        guard let criteria = studyProtocol.eligibility else {
            throw DomainError("\(studyProtocol.id) lists no eligibility criteria: there is no checklist to answer.")
        }
        guard !entries.isEmpty else { throw DomainError("Give the criterion to answer.") }
        var answers = eligibility
        var corrected: [String] = []
        for entry in entries {
            guard criteria.criterion(entry.id) != nil else {
                throw DomainError("\(studyProtocol.id) has no eligibility criterion '\(Text.shown(entry.id, longest: 12))'; its criteria are "
                                  + criteria.all.map(\.criterion.id).joined(separator: ", ") + ".")
            }
            let new = EligibilityRecord(answer: entry.answer, source: try FreeText.optional(entry.source, what: "source of \(entry.id)"))
            if let saved = answers[entry.id] {
                guard saved != new else { throw DomainError("\(subject) \(entry.id) already reads \(new.answer.rawValue)" + (new.source.map { " (\($0))" } ?? "") + ".") }
                corrected.append(entry.id)
            }
            answers[entry.id] = new
        }
        let why = corrected.isEmpty ? try FreeText.optional(reason, what: "reason")
                                    : try FreeText.required(reason, what: "reason to change the saved answer to \(corrected.joined(separator: ", "))")
        eligibility = answers
        return why
    }

    /// Refuses, naming what is missing, when the checklist keeps `what` ("be randomized", "complete the
    /// baseline") closed; a protocol without criteria is not gated (docs/RULES.md, "Eligibility").
    func requireEligibility(to what: String, studyProtocol: StudyProtocol, signature: EligibilitySignature) throws {
        guard let checklist = eligibilityChecklist(studyProtocol),
              let missing = checklist.gate(requiresSignature: signature.isRequired, isSigned: signature == .signed) else { return }
        let way: String
        if !checklist.failed.isEmpty {
            way = "Record the screen failure: `\(Self.screenFailureCommand(subject, checklist))`."
        } else if !checklist.isComplete {
            way = "Record each with `cohort eligibility \(subject) ID met|not-met [--source TEXT]`."
        } else {
            way = "An investigator signs it with `cohort sign \(subject) eligibility`."
        }
        throw DomainError("\(subject) cannot \(what) yet: \(missing). \(way)")
    }

    /// The command that records the screen failure of an ineligible checklist, with the failed criteria as its reason.
    public static func screenFailureCommand(_ subject: String, _ checklist: EligibilityChecklist) -> String {
        "cohort withdraw \(subject) --screen-fail --category eligibility-not-met --reason '\(checklist.screenFailureReason)'"
    }
}
