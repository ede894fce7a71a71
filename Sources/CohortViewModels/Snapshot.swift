import CohortDomain
import CohortStore

/// What was read from the store.
public struct Snapshot: Equatable, Sendable {
    /// Every readable participant's digest, ordered for the day's lists.
    public var table: ReviewTable
    /// Participants read in full so far (the ones opened or changed), by subject.
    public var participants: [String: Participant] = [:]
    /// Subjects whose files could not be read (`cohort verify` says what is wrong with each).
    public var unreadable: [String]
    /// False when the table was taken from the cache without looking at each file (a check follows).
    public var isFullyChecked: Bool
    /// Set while the participant files are still being read (no usable cache): the table holds only those
    /// read so far, and the lists are not complete.
    public var reading: ReadingProgress?
    /// Protocols and scales.
    public var context: StudyContext
    /// Site name.
    public var site: String
    /// Site number for new subject IDs.
    public var siteNumber: String

    /// Creates a snapshot.
    public init(table: ReviewTable, unreadable: [String] = [], isFullyChecked: Bool = true, context: StudyContext, site: String, siteNumber: String) {
        self.table = table; self.unreadable = unreadable; self.isFullyChecked = isFullyChecked
        self.context = context; self.site = site; self.siteNumber = siteNumber
    }
}
