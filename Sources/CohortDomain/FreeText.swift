/// Rules for free text the user types (reasons, notes).
public enum FreeText {
    /// The longest reason or note accepted, in characters and in bytes (a character can be one letter and
    /// thousands of combining marks).
    public static let maximumLength = 500
    public static let maximumBytes = 2_000

    /// Trims `text` and refuses it when empty, too long, or holding control characters.
    public static func required(_ text: String?, what: String) throws -> String {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError("\("aeiou".contains(what.prefix(1)) ? "An" : "A") \(what) is required.") }
        return try checked(trimmed, what: what)
    }

    /// Like `required`, for a name that is matched against lists (an AE term, a medication): invisible
    /// characters (a soft hyphen, a zero-width space) are refused too, since they would hide it from a match.
    public static func name(_ text: String?, what: String) throws -> String {
        let checked = try required(text, what: what)
        if let hidden = invisibleCharacter(in: checked) {
            throw DomainError("The \(what) holds the invisible character \(hidden) (like a soft hyphen or zero-width space); type it plainly.")
        }
        return checked
    }

    /// The one rule for text that is matched against a list — an AE term, a medication name, and a
    /// protocol's `specialInterest` and `prohibitedMedications` terms and arms: the first invisible
    /// character in it, written `U+00AD`, or nil when it has none. Such a character would keep a term from
    /// ever matching what the user types (docs/RULES.md, "Adverse events and medications").
    public static func invisibleCharacter(in text: String) -> String? {
        guard let scalar = text.unicodeScalars.first(where: isInvisible) else { return nil }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Characters that show nothing yet split a word: format characters (soft hyphen, zero-width space) and
    /// every other default-ignorable one (combining grapheme joiner, Hangul fillers, variation selectors).
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .format || scalar.properties.isDefaultIgnorableCodePoint
    }

    /// Trims `text` (nil stays nil) and refuses control characters or excess length.
    public static func optional(_ text: String?, what: String) throws -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : try checked(trimmed, what: what)
    }

    private static func checked(_ text: String, what: String) throws -> String {
        guard !text.unicodeScalars.contains(where: Text.isControl) else {
            throw DomainError("The \(what) contains control characters; type plain text.")
        }
        guard text.count <= maximumLength, text.utf8.count <= maximumBytes else {
            throw DomainError("The \(what) is \(text.count) characters (\(text.utf8.count) bytes) long; keep it to \(maximumLength) characters and \(maximumBytes) bytes.")
        }
        return text
    }
}

import Foundation
