import CohortDomain
import Foundation

/// `cohort conflicts --format json`: `{"conflicts": [{id, subject, what, mine, theirs, authors}…]}`, by
/// subject then id (docs/RULES.md, "Merging and conflicts").
public struct ConflictsJSON: Encodable {
    struct Item: Encodable {
        let conflict: SyncConflict
        enum Keys: String, CodingKey { case id, subject, what, mine, theirs, authors }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(conflict.id, forKey: .id)
            try container.encode(conflict.subject, forKey: .subject)
            try container.encode(conflict.what, forKey: .what)
            // Both values always present (null when a side has none), as they read.
            try container.encode(conflict.mine.map(ConflictsText.shown), forKey: .mine)
            try container.encode(conflict.theirs.map(ConflictsText.shown), forKey: .theirs)
            try container.encode(conflict.authors, forKey: .authors)
        }
    }
    let conflicts: [Item]

    /// The document of `conflicts`.
    public init(_ conflicts: [SyncConflict]) { self.conflicts = conflicts.map(Item.init) }
}

/// `cohort conflicts` as text, and the review's line about them.
public enum ConflictsText {
    /// One line a conflict, or a line saying there is none.
    public static func render(_ conflicts: [SyncConflict]) -> String {
        guard !conflicts.isEmpty else { return "No sync conflicts." }
        var lines = [Text.count(conflicts.count, "sync conflict") + " (cohort resolve SUBJECT ID --take mine|theirs|VALUE --reason TEXT):"]
        for conflict in conflicts {
            lines.append("  \(conflict.subject) \(conflict.id)  " + describe(conflict))
        }
        return lines.joined(separator: "\n")
    }

    /// What a conflict is about, both values and their authors: `cohort conflicts`' line and the participant page's.
    /// "mine" is the value the participant holds (the one already synced), "theirs" the change not applied:
    /// the words say so, since the machine that merged sees its own change as "theirs".
    public static func describe(_ conflict: SyncConflict) -> String {
        "\(conflict.what)  mine (kept): \(conflict.mine.map(shown) ?? "nothing") (\(conflict.authors.first ?? "?"))"
            + "  theirs (not applied): \(conflict.theirs.map(shown) ?? "nothing") (\(conflict.authors.last ?? "?"))"
    }

    /// A stored value as people read it: a JSON string without its quotes, anything else as its JSON.
    public static func shown(_ text: String) -> String {
        if text.hasPrefix("\""), let string = try? JSONDecoder().decode(String.self, from: Data(text.utf8)) { return string }
        return text
    }
}
