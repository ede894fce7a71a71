import CohortDomain

/// SDTM-shaped AE and CM tables (docs/RULES.md, "Adverse events and medications"): one record per adverse event or medication, numbered per
/// subject, with CDISC controlled terminology for severity, seriousness flags, action and outcome.
public enum SafetyExport {
    /// The SDTM domains of safety data.
    public enum Domain: String, Sendable, CaseIterable {
        case adverseEvents = "AE", medications = "CM"

        /// The header line, with its newline.
        public var header: String {
            switch self {
            case .adverseEvents:
                return "STUDYID,DOMAIN,USUBJID,AESEQ,AESPID,AETERM,AESTDTC,AEENDTC,AESTDY,AEENDY,AESEV,AETOXGR,AESER,AESDTH,AESLIFE,AESHOSP,AESDISAB,AESCONG,AESMIE,AEREL,AEACN,AEOUT\n"
            case .medications:
                return "STUDYID,DOMAIN,USUBJID,CMSEQ,CMSPID,CMTRT,CMCAT,CMINDC,CMDOSTXT,CMROUTE,CMDOSFRQ,CMSTDTC,CMENDTC\n"
            }
        }
    }

    /// The records of one participant, each ending with a newline.
    public static func rows(_ participant: Participant, domain: Domain, context: StudyContext) -> String {
        guard let studyProtocol = context.protocols[participant.study] else { return "" }
        let dayOne = participant.origin(studyProtocol)
        // --DY as the package writes it: blank without a Day 1 (docs/RULES.md, "SDTM conventions").
        let subject = SDTMSubject(participant, studyProtocol)
        let identifiers = [participant.study, domain.rawValue, participant.study + "-" + participant.subject]
        func line(_ sequence: Int, _ fields: [String]) -> String {
            (identifiers + [String(sequence)] + fields).map(ScoreExport.field).joined(separator: ",") + "\n"
        }
        func ascii(_ text: String?) -> String { text.map { ScoreExport.ascii($0, longest: 200) } ?? "" }
        switch domain {
        case .adverseEvents:
            return participant.adverseEvents.enumerated().map { index, event in
                func flag(_ criterion: AdverseEvent.SeriousnessCriterion) -> String { event.criteria.contains(criterion) ? "Y" : "N" }
                return line(index + 1, [
                    event.id, ascii(event.term), event.onset.description, event.end?.description ?? "",
                    subject.dayText(event.onset), event.end.map(subject.dayText) ?? "",
                    SDTMTerms.severity(event.severity), event.grade.map(String.init) ?? "", event.isSerious ? "Y" : "N",
                    flag(.death), flag(.lifeThreatening), flag(.hospitalization), flag(.disability), flag(.congenitalAnomaly), flag(.medicallyImportant),
                    event.related.map(SDTMTerms.relatedness) ?? "", SDTMTerms.action(event.action), SDTMTerms.outcome(event.outcome),
                ])
            }.joined()
        case .medications:
            return participant.medications.enumerated().map { index, medication in
                line(index + 1, [
                    medication.id, ascii(medication.name), medication.category(dayOne: dayOne).rawValue.uppercased(), ascii(medication.indication),
                    ascii(medication.dose), ascii(medication.route.map { SDTMTerms.route($0) ?? $0.uppercased() }), ascii(medication.frequency.map { SDTMTerms.frequency($0) ?? $0.uppercased() }),
                    medication.start.description, medication.end?.description ?? "",
                ])
            }.joined()
        }
    }
}
