import CohortDomain
import CohortSDTM

/// QS and RS (docs/RULES.md, "SDTM conventions"): one record per item score and per total a scale
/// defines, in QS or in RS as CDISC places the instrument, with CDISC's test codes where it publishes them.
extension SDTMPackageExport {
    /// The QS or RS dataset and its supplement, and the category codelist its --CAT values come from.
    static func scales(_ domain: String, _ subjects: [SDTMSubject], context: StudyContext) throws -> (datasets: [SDTMDataset], codelist: SDTMCodelist) {
        let categoryList = domain == "RS" ? "CCCAT" : "QSCAT"
        var dataset = SDTMDataset(
            name: domain, label: domain == "RS" ? "Disease Response and Clin Classification" : "Questionnaires", datasetClass: .findings,
            structure: "One record per \(domain == "RS" ? "clinical classification" : "questionnaire") item per visit per subject",
            keyVariables: ["STUDYID", "USUBJID", domain + "CAT", domain + "TESTCD", "VISITNUM"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .integer(domain + "SEQ", "Sequence Number", role: .identifier),
                .char(domain + "TESTCD", domain == "RS" ? "Assessment Short Name" : "Question Short Name", role: .topic, origin: .assigned),
                .char(domain + "TEST", domain == "RS" ? "Assessment Name" : "Question Name", role: .synonymQualifier, origin: .assigned),
                .char(domain + "CAT", domain == "RS" ? "Category for Assessment" : "Category of Question", role: .groupingQualifier,
                      origin: .assigned, codelist: categoryList),
                .char(domain + "ORRES", "Result or Finding in Original Units", role: .resultQualifier, core: .expected),
                .char(domain + "STRESC", "Character Result/Finding in Std Format", role: .resultQualifier, core: .expected, origin: .derived),
                .float(domain + "STRESN", "Numeric Result/Finding in Standard Units", role: .resultQualifier),
            ] + findingsStatusAndTiming(domain, dateLabel: "Date/Time of Finding"))
        var supplement = SDTMSupplement(domain)
        var categories: [SDTMScaleCodes.Category] = []
        for subject in subjects {
            let participant = subject.participant, studyProtocol = subject.studyProtocol
            let order = { (code: String) in participant.visitOrder(code, studyProtocol) }
            let administrations = participant.administrations.sorted { (order($0.visit), $0.scale) < (order($1.visit), $1.scale) }
            var sequence = 0
            for administration in administrations {
                guard let scale = context.scales[administration.scale] else { continue }
                let codes = SDTMScaleCodes.codes(for: scale)
                guard codes.domain == domain else { continue }
                if !categories.contains(codes.category) { categories.append(codes.category) }
                // The baseline is the baseline visit's administration, once Day 1 has happened; a NOT DONE
                // record is never one (docs/RULES.md, "SDTM conventions").
                let atBaseline = subject.dayOne != nil && studyProtocol.visit(administration.visit)?.isBaseline == true
                let visit = subject.visit(administration.visit)
                func add(_ test: SDTMScaleCodes.Test, _ value: Int?, reasonNotDone: String) throws {
                    sequence += 1
                    let result: SDTMValue = .text(value.map(String.init))
                    try dataset.append([
                        "STUDYID": subject.studyID, "DOMAIN": .text(domain), "USUBJID": subject.usubjid, domain + "SEQ": .number(sequence),
                        domain + "TESTCD": .text(test.code), domain + "TEST": .text(test.name), domain + "CAT": .text(codes.category.value),
                        domain + "ORRES": result, domain + "STRESC": result, domain + "STRESN": .number(value),
                        domain + "STAT": value == nil ? "NOT DONE" : .missing,
                        domain + "REASND": value == nil ? supplement.text(reasonNotDone, variable: domain + "REASND", label: "Reason Not Done",
                                                                          subject, sequence: sequence) : .missing,
                        domain + "LOBXFL": atBaseline && value != nil ? "Y" : .missing, domain + "BLFL": atBaseline && value != nil ? "Y" : .missing,
                        "VISITNUM": visit.number, "VISIT": visit.name, "EPOCH": subject.epoch(administration.date),
                        domain + "DTC": .text(administration.date.description), domain + "DY": subject.day(administration.date),
                    ])
                }
                for record in codes.records(of: administration, scale: scale, participant: participant, context: context) {
                    try add(record.test, record.value, reasonNotDone: record.reasonNotDone)
                }
            }
        }
        let codelist = SDTMCodelist(id: categoryList, name: domain == "RS" ? "Category of Clinical Classification" : "Category of Questionnaire",
                                    nciCode: domain == "RS" ? "C118971" : "C100129",
                                    terms: categories.map { .init($0.value, nciCode: $0.nciCode, isExtended: $0.nciCode == nil) })
        return (try [dataset, supplement.dataset()].compactMap { $0 }, codelist)
    }
}
