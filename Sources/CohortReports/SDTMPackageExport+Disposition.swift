import CohortDomain
import CohortSDTM

/// DS, SV and DV (docs/RULES.md, "SDTM conventions"): the participant's milestones and disposition, the
/// visits that took place or were missed, and every protocol deviation with its kind and class.
extension SDTMPackageExport {
    /// DSDECOD's terms: the protocol milestones and CDISC's completion/non-completion reasons (NCOMPLT).
    static let dispositionTerms = SDTMCodelist(id: "DSDECOD", name: "Standardized Disposition Term",
                                               terms: SDTMCodelists.milestone.terms + SDTMCodelists.completion.terms)

    /// DS: each consent, the randomization, and how the participant left or completed the study.
    static func disposition(_ subjects: [SDTMSubject]) throws -> [SDTMDataset] {
        var dataset = SDTMDataset(
            name: "DS", label: "Disposition", datasetClass: .events, structure: "One record per disposition status or protocol milestone per subject",
            keyVariables: ["STUDYID", "USUBJID", "DSSTDTC", "DSDECOD"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .integer("DSSEQ", "Sequence Number", role: .identifier),
                .char("DSTERM", "Reported Term for the Disposition Event", role: .topic),
                .char("DSDECOD", "Standardized Disposition Term", role: .synonymQualifier, origin: .assigned, codelist: dispositionTerms.id),
                .char("DSCAT", "Category for Disposition Event", role: .groupingQualifier, core: .expected, origin: .assigned, codelist: "DSCAT"),
                .char("EPOCH", "Epoch", role: .timing, core: .permissible, origin: .derived, codelist: "EPOCH"),
                .dtc("DSSTDTC", "Start Date/Time of Disposition Event"),
                .integer("DSSTDY", "Study Day of Start of Disposition Event", role: .timing, core: .permissible),
            ])
        var supplement = SDTMSupplement("DS")
        for subject in subjects {
            let participant = subject.participant
            var sequence = 0
            func add(_ term: String, _ decod: String, category: String, date: CivilDate, epoch: SDTMValue? = nil) throws {
                sequence += 1
                try dataset.append([
                    "STUDYID": subject.studyID, "DOMAIN": "DS", "USUBJID": subject.usubjid, "DSSEQ": .number(sequence),
                    "DSTERM": supplement.text(term, variable: "DSTERM", label: "Reported Term for the Disposition Event", subject, sequence: sequence),
                    "DSDECOD": .text(decod), "DSCAT": .text(category), "EPOCH": epoch ?? subject.epoch(date),
                    "DSSTDTC": .text(date.description), "DSSTDY": subject.day(date),
                ])
            }
            for date in [participant.consentDate] + participant.reconsents.map(\.date) {
                try add("INFORMED CONSENT OBTAINED", "INFORMED CONSENT OBTAINED", category: "PROTOCOL MILESTONE", date: date)
            }
            if let randomization = participant.randomization {
                try add("RANDOMIZED", "RANDOMIZED", category: "PROTOCOL MILESTONE", date: randomization.date)
            }
            if let exit = participant.exit, participant.status.hasLeft {
                let screenFailure = participant.status == .screenFailed
                // The day a participant leaves is the last of its epoch, not the first of the follow-up.
                try add(exit.reason, SDTMTerms.disposition(exit.category ?? .other, screenFailure: screenFailure), category: "DISPOSITION EVENT",
                        date: exit.date, epoch: screenFailure ? "SCREENING" : subject.epoch(exit.date))
            } else if participant.status == .completed,
                      let last = participant.visits.compactMap(\.completedDate).max() {
                try add("COMPLETED", "COMPLETED", category: "DISPOSITION EVENT", date: last)
            }
        }
        return try [dataset, supplement.dataset()].compactMap { $0 }
    }

    /// SV: every visit that took place (with its date) or was missed (SVOCCUR `N` and the reason);
    /// unscheduled visits with SVUPDES, their reason.
    static func subjectVisits(_ subjects: [SDTMSubject]) throws -> [SDTMDataset] {
        var dataset = SDTMDataset(
            name: "SV", label: "Subject Visits", datasetClass: .specialPurpose, structure: "One record per actual or planned visit per subject",
            keyVariables: ["STUDYID", "USUBJID", "VISITNUM"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .float("VISITNUM", "Visit Number", role: .topic, core: .required, origin: .assigned),
                .char("VISIT", "Visit Name", role: .synonymQualifier, core: .permissible, origin: .assigned),
                .integer("VISITDY", "Planned Study Day of Visit", role: .timing, core: .permissible, origin: .protocol),
                .char("SVPRESP", "Pre-specified", role: .variableQualifier, core: .permissible, origin: .assigned, codelist: "NY"),
                .char("SVOCCUR", "Occurrence", role: .recordQualifier, core: .permissible, codelist: "NY"),
                .char("SVREASOC", "Reason for Occur Value", role: .recordQualifier, core: .permissible),
                .char("EPOCH", "Epoch", role: .timing, core: .permissible, origin: .derived, codelist: "EPOCH"),
                .dtc("SVSTDTC", "Start Date/Time of Observation"),
                .dtc("SVENDTC", "End Date/Time of Observation"),
                .integer("SVSTDY", "Study Day of Start of Observation", role: .timing, core: .permissible),
                .integer("SVENDY", "Study Day of End of Observation", role: .timing, core: .permissible),
                .char("SVUPDES", "Description of Unplanned Visit", role: .recordQualifier, core: .permissible),
            ])
        var supplement = SDTMSupplement("SV", idVariable: "VISITNUM")
        for subject in subjects {
            let visits = subject.participant.visitsInDateOrder(subject.studyProtocol)
                .filter { $0.status == .completed || $0.status == .missed }
                .sorted { subject.participant.visitOrder($0.code, subject.studyProtocol) < subject.participant.visitOrder($1.code, subject.studyProtocol) }
            for visit in visits {
                let (number, name) = subject.visit(visit.code)
                let key = subject.participant.sdtmVisit(visit.code, subject.studyProtocol).number
                let held = visit.record.completedDate
                try dataset.append([
                    "STUDYID": subject.studyID, "DOMAIN": "SV", "USUBJID": subject.usubjid, "VISITNUM": number, "VISIT": name,
                    "VISITDY": .number(visit.unscheduled == nil ? visit.definition.day : nil), "SVPRESP": visit.unscheduled == nil ? "Y" : .missing,
                    "SVOCCUR": visit.unscheduled == nil ? (held == nil ? "N" : "Y") : .missing,
                    "SVREASOC": supplement.text(held == nil ? visit.record.missedReason : nil, variable: "SVREASOC", label: "Reason for Occur Value",
                                                subject, sequence: key),
                    "EPOCH": subject.epoch(held), "SVSTDTC": .text(held?.description), "SVENDTC": .text(held?.description),
                    "SVSTDY": subject.day(held), "SVENDY": subject.day(held),
                    "SVUPDES": supplement.text(visit.unscheduled?.reason, variable: "SVUPDES", label: "Description of Unplanned Visit",
                                               subject, sequence: key),
                ])
            }
        }
        return try [dataset, supplement.dataset()].compactMap { $0 }
    }

