/// What a Part 11 signature covers (docs/RULES.md, "Signatures"): one adverse event, one deviation, one
/// urgent flag's acknowledgement, one clinical-significance assessment, the eligibility checklist, the
/// whole casebook of a participant, or one day's summary as recorded.
public enum SignatureScope: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// `AE<n>`: an adverse event with its causality and seriousness.
    case adverseEvent(String)
    /// `deviation:VISIT`, `deviation:CM<n>`, `deviation:AE<n>`: a deviation with its class.
    case deviation(String)
    /// `flag:VISIT:FLAG`: an urgent flag's acknowledgement.
    case flag(visit: String, flag: String)
    /// `measure:VISIT:TEST`: a clinical-significance assessment.
    case measure(visit: String, test: String)
    /// `eligibility`: the eligibility checklist.
    case eligibility
    /// `casebook`: the whole participant.
    case casebook
    /// `summary:DATE`: the day's summary as recorded (a store-level signature, not a participant's).
    case summary(CivilDate)

    /// Reads a scope as `cohort sign` takes it; throws a message naming every form when it is none of them.
    public init(_ text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let forms = "AE<n>, deviation:VISIT, deviation:CM<n>, deviation:AE<n>, flag:VISIT:FLAG, measure:VISIT:TEST, eligibility, casebook or summary:YYYY-MM-DD"
        func code(_ value: String, _ what: String) throws -> String {
            guard !value.isEmpty, value.utf8.count <= 40, value.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-_.".unicodeScalars.contains($0)) }) else {
                throw DomainError("The scope '\(Text.shown(text))' has no valid \(what) ('\(Text.shown(value))'); a scope is \(forms).")
            }
            return value
        }
        switch (parts.first ?? "", parts.count) {
        case ("eligibility", 1): self = .eligibility
        case ("casebook", 1): self = .casebook
        case ("deviation", 2): self = .deviation(try code(parts[1], "visit or record"))
        case ("flag", 3): self = .flag(visit: try code(parts[1], "visit"), flag: try code(parts[2], "flag"))
        case ("measure", 3): self = .measure(visit: try code(parts[1], "visit"), test: try code(parts[2], "test"))
        case ("summary", 2):
            guard let date = CivilDate(parts[1]) else {
                throw DomainError("The scope '\(Text.shown(text))' has no valid date; write summary:YYYY-MM-DD, e.g. summary:2026-11-17.")
            }
            self = .summary(date)
        case (let first, 1) where first.hasPrefix("AE") && Int(first.dropFirst(2)).map({ $0 > 0 }) == true && !first.dropFirst(2).hasPrefix("0"):
            self = .adverseEvent(first)
        default:
            throw DomainError("'\(Text.shown(text))' is not a signature scope; a scope is \(forms).")
        }
    }

    /// The scope as written (`AE2`, `flag:W4:suicidality`).
    public var description: String {
        switch self {
        case .adverseEvent(let id): return id
        case .deviation(let code): return "deviation:\(code)"
        case .flag(let visit, let flag): return "flag:\(visit):\(flag)"
        case .measure(let visit, let test): return "measure:\(visit):\(test)"
        case .eligibility: return "eligibility"
        case .casebook: return "casebook"
        case .summary(let date): return "summary:\(date)"
        }
    }

    /// True for the scope a participant's signature cannot hold (the day's summary is the site's).
    public var isSiteScope: Bool { if case .summary = self { return true } else { return false } }

    /// Orders scopes by their written form (a stable order for lists).
    public static func < (a: SignatureScope, b: SignatureScope) -> Bool { a.description < b.description }
}
