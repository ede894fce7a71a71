import Foundation

/// A change made on another machine that a sync could not merge without picking a value (docs/RULES.md,
/// "Merging and conflicts"): the value this side had stays, and the conflict waits in the participant's
/// data until someone resolves it with a reason.
public struct SyncConflict: Codable, Sendable, Equatable {
    /// Short and stable within the participant (`C1`, `C2`, …): what `cohort resolve` takes.
    public var id: String
    /// The participant.
    public var subject: String
    /// The field or record, as a JSON Pointer, or the change in words when the rules refused it.
    public var what: String
    /// The value kept (the side merged first), as compact JSON text; nil when there is none.
    public var mine: String?
    /// The value the other side gave, as compact JSON text, or the change in words.
    public var theirs: String?
    /// The user behind `mine` and the user behind `theirs`.
    public var authors: [String]
    /// The other side's change, re-applied through the domain when the conflict is resolved `theirs`.
    public var change: Change?
    /// Why the rules refused the change on the merged state, when they did.
    public var refusal: String?

    /// What a conflict of two participants enrolled under one subject ID on two machines says it is.
    public static let enrolledTwice = "enrolled on two machines"

    /// Whether this is two participants enrolled under one ID (resolved only by renumbering the kept one).
    public var isEnrollment: Bool { what == Self.enrolledTwice }

    /// Creates a conflict.
    public init(id: String, subject: String, what: String, mine: String?, theirs: String?, authors: [String],
                change: Change?, refusal: String? = nil) {
        self.id = id; self.subject = subject; self.what = what; self.mine = mine; self.theirs = theirs
        self.authors = authors; self.change = change; self.refusal = refusal
    }
}

/// What a resolution of a conflict takes.
public enum ConflictChoice: Codable, Sendable, Equatable {
    /// The value kept by the merge.
    case mine
    /// The other side's change, re-applied through the domain.
    case theirs
    /// A value given by the person resolving (JSON text, or plain text), set at the conflict's pointer.
    case value(String)
    /// A participant enrolled on two machines under one ID: the kept one enrolled again under this ID.
    case renumber(String)

    /// Reads `mine`, `theirs` or anything else as a value.
    public init(_ text: String) {
        switch text {
        case "mine": self = .mine
        case "theirs": self = .theirs
        case _ where text.hasPrefix("renumber:"): self = .renumber(String(text.dropFirst("renumber:".count)))
        default: self = .value(text)
        }
    }

    /// As `--take` spells it.
    public var words: String {
        switch self {
        case .mine: return "mine"
        case .theirs: return "theirs"
        case .value(let text): return text
        case .renumber(let subject): return "renumber:" + subject
        }
    }
}
