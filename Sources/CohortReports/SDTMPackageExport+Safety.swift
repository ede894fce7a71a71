import CohortDomain
import CohortSDTM

/// AE and CM with their supplements (docs/RULES.md, "SDTM conventions"): one record per adverse event or
/// medication, numbered per subject in order of entry, CDISC's terms where CDISC publishes them.
extension SDTMPackageExport {
    /// AE and SUPPAE (special interest, awareness, report due and report times, text past 200 characters).
    static func adverseEvents(_ subjects: [SDTMSubject]) throws -> [SDTMDataset] {
        var dataset = SDTMDataset(
            name: "AE", label: "Adverse Events", datasetClass: .events, structure: "One record per adverse event per subject",
            keyVariables: ["STUDYID", "USUBJID", "AEDECOD", "AESTDTC"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .integer("AESEQ", "Sequence Number", role: .identifier),
                .char("AESPID", "Sponsor-Defined Identifier", role: .identifier, core: .permissible, origin: .assigned),
                .char("AETERM", "Reported Term for the Adverse Event", role: .topic),
                .char("AEDECOD", "Dictionary-Derived Term", role: .synonymQualifier, core: .expected, origin: .assigned),
                .char("AESEV", "Severity/Intensity", role: .recordQualifier, core: .permissible, codelist: "AESEV"),
                .char("AESER", "Serious Event", role: .recordQualifier, core: .expected, codelist: "NY"),
                .char("AEACN", "Action Taken with Study Treatment", role: .recordQualifier, core: .expected, codelist: "ACN"),
                .char("AEREL", "Causality", role: .recordQualifier, core: .expected),
                .char("AEOUT", "Outcome of Adverse Event", role: .recordQualifier, core: .permissible, codelist: "OUT"),
                .char("AESCONG", "Congenital Anomaly or Birth Defect", role: .recordQualifier, core: .permissible, codelist: "NY"),
                .char("AESDISAB", "Persist or Signif Disability/Incapacity", role: .recordQualifier, core: .permissible, codelist: "NY"),
                .char("AESDTH", "Results in Death", role: .recordQualifier, core: .permissible, codelist: "NY"),
                .char("AESHOSP", "Requires or Prolongs Hospitalization", role: .recordQualifier, core: .permissible, codelist: "NY"),
                .char("AESLIFE", "Is Life Threatening", role: .recordQualifier, core: .permissible, codelist: "NY"),
                .char("AESMIE", "Other Medically Important Serious Event", role: .recordQualifier, core: .permissible, codelist: "NY"),
                .char("AETOXGR", "Standard Toxicity Grade", role: .recordQualifier, core: .permissible),
                .char("EPOCH", "Epoch", role: .timing, core: .permissible, origin: .derived, codelist: "EPOCH"),
                .dtc("AESTDTC", "Start Date/Time of Adverse Event"),
                .dtc("AEENDTC", "End Date/Time of Adverse Event"),
                .integer("AESTDY", "Study Day of Start of Adverse Event", role: .timing, core: .permissible),
                .integer("AEENDY", "Study Day of End of Adverse Event", role: .timing, core: .permissible),
            ])
        var supplement = SDTMSupplement("AE")
        for subject in subjects {
            let rules = SafetyRules(subject.studyProtocol)
            for (index, event) in subject.participant.adverseEvents.enumerated() {
                let sequence = index + 1
                func flag(_ criterion: AdverseEvent.SeriousnessCriterion) -> SDTMValue { event.criteria.contains(criterion) ? "Y" : "N" }
                try dataset.append([
                    "STUDYID": subject.studyID, "DOMAIN": "AE", "USUBJID": subject.usubjid, "AESEQ": .number(sequence), "AESPID": .text(event.id),
                    "AETERM": supplement.text(event.term, variable: "AETERM", label: "Reported Term for the Adverse Event", subject, sequence: sequence),
                    "AEDECOD": supplement.text(event.decod, variable: "AEDECOD", label: "Dictionary-Derived Term", subject, sequence: sequence),
                    "AESEV": .text(SDTMTerms.severity(event.severity)), "AESER": event.isSerious ? "Y" : "N",
                    "AEACN": .text(SDTMTerms.action(event.action)), "AEREL": .text(event.related.map(SDTMTerms.relatedness)),
                    "AEOUT": .text(SDTMTerms.outcome(event.outcome)), "AESCONG": flag(.congenitalAnomaly), "AESDISAB": flag(.disability),
                    "AESDTH": flag(.death), "AESHOSP": flag(.hospitalization), "AESLIFE": flag(.lifeThreatening), "AESMIE": flag(.medicallyImportant),
                    "AETOXGR": .text(event.grade.map(String.init)), "EPOCH": subject.epoch(event.onset),
                    "AESTDTC": .text(event.onset.description), "AEENDTC": .text(event.end?.description),
                    "AESTDY": subject.day(event.onset), "AEENDY": subject.day(event.end),
                ])
                // What SDTM has no variable for: special interest and the report clock (docs/RULES.md,
                // "Adverse events and medications").
                if rules.isOfSpecialInterest(event.term) {
                    supplement.add(subject, sequence: sequence, name: "AESI", label: "Adverse Event of Special Interest", value: "Y", origin: "Derived")
                }
                if let due = rules.reportDue(event) {
                    supplement.add(subject, sequence: sequence, name: "AEAWRDTC", label: "Date/Time Site Became Aware", value: event.aware.description)
                    supplement.add(subject, sequence: sequence, name: "AERPDUE", label: "Initial Report Due Date/Time", value: due.description, origin: "Derived")
                }
                var followUps = 0
                for report in event.reports {
                    if report.followUp { followUps += 1 }
                    supplement.add(subject, sequence: sequence, name: report.followUp ? "AEFURP\(followUps)" : "AERPTDTC",
                                   label: report.followUp ? "Follow-up Report \(followUps) Date/Time" : "Initial Report Date/Time", value: report.at.description)
                }
            }
        }
        return try [dataset, supplement.dataset()].compactMap { $0 }
    }

