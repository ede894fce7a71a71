import Foundation

/// A study definition (binding file format, PRODUCT.md §3.2): arms, primary scale and the visit plan.
public struct StudyProtocol: Codable, Sendable, Hashable {
    /// Study identifier (`SCZ-5W-INPT`).
    public var id: String
    /// Human title.
    public var title: String
    /// Treatment arms (`Blinded`).
    public var arms: [String]
    /// The scale whose change from baseline is the primary endpoint.
    public var primaryScale: String
    /// Improvement percentage that makes a responder on the primary scale; the scale's default when absent.
    public var responderPercent: Double?
    /// Youngest age at consent the protocol admits, if it limits it.
    public var minAge: Int?
    /// Oldest age at consent the protocol admits, if it limits it.
    public var maxAge: Int?
    /// Visits in protocol order.
    public var visits: [VisitDefinition]

    /// Creates a protocol value (not yet validated).
    public init(id: String, title: String, arms: [String], primaryScale: String, responderPercent: Double? = nil,
                minAge: Int? = nil, maxAge: Int? = nil, visits: [VisitDefinition]) {
        self.id = id; self.title = title; self.arms = arms; self.primaryScale = primaryScale
        self.responderPercent = responderPercent; self.minAge = minAge; self.maxAge = maxAge; self.visits = visits
    }

    /// Decodes and validates a protocol file; every problem is named, in one error.
    public static func parse(_ data: Data, scales: ScaleCatalog) throws -> StudyProtocol {
        let decoded: StudyProtocol
        do {
            decoded = try JSONDecoder().decode(StudyProtocol.self, from: data)
        } catch let error as DecodingError {
            throw DomainError("The protocol is not in the protocol file format: \(error.plainDescription).")
        }
        let problems = decoded.problems(scales: scales)
        guard problems.isEmpty else {
            throw DomainError("Protocol \(decoded.id) is refused: " + problems.joined(separator: "; ") + ".")
        }
        return decoded
    }

    /// The visit definition with this code, if any.
    public func visit(_ code: String) -> VisitDefinition? { visits.first { $0.code == code } }

    /// The baseline visit (validation guarantees exactly one).
    public var baselineVisit: VisitDefinition? { visits.first { $0.isBaseline } }

    /// Position of a visit in protocol order.
    public func order(of code: String) -> Int? { visits.firstIndex { $0.code == code } }

    /// True when `code` comes after the baseline visit in protocol order (change from baseline applies).
    public func isAfterBaseline(_ code: String) -> Bool {
        guard let baseline = baselineVisit, let base = order(of: baseline.code), let here = order(of: code) else { return false }
        return here > base
    }

    /// Every rule of §3.2 this protocol breaks, each a short phrase; empty when it is valid.
    public func problems(scales: ScaleCatalog) -> [String] {
        var found: [String] = []
        if id.trimmingCharacters(in: .whitespaces).isEmpty { found.append("the id is empty") }
        if id.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            found.append("the id '\(id)' may hold only letters, digits, '-' and '_'")
        }
        if arms.isEmpty { found.append("no arms are listed") }
        if Set(arms).count != arms.count { found.append("an arm is listed twice") }
        if scales[primaryScale] == nil { found.append("the primary scale '\(primaryScale)' is not a known scale") }
        if let percent = responderPercent, !(0...100).contains(percent) {
            found.append("responderPercent \(percent) is not between 0 and 100")
        }
        if let low = minAge, let high = maxAge, low > high { found.append("minAge \(low) is above maxAge \(high)") }
        if visits.isEmpty { found.append("no visits are listed") }
        var codes = Set<String>()
        for visit in visits {
            if !codes.insert(visit.code).inserted { found.append("visit code \(visit.code) is used twice") }
            if visit.code.isEmpty || visit.code.contains(where: { $0.isWhitespace }) {
                found.append("visit code '\(visit.code)' must be a word without spaces")
            }
            for scale in visit.scales where scales[scale] == nil {
                found.append("visit \(visit.code) lists unknown scale '\(scale)'")
            }
            if visit.minus < 0 || visit.plus < 0 { found.append("visit \(visit.code) has a negative window") }
            switch (visit.day, visit.anchor) {
            case (nil, nil): found.append("visit \(visit.code) has neither a day nor an anchor")
            case (.some, .some): found.append("visit \(visit.code) has both a day and an anchor")
            case (.some(let day), nil) where day == 0: found.append("visit \(visit.code) is on day 0, which does not exist (Day 1 is baseline)")
            case (nil, .some(let anchor)):
                if visit.offset == nil { found.append("visit \(visit.code) has an anchor but no offset") }
                if visits.first(where: { $0.code == anchor }) == nil {
                    found.append("visit \(visit.code) is anchored to unknown visit \(anchor)")
                }
            default: break
            }
        }
        let baselines = visits.filter(\.isBaseline)
        if baselines.count != 1 {
            found.append(baselines.isEmpty ? "no visit is marked baseline" : "\(baselines.count) visits are marked baseline (\(baselines.map(\.code).joined(separator: ", "))); exactly one must be")
        } else if baselines[0].day == nil {
            found.append("the baseline visit \(baselines[0].code) must have a study day, not an anchor")
        }
        if let cycle = anchorCycle() { found.append("anchors form a cycle: " + cycle.joined(separator: " → ")) }
        return found
    }

    /// The first chain of anchors that loops back on itself, if any.
    private func anchorCycle() -> [String]? {
        let anchorOf = Dictionary(visits.compactMap { v in v.anchor.map { (v.code, $0) } }, uniquingKeysWith: { a, _ in a })
        for start in anchorOf.keys.sorted() {
            var path = [start]
            var current = start
            while let next = anchorOf[current] {
                if let loopStart = path.firstIndex(of: next) { return Array(path[loopStart...]) + [next] }
                path.append(next)
                current = next
            }
        }
        return nil
    }
}

/// One planned visit of a protocol.
public struct VisitDefinition: Codable, Sendable, Hashable {
    /// Short code (`W1`).
    public var code: String
    /// Display name (`Week 1`).
    public var name: String
    /// Study day (CDISC: Day 1 is baseline, no Day 0), for visits fixed to the baseline.
    public var day: Int?
    /// The visit this one follows, for visits timed from another visit.
    public var anchor: String?
    /// Days after the anchor visit's completion (or its target while not completed).
    public var offset: Int?
    /// Days the window opens before the target.
    public var minus: Int
    /// Days the window stays open after the target.
    public var plus: Int
    /// Scales required at this visit.
    public var scales: [String]
    /// Marks the visit whose scores are the baseline.
    public var baseline: Bool?

    /// Creates a visit definition.
    public init(code: String, name: String, day: Int? = nil, anchor: String? = nil, offset: Int? = nil,
                minus: Int, plus: Int, scales: [String], baseline: Bool? = nil) {
        self.code = code; self.name = name; self.day = day; self.anchor = anchor; self.offset = offset
        self.minus = minus; self.plus = plus; self.scales = scales; self.baseline = baseline
    }

    /// True for the baseline visit.
    public var isBaseline: Bool { baseline ?? false }
}

extension DecodingError {
    /// A one-line description naming the field that is wrong.
    public var plainDescription: String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case .keyNotFound(let key, let context): return "'\(key.stringValue)' is missing at \(path(context.codingPath))"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)) has the wrong type (\(context.debugDescription))"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "it is not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "it cannot be read"
        }
    }
}
