import Foundation

/// A number as the site writes it (`37.2`, `110`, `95.0`): exact decimal arithmetic, so a flag at a range
/// end or a rise from baseline never depends on binary rounding, and the text as the source gave it, so
/// `95.0` prints as `95.0` (docs/RULES.md, "Values as the source gives them"). Comparisons use the number.
/// Written in JSON as a number, or as a string when the number alone would lose the text (`"95.0"`).
public struct Quantity: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The exact value.
    public let value: Decimal
    /// The text as given when it is not the plain text of `value` (`95.0`, `0.50`); nil otherwise.
    public let given: String?

    /// The quantity `value`.
    public init(_ value: Decimal) { self.value = value; given = nil }

    /// Reads `-12`, `37.2`, `0.85`, `95.0`: an optional minus, digits, an optional point and digits (no
    /// exponent, no grouping, at most 6 decimals and 12 digits in all); nil otherwise. The text is kept.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        var index = bytes.first == UInt8(ascii: "-") ? 1 : 0
        let digitsStart = index
        while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
        let whole = index - digitsStart
        var fraction = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1; fraction += 1 }
            guard fraction > 0 else { return nil }
        }
        guard index == bytes.count, whole > 0, fraction <= 6, whole + fraction <= 12 else { return nil }
        // A whole number in its plain text (most values): the decimal of the integer is the one the text
        // reads as, and the text is its own (`QuantityTextTests` holds both to Foundation's reading).
        if let integer = Int(text), String(integer) == text {
            value = Decimal(integer)
            given = nil
            return
        }
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        self.value = value
        given = text == NSDecimalNumber(decimal: value).stringValue ? nil : text
    }

    /// Digits after the point as given, trailing zeros counted (`95.0` has 1).
    public var decimals: Int {
        let text = description
        guard let point = text.firstIndex(of: ".") else { return 0 }
        return text[text.index(after: point)...].count
    }

    /// The text as given (`37.2`, `110`, `95.0`).
    public var description: String { given ?? number }

    /// The plain text of the number, trailing zeros dropped (`95` for `95.0`): where a numeric field is asked for.
    public var number: String { NSDecimalNumber(decimal: value).stringValue }

    /// Orders by value.
    public static func < (a: Quantity, b: Quantity) -> Bool { a.value < b.value }

    /// Equal numbers (`95.0` == `95`): comparisons use the number; `description` keeps the text.
    public static func == (a: Quantity, b: Quantity) -> Bool { a.value == b.value }

    /// Hashes the number, as `==` compares it.
    public func hash(into hasher: inout Hasher) { hasher.combine(number) }

    /// Reads a JSON number, or a string whose text a number cannot carry (`"95.0"`, as written for a value
    /// given so); any other string, even of digits, is refused: a protocol says numbers as numbers.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // The number first: it is the common case, and a failed decode costs an error built and thrown.
        let number: Double
        do {
            number = try container.decode(Double.self)
        } catch {
            guard let text = try? container.decode(String.self) else { throw error }
            guard let quantity = Quantity(text), quantity.given != nil else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is a string; write the number without quotes")
            }
            self = quantity
            return
        }
        // A quantity has at most 6 decimals: the number to 6 places, trailing zeros dropped, is it as written
        // (Double's own text would turn 0.00001 into 1e-05) unless it had more, which is refused below. A whole
        // number below 10¹² is that text exactly, without formatting (`-0` reads `0` either way).
        var text: String
        if number.isFinite, abs(number) < 1e12, number == number.rounded(.towardZero) {
            text = String(Int(number))
        } else {
            text = String(format: "%.6f", number)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        guard number.isFinite, let quantity = Quantity(text == "-0" ? "0" : text), Double(text) == number else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(number) is not a plain decimal number of at most 12 digits and 6 decimals")
        }
        self = quantity
    }

    /// Writes a JSON number, as every file before kept it; a string when the number alone would lose the
    /// text as given (docs/RULES.md, "Values as the source gives them").
    /// Reports' JSON documents set this to `true`: every quantity a JSON number there (`95.0` reads `95`),
    /// as their binding keys ask, while the stored files keep the text.
    public static let asNumbers = CodingUserInfoKey(rawValue: "cohort.quantity.asNumbers")!

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let given, encoder.userInfo[Quantity.asNumbers] as? Bool != true { try container.encode(given) } else { try container.encode(value) }
    }
}

