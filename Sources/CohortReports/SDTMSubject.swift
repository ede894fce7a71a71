import CohortDomain
import CohortSDTM

/// One participant as every dataset of the package sees it (docs/RULES.md, "SDTM conventions"): its
/// USUBJID, its Day 1 if it has happened, and the study day and epoch of a date.
struct SDTMSubject {
    /// The participant.
    let participant: Participant
    /// Its study's protocol.
    let studyProtocol: StudyProtocol
    /// Day 1, once the baseline visit is completed; nil before (no --DY then).
    let dayOne: CivilDate?

    /// The participant of `studyProtocol`.
    init(_ participant: Participant, _ studyProtocol: StudyProtocol) {
        self.participant = participant
        self.studyProtocol = studyProtocol
        dayOne = participant.completedDayOne(studyProtocol)
    }

    /// STUDYID.
    var studyID: SDTMValue { .text(participant.study) }
    /// USUBJID: `STUDYID-SUBJECT`.
    var usubjid: SDTMValue { .text(SDTMPackageExport.usubjid(participant)) }

    /// --DY of `date`: missing without a Day 1, never 0.
    func day(_ date: CivilDate?) -> SDTMValue {
        .number(date.flatMap { SDTMTerms.studyDay(of: $0, dayOne: dayOne) })
    }

    /// EPOCH of `date` (missing without a date): the treatment ends with the withdrawal or with the
    /// completion of the last visit the protocol plans by study day (the end of treatment); the visits
    /// after it (the follow-up) are FOLLOW-UP.
    func epoch(_ date: CivilDate?) -> SDTMValue {
        guard let date else { return .missing }
        return .text(SDTMTerms.epoch(of: date, dayOne: dayOne, treatmentEnd: treatmentEnd))
    }

    /// The end of treatment: the withdrawal, or the completion of the last visit the protocol plans by
    /// study day, whichever is first; nil while neither has happened (EPOCH, and DM's RFENDTC).
    var treatmentEnd: CivilDate? {
        let withdrawn = participant.status == .withdrawn ? participant.exit?.date : nil
        let lastPlanned = studyProtocol.visits.last { $0.day != nil && !$0.isEarlyTermination }
        let ended = lastPlanned.flatMap { participant.visit($0.code)?.completedDate }
        return [withdrawn, ended].compactMap { $0 }.min()
    }

    /// Every deviation of the participant, at a visit, a medication or an adverse event, with its date
    /// (DV's records, and DM's end of participation, which is never before one).
    var deviations: [(code: String, date: CivilDate?, isVisit: Bool, deviation: (kind: DeviationKind, days: Int?))] {
        let origin = participant.origin(studyProtocol)
        let visits = participant.plannedVisits(studyProtocol).map { ($0.code, $0.record.completedDate ?? $0.record.missedDate, true) }
        let medications = participant.medications.map { ($0.id, Optional($0.deviationDate(dayOne: origin)), false) }
        let events = participant.adverseEvents.map { ($0.id, $0.initialReport?.at.date, false) }
        return (visits + medications + events).compactMap { code, date, isVisit in
            participant.deviation(at: code, studyProtocol).map { (code, date, isVisit, $0) }
        }
    }

    /// RFPENDTC, the end of participation as the record shows it: its last date (`lastRecordedDate`: the
    /// consent, the exit, every visit, assessment, AE and medication date), or a deviation's if later.
    var endOfParticipation: CivilDate {
        ([participant.lastRecordedDate] + deviations.compactMap(\.date)).max() ?? participant.lastRecordedDate
    }

    /// --DY of `date` as the CSV `--domain` tables write it: blank without a Day 1 (the package's rule).
    func dayText(_ date: CivilDate) -> String {
        SDTMTerms.studyDay(of: date, dayOne: dayOne).map(String.init) ?? ""
    }

    /// VISITNUM and VISIT of visit `code` (an unscheduled one is `UNSCHEDULED n`, numbered after the last
    /// scheduled visit before it).
    func visit(_ code: String) -> (number: SDTMValue, name: SDTMValue) {
        let (number, name) = participant.sdtmVisit(code, studyProtocol)
        return (.number(Double(number)), .text(name))
    }
}

/// The SUPP-- records of one domain, gathered while its records are made (SDTMIG's supplemental
/// qualifiers: what has no standard variable, and text past 200 characters).
struct SDTMSupplement {
    /// The parent domain (`AE`).
    let domain: String
    /// The parent's variable that identifies its record (IDVAR): `--SEQ`, or `VISITNUM` for SV.
    let idVariable: String
    /// The records, by variable name.
    private(set) var records: [[String: SDTMValue]] = []

    /// A supplement of `domain` with no records yet.
    init(_ domain: String, idVariable: String? = nil) {
        self.domain = domain
        self.idVariable = idVariable ?? domain + "SEQ"
    }

    /// Adds qualifier `name` (`label`) with `value` to the parent record of `subject` whose `idVariable` is
    /// `sequence`.
    mutating func add(_ subject: SDTMSubject, sequence: any CustomStringConvertible, name: String, label: String, value: String,
                      origin: String = "CRF", evaluator: String? = nil) {
        records.append([
            "STUDYID": subject.studyID, "RDOMAIN": .text(domain), "USUBJID": subject.usubjid, "IDVAR": .text(idVariable),
            "IDVARVAL": .text(sequence.description), "QNAM": .text(name), "QLABEL": .text(label), "QVAL": .text(value),
            "QORIG": .text(origin), "QEVAL": .text(evaluator),
        ])
    }

    /// `text` for the variable `name` of record `sequence`: the first 200 characters, the rest in
    /// qualifiers `NAME1`, `NAME2`, … (an 8-letter name gives up its last letter: `CMDOSTX1`).
    mutating func text(_ text: String?, variable name: String, label: String, _ subject: SDTMSubject,
                       sequence: any CustomStringConvertible) -> SDTMValue {
        guard let text, !text.isEmpty else { return .missing }
        let parts = SDTMText.parts(text)
        for (index, part) in parts.enumerated().dropFirst() {
            add(subject, sequence: sequence, name: String(name.prefix(7)) + String(index), label: String((label + " " + String(index)).prefix(40)), value: part)
        }
        return .text(parts[0])
    }

    /// The SUPP-- dataset, or nil when there is nothing to hold.
    func dataset() throws -> SDTMDataset? {
        guard !records.isEmpty else { return nil }
        var dataset = SDTMDataset(
            name: "SUPP" + domain, label: "Supplemental Qualifiers for " + domain, datasetClass: .relationship,
            structure: "One record per IDVAR, IDVARVAL, and QNAM value per subject",
            keyVariables: ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("RDOMAIN", "Related Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .char("IDVAR", "Identifying Variable", role: .identifier, core: .expected, origin: .assigned),
                .char("IDVARVAL", "Identifying Variable Value", role: .identifier, core: .expected, origin: .derived),
                .char("QNAM", "Qualifier Variable Name", role: .topic, origin: .assigned),
                .char("QLABEL", "Qualifier Variable Label", role: .synonymQualifier, origin: .assigned),
                .char("QVAL", "Data Value", role: .resultQualifier),
                .char("QORIG", "Origin", role: .recordQualifier, origin: .assigned),
                .char("QEVAL", "Evaluator", role: .recordQualifier, core: .expected, origin: .assigned),
            ])
        for record in records { try dataset.append(record) }
        return dataset
    }
}