    /// DVDECOD: the kind of deviation in CDISC's words (the sponsor's codelist: CDISC publishes none).
    static func deviationKind(_ kind: DeviationKind) -> String {
        switch kind {
        case .early: return "VISIT COMPLETED BEFORE WINDOW"
        case .late: return "VISIT COMPLETED AFTER WINDOW"
        case .missed: return "MISSED VISIT"
        case .prohibitedMedication: return "PROHIBITED MEDICATION TAKEN"
        case .lateReport: return "SAFETY REPORT SENT LATE"
        }
    }

    /// DV: every protocol deviation, its kind (DVDECOD) and the lead's class (DVCAT `MAJOR`, `MINOR` or
    /// `UNCLASSIFIED`), dated when it happened; the class's note in SUPPDV.
    static func deviations(_ subjects: [SDTMSubject]) throws -> [SDTMDataset] {
        var dataset = SDTMDataset(
            name: "DV", label: "Protocol Deviations", datasetClass: .events, structure: "One record per protocol deviation per subject",
            keyVariables: ["STUDYID", "USUBJID", "DVTERM", "DVSTDTC"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .integer("DVSEQ", "Sequence Number", role: .identifier),
                .char("DVSPID", "Sponsor-Defined Identifier", role: .identifier, core: .permissible, origin: .assigned),
                .char("DVTERM", "Protocol Deviation Term", role: .topic, origin: .derived),
                .char("DVDECOD", "Protocol Deviation Coded Term", role: .synonymQualifier, core: .permissible, origin: .derived),
                .char("DVCAT", "Category for Protocol Deviation", role: .groupingQualifier, core: .permissible, origin: .assigned),
                .float("VISITNUM", "Visit Number", role: .timing, core: .permissible, origin: .assigned),
                .char("VISIT", "Visit Name", role: .timing, core: .permissible, origin: .assigned),
                .char("EPOCH", "Epoch", role: .timing, core: .permissible, origin: .derived, codelist: "EPOCH"),
                .dtc("DVSTDTC", "Start Date/Time of Deviation"),
                .integer("DVSTDY", "Study Day of Start of Deviation", role: .timing, core: .permissible),
            ])
        var supplement = SDTMSupplement("DV")
        for subject in subjects {
            let participant = subject.participant, studyProtocol = subject.studyProtocol
            var sequence = 0
            for (code, date, isVisit, deviation) in subject.deviations {
                sequence += 1
                let visitName = isVisit ? studyProtocol.visit(code)?.name ?? code : nil
                let term: String
                switch deviation.kind {
                case .early, .late: term = "\(visitName ?? code) completed \(abs(deviation.days ?? 0)) day(s) \(deviation.kind == .early ? "before" : "after") its window"
                case .missed: term = "\(visitName ?? code) missed"
                case .prohibitedMedication: term = "Prohibited medication \(participant.medications.first { $0.id == code }?.name ?? code) (\(code)) taken"
                case .lateReport: term = "Initial report of \(code) sent after its due time"
                }
                let classification = participant.deviationClass(at: code)
                let visit = isVisit ? subject.visit(code) : (number: SDTMValue.missing, name: SDTMValue.missing)
                try dataset.append([
                    "STUDYID": subject.studyID, "DOMAIN": "DV", "USUBJID": subject.usubjid, "DVSEQ": .number(sequence), "DVSPID": .text(code),
                    "DVTERM": supplement.text(term, variable: "DVTERM", label: "Protocol Deviation Term", subject, sequence: sequence),
                    "DVDECOD": .text(deviationKind(deviation.kind)),
                    "DVCAT": .text((classification?.classification ?? .unclassified).rawValue.uppercased()),
                    "VISITNUM": visit.number, "VISIT": visit.name, "EPOCH": subject.epoch(date),
                    "DVSTDTC": .text(date?.description), "DVSTDY": subject.day(date),
                ])
                for (index, part) in SDTMText.parts(classification?.note ?? "").enumerated() where !part.isEmpty {
                    supplement.add(subject, sequence: sequence, name: "DVNOTE" + (index == 0 ? "" : String(index)),
                                   label: "Deviation Classification Note", value: part)
                }
            }
        }
        return try [dataset, supplement.dataset()].compactMap { $0 }
    }
}
