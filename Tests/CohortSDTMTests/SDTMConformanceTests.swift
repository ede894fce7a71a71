@testable import CohortSDTM
import Testing

/// The conformance rules that run without a licence: a conforming package has no finding, and each rule
/// broken once gives exactly its finding.
struct SDTMConformanceTests {
    /// DM with SITEID, and VS with VSTEST for the two subjects of DM: conforms.
    static func conforming() -> SDTMPackage {
        var demographics = SDTMFixture.demographics()
        demographics.variables.append(.char("SITEID", "Study Site Identifier", role: .recordQualifier))
        for row in demographics.records.indices { demographics.records[row].append("101") }
        var vitals = SDTMFixture.vitalSigns(numbers: [70.5, 71])
        vitals.variables.insert(.char("VSTEST", "Vital Signs Test Name", role: .synonymQualifier), at: 5)
        for row in vitals.records.indices { vitals.records[row].insert("Weight", at: 5) }
        vitals.variables.append(.integer("VSDY", "Study Day of Vital Signs", role: .timing, core: .permissible))
        for row in vitals.records.indices { vitals.records[row].append(.number(row == 0 ? -1 : 1)) }
        return SDTMFixture.package([demographics, vitals])
    }

    @Test func aConformingPackageHasNoFinding() throws {
        let package = Self.conforming()
        try package.validate()
        #expect(SDTMConformance.check(package) == [])
    }

