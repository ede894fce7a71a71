/// A rating scale as data: its items in entry order, ranges, subscales, total, change rule and flags.
/// Adding a summed scale is adding one JSON file of this shape; no code changes.
public struct ScaleDefinition: Codable, Sendable, Hashable {
    /// Short code used everywhere (`PANSS`, `CGI-S`).
    public var code: String
    /// Full name.
    public var title: String
    /// Items in entry order.
    public var items: [ScaleItem]
    /// Named groups of items with their own sums (e.g. PANSS positive).
    public var subscales: [Subscale]?
    /// Whether the scale has a total (false for single-item or yes/no scales).
    public var total: Bool
    /// How change from baseline is expressed as an improvement percentage, if it is.
    public var change: ChangeRule?
    /// Safety and efficacy flags raised by an administration.
    public var flags: [FlagRule]?
    /// Anchor text shared by every item (public-domain scales only).
    public var anchors: [String]?

    /// Creates a definition.
    public init(code: String, title: String, items: [ScaleItem], subscales: [Subscale]? = nil,
                total: Bool, change: ChangeRule? = nil, flags: [FlagRule]? = nil, anchors: [String]? = nil) {
        self.code = code; self.title = title; self.items = items; self.subscales = subscales
        self.total = total; self.change = change; self.flags = flags; self.anchors = anchors
    }

    /// The lowest and highest possible total, when the scale has one.
    public var totalRange: ClosedRange<Int>? {
        total ? items.reduce(0) { $0 + $1.min }...items.reduce(0) { $0 + $1.max } : nil
    }

    /// True when every item fits in one keypress (0–9), so entry can be one digit per item.
    public var isDigitEntry: Bool { items.allSatisfy { $0.min >= 0 && $0.max <= 9 } }

    /// The index of an item code, if it is one of this scale's items.
    public func itemIndex(_ code: String) -> Int? { items.firstIndex { $0.code == code } }

    /// Problems that make this definition unusable, each a sentence; empty when it is sound.
    public func problems() -> [String] {
        var found: [String] = []
        if items.isEmpty { found.append("scale \(code) has no items") }
        var seen = Set<String>()
        for item in items {
            if !seen.insert(item.code).inserted { found.append("scale \(code) lists item \(item.code) twice") }
            if item.min > item.max { found.append("scale \(code) item \(item.code) has min \(item.min) above max \(item.max)") }
        }
        for subscale in subscales ?? [] {
            for item in subscale.items where itemIndex(item) == nil {
                found.append("scale \(code) subscale \(subscale.code) names unknown item \(item)")
            }
        }
        for rule in flags ?? [] {
            for item in rule.items ?? [] where itemIndex(item) == nil {
                found.append("scale \(code) flag \(rule.flag) names unknown item \(item)")
            }
        }
        return found
    }
}

/// One item of a scale.
public struct ScaleItem: Codable, Sendable, Hashable {
    /// Item code (`P1`, `MADRS10`).
    public var code: String
    /// Short name (not the copyrighted anchor text).
    public var name: String
    /// Lowest valid score.
    public var min: Int
    /// Highest valid score.
    public var max: Int
    /// Anchor text for each score from `min`, where the scale is in the public domain.
    public var anchors: [String]?

    /// Creates an item.
    public init(code: String, name: String, min: Int, max: Int, anchors: [String]? = nil) {
        self.code = code; self.name = name; self.min = min; self.max = max; self.anchors = anchors
    }
}

/// A named sum of some of a scale's items.
public struct Subscale: Codable, Sendable, Hashable {
    /// Code (`positive`).
    public var code: String
    /// Display name.
    public var name: String
    /// The item codes summed.
    public var items: [String]
}

/// How a total's change from baseline becomes an improvement percentage: `100 × (B − X) / (B − floor)`.
public struct ChangeRule: Codable, Sendable, Hashable {
    /// The lowest possible total, subtracted so that 100% means "no symptoms" (30 for PANSS, 0 for MADRS).
    public var floor: Int
    /// Improvement at or above which a participant is a responder, unless the protocol sets its own.
    public var responderPercent: Double?
}

/// A condition on one administration that raises a named flag.
public struct FlagRule: Codable, Sendable, Hashable {
    /// The flag's stable name (`cssrs-urgent`).
    public var flag: String
    /// Raise when any of these items scores at least `atLeast`.
    public var items: [String]?
    /// Threshold for `items`.
    public var atLeast: Int?
    /// Raise when the improvement from baseline is at most this percentage (worsening).
    public var improvementAtMost: Double?
    /// Do not raise when this other flag is raised by the same administration.
    public var unless: String?
    /// Urgent flags are shown at once and stay on the summary until acknowledged.
    public var urgent: Bool?
}
