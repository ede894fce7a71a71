/// One signature of the informed-consent form: the day and the form's version (docs/RULES.md,
/// "Participant lifecycle").
public struct Consent: Codable, Sendable, Equatable {
    /// The day the form was signed.
    public var date: CivilDate
    /// The form's version (`2.1`, `v3_DE`); nil on a first consent recorded without one.
    public var icfVersion: String?

    /// Creates a consent.
    public init(date: CivilDate, icfVersion: String?) { self.date = date; self.icfVersion = icfVersion }

    /// How lists and logs say it: the date, then the version when known (`2026-11-02 ICF 2.1`).
    public var description: String { date.description + (icfVersion.map { " ICF " + $0 } ?? "") }

    /// Why `text` is not a usable ICF version, or nil when it is: 1 to 20 of A–Z a–z 0–9 . _ - (what a
    /// sponsor prints on the form's footer, never free text; docs/RULES.md, "Subject IDs and free text").
    public static func versionProblem(_ text: String) -> String? {
        let allowed = text.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }
        guard (1...20).contains(text.utf8.count), allowed else {
            return "ICF version '\(Text.shown(text, longest: 24))' must be 1 to 20 of A-Z a-z 0-9 . _ - (e.g. 2.1 or v3_DE)"
        }
        return nil
    }
}

extension Participant {
    /// Every consent signed, the first one first: the enrollment's consent date with its ICF version, then
    /// each re-consent in order of entry.
    public var consents: [Consent] { [Consent(date: consentDate, icfVersion: icfVersion)] + reconsents }

    /// Records a re-consent: the participant signed version `version` of the form on `date` (not before the
    /// first consent, not after today, not after death).
    @discardableResult
    public mutating func reconsent(version: String, on date: CivilDate, today: CivilDate) throws -> String? {
        if let problem = Consent.versionProblem(version) { throw DomainError(problem + ".") }
        if date > today { throw DomainError("The consent date \(date) is after today (\(today)); enter the real date.") }
        if date < consentDate {
            throw DomainError("The consent date \(date) is before \(subject)'s first consent (\(consentDate)); a re-consent comes after it (correct the first one with `cohort correct \(subject) --consent DATE`).")
        }
        if let death = dayOfDeath, date > death { throw DomainError("The consent date \(date) is after \(subject)'s death (\(death)).") }
        let new = Consent(date: date, icfVersion: version)
        guard !consents.contains(new) else { throw DomainError("\(subject) already consented to version \(version) on \(date).") }
        reconsents.append(new)
        return nil
    }
}