    @Test func eachRuleBrokenOnceGivesItsFinding() {
        func findings(_ change: (inout SDTMDataset) -> Void) -> [String] {
            var package = Self.conforming()
            change(&package.datasets[1])
            return SDTMConformance.check(package).map(\.description)
        }
        func set(_ variable: String, row: Int, _ value: SDTMValue) -> (inout SDTMDataset) -> Void {
            { dataset in dataset.records[row][dataset.index(of: variable)!] = value }
        }
        let second = "row 2 (USUBJID SCZ-5W-101-1001, VSSEQ 2)"
        #expect(findings(set("VSSEQ", row: 1, 1)) == [])  // another subject: sequence numbers are per subject
        #expect(findings { dataset in
            dataset.records[1][dataset.index(of: "USUBJID")!] = "SCZ-5W-101-1000"
            dataset.records[1][dataset.index(of: "VSSEQ")!] = 1
        } == ["SEQ VS: row 2 (USUBJID SCZ-5W-101-1000, VSSEQ 1): VSSEQ repeats row 1's for the same subject."])
        #expect(findings(set("VSDTC", row: 1, "2026-13-01")) == ["ISO8601 VS: \(second) VSDTC: \"2026-13-01\" is not an ISO 8601 date or date-time."])
        #expect(findings(set("VSDY", row: 1, 0)) == ["DY0 VS: \(second) VSDY: study day 0 does not exist (Day 1 follows day -1)."])
        #expect(findings(set("VSBLFL", row: 1, "N ")) == ["CODELIST VS: \(second) VSBLFL: \"N \" is not a term of No Yes Response (NY)."])
        #expect(findings(set("VSTESTCD", row: 1, "1WEIGHT")) == [
            "CODELIST VS: \(second) VSTESTCD: \"1WEIGHT\" is not a term of Vital Signs Test Code (VSTESTCD).",
            "TESTCD VS: \(second) VSTESTCD: \"1WEIGHT\" must be 1–8 letters, digits or _, not starting with a digit.",
        ])
        #expect(findings(set("VSTEST", row: 1, .text(String(repeating: "W", count: 41)))) == ["TEST VS: \(second) VSTEST: longer than 40 characters."])
        #expect(findings(set("USUBJID", row: 1, "SCZ-5W-101-9999")) == ["DM VS: row 2 (USUBJID SCZ-5W-101-9999, VSSEQ 2): USUBJID SCZ-5W-101-9999 is not in DM."])
        #expect(findings { dataset in
            dataset.variables.remove(at: 5)
            for row in dataset.records.indices { dataset.records[row].remove(at: 5) }
        } == ["REQUIRED VS: has no VSTEST, which every findings dataset has."])
    }

    @Test(arguments: ["2026", "2026-11", "2026-11-25", "2026-11-25T14", "2026-11-25T14:30", "2026-11-25T14:30:05",
                      "2026-11-25T14:30:05.25", "2026-11-25T14:30Z", "2026-11-25T14:30+01:00"])
    func iso8601DatesSDTMWrites(text: String) { #expect(SDTMConformance.isISO8601(text)) }

    @Test(arguments: ["", "26-11-25", "2026/11/25", "2026-11-25 14:30", "2026-00", "2026-11-32", "2026-11-25T24:00",
                      "2026-11-25T14:60", "2026-11-25T14:30:05.", "2026-11-25T14:30+0100", "2026-11-25Z"])
    func notISO8601(text: String) { #expect(!SDTMConformance.isISO8601(text)) }
}

/// Codelists against the published NCI EVS table (`../shared/reference/sdtm_terminology.csv`).
struct SDTMTerminologyTests {
    static let table: SDTMTerminology? = {
        guard let text = try? String(contentsOf: Python.reference.appendingPathComponent("sdtm_terminology.csv"), encoding: .utf8) else { return nil }
        return try? SDTMTerminology(csv: text)
    }()

    @Test func theTableIsReadWithItsCodelistsAndTerms() throws {
        let table = try #require(Self.table, "../shared/reference/sdtm_terminology.csv is missing or unreadable")
        let ny = try #require(table.codelist(named: "NY"))
        #expect(ny.code == "C66742" && ny.name == "No Yes Response" && !ny.isExtensible)
        #expect(ny.terms == ["N": "C49487", "NA": "C48660", "U": "C17998", "Y": "C49488"])
        #expect(table.codelist(named: "ROUTE")?.terms["ORAL"] == "C38288")
        #expect(table.codelist("C66742", id: "NY", values: ["N", "Y"]) == SDTMCodelist(id: "NY", name: "No Yes Response", nciCode: "C66742",
                                                                                   terms: [.init("N", nciCode: "C49487"), .init("Y", nciCode: "C49488")]))
        #expect(table.codelist("C66742", id: "NY", values: ["MAYBE"]) == nil)
    }

    @Test func quotedFieldsKeepTheirCommasQuotesAndLineBreaks() throws {
        let rows = SDTMTerminology.rows("a,\"b, \"\"c\"\"\nd\",e\r\nf,,\"\"\n")
        #expect(rows == [["a", "b, \"c\"\nd", "e"], ["f", "", ""]])
        #expect(throws: SDTMError.self) { try SDTMTerminology(csv: "code,name\nC1,x\n") }
    }

    @Test func theFixturesCodelistsAreNCIsAndEachWrongTermIsFound() throws {
        let table = try #require(Self.table, "../shared/reference/sdtm_terminology.csv is missing or unreadable")
        var package = SDTMConformanceTests.conforming()
        #expect(SDTMConformance.check(package, terminology: table) == [])
        package.codelists[0].terms[0].nciCode = "C99999"                 // SEX F, wrong code
        package.codelists[1].terms.append(.init("MAYBE"))                  // NY, not a term
        package.codelists[1].terms.append(.init("PERHAPS", isExtended: true)) // NY is not extensible
        package.codelists[2].terms.append(.init("GRIP", isExtended: true)) // VSTESTCD is extensible: fine
        package.codelists.append(SDTMCodelist(id: "X", name: "X", nciCode: "C00000", terms: []))
        #expect(SDTMConformance.check(package, terminology: table).map(\.description) == [
            "CT: codelist SEX (C66731): \"F\" has NCI code C99999; NCI EVS gives C16576.",
            "CT: codelist NY (C66742): \"MAYBE\" is not a term of No Yes Response in NCI EVS (a sponsor's term is marked as an extension).",
            "CT: codelist NY (C66742): \"PERHAPS\" extends a codelist that is not extensible.",
            "CT: codelist X (C00000): NCI EVS has no codelist C00000.",
        ])
    }
}
