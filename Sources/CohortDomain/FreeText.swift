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
    /// characters (a soft hyphen, a zero-width space) and look-alike letters of another script inside a Latin
    /// word are refused too, since they would hide it from a match.
    public static func name(_ text: String?, what: String) throws -> String {
        let checked = try required(text, what: what)
        if let hidden = hiddenCharacter(in: checked) {
            throw DomainError("The \(what) holds \(hidden), which would keep it from ever matching a list; type it plainly.")
        }
        return checked
    }

    /// The one rule for text that is matched against a list — an AE term, a medication name, and a
    /// protocol's `specialInterest` and `prohibitedMedications` terms and arms: the first character in it
    /// that would keep it from ever matching what the user types, described ("the invisible character
    /// U+00AD", "the Cyrillic letter а U+0430 among Latin letters"), or nil when it has none
    /// (docs/RULES.md, "Adverse events and medications").
    public static func hiddenCharacter(in text: String) -> String? {
        // ASCII has no invisible character and no letter of another script: most text, at once.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return nil }
        if let scalar = text.unicodeScalars.first(where: isInvisible) { return "the invisible character \(code(scalar))" }
        // A word of Latin letters with one of Greek, Cyrillic, … looks the same and matches nothing; a word
        // wholly in one script is fine.
        var word: [Unicode.Scalar] = []
        for scalar in Array(text.unicodeScalars) + [" "] {
            let category = scalar.properties.generalCategory
            if isLetter(category) || isMark(category) { word.append(scalar); continue }
            if word.contains(where: { lookAlikeScript(of: $0) == "Latin" }),
               let other = word.first(where: { lookAlikeScript(of: $0).map { $0 != "Latin" } ?? false }) {
                return "the \(lookAlikeScript(of: other) ?? "") letter \(Character(other)) \(code(other)) among Latin letters"
            }
            word = []
        }
        return nil
    }

    /// `U+00AD`.
    private static func code(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    private static func isLetter(_ category: Unicode.GeneralCategory) -> Bool {
        [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter].contains(category)
    }

    private static func isMark(_ category: Unicode.GeneralCategory) -> Bool {
        [.nonspacingMark, .spacingMark, .enclosingMark].contains(category)
    }

    /// The script of a letter, for Latin and the scripts whose letters pass for Latin ones; nil for others.
    static func lookAlikeScript(of scalar: Unicode.Scalar) -> String? {
        guard isLetter(scalar.properties.generalCategory) else { return nil }
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0xAA, 0xB5, 0xBA, 0xC0...0x24F, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF,
             0xFF21...0xFF3A, 0xFF41...0xFF5A: return "Latin"
        case 0x370...0x3FF, 0x1F00...0x1FFF: return "Greek"
        case 0x400...0x52F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F: return "Cyrillic"
        case 0x530...0x58F: return "Armenian"
        case 0x13A0...0x13FF, 0xAB70...0xABBF: return "Cherokee"
        default: return nil
        }
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
