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
        #expect(dm.variables.map(\.name) == ["STUDYID", "DOMAIN", "USUBJID", "SUBJID", "RFSTDTC", "RFENDTC", "RFICDTC", "RFPENDTC", "DTHDTC", "DTHFL",
                                               "SITEID", "BRTHDTC", "AGE", "AGETXT", "AGEU", "SEX", "ARMCD", "ARM", "ACTARMCD", "ACTARM", "ARMNRS"])
        let study = Fixture.schizophrenia.id
        #expect(dm.records == [
            [.text(study), "DM", .text(study + "-101-0001"), "101-0001", .missing, .missing, "2026-10-23", "2026-10-23", .missing, .missing,
             "101", "1980", .missing, "45-46", "YEARS", "U", "BLINDED", "Blinded study treatment", .missing, .missing, "ASSIGNED, NOT TREATED"],
            [.text(study), "DM", .text(study + "-101-0002"), "101-0002", "2026-11-03", .missing, "2026-10-23", "2026-11-03", .missing, .missing,
             "101", "1980", .missing, "45-46", "YEARS", "F", "BLINDED", "Blinded study treatment", "BLINDED", "Blinded study treatment", .missing],
        ])
        try package.validate()
    }

    /// DM's end of participation, death, age at consent and arms (docs/RULES.md, "SDTM conventions", DM):
    /// an open-label arm, a death, a screen failure, an assigned participant not yet treated, a blinded
    /// study's randomized and not yet randomized participants.
    @Test func demographicsCarryTheEndOfParticipationDeathAgeAndArms() throws {
        var open = Fixture.schizophrenia
        open.blinded = false
        open.arms = ["Drug"]
        let today = Fixture.date("2026-12-31")
        var died = Fixture.participant("101-0001", studyProtocol: open)
        try Fixture.startDayOne(&died, on: "2026-11-02", open)
        try died.withdraw(on: Fixture.date("2026-11-10"), category: .death, reason: "died", screenFailure: false, studyProtocol: open, today: today)
        var failed = Fixture.participant("101-0002", studyProtocol: open)
        try failed.withdraw(on: Fixture.date("2026-10-25"), category: .withdrawalBySubject, reason: "changed mind", screenFailure: true,
                            studyProtocol: open, today: today)
        // Consent on 31 December: every birthday of the year has passed, so the age is known.
        let waiting = Fixture.participant("101-0003", studyProtocol: open, baseline: "2027-01-10")
        func dm(_ studyProtocol: StudyProtocol, _ participants: [Participant]) throws -> [[String: SDTMValue]] {
            let dataset = try SDTMPackageExport.demographics(participants.map { SDTMSubject($0, studyProtocol) }, siteNumber: "101")
            return dataset.records.map { Dictionary(uniqueKeysWithValues: zip(dataset.variables.map(\.name), $0)) }
        }
        let records = try dm(open, [died, failed, waiting])
        #expect(records[0]["RFSTDTC"] == "2026-11-02" && records[0]["RFENDTC"] == "2026-11-10" && records[0]["RFPENDTC"] == "2026-11-10")
        #expect(records[0]["DTHDTC"] == "2026-11-10" && records[0]["DTHFL"] == "Y")
        #expect(records[0]["ARMCD"] == "DRUG" && records[0]["ARM"] == "Drug" && records[0]["ACTARMCD"] == "DRUG" && records[0]["ACTARM"] == "Drug")
        #expect(records[0]["ARMNRS"] == .missing && records[0]["AGE"] == .missing && records[0]["AGETXT"] == "45-46" && records[0]["AGEU"] == "YEARS")
        #expect(records[1]["ARMCD"] == "SCRNFAIL" && records[1]["ARM"] == "Screen Failure" && records[1]["ACTARMCD"] == "SCRNFAIL"
                && records[1]["ACTARM"] == "Screen Failure" && records[1]["ARMNRS"] == .missing)
        #expect(records[1]["RFSTDTC"] == .missing && records[1]["RFENDTC"] == .missing && records[1]["RFPENDTC"] == "2026-10-25")
        #expect(records[1]["DTHDTC"] == .missing && records[1]["DTHFL"] == .missing)
        #expect(records[2]["ARMCD"] == "DRUG" && records[2]["ACTARMCD"] == .missing && records[2]["ACTARM"] == .missing
                && records[2]["ARMNRS"] == "ASSIGNED, NOT TREATED")
        #expect(records[2]["AGE"] == 46 && records[2]["AGETXT"] == .missing && records[2]["RFPENDTC"] == "2026-12-31")
        // A blinded study: TA's BLINDED arm once randomized, NOTASSGN before.
        var notRandomized = Fixture.participant("101-0004")
        notRandomized.randomization = nil
        var randomized = Fixture.participant("101-0005")
        try Fixture.startDayOne(&randomized, on: "2026-11-02")
        let blinded = try dm(Fixture.schizophrenia, [notRandomized, randomized])
        #expect(blinded[0]["ARMCD"] == "NOTASSGN" && blinded[0]["ARM"] == "Not Assigned" && blinded[0]["ACTARMCD"] == "NOTASSGN" && blinded[0]["ACTARM"] == "Not Assigned")
        #expect(blinded[1]["ARMCD"] == "BLINDED" && blinded[1]["ACTARMCD"] == "BLINDED" && blinded[1]["ARMNRS"] == .missing)
        #expect(SDTMPackageExport.plannedArms(Fixture.schizophrenia).map(\.code) == ["BLINDED"], "TA's code")
        #expect(SDTMPackageExport.plannedArms(open).map(\.code) == ["DRUG"], "TA's code")
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