    /// CM and SUPPCM (rescue medication, text past 200 characters).
    static func medications(_ subjects: [SDTMSubject]) throws -> [SDTMDataset] {
        var dataset = SDTMDataset(
            name: "CM", label: "Concomitant/Prior Medications", datasetClass: .interventions,
            structure: "One record per recorded intervention occurrence or constant-dosing interval per subject",
            keyVariables: ["STUDYID", "USUBJID", "CMTRT", "CMSTDTC"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .integer("CMSEQ", "Sequence Number", role: .identifier),
                .char("CMSPID", "Sponsor-Defined Identifier", role: .identifier, core: .permissible, origin: .assigned),
                .char("CMTRT", "Reported Name of Drug, Med, or Therapy", role: .topic),
                .char("CMDECOD", "Standardized Medication Name", role: .synonymQualifier, core: .permissible, origin: .assigned),
                .char("CMCAT", "Category for Medication", role: .groupingQualifier, core: .permissible, origin: .derived),
                .char("CMINDC", "Indication", role: .recordQualifier, core: .permissible),
                .float("CMDOSE", "Dose per Administration", role: .recordQualifier, core: .permissible, origin: .collected),
                .char("CMDOSTXT", "Dose Description", role: .recordQualifier, core: .permissible),
                .char("CMDOSU", "Dose Units", role: .variableQualifier, core: .permissible, codelist: "UNIT"),
                .char("CMDOSFRQ", "Dosing Frequency per Interval", role: .variableQualifier, core: .permissible, codelist: "FREQ"),
                .char("CMROUTE", "Route of Administration", role: .variableQualifier, core: .permissible, codelist: "ROUTE"),
                .char("EPOCH", "Epoch", role: .timing, core: .permissible, origin: .derived, codelist: "EPOCH"),
                .dtc("CMSTDTC", "Start Date/Time of Medication"),
                .dtc("CMENDTC", "End Date/Time of Medication"),
                .integer("CMSTDY", "Study Day of Start of Medication", role: .timing, core: .permissible),
                .integer("CMENDY", "Study Day of End of Medication", role: .timing, core: .permissible),
            ])
        var supplement = SDTMSupplement("CM")
        for subject in subjects {
            let dayOne = subject.participant.origin(subject.studyProtocol)
            for (index, medication) in subject.participant.medications.enumerated() {
                let sequence = index + 1
                // A dose that is one number and a CDISC unit also goes in CMDOSE/CMDOSU; the words stay in
                // CMDOSTXT only when it is not (SDTMIG: CMDOSTXT is for doses that are not one number).
                let dose = medication.dose.flatMap(SDTMTerms.dose)
                try dataset.append([
                    "STUDYID": subject.studyID, "DOMAIN": "CM", "USUBJID": subject.usubjid, "CMSEQ": .number(sequence), "CMSPID": .text(medication.id),
                    "CMTRT": supplement.text(medication.name, variable: "CMTRT", label: "Reported Name of Drug, Med, or Therapy", subject, sequence: sequence),
                    "CMDECOD": supplement.text(medication.decod, variable: "CMDECOD", label: "Standardized Medication Name", subject, sequence: sequence),
                    "CMCAT": .text(medication.category(dayOne: dayOne).rawValue.uppercased()),
                    "CMINDC": supplement.text(medication.indication, variable: "CMINDC", label: "Indication", subject, sequence: sequence),
                    "CMDOSE": .number(dose?.amount),
                    "CMDOSTXT": dose == nil ? supplement.text(medication.dose, variable: "CMDOSTXT", label: "Dose Description", subject, sequence: sequence) : .missing,
                    "CMDOSU": .text(dose?.unit),
                    "CMDOSFRQ": supplement.text(medication.frequency.map { SDTMTerms.frequency($0) ?? $0 }, variable: "CMDOSFRQ",
                                                label: "Dosing Frequency per Interval", subject, sequence: sequence),
                    "CMROUTE": supplement.text(medication.route.map { SDTMTerms.route($0) ?? $0 }, variable: "CMROUTE",
                                               label: "Route of Administration", subject, sequence: sequence),
                    "EPOCH": subject.epoch(medication.start), "CMSTDTC": .text(medication.start.description),
                    "CMENDTC": .text(medication.end?.description), "CMSTDY": subject.day(medication.start), "CMENDY": subject.day(medication.end),
                ])
                if medication.rescue {
                    supplement.add(subject, sequence: sequence, name: "CMRESCUE", label: "Rescue Medication", value: "Y")
                }
            }
        }
        return try [dataset, supplement.dataset()].compactMap { $0 }
    }
}
