import CohortDomain
import CohortIdentity
import CohortTestSupport
@testable import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

/// `verify` judges every signed save by its author's role at the save's time (docs/RULES.md, "Signed saves"):
/// saves forged here with the program's own write paths, signed with the author's real key, but past the
/// role check a command makes.
@Suite struct SaveRoleTests {
    static let subject = MergeFixture.subject
    static let now = try! Moment("2026-11-25T18:02-05:00", zone: TimeZone(secondsFromGMT: 0)!, what: "test")
    /// An adverse event with a causality assessment: an investigator's to record.
    static let assessed = Change.addAdverseEvent(subject: subject, draft: AdverseEventDraft(term: "Headache", onset: CivilDate("2026-11-20")!,
                                                                                           severity: .mild, related: .possible), now: now)

    /// Saves `change` on `store` as its signer, recording it, without the role check `apply` makes.
    static func forge(_ change: Change, on store: JSONFileStore) throws {
        let recorded = try RecordedChange(change: change, today: StoreFixture.today).value
        try store.update(change.subject, recording: recorded) { participant, _ in
            try change.apply(to: &participant, in: ChangeEnvironment(context: store.context, today: StoreFixture.today, user: store.signer?.userName ?? "",
                                                                     site: store, eligibilitySignature: { store.eligibilitySignature(of: $0) }))
        }
    }

