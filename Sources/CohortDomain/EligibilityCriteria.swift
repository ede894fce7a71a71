/// A protocol's entry criteria (docs/RULES.md, "Eligibility"): what a person must meet (inclusion) and must
/// not meet (exclusion) to be randomized. Optional in a protocol file; a protocol without them is not gated.
public struct EligibilityCriteria: Codable, Sendable, Hashable {
    /// What a participant must meet, in the protocol's order.
    public var inclusion: [EligibilityCriterion]
    /// What a participant must not meet, in the protocol's order.
    public var exclusion: [EligibilityCriterion]

    /// The longest criterion text accepted, in characters.
    public static let longestText = 200
    /// The members `eligibility` may have.
    static let keys: Set<String> = ["inclusion", "exclusion"]

    /// Creates a list of criteria.
    public init(inclusion: [EligibilityCriterion], exclusion: [EligibilityCriterion]) {
        self.inclusion = inclusion; self.exclusion = exclusion
    }

    private enum CodingKeys: String, CodingKey { case inclusion, exclusion }

    /// Reads the file format: a missing list is an empty one.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inclusion = try container.decodeIfPresent([EligibilityCriterion].self, forKey: .inclusion) ?? []
        exclusion = try container.decodeIfPresent([EligibilityCriterion].self, forKey: .exclusion) ?? []
    }

    /// Every criterion with its kind, inclusion first, each list in the protocol's order.
    public var all: [(kind: EligibilityCriterion.Kind, criterion: EligibilityCriterion)] {
        inclusion.map { (.inclusion, $0) } + exclusion.map { (.exclusion, $0) }
    }

    /// The criterion with this id, with its kind, if any.
    public func criterion(_ id: String) -> (kind: EligibilityCriterion.Kind, criterion: EligibilityCriterion)? {
        // As `all` orders them, without building it: every eligibility answer read is looked up here.
        if let found = inclusion.first(where: { $0.id == id }) { return (.inclusion, found) }
        return exclusion.first { $0.id == id }.map { (.exclusion, $0) }
    }

    /// Every rule the lists break, each a short phrase naming the criterion (docs/RULES.md, "Eligibility").
    func problems() -> [String] {
        var found: [String] = []
        if inclusion.isEmpty && exclusion.isEmpty {
            found.append("eligibility lists no criteria (give inclusion or exclusion criteria, or leave eligibility out)")
        }
        var seen = Set<String>()
        for (kind, list) in [("inclusion", inclusion), ("exclusion", exclusion)] {
            for (index, criterion) in list.enumerated() {
                let name = "eligibility \(kind) \(index + 1)"
                guard EligibilityCriterion.isID(criterion.id) else {
                    found.append("\(name) has id '\(Text.shown(criterion.id, longest: 12))'; an id is 1 to 8 of A-Z 0-9 (e.g. I1, E2)")
                    continue
                }
                if !seen.insert(criterion.id).inserted { found.append("eligibility criterion id \(criterion.id) is used twice (ids are unique across inclusion and exclusion)") }
                if let problem = Text.problem(criterion.text, what: "the text of criterion \(criterion.id)", longest: Self.longestText) {
                    found.append(problem)
                } else if let hidden = FreeText.hiddenCharacter(in: criterion.text) {
                    found.append("the text of criterion \(criterion.id) holds \(hidden); type it plainly")
                }
            }
        }
        return found
    }
}

/// One entry criterion: a short id (`I1`, `E3`) and what it says.
public struct EligibilityCriterion: Codable, Sendable, Hashable {
    /// 1 to 8 of A–Z 0–9, unique across the protocol's inclusion and exclusion lists.
    public var id: String
    /// The criterion as the protocol words it (at most 200 characters).
    public var text: String

    /// The members a criterion may have.
    static let keys: Set<String> = ["id", "text"]

    /// Creates a criterion.
    public init(id: String, text: String) { self.id = id; self.text = text }

    /// Whether a criterion must be met or must not be.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case inclusion, exclusion
    }

    /// True for 1 to 8 of A–Z 0–9.
    public static func isID(_ text: String) -> Bool {
        (1...8).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}

/// What was found for one criterion.
public enum EligibilityAnswer: String, Codable, Sendable, CaseIterable {
    case met
    case notMet = "not-met"

    /// How a message says it ("met", "not met").
    public var words: String { self == .met ? "met" : "not met" }
}

/// A participant's saved answer to one criterion: what was found and where (who and when are the audit
/// trail's, never stored twice).
public struct EligibilityRecord: Codable, Sendable, Equatable {
    /// Met or not met.
    public var answer: EligibilityAnswer
    /// Where it was found (the chart, the screening labs), when given.
    public var source: String?

    /// Creates an answer.
    public init(answer: EligibilityAnswer, source: String? = nil) { self.answer = answer; self.source = source }
}

/// One answer as a change carries it: the criterion, what was found, and where.
public struct EligibilityEntry: Equatable, Sendable, Codable {
    /// The criterion id.
    public var id: String
    /// Met or not met.
    public var answer: EligibilityAnswer
    /// Where it was found, when given.
    public var source: String?

    /// Creates an entry.
    public init(id: String, answer: EligibilityAnswer, source: String? = nil) { self.id = id; self.answer = answer; self.source = source }
}
