import CohortDomain
import CohortTestSupport
@testable import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

/// One subject ID enrolled on two machines (docs/RULES.md, "Merging and conflicts"): never merged into one;
/// the published one keeps the ID, the other is kept whole and listed as a conflict, and resolved by
/// enrolling the kept one under a new ID.
@Suite struct EnrollmentMergeTests {
    static let subject = MergeFixture.subject
    static let today = StoreFixture.today

    /// Both copies enroll the same ID (none in the common version); b's participant is told apart by a note.
    static func enrolledTwice() throws -> MergeFixture {
        let fixture = try MergeFixture(prepare: { _ in })
        try StoreFixture(reusing: fixture.base, store: fixture.a).enroll(subject)
        try StoreFixture(reusing: fixture.base, store: fixture.b).enroll(subject)
        try fixture.b.apply(.note(subject: subject, visit: "W1", text: "bob's participant"), today: today, user: "bob")
        return fixture
    }

    /// The merge on b, with a's participant published first.
    static func merged(_ fixture: MergeFixture) throws -> ParticipantMergeResult {
        try fixture.b.mergeParticipant(subject: subject, base: nil, mine: MergeFixture.files(fixture.dirB), theirs: MergeFixture.files(fixture.dirA))
    }

    /// Writes the merge into `directory`, notes its heads as the sync does, and returns the store, verified clean.
    static func written(_ result: ParticipantMergeResult, into directory: String, user: String) throws -> JSONFileStore {
        try MergeFixture.write(result, into: directory)
        let store = try JSONFileStore(directory: directory, scales: StoreFixture.scales, user: user)
        try store.adoptMerged(subjects: [subject])
        let problems = store.verify().problems
        #expect(problems.isEmpty, "\(problems)")
        return store
    }

    @Test func thePublishedOneKeepsTheIDAndTheOtherIsKeptWhole() throws {
        let fixture = try Self.enrolledTwice()
        defer { fixture.remove() }
        let keptData = MergeFixture.files(fixture.dirB)
        let onA = try Self.merged(fixture)
        // a's files, published first, stay byte for byte: a's machine takes the merge as it is.
        #expect(onA.files.trail.starts(with: MergeFixture.files(fixture.dirA).trail))
        // b's participant, verbatim: data and trail bytes (signatures intact).
        #expect(onA.kept?.bytes == keptData.data && onA.branch?.bytes == keptData.trail)
        #expect(onA.conflicts.count == 1)
        for (directory, user) in [(fixture.dirA, "amy"), (fixture.dirB, "bob")] {
            let store = try Self.written(onA, into: directory, user: user)
            let merged = try store.participant(Self.subject)
            #expect(merged.visit("W1")?.note == nil)
            let conflict = try #require(merged.conflicts.first)
            #expect(conflict.id == "C1" && conflict.what == "enrolled on two machines" && conflict.theirs == onA.kept?.path)
            #expect(conflict.authors == ["amy", "bob"])
        }
    }

    @Test func renumberingEnrollsTheKeptParticipantUnderTheNewIDAndClosesTheConflict() throws {
        let fixture = try Self.enrolledTwice()
        defer { fixture.remove() }
        let result = try Self.merged(fixture)
        let store = try Self.written(result, into: fixture.dirA, user: "amy")
        let resolve = { (take: ConflictChoice) in
            try store.apply(.resolveConflict(subject: Self.subject, id: "C1", take: take, reason: "two coordinators offline"), today: Self.today, user: "amy")
        }
        #expect(throws: DomainError.self) { try resolve(.mine) }
        #expect(throws: DomainError.self) { try resolve(.theirs) }
        #expect(throws: DomainError.self) { try store.renumber(Self.subject, conflict: "C1", as: Self.subject, reason: "x") }
        #expect(throws: DomainError.self) { try store.renumber(Self.subject, conflict: "C1", as: "102-0002", reason: "x") }
        #expect(throws: DomainError.self) { try store.renumber(Self.subject, conflict: "C1", as: "101-2", reason: "x") }
        try store.renumber(Self.subject, conflict: "C1", as: "101-0002", reason: "two coordinators offline")
        try resolve(.renumber("101-0002"))
        let renumbered = try store.participant("101-0002")
        #expect(renumbered.visit("W1")?.note == "bob's participant" && renumbered.subject == "101-0002")
        #expect(try store.participant(Self.subject).conflicts.isEmpty)
        let creation = try #require(try store.auditTrail(subject: "101-0002").records.first)
        #expect(creation.reason?.contains("enrolled as \(Self.subject) on another machine") == true)
        #expect(creation.reason?.contains(try #require(result.branch?.path)) == true)
        let problems = store.verify().problems
        #expect(problems.isEmpty, "\(problems)")
        // Taken now: a second renumbering to the same ID is refused.
        #expect(throws: (any Error).self) { try store.renumber(Self.subject, conflict: "C1", as: "101-0002", reason: "x") }
    }

    @Test func theResolutionAloneEnrollsTheKeptParticipantAndARepeatAfterAStopFinishesIt() throws {
        let fixture = try Self.enrolledTwice()
        defer { fixture.remove() }
        let store = try Self.written(try Self.merged(fixture), into: fixture.dirA, user: "amy")
        // The change a screen sends, with nothing before it: the kept participant is enrolled, then the conflict closes.
        try store.apply(.resolveConflict(subject: Self.subject, id: "C1", take: .renumber("101-0002"), reason: "offline"), today: Self.today, user: "amy")
        #expect(try store.participant("101-0002").visit("W1")?.note == "bob's participant")
        #expect(try store.participant(Self.subject).conflicts.isEmpty)
        // Stopped between the two steps on another copy: the participant made, the conflict open. Resolving
        // again to the same ID finishes it, with no second creation.
        let again = try Self.enrolledTwice()
        defer { again.remove() }
        let other = try Self.written(try Self.merged(again), into: again.dirA, user: "amy")
        try other.renumber(Self.subject, conflict: "C1", as: "101-0002", reason: "offline")
        try other.apply(.resolveConflict(subject: Self.subject, id: "C1", take: .renumber("101-0002"), reason: "offline"), today: Self.today, user: "amy")
        #expect(try other.participant(Self.subject).conflicts.isEmpty)
        #expect(try other.auditTrail(subject: "101-0002").records.filter { $0.state != nil }.count == 1)
        #expect(other.verify().problems.isEmpty)
        // A closed conflict is not resolved again.
        #expect(throws: (any Error).self) {
            try other.apply(.resolveConflict(subject: Self.subject, id: "C1", take: .renumber("101-0002"), reason: "x"), today: Self.today, user: "amy")
        }
    }

    @Test func verifyNamesAKeptParticipantWhoseDataWasEdited() throws {
        let fixture = try Self.enrolledTwice()
        defer { fixture.remove() }
        let result = try Self.merged(fixture)
        let store = try Self.written(result, into: fixture.dirA, user: "amy")
        let kept = try #require(result.kept)
        let other = MergeFixture.files(fixture.dirA)
        // Another sealed participant file in its place: not what its trail records.
        FileManager.default.createFile(atPath: fixture.dirA + "/" + kept.path, contents: other.data)
        #expect(store.verify().problems.contains { $0.contains("is not what its trail") })
    }
}
