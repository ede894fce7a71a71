import CohortDomain

/// The participant view: which visit is selected, and the audit trail once read.
public struct ParticipantPage: Equatable, Sendable {
    /// Subject ID.
    public let subject: String
    /// Index of the selected visit in protocol order.
    public var selection = 0
    /// The participant's audit trail, newest last (nil until read).
    public var audit: [AuditLine]?
    /// The visit to select once the participant is read (opened from a visit before it was).
    var pendingVisit: String?
    /// Lines scrolled down in the part below the timeline (the screen keeps it within what there is).
    public var scroll = 0

    /// A page for `subject`.
    public init(subject: String) { self.subject = subject }
}
