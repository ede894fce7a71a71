/// A flag a protocol adds to a scale with a total (docs/RULES.md, "Scores", protocol scale flags): a name and exactly
/// one rule. It is raised by the same scoring as a scale definition's own flags, so it appears wherever they do.
public struct ScaleFlag: Codable, Sendable, Hashable {
    /// The rules a protocol scale flag may have.
    public enum Rule: String, CaseIterable, Sendable {
        case totalAtLeast, riseFromBaseline, riseFromBaselinePercent, itemAtLeast
    }

    /// An item's score at or above a value.
    public struct ItemThreshold: Codable, Sendable, Hashable {
        /// The item code (`YMRS1`).
        public var item: String
        /// The lowest score that raises the flag.
        public var value: Double

        /// Creates a threshold.
        public init(item: String, value: Double) { self.item = item; self.value = value }
    }

    /// The scale code.
    public var scale: String
    /// The flag's name (`ymrs-worsening`).
    public var flag: String
    /// Total ≥ N.
    public var totalAtLeast: Double?
    /// Total − baseline total ≥ N (after the baseline visit only).
    public var riseFromBaseline: Double?
    /// 100 × (total − B) / B ≥ N, B the baseline total > 0 (after the baseline visit only).
    public var riseFromBaselinePercent: Double?
    /// One item's score ≥ a value.
    public var itemAtLeast: ItemThreshold?
    /// Urgent flags wait at the top of the review until acknowledged with an action, like `cssrs-urgent`.
    public var urgent: Bool?

    /// Creates a flag rule.
    public init(scale: String, flag: String, totalAtLeast: Double? = nil, riseFromBaseline: Double? = nil,
                riseFromBaselinePercent: Double? = nil, itemAtLeast: ItemThreshold? = nil, urgent: Bool? = nil) {
        self.scale = scale; self.flag = flag; self.totalAtLeast = totalAtLeast; self.riseFromBaseline = riseFromBaseline
        self.riseFromBaselinePercent = riseFromBaselinePercent; self.itemAtLeast = itemAtLeast; self.urgent = urgent
    }

    /// The members a protocol scale flag may have.
    static let keys = Set(["scale", "flag", "urgent"] + Rule.allCases.map(\.rawValue))
    /// The members of `itemAtLeast`.
    static let itemKeys: Set<String> = ["item", "value"]

    /// The rules given.
    public var rules: [Rule] {
        [(Rule.totalAtLeast, totalAtLeast != nil), (.riseFromBaseline, riseFromBaseline != nil),
         (.riseFromBaselinePercent, riseFromBaselinePercent != nil), (.itemAtLeast, itemAtLeast != nil)].compactMap { $0.1 ? $0.0 : nil }
    }

    /// True when an administration with these `items`, `total` and baseline total `baseline` (nil before the
    /// baseline visit or without a baseline total) holds this rule.
    public func holds(items: [Int?], total: Int?, baseline: Int?, scale definition: ScaleDefinition) -> Bool {
        if let limit = totalAtLeast, let total, Double(total) >= limit { return true }
        if let rise = riseFromBaseline, let total, let baseline, Double(total - baseline) >= rise { return true }
        // 100 × (X − B) / B ≥ N, multiplied out so that no division rounds; undefined for B = 0.
        if let percent = riseFromBaselinePercent, let total, let baseline, baseline > 0,
           Double(100 * (total - baseline)) >= percent * Double(baseline) { return true }
        if let threshold = itemAtLeast, let index = definition.itemIndex(threshold.item), index < items.count,
           let value = items[index], Double(value) >= threshold.value { return true }
        return false
    }

    /// A number as the protocol wrote it: `20`, `12.5`.
    static func shown(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// A flag name: 1 to 32 of `a–z 0–9 -`.
    static func isName(_ text: String) -> Bool {
        (1...32).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
        }
    }

    /// Flags Cohort raises itself: a protocol flag with one of these names would be mistaken for it.
    static func builtInNames(_ scales: ScaleCatalog) -> Set<String> {
        Set(scales.all.flatMap { ($0.flags ?? []).map(\.flag) } + [DeviationKind.prohibitedMedication.rawValue])
    }

    /// Every problem of the `number`-th (1-based) flag of a protocol, each a short phrase.
    func problems(number: Int, scales: ScaleCatalog, builtIn: Set<String>) -> [String] {
        var found: [String] = []
        let name = "scaleFlags \(number)"
        if !Self.isName(flag) { found.append("\(name) has flag name '\(Text.shown(flag))'; a flag name is 1 to 32 of a-z 0-9 -") }
        else if builtIn.contains(flag) { found.append("\(name) is named \(flag), a flag Cohort raises itself; choose another name") }
        if rules.count != 1 {
            found.append("\(name) has \(rules.count) rules; give exactly one of " + Rule.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let definition = scales[scale] else {
            found.append("\(name) names unknown scale '\(Text.shown(scale))'")
            return found
        }
        guard let range = definition.totalRange else {
            found.append("\(name) is on \(scale), which has no total; scale flags are on scales with a total")
            return found
        }
        func whole(_ value: Double, _ what: String) {
            if value != value.rounded() { found.append("\(name) has \(what) \(Self.shown(value)); scores are whole numbers") }
        }
        if let limit = totalAtLeast {
            whole(limit, "totalAtLeast")
            if limit > Double(range.upperBound) { found.append("\(name) has totalAtLeast \(Self.shown(limit)), above the highest \(scale) total \(range.upperBound): it could never be raised") }
            else if limit <= Double(range.lowerBound) { found.append("\(name) has totalAtLeast \(Self.shown(limit)), at or below the lowest \(scale) total \(range.lowerBound): every administration would raise it") }
        }
        if let rise = riseFromBaseline {
            whole(rise, "riseFromBaseline")
            if rise <= 0 { found.append("\(name) has riseFromBaseline \(Self.shown(rise)); it is above 0") }
        }
        if let percent = riseFromBaselinePercent, percent <= 0 { found.append("\(name) has riseFromBaselinePercent \(Self.shown(percent)); it is above 0") }
        if let threshold = itemAtLeast {
            if let index = definition.itemIndex(threshold.item) {
                let item = definition.items[index]
                whole(threshold.value, "itemAtLeast value")
                if threshold.value > Double(item.max) || threshold.value <= Double(item.min) {
                    found.append("\(name) has itemAtLeast \(threshold.item) \(Self.shown(threshold.value)); it must be above \(item.min) and at most \(item.max)")
                }
            } else {
                found.append("\(name) names unknown \(scale) item '\(Text.shown(threshold.item))'")
            }
        }
        return found
    }
}
