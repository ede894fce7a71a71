import CohortDomain
import Foundation

/// What the command line and the view models need from a store. Every change goes through `enroll` or
/// `apply`, which read the latest saved state under the store's lock, audit, and save durably.
public protocol ParticipantStore: AnyObject, SiteFacts {
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
    /// Whether anything may have changed since the last `loadTable` (another copy's save, say).
    func hasChanged() -> Bool
    /// Validates and saves a new participant with its schedule; a subject of `next` takes the next free ID
    /// under the lock.
    func enroll(_ request: EnrollmentRequest, today: CivilDate) throws -> Participant
    /// Applies a change value under the store's lock with the domain's rules: the one way the command line
    /// and the screens change a participant. Returns the participant before and after. With a `basis` (the
    /// participant as the screen showed it when the action began), a participant saved differently since
    /// (by another copy, the command line) is not changed: `StaleChange` hands back what is saved now.
    @discardableResult
    func apply(_ change: Change, basis: Participant?, today: CivilDate, user: String) throws -> (before: Participant, after: Participant)
    /// The committed audit trail of one participant, oldest first, with every problem found in it.
    func auditTrail(subject: String) throws -> AuditTrail
    /// The summary's lists read from the records for `day` (local days on `zone`'s clock): entered on the day
    /// for earlier days, open safety items, acknowledgements; `table` (the store's digests) says whom to read
    /// whole. Returns the participants that could not be read beside what the others give.
    func summaryRecords(on day: CivilDate, zone: TimeZone, table: ReviewTable) throws -> (records: DaySummary.Records, problems: [StoreError])
    /// The subject ID the enrollment form suggests: the next free number of the site's pattern, never one
    /// used before.
    func nextSubjectID() throws -> String
    /// Refuses a change the logged-in user's role does not allow, naming the role needed (docs/RULES.md,
    /// "Users and roles"); a store without users allows every change.
    func requireAllowed(_ change: Change) throws
    /// Whether `participant`'s eligibility checklist must be signed before randomization and the baseline,
    /// and is (docs/RULES.md, "Eligibility"); every change this store applies is given it.
    func eligibilitySignature(of participant: Participant) -> EligibilitySignature
    /// The check of `participant`'s signature records: true for a record that verifies with its signer's key
    /// over the content as it stands (docs/RULES.md, "Signatures"). Every count of what is signed uses it.
    func signatureTrust(of participant: Participant) -> (Signature) -> Bool
}

/// A participant's audit trail as read, and whether it proves the data.
public struct AuditTrail: Sendable {
    /// The committed records, oldest first.
    public var records: [AuditRecord]
    /// Why the trail does not verify (tampering, damage, a replay that does not give the data); empty when it does.
    public var problems: [String]

    /// Creates a trail.
    public init(records: [AuditRecord], problems: [String] = []) { self.records = records; self.problems = problems }
}

/// How closely `loadTable` looks at the files.
public enum TableCheck: Sendable {
    /// May answer from the review cache when the participants folder is unchanged since the cache was
    /// written, without looking at each file: for the first frame, which a `.full` check follows.
    case quick
    /// Like `quick`, but when files must be read (no usable cache) it reads for one step only and answers
    /// with what it read so far (`LoadedTable.reading` set); each further `.stepwise` reads the next part,
    /// and the last one answers fully checked. For the screens, which draw a frame between steps.
    case stepwise
    /// Looks at every file's stamp and reads again those that changed (finishing a stepwise read).
    case full
}

/// How far a stepwise read of every participant file has got.
public struct ReadingProgress: Equatable, Sendable {
    /// Participant files looked at so far.
    public var read: Int
    /// Participant files in the store.
    public var total: Int

    /// Creates a progress.
    public init(read: Int, total: Int) { self.read = read; self.total = total }
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
    /// The subjects whose files were read again because their stamp changed, whether or not their digest
    /// moved: a change the digest does not carry (a medication that is not prohibited) is one of them.
    public var reread: Set<String> = []
    /// Set while a `.stepwise` read has not looked at every file: the table holds only those read so far.
    public var reading: ReadingProgress?

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
    /// Site number (3–4 digits), the first part of subject IDs (`101`).
    public var number: String
    /// When the store was created (UTC).
    public var created: String
    /// End of the store-wide audit chain.
    public var audit: AuditHead
    /// The ids of the store's protocols (a protocol file not listed here is not part of the store).
    public var protocols: [String]
    /// The signatures of day summaries (`summary:DATE`), in order of signing; absent until the first, so a
    /// site file written before them reads and replays byte for byte (docs/RULES.md, "Signatures").
    public var summarySignatures: [Signature]?
    /// Minutes without a key before the screens lock and a session ends (docs/RULES.md, "The idle lock");
    /// absent from the file until a PI sets it (`IdleTime.defaultMinutes` then applies).
    public var idleMinutes: Int?

    /// The idle time in force: the one set, else the default.
    public var idleTime: Int { idleMinutes ?? IdleTime.defaultMinutes }

    /// Creates site facts.
    public init(name: String, number: String, created: String, audit: AuditHead, protocols: [String]) {
        self.name = name; self.number = number; self.created = created; self.audit = audit; self.protocols = protocols
    }
}

extension ParticipantStore {
    /// A store without users allows every change.
    public func requireAllowed(_ change: Change) throws {}
    /// A store without users: nobody can sign, so no signature is required (complete and eligible suffices).
    public func eligibilitySignature(of participant: Participant) -> EligibilitySignature { .notRequired }
    /// A store without users has no keys to check against (and nobody who could sign).
    public func signatureTrust(of participant: Participant) -> (Signature) -> Bool { { _ in true } }

    /// `apply(_:basis:today:user:)` on the participant as saved.
    @discardableResult
    public func apply(_ change: Change, today: CivilDate, user: String) throws -> (before: Participant, after: Participant) {
        try apply(change, basis: nil, today: today, user: user)
    }

    /// What every store's `apply` does, given its `update`: the store's own way to change the latest saved
    /// participant under its lock, deriving the audit from before and after. `update` is `package`, never
    /// public: outside the package a participant is written only through `apply` (a `Change`).
    package func applyChange(_ change: Change, basis: Participant?, today: CivilDate, user: String,
                             update: (String, (inout Participant, StudyProtocol) throws -> String?) throws -> Participant) throws -> (before: Participant, after: Participant) {
        var before: Participant?
        let context = context
        try requireAllowed(change)
        let after = try update(change.subject) { participant, _ in
            if let basis, basis != participant { throw StaleChange(latest: participant) }
            before = participant
            return try change.apply(to: &participant, in: ChangeEnvironment(context: context, today: today, user: user, site: self,
                                                                            eligibilitySignature: { self.eligibilitySignature(of: $0) },
                                                                            signatureTrust: { self.signatureTrust(of: $0) }))
        }
        return (before ?? after, after)
    }
}

/// A change begun on a view of a participant that has been saved differently since: nothing was written.
public struct StaleChange: Error, Sendable {
    /// The participant as it is saved now.
    public let latest: Participant
}
