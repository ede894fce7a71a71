import CohortDomain

/// What the command line and the view models need from a store. Every change goes through `enroll` or
/// `update`, which read the latest saved state under the store's lock, audit, and save durably.
public protocol ParticipantStore: AnyObject {
    /// The store's protocols and the known scales.
    var context: StudyContext { get }
    /// Site facts (name, number used in subject IDs).
    var site: SiteInfo { get }
    /// Every subject ID, sorted.
    func subjects() throws -> [String]
    /// One participant, verified; unknown subjects are refused.
    func participant(_ subject: String) throws -> Participant
    /// Every readable participant's digest in a review table, with the problems of those that are not.
    func loadTable(_ check: TableCheck) -> LoadedTable
    /// Validates and saves a new participant with its schedule.
    func enroll(_ request: EnrollmentRequest, today: CivilDate) throws -> Participant
    /// Applies `change` to the latest saved participant under the lock; audits and saves it. Returns the result.
    @discardableResult
    func update(_ subject: String, _ change: (inout Participant, StudyProtocol) throws -> Mutation) throws -> Participant
    /// The audit trail of one participant, or of the whole store (store records first, then by subject), oldest first.
    func auditRecords(subject: String?) throws -> [AuditRecord]
}

/// How closely `loadTable` looks at the files.
public enum TableCheck: Sendable {
    /// May answer from the review cache when the participants folder is unchanged since the cache was
    /// written, without looking at each file: for the first frame, which a `.full` check follows.
    case quick
    /// Looks at every file's stamp and reads again those that changed.
    case full
}

/// A review table and the files that could not be read into it.
public struct LoadedTable: Sendable {
    /// The digests of every readable participant.
    public var table: ReviewTable
    /// One message per unreadable file, naming it.
    public var problems: [StoreError]
    /// The subjects whose files could not be read (for a status line; `problems` says what is wrong).
    public var unreadable: [String]
    /// False when the table came from the cache on the folder's word alone (a `.quick` load).
    public var isFullyChecked: Bool
    /// False when the files said exactly what the table this store last gave out says.
    public var differsFromLastLoad: Bool

    /// Creates a result.
    public init(table: ReviewTable, problems: [StoreError] = [], unreadable: [String] = [], isFullyChecked: Bool, differsFromLastLoad: Bool = true) {
        self.table = table; self.problems = problems; self.unreadable = unreadable; self.isFullyChecked = isFullyChecked
        self.differsFromLastLoad = differsFromLastLoad
    }
}

/// Store-wide facts, kept in `cohort-store.json`.
public struct SiteInfo: Codable, Sendable, Equatable {
    /// Site name.
    public var name: String
    /// Three-digit site number, the first part of subject IDs (`101`).
    public var number: String
    /// When the store was created (UTC).
    public var created: String
    /// End of the store-wide audit chain.
    public var audit: AuditHead

    /// Creates site facts.
    public init(name: String, number: String, created: String, audit: AuditHead) {
        self.name = name; self.number = number; self.created = created; self.audit = audit
    }
}

extension ParticipantStore {
    /// The subject ID the enrollment form suggests: the next free number of the site's pattern.
    public func nextSubjectID() throws -> String { SubjectID.next(after: try subjects(), site: site.number) }
}
