import CohortDomain
import CohortTestSupport
@testable import CohortStore
@testable import CohortFileStore
import CohortIdentity
import Foundation
import Testing

/// Part 11 signatures in the store (docs/RULES.md, "Signatures"): saved in the participant and audited like
/// any change, checked by `verify` against the signer's public key and the content as it stands; the day
/// summaries' signatures in the site file, on the store-wide trail.
@Suite struct SignatureStoreTests {
    static func user(_ name: String) -> User {
        User(name: name, fullName: "Dr Ana Ruiz", role: .pi, publicKey: "", addedBy: nil, added: "2026-11-01T00:00:00.000Z")
    }
    /// A store with a PI (`ana`, logged in) and a coordinator, and the PI's key.
    let fixture: StoreFixture, key: UnlockedKey, coordinator: UnlockedKey

    init() throws { (fixture, key, coordinator) = try SignedSaveTests.storeWithUsers() }
    let now = try! Moment("2026-11-25T18:02-05:00", zone: TimeZone(secondsFromGMT: 0)!, what: "test")

    var check: SignatureVerifier {
        let raw = key.publicKey
        return SignatureVerifier(publicKey: { $0 == "ana" ? raw : nil })
    }

    /// A signature of `scope` over `content`, signed with the test's key as `subject`'s.
    func signed(_ scope: SignatureScope, subject: String, content: Data) throws -> Signature {
        try key.signature(of: scope, subject: subject, meaning: .approved, content: content, at: now)
    }

    func withSeriousAE(_ fixture: StoreFixture, _ subject: String) throws -> Participant {
        try fixture.enroll(subject)
        let draft = AdverseEventDraft(term: "Syncope", onset: CivilDate("2026-11-20")!, severity: .moderate, criteria: [.hospitalization], related: .possible)
        return try fixture.store.apply(.addAdverseEvent(subject: subject, draft: draft, now: now), today: StoreFixture.today, user: "ana").after
    }

    func sign(_ fixture: StoreFixture, _ participant: Participant, _ record: Signature? = nil) throws -> Participant {
        let content = try participant.signedContent(.adverseEvent("AE1"), studyProtocol: StoreFixture.schizophrenia)
        let signature = try record ?? signed(.adverseEvent("AE1"), subject: participant.subject, content: content)
        return try fixture.store.apply(.sign(subject: participant.subject, signature: signature, content: content, lock: false),
                                       basis: participant, today: StoreFixture.today, user: "ana").after
    }

    @Test func aSignatureIsSavedAuditedAndVerifies() throws {
        defer { fixture.remove() }
        let signedOne = try sign(fixture, try withSeriousAE(fixture, "101-0001"))
        #expect(check.statuses(of: signedOne, studyProtocol: StoreFixture.schizophrenia) == [.valid, .valid])
        let trail = try fixture.store.auditTrail(subject: "101-0001")
        #expect(trail.records.last?.operation.path == "/signatures/1")
        #expect(fixture.store.verify().problems.isEmpty)
        // A change to the signed AE (with its reason) invalidates it; verify still passes.
        let draft = AdverseEventDraft(term: "Syncope", onset: CivilDate("2026-11-20")!, severity: .severe, criteria: [.hospitalization], related: .possible)
        let changed = try fixture.store.apply(.updateAdverseEvent(subject: "101-0001", id: "AE1", draft: draft, reason: "worse", now: now),
                                              today: StoreFixture.today, user: "ana").after
        #expect(check.statuses(of: changed, studyProtocol: StoreFixture.schizophrenia) == [.valid, .invalidated])
        #expect(try fixture.reopen().participant("101-0001").signatures[1].invalidated?.reason == "worse")
        #expect(fixture.store.verify().problems.isEmpty)
    }

    @Test func aCasebookSignedByAnEarlierBuildOverItsConflictsStillReadsValidAndAnyOtherContentBroken() throws {
        defer { fixture.remove() }
        var participant = try withSeriousAE(fixture, "101-0001")
        let conflict = SyncConflict(id: "", subject: "101-0001", what: "/visits/0/note", mine: "\"a\"", theirs: "\"b\"", authors: ["ana", "cole"], change: nil)
        participant = try fixture.store.apply(.recordConflict(subject: "101-0001", conflict: conflict), today: StoreFixture.today, user: "ana").after
        // What an earlier build signed: the casebook with its conflicts.
        let old = try signed(.casebook, subject: "101-0001", content: participant.casebookContentWithConflicts())
        participant.signatures.append(old)
        #expect(check.statuses(of: participant, studyProtocol: StoreFixture.schizophrenia).last == .valid)
        // Over anything else (here the AE's content), still broken.
        participant.signatures[participant.signatures.count - 1] = try signed(.casebook, subject: "101-0001",
            content: try participant.signedContent(.adverseEvent("AE1"), studyProtocol: StoreFixture.schizophrenia))
        #expect(check.statuses(of: participant, studyProtocol: StoreFixture.schizophrenia).last == .broken)
    }