/// A normal range: values at either end are normal; either end may be absent.
public struct NormalRange: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The lower end (nil: open).
    public var low: Quantity?
    /// The upper end (nil: open).
    public var high: Quantity?

    /// A range from its ends.
    public init(low: Quantity?, high: Quantity?) { self.low = low; self.high = high }

    /// Reads `LOW-HIGH` (`3.5-5.0`, `-2-2`); nil when it is not two numbers with LOW ≤ HIGH.
    public init?(text: String) {
        let characters = Array(text)
        guard let separator = characters.indices.dropFirst().first(where: { characters[$0] == "-" }),
              let low = Quantity(String(characters[..<separator])), let high = Quantity(String(characters[(separator + 1)...])),
              low <= high else { return nil }
        self.init(low: low, high: high)
    }

    /// The file form: `[low, high]`, `null` for an absent end.
    public init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        guard container.count == 2 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a normal range is [low, high]: two numbers (null for an open end)")
        }
        low = try container.decodeIfPresent(Quantity.self)
        high = try container.decodeIfPresent(Quantity.self)
    }

    /// Writes `[low, high]`, `null` for an open end.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(low)
        try container.encode(high)
    }

    /// `60–100`, `≤ 40`, `≥ 60`.
    public var description: String {
        switch (low, high) {
        case let (low?, high?): return "\(low)–\(high)"
        case let (nil, high?): return "≤ \(high)"
        case let (low?, nil): return "≥ \(low)"
        case (nil, nil): return "none"
        }
    }

    /// True when `value` is within the range (its ends included).
    public func contains(_ value: Quantity) -> Bool { flag(value) == .normal }

    /// `low`, `high` or `normal` for `value`.
    public func flag(_ value: Quantity) -> MeasureFlag {
        if let low, value < low { return .low }
        if let high, high < value { return .high }
        return .normal
    }
}

/// Where a result stands against its normal range.
public enum MeasureFlag: String, Codable, Sendable, CaseIterable {
    case normal, low, high

    /// Outside the normal range: the investigator's assessment is awaited.
    public var isOutOfRange: Bool { self != .normal }
}

/// A vital sign, lab test or ECG measure as data (`Resources/measures/`): adding one needs no code.
public struct MeasureDefinition: Codable, Sendable, Hashable {
    /// Test code (`SYSBP`, `ALT`): what protocols, commands and exports name it by.
    public var code: String
    /// Full name (at most 40 ASCII characters: it is the SDTM test name).
    public var name: String
    /// The unit results are in (`mmHg`, `U/L`), as CDISC writes it.
    public var unit: String
    /// Other ways of writing the same unit (`°C` for `C`).
    public var unitAliases: [String]?
    /// The SDTM domain of its results: `VS` (vital signs), `LB` (laboratory) or `EG` (ECG).
    public var domain: String
    /// The CDISC test code when it is not `code` (`QTCFAG` for `QTCF`).
    public var sdtmCode: String?
    /// Digits allowed after the point.
    public var decimals: Int
    /// Values outside are refused as typos.
    public var plausible: NormalRange
    /// The normal range when neither the result nor the protocol gives one; absent for measures without
    /// one (weight).
    public var normal: NormalRange?

    /// Why `value` cannot be a result of this measure (outside what is possible: a typo), or nil when it can.
    public func problem(for value: Quantity) -> String? {
        if !plausible.contains(value) { return "\(code) \(value) \(unit) is outside \(plausible), what is possible: a typo? Enter the value again." }
        return nil
    }

    /// A warning when `value` has more decimals than this measure is usually recorded to: it is recorded as
    /// given, never refused (docs/RULES.md, "Values as the source gives them"); nil otherwise.
    public func precisionWarning(for value: Quantity) -> String? {
        guard value.decimals > decimals else { return nil }
        return "\(code) is usually recorded to \(Text.count(decimals, "decimal")); \(value) has \(value.decimals), recorded as given."
    }

    /// True when `text` names this measure's unit.
    public func isUnit(_ text: String) -> Bool { text == unit || (unitAliases ?? []).contains(text) }

    /// Problems that make the definition unusable; empty when sound.
    public func problems() -> [String] {
        var found: [String] = []
        if !["VS", "LB", "EG"].contains(domain) { found.append("measure \(code) has domain \(domain); use VS, LB or EG") }
        if !(0...6).contains(decimals) { found.append("measure \(code) has \(decimals) decimals; use 0 to 6") }
        if plausible.low == nil || plausible.high == nil { found.append("measure \(code) needs both ends of its plausible range") }
        if name.count > 40 || !name.allSatisfy(\.isASCII) { found.append("measure \(code) name is not at most 40 ASCII characters") }
        return found
    }
}
