/// Rules for free text the user types (reasons, notes).
public enum FreeText {
    /// The longest reason or note accepted.
    public static let maximumLength = 500

    /// Trims `text` and refuses it when empty, too long, or holding control characters.
    public static func required(_ text: String?, what: String) throws -> String {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError("A \(what) is required.") }
        return try checked(trimmed, what: what)
    }

    /// Trims `text` (nil stays nil) and refuses control characters or excess length.
    public static func optional(_ text: String?, what: String) throws -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : try checked(trimmed, what: what)
    }

    private static func checked(_ text: String, what: String) throws -> String {
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw DomainError("The \(what) contains control characters; type plain text.")
        }
        guard text.count <= maximumLength else {
            throw DomainError("The \(what) is \(text.count) characters long; keep it to \(maximumLength).")
        }
        return text
    }
}

import Foundation