    @Test func aSignedSaveOutsideItsAuthorsRoleIsNamedAndTheCommandPathRefusesIt() throws {
        let (fixture, _, coordinator) = try SignedSaveTests.storeWithUsers()
        defer { fixture.remove() }
        try fixture.enroll(Self.subject)
        fixture.store.signer = coordinator
        #expect(throws: DomainError.self) { try fixture.store.apply(Self.assessed, today: StoreFixture.today, user: "cole") }
        #expect(fixture.store.verify().problems == [])
        try Self.forge(Self.assessed, on: fixture.store)
        let problems = fixture.store.verify().problems
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains("audit/\(Self.subject).jsonl record") == true)
        #expect(problems.first?.contains("a save by cole (coordinator) that only an investigator or the PI may make (assess an adverse event's causality") == true, "\(problems)")
    }

    /// A coordinator who writes himself a new role (his own key signing his own user file) gains nothing:
    /// the save is named, and his later saves are judged by the role a PI gave him.
    @Test func aRoleAUserGaveThemselvesIsNamedAndDoesNotCount() throws {
        let (fixture, _, coordinator) = try SignedSaveTests.storeWithUsers()
        defer { fixture.remove() }
        try fixture.enroll(Self.subject)
        let file = try fixture.store.readUser("cole")
        var promoted = file.user
        promoted.role = .investigator
        try FileLock.withLock(fixture.store.lockFile) {
            try fixture.store.saveUser(promoted, before: file.user, committed: file.audit, reason: "self-promoted", signer: coordinator)
        }
        fixture.store.signer = coordinator.describing(promoted)
        try Self.forge(Self.assessed, on: fixture.store)
        let problems = fixture.store.verify().problems
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.contains { $0.contains("audit/users/cole.jsonl record") && $0.contains("a save by cole (coordinator) that only the PI may make (change users: cole changed their own record)") }, "\(problems)")
        #expect(problems.contains { $0.contains("audit/\(Self.subject).jsonl record") && $0.contains("a save by cole (coordinator)") }, "\(problems)")
    }

    /// The participant changed on two machines, the PI's note on a and `change` forged on b as the
    /// coordinator, merged as the sync would: the fixture and the merged store.
    static func merged(forging change: Change) throws -> (MergeFixture, JSONFileStore) {
        let (base, pi, coordinator) = try SignedSaveTests.storeWithUsers()
        let fixture = try MergeFixture(signer: pi, base: base)
        try fixture.a.apply(.note(subject: Self.subject, visit: "SCR", text: "seen by ana"), today: StoreFixture.today, user: "ana")
        fixture.b.signer = coordinator
        try Self.forge(change, on: fixture.b)
        // As the sync merges on b, a having synced first: b's saves are applied again on a's.
        try MergeFixture.write(try fixture.merge(), into: fixture.dirA)
        let merged = try JSONFileStore(directory: fixture.dirA, scales: StoreFixture.scales, user: "amy")
        try merged.adoptMerged(subjects: [Self.subject])
        return (fixture, merged)
    }

    /// A save a merge applied again is unsigned; it is judged by its original author, and so is its signed
    /// original in the branch file.
    @Test func aMergedSaveOutsideItsAuthorsRoleIsNamedInTheTrailAndTheBranch() throws {
        let (fixture, merged) = try Self.merged(forging: Self.assessed)
        defer { fixture.remove() }
        let records = try merged.auditTrail(subject: Self.subject).records
        let reapplied = try #require(records.last { $0.origin != nil && $0.state != nil })
        #expect(reapplied.user == "cole" && reapplied.signature == nil)
        let problems = merged.verify().problems
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.contains { $0.contains("audit/\(Self.subject).jsonl record \(reapplied.seq) (saved \(reapplied.time), applied again by a merge): a save by cole (coordinator)") }, "\(problems)")
        #expect(problems.contains { $0.contains("audit/branches/\(Self.subject)/") && $0.contains("a save by cole (coordinator)") }, "\(problems)")
    }

    /// The same merge of a save within its author's role is not named.
    @Test func aMergedSaveWithinItsAuthorsRoleIsNotNamed() throws {
        let (fixture, merged) = try Self.merged(forging: .note(subject: Self.subject, visit: "W1", text: "phoned by cole"))
        defer { fixture.remove() }
        #expect(merged.verify().problems == [])
    }

    /// Roles over time: the addition, then only changes a PI signed.
    @Test func aUsersRoleAtATimeIsTheOneAPIGaveThemLastBeforeIt() {
        func user(_ name: String, _ role: Role) -> User {
            User(name: name, fullName: name, role: role, publicKey: "", addedBy: nil, added: "2026-12-03T10:00:00.000Z")
        }
        /// A save of `user`'s file setting `role`: added by the first, replaced (from `was`) by the others.
        func save(_ user: String, _ time: String, _ role: Role, was: Role? = nil, by signer: String, signed: Bool = true) -> AuditRecord {
            let operation = was.map { PatchOperation(op: .replace, path: "/role", value: .string(role.rawValue), old: .string($0.rawValue)) }
                ?? PatchOperation(op: .add, path: "/role", value: .string(role.rawValue))
            var record = AuditRecord(seq: 1, time: time, user: signer, subject: "user:" + user, reason: nil, operation: operation, prev: "genesis")
            record.state = "x"
            record.signature = signed ? "sig" : nil
            return record
        }
        let roles = SaveRoles(users: [user("ana", .pi), user("cole", .coordinator)], trails: [
            "ana": [save("ana", "2026-12-03T10:00:00.000Z", .pi, by: "ana")],
            "cole": [save("cole", "2026-12-03T10:01:00.000Z", .coordinator, by: "ana"),
                     save("cole", "2026-12-03T11:00:00.000Z", .investigator, was: .coordinator, by: "ana"),
                     save("cole", "2026-12-03T12:00:00.000Z", .pi, was: .investigator, by: "cole"),
                     save("cole", "2026-12-03T13:00:00.000Z", .coordinator, was: .pi, by: "ana")],
        ])
        #expect(roles.role(of: "cole", at: "2026-12-03T09:00:00.000Z") == .coordinator)
        #expect(roles.role(of: "cole", at: "2026-12-03T10:30:00.000Z") == .coordinator)
        #expect(roles.role(of: "cole", at: "2026-12-03T11:00:00.000Z") == .investigator)
        #expect(roles.role(of: "cole", at: "2026-12-03T12:30:00.000Z") == .investigator, "his own save gives no role")
        #expect(roles.role(of: "cole", at: "2026-12-03T14:00:00.000Z") == .coordinator)
        #expect(roles.role(of: "dee", at: "2026-12-03T14:00:00.000Z") == nil)
    }
}
