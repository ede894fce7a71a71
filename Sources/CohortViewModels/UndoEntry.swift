import CohortDomain

/// A change that `u` can take back.
public struct UndoEntry: Equatable, Sendable {
    /// What was done, in words.
    public let description: String
    /// The participant before.
    public let before: Participant
    /// The participant after (undo refuses if it changed since).
    public let after: Participant
}
