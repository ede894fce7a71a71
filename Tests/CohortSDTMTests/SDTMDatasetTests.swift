@testable import CohortSDTM
import Testing

/// The dataset model's checks: every problem named, none written.
struct SDTMDatasetTests {
    @Test func namesLabelsAndTypesAreChecked() throws {
        var dataset = SDTMFixture.demographics()
        dataset.name = "dm"
        dataset.label = String(repeating: "L", count: 41)
        dataset.variables[3].name = "SUBJECTID1"
        dataset.variables[1].label = "Domäne"
        dataset.variables.append(.char("SEX", "Sex again", role: .recordQualifier))
        dataset.keyVariables.append("VISITNUM")
        dataset.records[0].append("F")
        dataset.records[1].append(.missing)
        dataset.records[0][4] = "46"
        dataset.records[1][4] = 46.5
        dataset.records[0][5] = 1
        dataset.records[1][2] = .missing
        let error = try #require(throws: SDTMError.self) { try dataset.validate() }
        #expect(error.problems == [
            "Dataset name \"dm\" must be 1–8 upper-case letters, digits or _, starting with a letter.",
            "dm: the dataset label \"\(dataset.label)\" has 41 characters; at most 40.",
            "dm DOMAIN: the label \"Domäne\" holds a character that is not printable ASCII (XPT v5 labels are ASCII).",
            "dm: variable name \"SUBJECTID1\" must be 1–8 upper-case letters, digits or _, starting with a letter.",
            "dm: variable SEX appears twice.",
            "dm: key variable VISITNUM is not one of its variables.",
            "dm row 1 (USUBJID SCZ-5W-101-1000) AGE: text \"46\" in a numeric variable.",
            "dm row 1 (USUBJID SCZ-5W-101-1000) SEX: the number 1 in a character variable.",
            "dm row 2 USUBJID: is required and empty.",
            "dm row 2 AGE: 46.5 is not a whole number (the variable is an integer).",
            "dm row 2 SEX: is required and empty.",
        ])
    }

    @Test func appendRefusesAVariableTheDatasetDoesNotHave() throws {
        var dataset = SDTMFixture.demographics()
        let error = try #require(throws: SDTMError.self) { try dataset.append(["STUDYID": "SCZ-5W", "SEXX": "F"]) }
        #expect(error.problems == ["DM has no variable SEXX; its variables are STUDYID, DOMAIN, USUBJID, SUBJID, AGE, SEX."])
        #expect(dataset.records.count == 2)
    }

    @Test func numbersAreWrittenInTheirShortestExactForm() {
        #expect(SDTMNumber.text(95) == "95")
        #expect(SDTMNumber.text(-0.5) == "-0.5")
        #expect(SDTMNumber.text(1e-5) == "1e-05")
        #expect(SDTMNumber.fractionDigits(95) == 0)
        #expect(SDTMNumber.fractionDigits(0.125) == 3)
        #expect(SDTMNumber.fractionDigits(1.5e-5) == 6)
        #expect(SDTMFixture.vitalSigns(numbers: [1, 2.25, nil]).significantDigits(of: 6) == 2)
    }
}