    /// Attack 7, finding 16: an eligibility signature copied from another participant is broken, and the
    /// gate (and the queue, and a new signature's "already signed") count only a valid one.
    @Test func theEligibilityGateCountsOnlyAValidSignature() throws {
        defer { fixture.remove() }
        let first = try fixture.enroll("101-0001")
        try fixture.store.enroll(EnrollmentRequest(subject: "101-0002", initials: "CD", birthYear: "1980", sex: "F", study: "SCZ-5W-INPT",
                                                   arm: "", consentDate: "2026-11-08", baselineDate: "2026-11-18"), today: StoreFixture.today)
        let eligible = try #require(TestData.recordEligible("101-0002"))
        let second = try fixture.store.apply(eligible, today: StoreFixture.today, user: "ana").after
        let copied = try #require(first.signatures.first { $0.scope == "eligibility" })
        let content = try second.signedContent(.eligibility, studyProtocol: StoreFixture.schizophrenia)
        let forged = try fixture.store.apply(.sign(subject: "101-0002", signature: copied, content: content, lock: false), basis: second,
                                             today: StoreFixture.today, user: "ana").after
        #expect(check.status(of: copied, in: forged, studyProtocol: StoreFixture.schizophrenia) == .broken)
        #expect(fixture.store.eligibilitySignature(of: forged) == .unsigned)
        #expect(forged.pendingSignatures(studyProtocol: StoreFixture.schizophrenia, trusted: fixture.store.signatureTrust(of: forged))
            .contains { $0.scope == .eligibility })
        let randomize = Change.randomize(subject: "101-0002", number: "R-0002", date: CivilDate("2026-11-08")!)
        #expect(throws: (any Error).self) { try fixture.store.apply(randomize, today: StoreFixture.today, user: "ana") }
        #expect(try fixture.store.participant("101-0002").randomization == nil)
        // A valid signature by the same signer with the same meaning is not "already signed", and opens the gate.
        let signed = try fixture.sign(.eligibility, of: "101-0002", with: key)
        #expect(fixture.store.eligibilitySignature(of: signed) == .signed)
        #expect(try fixture.store.apply(randomize, today: StoreFixture.today, user: "ana").after.randomization != nil)
    }

    @Test func aSignatureMovedToAnotherParticipantOrSignedByAnotherKeyIsBroken() throws {
        defer { fixture.remove() }
        let first = try withSeriousAE(fixture, "101-0001")
        let second = try withSeriousAE(fixture, "101-0002")
        let content = try first.signedContent(.adverseEvent("AE1"), studyProtocol: StoreFixture.schizophrenia)
        let record = try signed(.adverseEvent("AE1"), subject: "101-0001", content: content)
        _ = try sign(fixture, first, record)
        // The same record put on 101-0002's AE1 (a copy between records) saves, and verify names it.
        let moved = try sign(fixture, second, record)
        #expect(check.statuses(of: moved, studyProtocol: StoreFixture.schizophrenia) == [.valid, .broken])
        let problems = fixture.store.verify().problems
        #expect(problems.count == 1)
        #expect(problems.first?.contains("101-0002.json: the AE1 signature by ana at") == true)
        // Without the signer's key nothing verifies.
        #expect(check.statuses(of: moved, studyProtocol: StoreFixture.schizophrenia) == [.valid, .broken])
        let other = UnlockedKey.generate(for: Self.user("ana")).publicKey
        #expect(SignatureVerifier(publicKey: { _ in other }).statuses(of: try fixture.store.participant("101-0001"), studyProtocol: StoreFixture.schizophrenia) == [.broken, .broken])
        #expect(SignatureVerifier(publicKey: { _ in nil }).statuses(of: try fixture.store.participant("101-0001"), studyProtocol: StoreFixture.schizophrenia) == [.broken, .broken])
        #expect(try fixture.store.signatureVerifier().statuses(of: try fixture.store.participant("101-0001"), studyProtocol: StoreFixture.schizophrenia) == [.valid, .valid])
    }

    @Test func aValidSignatureWhoseContentMovedWithoutItsInvalidationIsBroken() throws {
        defer { fixture.remove() }
        var participant = try sign(fixture, try withSeriousAE(fixture, "101-0001"))
        participant.adverseEvents[0].severity = .severe // 101-0001 signed its eligibility (valid) and AE1
        #expect(check.statuses(of: participant, studyProtocol: StoreFixture.schizophrenia) == [.valid, .broken])
    }

    @Test func aDaySummarySignatureRidesTheStoreWideTrail() throws {
        defer { fixture.remove() }
        let content = Data(#"{"date":"2026-11-17"}"#.utf8)
        let record = try signed(.summary(CivilDate("2026-11-17")!), subject: "-", content: content)
        try fixture.store.addSummarySignature(record)
        #expect(throws: DomainError.self) { try fixture.store.addSummarySignature(record) }
        let reopened = try fixture.reopen()
        #expect(reopened.summarySignatures == [record])
        #expect(check.status(of: record, subject: "-", content: content, contentMoves: true) == .valid)
        #expect(check.status(of: record, subject: "-", content: Data("{}".utf8), contentMoves: true) == .invalidated)
        #expect(fixture.store.verify().problems.isEmpty)
        var forged = record
        forged.meaning = .authored
        try fixture.store.addSummarySignature(forged)
        #expect(fixture.store.verify().problems.count == 1)
        let stored = String(decoding: fixture.bytes("cohort-store.json"), as: UTF8.self)
        #expect(stored.contains("\"summarySignatures\""))
        let trail = String(decoding: fixture.bytes("audit/_store.jsonl"), as: UTF8.self)
        #expect(trail.contains("/summarySignatures"))
        var notSummary = record
        notSummary.scope = "AE1"
        #expect(throws: DomainError.self) { try fixture.store.addSummarySignature(notSummary) }
        // The coordinator may not sign.
        fixture.store.signer = coordinator
        var second = try signed(.summary(CivilDate("2026-11-18")!), subject: "-", content: content)
        second.meaning = .reviewed
        #expect(throws: DomainError.self) { try fixture.store.addSummarySignature(second) }
    }
}
