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

    /// DM's own rules (docs/RULES.md, "SDTM datasets and their files"): a consistent DM has no finding;
    /// each rule broken once gives its finding.
    @Test func demographicsRulesEachGiveTheirFinding() {
        func package(_ change: (inout SDTMDataset) -> Void = { _ in }, vitalsOn date: SDTMValue = "2026-11-10") -> SDTMPackage {
            var package = Self.conforming()
            var dm = package.datasets[0]
            let added: [(SDTMVariable, [SDTMValue])] = [
                (.dtc("RFPENDTC", "Date/Time of End of Participation"), ["2026-11-10", "2026-11-20"]),
                (.dtc("DTHDTC", "Date/Time of Death"), [.missing, "2026-11-20"]),
                (.char("DTHFL", "Subject Death Flag", role: .recordQualifier, core: .expected, codelist: "NY"), [.missing, "Y"]),
                (.char("AGETXT", "Age Range", role: .recordQualifier, core: .permissible), [.missing, "45-46"]),
                (.char("AGEU", "Age Units", role: .variableQualifier, core: .expected), ["YEARS", "YEARS"]),
                (.char("ARMCD", "Planned Arm Code", role: .recordQualifier, core: .expected), ["BLINDED", "SCRNFAIL"]),
                (.char("ARM", "Description of Planned Arm", role: .synonymQualifier, core: .expected), ["Blinded", "Screen Failure"]),
                (.char("ACTARMCD", "Actual Arm Code", role: .recordQualifier, core: .expected), [.missing, "SCRNFAIL"]),
                (.char("ACTARM", "Description of Actual Arm", role: .synonymQualifier, core: .expected), [.missing, "Screen Failure"]),
                (.char("ARMNRS", "Reason Arm and/or Actual Arm is Null", role: .recordQualifier, core: .expected), ["ASSIGNED, NOT TREATED", .missing]),
            ]
            for (variable, values) in added {
                dm.variables.append(variable)
                for row in dm.records.indices { dm.records[row].append(values[row]) }
            }
            change(&dm)
            package.datasets[0] = dm
            package.datasets[1].records[0][package.datasets[1].index(of: "VSDTC")!] = date
            var arms = SDTMDataset(name: "TA", label: "Trial Arms", datasetClass: .trialDesign, structure: "One record per planned Element per Arm",
                                   keyVariables: ["STUDYID", "ARMCD"], variables: [
                                       .char("STUDYID", "Study Identifier", role: .identifier), .char("DOMAIN", "Domain Abbreviation", role: .identifier),
                                       .char("ARMCD", "Planned Arm Code", role: .topic)])
            try! arms.append(["STUDYID": "SCZ-5W", "DOMAIN": "TA", "ARMCD": "BLINDED"])
            package.datasets.append(arms)
            return package
        }
        func rules(_ change: @escaping (inout SDTMDataset) -> Void = { _ in }, vitalsOn date: SDTMValue = "2026-11-10") -> [String] {
            SDTMConformance.check(package(change, vitalsOn: date)).map(\.rule)
        }
        func set(_ variable: String, row: Int, _ value: SDTMValue) -> (inout SDTMDataset) -> Void {
            { dataset in dataset.records[row][dataset.index(of: variable)!] = value }
        }
        #expect(SDTMConformance.check(package()).map(\.description) == [])
        #expect(rules(set("DTHFL", row: 0, "Y")) == ["DTH"])
        #expect(rules(set("DTHDTC", row: 1, .missing)) == ["DTH"])
        #expect(rules(set("ACTARM", row: 1, .missing)) == ["ARM"])
        #expect(rules(set("ARMNRS", row: 1, "SCREEN FAILURE")) == ["ARMNRS"])
        #expect(rules(set("ARMNRS", row: 0, .missing)) == ["ARMNRS"])
        #expect(rules({ dataset in
            dataset.records[0][dataset.index(of: "ARMCD")!] = "DRUG"
        }) == ["ARM"])
        #expect(rules(set("AGEU", row: 0, .missing)) == ["AGE"])
        #expect(rules(set("AGETXT", row: 0, "45-46")) == ["AGE"])
        #expect(rules(vitalsOn: "2026-11-11") == ["RFPENDTC"])
        #expect(rules(vitalsOn: "2026-11-10T23:59") == [], "the same day is not after")
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
