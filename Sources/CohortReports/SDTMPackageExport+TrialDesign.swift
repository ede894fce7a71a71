import CohortDomain
import CohortSDTM

/// The trial design datasets TS, TA, TE and TV, from the protocol (docs/RULES.md, "SDTM conventions").
extension SDTMPackageExport {
    /// The arms as TA names them: the protocol's open-label arms, or one `BLINDED` arm when the site does
    /// not know the arms (a blinded study).
    static func plannedArms(_ studyProtocol: StudyProtocol) -> [(code: String, name: String)] {
        guard !studyProtocol.arms.isEmpty else { return [("BLINDED", "Blinded study treatment")] }
        return studyProtocol.arms.map { arm in
            (String(arm.uppercased().unicodeScalars.filter { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) }.prefix(20).map(Character.init)), arm)
        }
    }

    /// TS: the trial's summary parameters that the protocol gives (title, blinding, sponsor, planned
    /// participants, ages, arms) and the
    /// study start (the first consent at the site).
    static func trialSummary(_ studyProtocol: StudyProtocol, _ subjects: [SDTMSubject]) throws -> SDTMDataset {
        var dataset = SDTMDataset(
            name: "TS", label: "Trial Summary", datasetClass: .trialDesign, structure: "One record per trial summary parameter value",
            keyVariables: ["STUDYID", "TSPARMCD", "TSSEQ"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .integer("TSSEQ", "Sequence Number", role: .identifier),
                .char("TSPARMCD", "Trial Summary Parameter Short Name", role: .topic, origin: .assigned, codelist: "TSPARMCD"),
                .char("TSPARM", "Trial Summary Parameter", role: .synonymQualifier, origin: .assigned, codelist: "TSPARM"),
                .char("TSVAL", "Parameter Value", role: .resultQualifier, core: .expected, origin: .protocol),
            ])
        var parameters: [(String, String)] = [("TITLE", studyProtocol.title), ("TBLIND", studyProtocol.blinded ? "DOUBLE BLIND" : "OPEN LABEL")]
        if let first = subjects.map(\.participant.consentDate).min() { parameters.append(("SSTDTC", first.description)) }
        if let sponsor = studyProtocol.sponsor { parameters.append(("SPONSOR", sponsor)) }
        if let planned = studyProtocol.plannedSubjects { parameters.append(("PLANSUB", String(planned))) }
        if let age = studyProtocol.minAge { parameters.append(("AGEMIN", "P\(age)Y")) }
        if let age = studyProtocol.maxAge { parameters.append(("AGEMAX", "P\(age)Y")) }
        if !studyProtocol.arms.isEmpty { parameters.append(("NARMS", String(studyProtocol.arms.count))) }
        for (code, value) in parameters {
            let name = SDTMCodelists.testName(code, codes: SDTMCodelists.trialParameterCode, names: SDTMCodelists.trialParameter) ?? code
            try dataset.append(["STUDYID": .text(studyProtocol.id), "DOMAIN": "TS", "TSSEQ": 1, "TSPARMCD": .text(code), "TSPARM": .text(name),
                                "TSVAL": .text(String(value.prefix(SDTMDataset.maximumTextLength)))])
        }
        return dataset
    }

    /// The elements: screening, one treatment element per arm, follow-up.
    static func elements(_ studyProtocol: StudyProtocol) -> [(code: String, name: String, epoch: String, start: String, end: String)] {
        let lastPlanned = studyProtocol.visits.last { $0.day != nil && !$0.isEarlyTermination }?.name ?? "the last planned visit"
        return [("SCRN", "Screening", "SCREENING", "Informed consent", "Day 1 (the baseline visit completed)")]
            + plannedArms(studyProtocol).enumerated().map { index, arm in
                ("TRT\(index + 1)", arm.name, "TREATMENT", "Day 1 (the baseline visit completed)", "\(lastPlanned) completed, or withdrawal")
            }
            + [("FU", "Follow-up", "FOLLOW-UP", "\(lastPlanned) completed, or withdrawal", "The last follow-up visit")]
    }

    /// TA: each arm as its elements in order.
    static func trialArms(_ studyProtocol: StudyProtocol) throws -> SDTMDataset {
        var dataset = SDTMDataset(
            name: "TA", label: "Trial Arms", datasetClass: .trialDesign, structure: "One record per planned Element per Arm",
            keyVariables: ["STUDYID", "ARMCD", "TAETORD"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("ARMCD", "Planned Arm Code", role: .topic, origin: .protocol),
                .char("ARM", "Description of Planned Arm", role: .synonymQualifier, origin: .protocol),
                .integer("TAETORD", "Planned Order of Element within Arm", role: .timing, origin: .protocol),
                .char("ETCD", "Element Code", role: .recordQualifier, origin: .protocol),
                .char("ELEMENT", "Description of Element", role: .synonymQualifier, core: .permissible, origin: .protocol),
                .char("EPOCH", "Epoch", role: .timing, origin: .protocol, codelist: "EPOCH"),
            ])
        let all = elements(studyProtocol)
        for (index, arm) in plannedArms(studyProtocol).enumerated() {
            let path = [all[0], all[index + 1], all[all.count - 1]]
            for (order, element) in path.enumerated() {
                try dataset.append(["STUDYID": .text(studyProtocol.id), "DOMAIN": "TA", "ARMCD": .text(arm.code), "ARM": .text(arm.name),
                                    "TAETORD": .number(order + 1), "ETCD": .text(element.code), "ELEMENT": .text(element.name),
                                    "EPOCH": .text(element.epoch)])
            }
        }
        return dataset
    }

    /// TE: each element and the rules that start and end it.
    static func trialElements(_ studyProtocol: StudyProtocol) throws -> SDTMDataset {
        var dataset = SDTMDataset(
            name: "TE", label: "Trial Elements", datasetClass: .trialDesign, structure: "One record per planned Element",
            keyVariables: ["STUDYID", "ETCD"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("ETCD", "Element Code", role: .topic, origin: .protocol),
                .char("ELEMENT", "Description of Element", role: .synonymQualifier, origin: .protocol),
                .char("TESTRL", "Rule for Start of Element", role: .rule, origin: .protocol),
                .char("TEENRL", "Rule for End of Element", role: .rule, core: .permissible, origin: .protocol),
            ])
        for element in elements(studyProtocol) {
            try dataset.append(["STUDYID": .text(studyProtocol.id), "DOMAIN": "TE", "ETCD": .text(element.code), "ELEMENT": .text(element.name),
                                "TESTRL": .text(element.start), "TEENRL": .text(element.end)])
        }
        return dataset
    }

    /// TV: each planned visit, its number and name as the subject datasets write them, its planned day
    /// and the rule that places it.
    static func trialVisits(_ studyProtocol: StudyProtocol) throws -> SDTMDataset {
        var dataset = SDTMDataset(
            name: "TV", label: "Trial Visits", datasetClass: .trialDesign, structure: "One record per planned Visit per Arm",
            keyVariables: ["STUDYID", "VISITNUM"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .float("VISITNUM", "Visit Number", role: .topic, core: .required, origin: .protocol),
                .char("VISIT", "Visit Name", role: .synonymQualifier, core: .permissible, origin: .protocol),
                .integer("VISITDY", "Planned Study Day of Visit", role: .timing, core: .permissible, origin: .protocol),
                .char("TVSTRL", "Visit Start Rule", role: .rule, origin: .protocol),
            ])
        for (index, visit) in studyProtocol.visits.enumerated() {
            let rule: String
            if let day = visit.day {
                rule = "Study day \(day), window -\(visit.minus) to +\(visit.plus) days"
            } else if let anchor = visit.anchor {
                rule = "\(visit.offset ?? 0) days after \(studyProtocol.visit(anchor)?.name ?? anchor), window -\(visit.minus) to +\(visit.plus) days"
            } else {
                rule = visit.isEarlyTermination ? "At withdrawal" : "As needed"
            }
            try dataset.append(["STUDYID": .text(studyProtocol.id), "DOMAIN": "TV", "VISITNUM": .number(index + 1), "VISIT": .text(visit.name),
                                "VISITDY": .number(visit.day), "TVSTRL": .text(rule)])
        }
        return dataset
    }
}

import Foundation
