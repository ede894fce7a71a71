import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import CohortTestSupport
import Foundation
import Testing

/// Eligibility answers in the store (docs/RULES.md, "Eligibility"; "The trail is the record"): audited
/// like any change, replayed to the data, undone by a revert, absent from a participant until answered.
struct EligibilityTrailTests {
    @Test func answersAreAuditedReplayAndUndo() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.store.enroll(EnrollmentRequest(subject: "101-0001", initials: "AB", birthYear: "1980", sex: "F", study: "SCZ-5W-INPT",
                                                   arm: "", consentDate: "2026-11-08", baselineDate: "2026-11-18"), today: StoreFixture.today)
        // Nothing answered: the file has no eligibility member.
        #expect(!String(decoding: fixture.bytes("participants/101-0001.json"), as: UTF8.self).contains("eligibility"))
        try fixture.store.apply(.answerEligibility(subject: "101-0001", answers: [EligibilityEntry(id: "E1", answer: .notMet, source: "bladder scan 40 mL")],
                                                   reason: nil), today: StoreFixture.today, user: "coordinator")
        let before = try fixture.store.participant("101-0001")
        let change = Change.answerEligibility(subject: "101-0001", answers: [EligibilityEntry(id: "E1", answer: .met, source: "bladder scan 180 mL")],
                                              reason: "repeat scan")
        let (_, after) = try fixture.store.apply(change, today: StoreFixture.today, user: "investigator")
        #expect(after.eligibility["E1"] == EligibilityRecord(answer: .met, source: "bladder scan 180 mL"))
        let trail = try fixture.store.auditTrail(subject: "101-0001")
        #expect(trail.problems.isEmpty)
        let answers = trail.records.filter { $0.operation.path.hasPrefix("/eligibility") }
        #expect(answers.map(\.operation.path) == ["/eligibility", "/eligibility/E1/answer", "/eligibility/E1/source"])
        #expect(answers.map(\.user) == ["tester", "tester", "tester"])
        #expect(answers.last?.reason == "repeat scan")
        // Replayed onto {}, the trail gives the stored participant.
        var document = JSONValue.emptyObject
        for record in trail.records { try JSONPatch.apply(record.operation, to: &document) }
        #expect(document == (try JSONValue.parse(fixture.bytes("participants/101-0001.json"))["content"]?["participant"]))
        // An undo puts the answer back as it was, with its reason in the trail.
        try fixture.store.apply(.revert(subject: "101-0001", to: before, expected: after, description: change.description, reason: "wrong patient's scan"),
                                today: StoreFixture.today, user: "investigator")
        #expect(try fixture.store.participant("101-0001").eligibility["E1"] == EligibilityRecord(answer: .notMet, source: "bladder scan 40 mL"))
        let (problems, _) = fixture.store.verify()
        #expect(problems.isEmpty, "\(problems)")
    }
}
