/// Everything derived from one administration: totals, subscales, change from baseline, responder, flags.
public struct ScoreResult: Sendable, Equatable {
    /// The total, when the scale has one and every item is scored.
    public let total: Int?
    /// Subscale sums, nil where an item of the subscale is unscored.
    public let subscales: [SubscaleScore]
    /// The baseline administration's total, when change from baseline applies.
    public let baselineTotal: Int?
    /// Current total minus baseline total.
    public let change: Int?
    /// `100 × (B − X) / (B − floor)`; positive is better.
    public let improvementPercent: Double?
    /// Whether the improvement reaches the responder threshold.
    public let isResponder: Bool?
    /// Flags raised, in the scale's rule order.
    public let flags: [RaisedFlag]
}

/// One subscale's sum.
public struct SubscaleScore: Sendable, Equatable {
    /// Subscale code.
    public let code: String
    /// Display name.
    public let name: String
    /// Sum, or nil while an item is unscored.
    public let value: Int?
}

/// A flag raised by an administration.
public struct RaisedFlag: Sendable, Hashable, Codable {
    /// Stable flag name (`cssrs-urgent`).
    public let flag: String
    /// Urgent flags stay on the summary until acknowledged.
    public let urgent: Bool
}

/// The scoring rules (docs/RULES.md, "Scores"), driven by scale definitions.
public enum Scoring {
    /// Scores `items` of `scale`, comparing with `baseline` items when change from baseline applies.
    /// Works on partial entries too (unscored items are nil), so entry screens can show it live.
    /// `protocolFlags` are the protocol's own flags on this scale, raised after the scale's (docs/RULES.md,
    /// "Scores", protocol scale flags).
    public static func evaluate(items: [Int?], scale: ScaleDefinition, baseline: [Int?]?,
                                responderPercent: Double?, protocolFlags: [ScaleFlag] = []) -> ScoreResult {
        func sum(_ values: [Int?]) -> Int? {
            values.reduce(Optional(0)) { partial, value in partial.flatMap { p in value.map { p + $0 } } }
        }
        let complete = items.count == scale.items.count
        let total = scale.total && complete ? sum(items) : nil
        let subscales = (scale.subscales ?? []).map { subscale in
            SubscaleScore(code: subscale.code, name: subscale.name,
                          value: complete ? sum(subscale.items.compactMap { scale.itemIndex($0) }.map { items[$0] }) : nil)
        }
        let baselineTotal = baseline.flatMap { $0.count == scale.items.count && scale.total ? sum($0) : nil }
        var change: Int?
        var improvement: Double?
        var responder: Bool?
        if let current = total, let base = baselineTotal {
            change = current - base
            if let rule = scale.change, base != rule.floor {
                let percent = 100 * Double(base - current) / Double(base - rule.floor)
                improvement = percent
                if let threshold = responderPercent ?? rule.responderPercent { responder = percent >= threshold }
            }
        }
        var raised: [RaisedFlag] = []
        for rule in scale.flags ?? [] {
            if let unless = rule.unless, raised.contains(where: { $0.flag == unless }) { continue }
            var fires = false
            if let codes = rule.items, let threshold = rule.atLeast {
                fires = codes.contains { code in
                    guard let index = scale.itemIndex(code), index < items.count, let value = items[index] else { return false }
                    return value >= threshold
                }
            }
            if let limit = rule.improvementAtMost, let percent = improvement, percent <= limit { fires = true }
            if fires { raised.append(RaisedFlag(flag: rule.flag, urgent: rule.urgent ?? false)) }
        }
        for rule in protocolFlags where rule.scale == scale.code
            && rule.holds(items: items, total: total, baseline: baselineTotal, scale: scale) {
            raised.append(RaisedFlag(flag: rule.flag, urgent: rule.urgent ?? false))
        }
        return ScoreResult(total: total, subscales: subscales, baselineTotal: baselineTotal, change: change,
                           improvementPercent: improvement, isResponder: responder, flags: raised)
    }

    /// Parses typed scores: one character per item (`3425x…`) or space-separated; `x` marks not assessed.
    /// Refuses a wrong item count or an out-of-range score, naming the item and its range.
    public static func parseScores(_ text: String, scale: ScaleDefinition) throws -> [Int?] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let tokens: [String] = trimmed.contains(where: \.isWhitespace)
            ? trimmed.split(whereSeparator: \.isWhitespace).map(String.init)
            : trimmed.map(String.init)
        guard tokens.count == scale.items.count else {
            throw DomainError("\(scale.code) takes \(scale.items.count) item scores in the order \(scale.items.map(\.code).joined(separator: " ")); \(tokens.count) were given.")
        }
        return try zip(tokens, scale.items).map { token, item in
            if token.lowercased() == "x" { return nil }
            guard let value = Int(token), String(value) == token || token == "0" else {
                throw DomainError("\(scale.code) item \(item.code) (\(item.name)) is '\(token)'; it must be a whole number \(item.min)–\(item.max), or x for not assessed.")
            }
            try validate(value, item: item, scale: scale)
            return value
        }
    }

    /// Refuses a score outside its item's range.
    public static func validate(_ value: Int, item: ScaleItem, scale: ScaleDefinition) throws {
        guard (item.min...item.max).contains(value) else {
            throw DomainError("\(scale.code) item \(item.code) (\(item.name)) is \(value); it must be \(item.min)–\(item.max).")
        }
    }
}

import Foundation
