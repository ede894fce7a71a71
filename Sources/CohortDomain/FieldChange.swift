/// One audited change: which entity, which field, the value before and after (nil: absent).
public struct FieldChange: Codable, Sendable, Equatable {
    /// What changed: `participant`, `visit W1`, `score W1 PANSS`, `flag W1 cssrs-urgent`.
    public var entity: String
    /// The field, or `*` for a whole entity created or deleted.
    public var field: String
    /// Value before the change (nil when the entity or field did not exist).
    public var old: String?
    /// Value after the change (nil when removed).
    public var new: String?

    /// Creates a change record.
    public init(entity: String, field: String, old: String?, new: String?) {
        self.entity = entity; self.field = field; self.old = old; self.new = new
    }
}

/// The result of applying one user action to a participant: the changes to audit and the reason given.
public struct Mutation: Sendable, Equatable {
    /// Field changes, in the order they were made.
    public var changes: [FieldChange]
    /// The user's reason, when one was given or required.
    public var reason: String?

    /// Creates a mutation.
    public init(changes: [FieldChange], reason: String?) { self.changes = changes; self.reason = reason }
}

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
