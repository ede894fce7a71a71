import CohortDomain
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
}
