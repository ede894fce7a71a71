import CohortDomain

/// The binding JSON of `cohort measures --format json` (docs/RULES.md, "Vital signs, lab values and ECG measures"): every result read against its range.
public struct MeasuresJSON: Encodable {
    struct Entry: Encodable {
        let subject: String
        let reading: MeasureReading

        enum CodingKeys: String, CodingKey { case subject, visit, test, value, unit, date, low, high, flag, alert, assessment }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let result = reading.measurement
            try container.encode(subject, forKey: .subject)
            try container.encode(result.visit, forKey: .visit)
            try container.encode(result.test, forKey: .test)
            try container.encode(result.value, forKey: .value)
            try container.encode(result.unit, forKey: .unit)
            try container.encode(result.date, forKey: .date)
            try container.encode(reading.range?.low, forKey: .low)
            try container.encode(reading.range?.high, forKey: .high)
            try container.encode(reading.flag?.rawValue, forKey: .flag)
            try container.encode(reading.alert, forKey: .alert)
            try container.encode(result.assessment?.significance.rawValue, forKey: .assessment)
        }
    }

    let measures: [Entry]

    /// The document for `readings` of each subject, in the order given (subject, visit order, test).
    public init(_ readings: [(subject: String, reading: MeasureReading)]) { measures = readings.map { Entry(subject: $0.subject, reading: $0.reading) } }
}

/// `cohort measures` as text: a line per result, the flag and alert in words, what awaits assessment marked.
public enum MeasuresText {
    /// The text of `readings`.
    public static func render(_ readings: [(subject: String, reading: MeasureReading)]) -> String {
        guard !readings.isEmpty else { return "No measures recorded." }
        return Columns.render([["SUBJECT", "VISIT", "TEST", "VALUE", "UNIT", "DATE", "RANGE", "FLAG", "ASSESSMENT"]] + readings.map { subject, reading in
            let result = reading.measurement
            return [subject, result.visit, result.test, result.value?.description ?? "not done", result.unit, result.date.description,
                    reading.range?.description ?? "—", flagText(reading),
                    result.assessment.map { $0.significance.rawValue + ($0.comment.map { ": " + Text.shown($0) } ?? "") }
                        ?? (reading.awaitsAssessment ? "AWAITED" : "")]
        })
    }

    /// `HIGH`, `low, ALERT`, `normal`, or the reason not done.
    public static func flagText(_ reading: MeasureReading) -> String {
        guard let flag = reading.flag else { return "not done: " + Text.shown(reading.measurement.notDone ?? "") }
        let word = flag == .normal ? "normal" : flag.rawValue.uppercased()
        return reading.alert ? word + ", ALERT" : word
    }
}

/// SDTM-shaped VS, LB and EG tables (docs/RULES.md, "Vital signs, lab values and ECG measures"): one record per result, with the range used and where the value
/// falls in it.
public enum MeasureExport {
    /// The header line of `domain` (`VS`, `LB`, `EG`), with its newline.
    public static func header(_ domain: String) -> String {
        let names = ["SEQ", "TESTCD", "TEST", "ORRES", "ORRESU", "STRESC", "STRESN", "STRESU", "STAT", "REASND", "ORNRLO", "ORNRHI", "NRIND"]
        return (["STUDYID", "DOMAIN", "USUBJID"] + names.map { domain + $0 } + ["VISITNUM", "VISIT", domain + "DTC", domain + "DY", domain + "BLFL"])
            .joined(separator: ",") + "\n"
    }

    /// The records of one participant in `domain`, each ending with a newline.
    public static func rows(_ participant: Participant, domain: String, context: StudyContext) -> String {
        guard let studyProtocol = context.protocols[participant.study] else { return "" }
        // --DY as the package writes it: blank without a Day 1 (docs/RULES.md, "SDTM conventions").
        let subject = SDTMSubject(participant, studyProtocol)
        var sequence = 0
        return participant.measureReadings(studyProtocol, catalog: context.scales).compactMap { reading -> String? in
            let result = reading.measurement
            guard let definition = context.scales.measure(result.test), definition.domain == domain else { return nil }
            sequence += 1
            // The result as the source gave it (`95.0`), and the number alone where SDTM asks for a number.
            let value = result.value?.description ?? ""
            let number = result.value?.number ?? ""
            // Where the value falls in its reference range: nothing without a range (or a value).
            let indicator = reading.range == nil ? "" : reading.flag.map { $0.rawValue.uppercased() } ?? ""
            let isBaseline = participant.baselineMeasurement(of: result.test, studyProtocol: studyProtocol) == result
            let visit = participant.sdtmVisit(result.visit, studyProtocol)
            let test = SDTMPackageExport.test(definition)
            let fields = [participant.study, domain, participant.study + "-" + participant.subject, String(sequence), test.code,
                          ScoreExport.ascii(test.name, longest: 40), value, result.value == nil ? "" : ScoreExport.ascii(definition.unit, longest: 40), value, number,
                          result.value == nil ? "" : ScoreExport.ascii(definition.unit, longest: 40), result.value == nil ? "NOT DONE" : "",
                          ScoreExport.ascii(result.notDone ?? "", longest: 200), reading.range?.low?.description ?? "",
                          reading.range?.high?.description ?? "", indicator, visit.number,
                          ScoreExport.ascii(visit.name, longest: 200), result.date.description,
                          subject.dayText(result.date), isBaseline ? "Y" : ""]
            return fields.map(ScoreExport.field).joined(separator: ",") + "\n"
        }.joined()
    }
}
