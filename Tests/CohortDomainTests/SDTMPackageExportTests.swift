@testable import CohortDomain
@testable import CohortReports
import CohortSDTM
import Foundation
import Testing

/// One study's SDTM package from its participants: DM first, one study only, conforming, its codelists NCI's.
struct SDTMPackageExportTests {
    static func package() throws -> SDTMPackage {
        var started = Fixture.participant("101-0002")
        try Fixture.startDayOne(&started, on: "2026-11-03")
        var notGiven = Fixture.participant("101-0001")
        notGiven.sex = .unspecified
        let otherStudy = Fixture.participant("101-0003", studyProtocol: Fixture.depression)
        return try SDTMPackageExport.package(Fixture.schizophrenia, participants: [started, otherStudy, notGiven], context: Fixture.context,
                                             siteName: "Site 101", siteNumber: "101", sourceVersion: "test", createdAt: Date(timeIntervalSince1970: 0))
    }

    @Test func demographicsHoldOneRecordPerParticipantOfTheStudy() throws {
        let package = try Self.package()
        #expect(package.studyID == Fixture.schizophrenia.id)
        let dm = try #require(package.datasets.first)
        #expect(package.datasets.first?.name == "DM")
        #expect(Set(["TS", "TA", "TE", "TV", "TI"]).isSubset(of: package.datasets.map(\.name)))
        #expect(dm.variables.map(\.name) == ["STUDYID", "DOMAIN", "USUBJID", "SUBJID", "RFSTDTC", "RFICDTC", "SITEID", "BRTHDTC", "SEX"])
        let study = Fixture.schizophrenia.id
        #expect(dm.records == [
            [.text(study), "DM", .text(study + "-101-0001"), "101-0001", .missing, "2026-10-23", "101", "1980", "U"],
            [.text(study), "DM", .text(study + "-101-0002"), "101-0002", "2026-11-03", "2026-10-23", "101", "1980", "F"],
        ])
        try package.validate()
    }

    /// TS SPONSOR and PLANSUB when the protocol gives them (docs/RULES.md, "SDTM conventions"), and no
    /// record when it does not.
    @Test func theTrialSummaryNamesTheSponsorAndThePlannedParticipantsWhenGiven() throws {
        func summary(_ studyProtocol: StudyProtocol) throws -> [String: String] {
            let ts = try SDTMPackageExport.trialSummary(studyProtocol, [])
            let code = try #require(ts.variables.firstIndex { $0.name == "TSPARMCD" })
            let value = try #require(ts.variables.firstIndex { $0.name == "TSVAL" })
            return Dictionary(uniqueKeysWithValues: ts.records.map { ($0[code].text ?? "", $0[value].text ?? "") })
        }
        var given = Fixture.schizophrenia
        given.sponsor = "Acme Trials"
        given.plannedSubjects = 60
        let withThem = try summary(given)
        #expect(withThem["SPONSOR"] == "Acme Trials")
        #expect(withThem["PLANSUB"] == "60")
        given.sponsor = nil
        given.plannedSubjects = nil
        let without = try summary(given)
        #expect(without["SPONSOR"] == nil && without["PLANSUB"] == nil && without["TITLE"] == given.title)
    }

    @Test func itConformsAndItsCodelistsAreNCIEVSs() throws {
        let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/reference/sdtm_terminology.csv")
        let table = try SDTMTerminology(csv: String(contentsOf: reference, encoding: .utf8))
        #expect(SDTMConformance.check(try Self.package(), terminology: table) == [])
    }
}
