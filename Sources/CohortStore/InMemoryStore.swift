import CohortDomain
import Foundation

/// A store in memory with the same rules as the file store (enroll, update, audit), for view-model tests
/// and previews. Nothing is durable.
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
        site = SiteInfo(name: "Test Site", number: siteNumber, created: "2026-01-01T00:00:00.000Z", audit: .empty)
        self.user = user
    }

    public func subjects() throws -> [String] { participants.keys.sorted() }

    public func participant(_ subject: String) throws -> Participant {
        guard let found = participants[subject] else { throw DomainError("No participant \(subject) in this store.") }
        return found
    }

    public func loadTable(_ check: TableCheck) -> LoadedTable {
        LoadedTable(table: ReviewTable(participants: Array(participants.values), context: context), isFullyChecked: true)
    }

    public func enroll(_ request: EnrollmentRequest, today: CivilDate) throws -> Participant {
        try failIfAsked()
        let (participant, mutation) = try request.enroll(protocols: context.sortedProtocols, takenSubjects: Set(participants.keys), today: today)
        participants[participant.subject] = participant
        audit(mutation, subject: participant.subject)
        return participant
    }

    @discardableResult
    public func update(_ subject: String, _ change: (inout Participant, StudyProtocol) throws -> Mutation) throws -> Participant {
        var participant = try self.participant(subject)
        let mutation = try change(&participant, try context.studyProtocol(for: participant))
        try failIfAsked()
        participants[subject] = participant
        audit(mutation, subject: subject)
        return participant
    }

    public func auditRecords(subject: String?) throws -> [AuditRecord] {
        if let subject { return records[subject] ?? [] }
        return records.keys.sorted().flatMap { records[$0] ?? [] }
    }

    private func failIfAsked() throws {
        if let failure = failNextChange {
            failNextChange = nil
            throw failure
        }
    }

    private func audit(_ mutation: Mutation, subject: String) {
        var chain = records[subject] ?? []
        for change in mutation.changes {
            chain.append(AuditRecord(seq: chain.count + 1, time: "2026-01-01T00:00:00.000Z", user: user, subject: subject,
                                     entity: change.entity, field: change.field, old: change.old, new: change.new,
                                     reason: mutation.reason, prev: chain.last?.hash ?? "genesis", hash: "memory"))
        }
        records[subject] = chain
    }
}
