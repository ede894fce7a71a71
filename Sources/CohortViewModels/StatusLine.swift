import CohortDomain

/// The line at the bottom that says what just happened.
public struct StatusLine: Equatable, Sendable {
    /// What kind of news it is (drives colour).
    public enum Kind: Sendable { case info, saved, error, urgent }
    /// The words.
    public let text: String
    /// Its kind.
    public let kind: Kind

    /// Creates a status line.
    public init(_ text: String, _ kind: Kind) { self.text = text; self.kind = kind }
}
