import CohortDomain
import CohortSDTM

/// VS, LB and EG with their supplements (docs/RULES.md, "SDTM conventions"): one record per result, the
/// value as the source gave it, CDISC's test codes and names, baseline flags per the measure's baseline.
extension SDTMPackageExport {
    /// The test-code and test-name codelists of each measure domain.
    static let measureCodelists: [String: (codes: SDTMCodelist, names: SDTMCodelist, label: String, test: String)] = [
        "VS": (SDTMCodelists.vitalSignsTestCode, SDTMCodelists.vitalSignsTest, "Vital Signs", "Vital Signs Test"),
        "LB": (SDTMCodelists.laboratoryTestCode, SDTMCodelists.laboratoryTest, "Laboratory Test Results", "Lab Test or Examination"),
        "EG": (SDTMCodelists.ecgTestCode, SDTMCodelists.ecgTest, "ECG Test Results", "ECG Test or Examination"),
    ]

    /// The --TESTCD and --TEST of a measure: CDISC's code (the definition's `sdtmCode`, else its code) and
    /// the name CDISC pairs with it, else the definition's name.
    public static func test(_ definition: MeasureDefinition) -> (code: String, name: String) {
        let code = definition.sdtmCode ?? definition.code
        let name = measureCodelists[definition.domain].flatMap { SDTMCodelists.testName(code, codes: $0.codes, names: $0.names) }
        return (code, name ?? definition.name)
    }

