/// One value of an SDTM record: text for a character variable, a number for a numeric one, or missing
/// (blank text, or SAS's `.` for a number).
public enum SDTMValue: Sendable, Hashable {
    /// The value of a character variable, exactly as it will be written (never trimmed or changed).
    case text(String)
    /// The value of a numeric variable.
    case number(Double)
    /// No value: written as blanks in a character variable and as `.` (null in Dataset-JSON) in a numeric one.
    case missing

    /// The text of a character value; "" when missing, nil for a number.
    public var text: String? {
        switch self {
        case .text(let text): return text
        case .missing: return ""
        case .number: return nil
        }
    }

    /// The number of a numeric value; nil when missing or text.
    public var number: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// Whether the value is missing (absent, or blank text: SDTM does not tell the two apart).
    public var isMissing: Bool {
        switch self {
        case .missing: return true
        case .text(let text): return text.isEmpty
        case .number: return false
        }
    }
}

extension SDTMValue: ExpressibleByStringLiteral {
    /// A text value from a literal.
    public init(stringLiteral value: String) { self = .text(value) }
}

extension SDTMValue: ExpressibleByFloatLiteral {
    /// A number from a literal.
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension SDTMValue: ExpressibleByIntegerLiteral {
    /// A number from an integer literal.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
}

extension SDTMValue: ExpressibleByNilLiteral {
    /// `nil` is a missing value.
    public init(nilLiteral: ()) { self = .missing }
}

extension SDTMValue {
    /// Text, or missing when `text` is nil or empty.
    public static func text(_ text: String?) -> SDTMValue {
        guard let text, !text.isEmpty else { return .missing }
        return .text(text)
    }

    /// A number, or missing when `number` is nil.
    public static func number(_ number: Double?) -> SDTMValue { number.map { .number($0) } ?? .missing }

    /// An integer, or missing when `number` is nil.
    public static func number(_ number: Int?) -> SDTMValue { number.map { .number(Double($0)) } ?? .missing }
}
