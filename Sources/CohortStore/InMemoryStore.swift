import CohortDomain
import Foundation

/// A store in memory with the same rules as the file store (enroll, update, audit records derived from the
/// data before and after), for view-model tests and previews. Nothing is durable.
public final class InMemoryStore: ParticipantStore {
    public let context: StudyContext
    public let site: SiteInfo
    private var participants: [String: Participant] = [:]
    private var records: [String: [AuditRecord]] = [:]
    private let user: String
    /// When set, the next change fails with this error (to test how the screens report failures).
    public var failNextChange: StoreError?

    /// An empty store with `protocols`.
    public init(protocols: [StudyProtocol], scales: ScaleCatalog, user: String = "tester", siteNumber: String = "101") {
        context = StudyContext(protocols: protocols, scales: scales)
        site = SiteInfo(name: "Test Site", number: siteNumber, created: "2026-01-01T00:00:00.000Z", audit: .empty,
                        protocols: protocols.map(\.id).sorted())
        self.user = user
    }

    public func subjects() throws -> [String] { participants.keys.sorted() }

    public func nextSubjectID() throws -> String { SubjectID.next(after: participants.keys, site: site.number) }

    public func participant(_ subject: String) throws -> Participant {
        guard let found = participants[subject] else { throw DomainError("No participant \(subject) in this store.") }
        return found
    }

    /// Nothing but this object changes an in-memory store.
    public func hasChanged() -> Bool { false }

    public func loadTable(_ check: TableCheck) -> LoadedTable {
        LoadedTable(table: ReviewTable(participants: Array(participants.values), context: context), isFullyChecked: true)
    }

    public func enroll(_ request: EnrollmentRequest, today: CivilDate) throws -> Participant {
        try failIfAsked()
        var request = request
        if request.subject == EnrollmentRequest.nextSubject { request.subject = try nextSubjectID() }
        let participant = try request.enroll(protocols: context.sortedProtocols, takenSubjects: Set(participants.keys), today: today)
        try save(participant, before: nil, reason: nil)
        return participant
    }

    @discardableResult
    public func apply(_ change: Change, basis: Participant?, today: CivilDate, user: String) throws -> (before: Participant, after: Participant) {
        try applyChange(change, basis: basis, today: today, user: user) { try update($0, $1) }
    }

    /// Changes the saved participant with `change` (returning the reason) and saves it with its audit.
    @discardableResult
    package func update(_ subject: String, _ change: (inout Participant, StudyProtocol) throws -> String?) throws -> Participant {
        let before = try self.participant(subject)
        var participant = before
        let reason = try change(&participant, try context.studyProtocol(for: participant))
        try failIfAsked()
        try save(participant, before: before, reason: reason)
        return participant
    }

    public func auditTrail(subject: String) throws -> AuditTrail {
        _ = try participant(subject)
        return AuditTrail(records: records[subject] ?? [])
    }

    /// Open safety items and acknowledgements from each participant as it stands; nothing entered late, as
    /// this store's records all carry one fixed time.
    public func summaryRecords(on day: CivilDate, zone: TimeZone, table: ReviewTable) throws -> (records: DaySummary.Records, problems: [StoreError]) {
        var records = DaySummary.Records()
        for subject in participants.keys.sorted() { records.add(record: participants[subject]!, dayChange: nil, on: day, context: context) }
        return (records, [])
    }

    public func randomizationNumbers(in study: String, except subject: String) throws -> Set<String> {
        Set(participants.values.filter { $0.study == study && $0.subject != subject }.compactMap { $0.randomization?.number })
    }

    /// How many audit records the store holds, all participants together.
    public var recordCount: Int { records.values.map(\.count).reduce(0, +) }

    private func failIfAsked() throws {
        if let failure = failNextChange {
            failNextChange = nil
            throw failure
        }
    }

    private func save(_ participant: Participant, before: Participant?, reason: String?) throws {
        let operations = JSONPatch.diff(from: try before.map { try JSONValue(encoding: $0) } ?? .emptyObject,
                                        to: try JSONValue(encoding: participant))
        guard !operations.isEmpty else { return }
        var chain = records[participant.subject] ?? []
        for operation in operations {
            // Not hashed: nothing in memory is written as a line or checked against one (hashing is the
            // file store's, CohortFileStore), so `hash` stays blank.
            chain.append(AuditRecord(seq: chain.count + 1, time: "2026-01-01T00:00:00.000Z", user: user, subject: participant.subject,
                                     reason: reason, operation: operation, prev: chain.last?.hash ?? AuditHead.empty.hash))
        }
        records[participant.subject] = chain
        participants[participant.subject] = participant
    }
}
