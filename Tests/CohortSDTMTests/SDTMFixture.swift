import CohortSDTM
import Foundation

/// Small datasets and a package shared by the writer tests.
enum SDTMFixture {
    static let created = Date(timeIntervalSince1970: 1_796_301_300) // 2026-12-03T12:35:00Z

    /// The numbers the round trips must keep exactly: zero, negatives, fractions, tiny, large, missing.
    static let numbers: [Double?] = [0, -1, 95.0, 0.1, 1e-5, -0.000123, 123_456_789.125, 7.25e70, 1.0 / 3.0, nil,
                                     -118.625, 1e15 + 0.5, 2.5e-78]

    static func vitalSigns(numbers: [Double?] = numbers) -> SDTMDataset {
        var dataset = SDTMDataset(
            name: "VS", label: "Vital Signs", datasetClass: .findings,
            structure: "One record per vital sign measurement per time point per visit per subject",
            keyVariables: ["STUDYID", "USUBJID", "VSTESTCD", "VSDTC"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .integer("VSSEQ", "Sequence Number", role: .identifier),
                .char("VSTESTCD", "Vital Signs Test Short Name", role: .topic, codelist: "VSTESTCD"),
                .char("VSORRES", "Result or Finding in Original Units", role: .resultQualifier, core: .expected),
                .float("VSSTRESN", "Numeric Result/Finding in Standard Units", role: .resultQualifier),
                .char("VSBLFL", "Baseline Flag", role: .recordQualifier, core: .expected, origin: .derived, codelist: "NY"),
                .dtc("VSDTC", "Date/Time of Measurements"),
            ])
        for (index, number) in numbers.enumerated() {
            try! dataset.append([
                "STUDYID": "SCZ-5W", "DOMAIN": "VS", "USUBJID": .text("SCZ-5W-101-\(1000 + index)"), "VSSEQ": .number(index + 1),
                "VSTESTCD": "WEIGHT", "VSORRES": .text(number.map { "\($0)" }), "VSSTRESN": .number(number),
                "VSBLFL": index == 0 ? "Y" : nil, "VSDTC": .text(index % 3 == 2 ? nil : "2026-11-\(10 + index)"),
            ])
        }
        return dataset
    }

    static func demographics() -> SDTMDataset {
        var dataset = SDTMDataset(
            name: "DM", label: "Demographics", datasetClass: .specialPurpose, structure: "One record per subject",
            keyVariables: ["STUDYID", "USUBJID"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .char("SUBJID", "Subject Identifier for the Study", role: .topic),
                .integer("AGE", "Age", role: .recordQualifier, core: .expected),
                .char("SEX", "Sex", role: .recordQualifier, codelist: "SEX"),
            ])
        try! dataset.append(["STUDYID": "SCZ-5W", "DOMAIN": "DM", "USUBJID": "SCZ-5W-101-1000", "SUBJID": "101-1000", "AGE": 46, "SEX": "F"])
        try! dataset.append(["STUDYID": "SCZ-5W", "DOMAIN": "DM", "USUBJID": "SCZ-5W-101-1001", "SUBJID": "101-1001", "SEX": "M"])
        return dataset
    }

    static let codelists = [
        SDTMCodelist(id: "SEX", name: "Sex", nciCode: "C66731", terms: [
            .init("F", nciCode: "C16576", decode: "Female"), .init("M", nciCode: "C20197", decode: "Male"),
            .init("U", nciCode: "C17998", decode: "Unknown")]),
        SDTMCodelist(id: "NY", name: "No Yes Response", nciCode: "C66742", terms: [.init("N", nciCode: "C49487"), .init("Y", nciCode: "C49488")]),
        SDTMCodelist(id: "VSTESTCD", name: "Vital Signs Test Code", nciCode: "C66741", terms: [.init("WEIGHT", nciCode: "C25208")]),
    ]

    static func package(_ datasets: [SDTMDataset] = [demographics(), vitalSigns()]) -> SDTMPackage {
        SDTMPackage(studyID: "SCZ-5W", studyName: "SCZ-5W", studyDescription: "A 5-week inpatient study: \"acute\" & <relapse>",
                    protocolName: "SCZ-5W", datasets: datasets, codelists: codelists, originator: "Site 101",
                    sourceSystemVersion: "test", terminologyVersion: "2022-03-25", createdAt: created, dataLastModifiedAt: created)
    }

    /// Writes `bytes` into a new temporary folder as `name` and returns its path.
    static func save(_ bytes: [UInt8], as name: String) -> String {
        let url = Python.temporaryFolder().appendingPathComponent(name)
        try! Data(bytes).write(to: url)
        return url.path
    }
}
