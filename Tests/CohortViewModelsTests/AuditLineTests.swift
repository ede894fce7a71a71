import CohortDomain
import CohortStore
import CohortTestSupport
@testable import CohortViewModels
import Testing

/// The audit as a monitor reads it on the participant view (docs/RULES.md, "The trail is the record").
struct AuditLineTests {
    @Test func anItemIsNumberedFromOneAsOnTheWorksheet() throws {
        let request = EnrollmentRequest(subject: "101-0001", initials: "AB", birthYear: "1980", sex: "F", study: "SCZ-5W-INPT",
                                        arm: "", consentDate: "2026-11-08", baselineDate: "2026-11-18")
        var participant = try request.enroll(protocols: [TestData.schizophrenia], takenSubjects: [], today: TestData.today)
        participant.administrations = [Administration(visit: "W1", scale: "YMRS", date: TestData.today, items: [Int?](repeating: 1, count: 11))]
        #expect(AuditLine.label("/administrations/0/items/10", participant) == "scores W1 YMRS item 11")
        #expect(AuditLine.label("/administrations/0/items/0", participant) == "scores W1 YMRS item 1")
        #expect(AuditLine.label("/administrations/0/rater", participant) == "scores W1 YMRS rater")
    }

    @Test func theTrailMarksAnUnsignedSaveUnauthenticatedWhateverItsTime() {
        func record(_ seq: Int, _ time: String, state: Bool, signed: Bool) -> AuditRecord {
            var made = AuditRecord(seq: seq, time: time, user: "ana", subject: "101-0001", reason: nil,
                                   operation: PatchOperation(op: .replace, path: "/initials", value: .string("AB"), old: .string("AC")), prev: "genesis")
            made.state = state ? "s" : nil
            made.signature = signed ? "c2ln" : nil
            return made
        }
        // A save before users (unsigned), a signed one dated earlier by a wrong clock, an unsigned one after.
        let lines = AuditLine.lines([record(1, "2026-11-20T09:00:00.000Z", state: true, signed: false),
                                     record(2, "2026-11-19T09:00:00.000Z", state: false, signed: false),
                                     record(3, "2026-11-19T09:00:00.000Z", state: true, signed: true),
                                     record(4, "2026-11-25T09:00:00.000Z", state: true, signed: false)], participant: nil)
        #expect(lines.map(\.user) == ["ana (unauthenticated)", "ana", "ana", "ana (unauthenticated)"])
    }
}
