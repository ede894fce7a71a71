import Foundation
@testable import CohortDomain
import Testing

struct EnrollmentTests {
    let today = Fixture.date("2026-11-25")
    func request(_ edit: (inout EnrollmentRequest) -> Void = { _ in }) -> EnrollmentRequest {
        var request = EnrollmentRequest(subject: "101-0007", initials: "ab", birthYear: "1984", sex: "f", study: "SCZ-5W-INPT",
                                        arm: "", consentDate: "2026-11-25", baselineDate: "2026-12-02")
        edit(&request)
        return request
    }
    func problems(_ request: EnrollmentRequest) -> [EnrollmentRequest.Field: String] {
        request.problems(protocols: Fixture.context.sortedProtocols, takenSubjects: ["101-0001"], today: today)
    }

    @Test(arguments: [("102-0001", "is not an ID of this site (101-NNNN)"), ("101-0000", "subject numbers start at 0001"),
                      ("0101-0050", "is not an ID of this site")])
    func anIDOfAnotherSiteOrNumberZeroIsATypo(subject: String, message: String) {
        let found = request { $0.subject = subject }.problems(protocols: Fixture.context.sortedProtocols, takenSubjects: [], today: today, site: "101")
        #expect(found[.subject]?.contains(message) == true, "\(found)")
    }

    @Test func aGoodRequestEnrollsWithTheWholeSchedule() throws {
        let participant = try request().enroll(protocols: Fixture.context.sortedProtocols, takenSubjects: [], today: today)
        #expect(participant.initials == "AB" && participant.sex == .female && participant.arm == nil)
        #expect(participant.status == .screening)
        // Every visit but early termination, which joins only at a withdrawal.
        #expect(participant.visits.map(\.code) == Fixture.schizophrenia.visits.filter { !$0.isEarlyTermination }.map(\.code))
        #expect(participant.visits.allSatisfy { $0.status == .scheduled })
    }

    @Test(arguments: [
        (EnrollmentRequest.Field.subject, "101-0001", "already used"), (.subject, "../etc", "not a coded ID"), (.subject, "JaneDoe-19840517", "not a coded ID"), (.subject, "١٠١-0001", "not a coded ID"), (.subject, "", "empty"),
        (.initials, "A", "2 or 3 letters"), (.initials, "ABCD", "2 or 3 letters"), (.initials, "A1", "2 or 3 letters"),
        (.birthYear, "84", "four digits"), (.icfVersion, "2 1", "1 to 20 of"), (.icfVersion, String(repeating: "9", count: 21), "1 to 20 of"),
        (.birthYear, "2030", "not possible"), (.sex, "Q", "F, M or X"), (.study, "NOPE", "unknown study"),
        (.consentDate, "2026-11-31", "real date"), (.consentDate, "2026-11-26", "after today"),
        (.baselineDate, "2026-11-20", "before consent"), (.baselineDate, "soon", "real date"),
    ])
    func eachFieldIsCheckedOnItsOwn(field: EnrollmentRequest.Field, value: String, fragment: String) {
        let bad = request { request in
            switch field {
            case .subject: request.subject = value
            case .initials: request.initials = value
            case .birthYear: request.birthYear = value
            case .sex: request.sex = value
            case .study: request.study = value
            case .arm: request.arm = value
            case .consentDate: request.consentDate = value
            case .baselineDate: request.baselineDate = value
            case .icfVersion: request.icfVersion = value
            }
        }
        let found = problems(bad)
        #expect(Array(found.keys) == [field], "\(found)")
        #expect(found[field]?.contains(fragment) == true, "\(found)")
    }

    @Test func anArmIsChosenInAnOpenLabelStudyOnlyAndNeverInABlindedOne() throws {
        let openLabel = try StudyProtocol.parse(Data(ProtocolTests.valid.replacingOccurrences(of: #""arms": ["A"]"#, with: #""arms": ["Drug", "Placebo"]"#).utf8),
                                                scales: Fixture.scales)
        var several = request { $0.study = openLabel.id }
        #expect(several.problems(protocols: [openLabel], takenSubjects: [], today: today)[.arm] != nil)
        several.arm = "placebo"
        #expect(several.problems(protocols: [openLabel], takenSubjects: [], today: today).isEmpty)
        #expect(try several.enroll(protocols: [openLabel], takenSubjects: [], today: today).allocation == "arm Placebo")
        #expect(problems(request { $0.study = "TRD-8W-OUTPT"; $0.arm = "placebo" })[.arm]?.contains("blinded") == true)
        #expect(problems(request { $0.study = "TRD-8W-OUTPT" }).isEmpty)
    }

    @Test func nextSubjectIDFollowsTheSitePattern() {
        #expect(SubjectID.next(after: [], site: "101") == "101-0001")
        #expect(SubjectID.next(after: ["101-0001", "101-0012", "102-0099", "X"], site: "101") == "101-0013")
    }
}