    /// The findings dataset `domain` (`VS`, `LB`, `EG`) and its supplement (clinical significance, the
    /// alert rule that held, text past 200 characters).
    static func measures(_ domain: String, _ subjects: [SDTMSubject], catalog: ScaleCatalog) throws -> [SDTMDataset] {
        let lists = measureCodelists[domain]
        let variables: [SDTMVariable] = [
            .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
            .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
            .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
            .integer(domain + "SEQ", "Sequence Number", role: .identifier),
            .char(domain + "TESTCD", (lists?.test ?? "Test") + " Short Name", role: .topic, origin: .assigned,
                  codelist: lists?.codes.id),
            .char(domain + "TEST", (lists?.test ?? "Test") + " Name", role: .synonymQualifier, origin: .assigned,
                  codelist: lists?.names.id),
            .char(domain + "ORRES", "Result or Finding in Original Units", role: .resultQualifier, core: .expected),
            .char(domain + "ORRESU", "Original Units", role: .variableQualifier, core: .expected, codelist: "UNIT"),
            .char(domain + "ORNRLO", "Normal Range Lower Limit in Orig Unit", role: .variableQualifier, core: .permissible),
            .char(domain + "ORNRHI", "Normal Range Upper Limit in Orig Unit", role: .variableQualifier, core: .permissible),
            .char(domain + "STRESC", "Character Result/Finding in Std Format", role: .resultQualifier, core: .expected, origin: .derived),
            .float(domain + "STRESN", "Numeric Result/Finding in Standard Units", role: .resultQualifier),
            .char(domain + "STRESU", "Standard Units", role: .variableQualifier, core: .expected, origin: .derived, codelist: "UNIT"),
            .char(domain + "NRIND", "Reference Range Indicator", role: .variableQualifier, core: .permissible, origin: .derived, codelist: "NRIND"),
        ] + findingsStatusAndTiming(domain, dateLabel: "Date/Time of Measurements")
        var dataset = SDTMDataset(name: domain, label: lists?.label ?? domain, datasetClass: .findings,
                                  structure: "One record per \(domain == "LB" ? "lab test" : domain == "EG" ? "ECG observation" : "vital sign measurement") per time point per visit per subject",
                                  keyVariables: ["STUDYID", "USUBJID", domain + "TESTCD", "VISITNUM"], variables: variables)
        var supplement = SDTMSupplement(domain)
        for subject in subjects {
            var sequence = 0
            for reading in subject.participant.measureReadings(subject.studyProtocol, catalog: catalog) {
                let result = reading.measurement
                guard let definition = catalog.measure(result.test), definition.domain == domain else { continue }
                sequence += 1
                let (code, name) = test(definition)
                let done = result.value != nil
                // The baseline is the measure's last value on or before Day 1; without a Day 1 there is none
                // (docs/RULES.md, "SDTM conventions"). Not-done results are never one.
                let isBaseline = done && subject.dayOne != nil
                    && subject.participant.baselineMeasurement(of: result.test, studyProtocol: subject.studyProtocol) == result
                let visit = subject.visit(result.visit)
                try dataset.append([
                    "STUDYID": subject.studyID, "DOMAIN": .text(domain), "USUBJID": subject.usubjid, domain + "SEQ": .number(sequence),
                    domain + "TESTCD": .text(code), domain + "TEST": .text(name),
                    domain + "ORRES": .text(result.value?.description), domain + "ORRESU": done ? .text(result.unit) : .missing,
                    domain + "ORNRLO": .text(reading.range?.low?.description), domain + "ORNRHI": .text(reading.range?.high?.description),
                    domain + "STRESC": .text(result.value?.description), domain + "STRESN": .number(result.value.flatMap { Double($0.number) }),
                    domain + "STRESU": done ? .text(result.unit) : .missing,
                    domain + "NRIND": reading.range == nil ? .missing : .text(reading.flag?.rawValue.uppercased()),
                    domain + "STAT": done ? .missing : "NOT DONE",
                    domain + "REASND": supplement.text(result.notDone, variable: domain + "REASND", label: "Reason Not Done", subject, sequence: sequence),
                    domain + "LOBXFL": isBaseline ? "Y" : .missing, domain + "BLFL": isBaseline ? "Y" : .missing,
                    "VISITNUM": visit.number, "VISIT": visit.name, "EPOCH": subject.epoch(result.date),
                    domain + "DTC": .text(result.date.description), domain + "DY": subject.day(result.date),
                ])
                if let assessment = result.assessment {
                    supplement.add(subject, sequence: sequence, name: domain + "CLSIG", label: "Clinically Significant",
                                   value: assessment.significance == .cs ? "Y" : "N", evaluator: "INVESTIGATOR")
                    for (index, part) in SDTMText.parts(assessment.comment ?? "").enumerated() where !part.isEmpty {
                        supplement.add(subject, sequence: sequence, name: domain + "CSCOM" + (index == 0 ? "" : String(index)),
                                       label: "Clinical Significance Comment", value: part, evaluator: "INVESTIGATOR")
                    }
                }
                if reading.alert, let rule = reading.alertRule {
                    supplement.add(subject, sequence: sequence, name: domain + "ALERT", label: "Protocol Alert Rule Met", value: SDTMTerms.plainWords(rule), origin: "Derived")
                }
            }
        }
        return try [dataset, supplement.dataset()].compactMap { $0 }
    }
}

/// The variables every findings dataset of the package ends with, in SDTMIG order: completion status, the
/// baseline flags, the visit and epoch, the date and the study day (docs/RULES.md, "SDTM conventions").
func findingsStatusAndTiming(_ domain: String, dateLabel: String) -> [SDTMVariable] {
    [
        .char(domain + "STAT", "Completion Status", role: .recordQualifier, core: .permissible, codelist: "ND"),
        .char(domain + "REASND", "Reason Not Done", role: .recordQualifier, core: .permissible),
        .char(domain + "LOBXFL", "Last Observation Before Exposure Flag", role: .recordQualifier, core: .expected, origin: .derived, codelist: "NY"),
        .char(domain + "BLFL", "Baseline Flag", role: .recordQualifier, core: .permissible, origin: .derived, codelist: "NY"),
        .float("VISITNUM", "Visit Number", role: .timing, origin: .assigned),
        .char("VISIT", "Visit Name", role: .timing, core: .permissible, origin: .assigned),
        .char("EPOCH", "Epoch", role: .timing, core: .permissible, origin: .derived, codelist: "EPOCH"),
        .dtc(domain + "DTC", dateLabel),
        .integer(domain + "DY", "Study Day of Visit/Collection/Exam", role: .timing, core: .permissible),
    ]
}
