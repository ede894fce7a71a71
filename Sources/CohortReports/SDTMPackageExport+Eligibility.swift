import CohortDomain
import CohortSDTM

/// TI and IE, from the protocol's entry criteria and each participant's checklist (docs/RULES.md,
/// "SDTM conventions"): TI lists every criterion; IE holds only the answers that kept a participant
/// out (an inclusion not met, an exclusion met), as SDTMIG asks.
extension SDTMPackageExport {
    /// TI: one record per criterion of the protocol, inclusion first (none when the protocol has none).
    static func trialInclusion(_ studyProtocol: StudyProtocol) throws -> SDTMDataset {
        var dataset = SDTMDataset(
            name: "TI", label: "Trial Inclusion/Exclusion Criteria", datasetClass: .trialDesign, structure: "One record per I/E criterion",
            keyVariables: ["STUDYID", "IETESTCD"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("IETESTCD", "Incl/Excl Criterion Short Name", role: .topic, origin: .protocol),
                .char("IETEST", "Inclusion/Exclusion Criterion", role: .synonymQualifier, origin: .protocol),
                .char("IECAT", "Inclusion/Exclusion Category", role: .groupingQualifier, origin: .protocol, codelist: "IECAT"),
            ])
        for (kind, criterion) in studyProtocol.eligibility?.all ?? [] {
            try dataset.append(["STUDYID": .text(studyProtocol.id), "DOMAIN": "TI", "IETESTCD": .text(criterion.id),
                                "IETEST": .text(criterion.text), "IECAT": .text(category(kind))])
        }
        return dataset
    }

    /// IECAT of a criterion's kind.
    static func category(_ kind: EligibilityCriterion.Kind) -> String { kind == .inclusion ? "INCLUSION" : "EXCLUSION" }

    /// IE: each answer that keeps a participant out of the study.
    static func inclusionExceptions(_ subjects: [SDTMSubject]) throws -> [SDTMDataset] {
        var dataset = SDTMDataset(
            name: "IE", label: "Inclusion/Exclusion Criteria Not Met", datasetClass: .findings,
            structure: "One record per inclusion/exclusion criterion not met per subject",
            keyVariables: ["STUDYID", "USUBJID", "IETESTCD"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .integer("IESEQ", "Sequence Number", role: .identifier),
                .char("IETESTCD", "Incl/Excl Criterion Short Name", role: .topic, origin: .protocol),
                .char("IETEST", "Inclusion/Exclusion Criterion", role: .synonymQualifier, origin: .protocol),
                .char("IECAT", "Inclusion/Exclusion Category", role: .groupingQualifier, origin: .protocol, codelist: "IECAT"),
                .char("IEORRES", "I/E Criterion Original Result", role: .resultQualifier, codelist: "NY"),
                .char("IESTRESC", "I/E Criterion Result in Std Format", role: .resultQualifier, origin: .derived, codelist: "NY"),
                .char("EPOCH", "Epoch", role: .timing, core: .permissible, origin: .derived, codelist: "EPOCH"),
            ])
        for subject in subjects {
            guard let checklist = subject.participant.eligibilityChecklist(subject.studyProtocol) else { continue }
            for (index, item) in checklist.failed.enumerated() {
                // An inclusion not met is answered N; an exclusion met, Y (SDTMIG's IEORRES).
                let result: SDTMValue = item.kind == .inclusion ? "N" : "Y"
                try dataset.append(["STUDYID": subject.studyID, "DOMAIN": "IE", "USUBJID": subject.usubjid, "IESEQ": .number(index + 1),
                                    "IETESTCD": .text(item.id), "IETEST": .text(item.text), "IECAT": .text(category(item.kind)),
                                    "IEORRES": result, "IESTRESC": result, "EPOCH": "SCREENING"])
            }
        }
        return [dataset]
    }
}
