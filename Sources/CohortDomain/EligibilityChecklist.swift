/// A participant's eligibility checklist (docs/RULES.md, "Eligibility"): every criterion of the protocol
/// with its answer. Complete when every criterion is answered; eligible when every inclusion is met and
/// every exclusion not met. The one place that says whether randomization and the baseline may go ahead.
public struct EligibilityChecklist: Sendable, Equatable {
    /// One criterion and what was found.
    public struct Item: Sendable, Equatable, Codable {
        /// The criterion id.
        public var id: String
        /// Inclusion or exclusion.
        public var kind: EligibilityCriterion.Kind
        /// What the criterion says.
        public var text: String
        /// What was found; nil while not answered.
        public var answer: EligibilityAnswer?
        /// Where it was found, when given.
        public var source: String?

        /// True when the answer keeps the participant out: an inclusion not met, an exclusion met.
        public var fails: Bool {
            switch (kind, answer) {
            case (.inclusion, .notMet?), (.exclusion, .met?): return true
            default: return false
            }
        }

        /// The criterion with its answer, as messages and the screening log say it: "I2 not met", "E1 met".
        public var words: String { id + " " + (answer?.words ?? "not answered") }

        private enum CodingKeys: String, CodingKey { case id, kind, text, answer, source }

        /// Every key, `null` when there is nothing to say.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(kind, forKey: .kind)
            try container.encode(text, forKey: .text)
            try container.encode(answer, forKey: .answer)
            try container.encode(source, forKey: .source)
        }
    }

    /// Every criterion, inclusion first, in the protocol's order.
    public var items: [Item]

    /// The checklist of `participant` under `criteria`.
    public init(_ participant: Participant, criteria: EligibilityCriteria) {
        let answers = participant.eligibility
        items = criteria.all.map { kind, criterion in
            Item(id: criterion.id, kind: kind, text: criterion.text, answer: answers[criterion.id]?.answer, source: answers[criterion.id]?.source)
        }
    }

    /// The ids not answered yet.
    public var unanswered: [String] { items.filter { $0.answer == nil }.map(\.id) }
    /// The answers that keep the participant out.
    public var failed: [Item] { items.filter(\.fails) }
    /// True when every criterion is answered.
    public var isComplete: Bool { unanswered.isEmpty }
    /// True when complete, every inclusion met and every exclusion not met.
    public var isEligible: Bool { isComplete && failed.isEmpty }

    /// The failed criteria as a message and a screen failure's reason say them: "I2 not met, E1 met".
    public var failedWords: String { failed.map(\.words).joined(separator: ", ") }

    /// The one summary line lists and messages use: "3 of 11 answered", "eligible", "NOT eligible (I2 not met)".
    public var state: String {
        if !failed.isEmpty { return "not eligible: \(failedWords)" + (isComplete ? "" : "; \(unanswered.count) not answered") }
        if !isComplete { return "\(items.count - unanswered.count) of \(items.count) answered" }
        return "complete, eligible"
    }

    /// The screen failure's reason for an ineligible checklist: "Not eligible: I2 not met, E1 met".
    public var screenFailureReason: String { "Not eligible: " + failedWords }

    /// What still keeps randomization and the baseline closed, or nil when the gate is open: the checklist is
    /// complete and eligible, and signed where signatures are required (a store with users; in a store without
    /// users nobody can sign, so complete and eligible suffices). Said as "Eligibility: I3, E2 not answered",
    /// "not eligible: I2 not met, E1 met" or "Eligibility: not signed".
    public func gate(requiresSignature: Bool, isSigned: Bool) -> String? {
        if !failed.isEmpty { return "not eligible: \(failedWords)" }
        if !isComplete { return "Eligibility: \(unanswered.joined(separator: ", ")) not answered" }
        if requiresSignature && !isSigned { return "Eligibility: not signed" }
        return nil
    }
}

/// Whether a participant's checklist must be signed, and is (docs/RULES.md, "Eligibility"). A store without
/// users requires no signature; the store with users says which checklists are signed.
public enum EligibilitySignature: Sendable, Equatable {
    /// A store without users: complete and eligible suffices.
    case notRequired
    /// A signature is required and the checklist, as it stands, has one.
    case signed
    /// A signature is required and the checklist has none (or it was invalidated).
    case unsigned

    /// True when a signature is required.
    public var isRequired: Bool { self != .notRequired }
}
