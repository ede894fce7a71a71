import CohortDomain

/// Item-level score exports for statisticians and sponsors, written one participant at a time so an
/// export of a large site never holds the whole site in memory.
public enum ScoreExport {
    /// The two table shapes.
    public enum Format: String, Sendable, CaseIterable {
        /// One row per item score: subject, visit, date, scale, item, score, and status (`not assessed`, or
        /// `not done: REASON` for an administration with every item not assessed; empty for a score).
        case csv
        /// A CDISC SDTM QS table: one record per item plus the totals the scale defines, numbered per subject,
        /// with visit number, study day from the real Day 1, baseline flag, and not-done status.
        case sdtm
        /// The sponsor's screening log (no identifiers beyond the subject ID): one row per participant with
        /// study, consent date, status, and the screen-failure or withdrawal category and date.
        case screeningLog = "screening-log"

        /// The header line, with its newline.
        public var header: String {
            switch self {
            case .csv: return "subject,visit,date,scale,item,score,status\n"
            case .screeningLog: return RosterText.screeningLogHeader
            case .sdtm: return "STUDYID,DOMAIN,USUBJID,QSSEQ,QSTESTCD,QSTEST,QSCAT,QSORRES,QSSTRESC,QSSTRESN,QSSTAT,QSREASND,VISITNUM,VISIT,QSDTC,QSDY,QSBLFL\n"
            }
        }
    }

    /// The rows of one participant, each ending with a newline (administrations in protocol order, then by scale;
    /// the screening log has one row a participant).
    public static func rows(_ participant: Participant, format: Format, context: StudyContext) -> String {
        guard format != .screeningLog else {
            return context.protocols[participant.study].map { RosterText.screeningLogRow(RosterEntry(participant, studyProtocol: $0)) } ?? ""
        }
        var text = ""
        var sequence = 0
        let studyProtocol = context.protocols[participant.study]
        let order = { (code: String) in studyProtocol.map { participant.visitOrder(code, $0) } ?? 0 }
        let administrations = participant.administrations.sorted { (order($0.visit), $0.scale) < (order($1.visit), $1.scale) }
        for administration in administrations {
            guard let scale = context.scales[administration.scale] else { continue }
            if format == .csv {
                let notDone = administration.isNotDone ? "not done: " + (administration.notDoneReason ?? "") : "not assessed"
                for (item, value) in zip(scale.items, administration.items) {
                    let fields = [participant.subject, administration.visit, administration.date.description, administration.scale, item.code,
                                  value.map(String.init) ?? "", value == nil ? notDone : ""]
                    text += fields.map(field).joined(separator: ",") + "\n"
                }
            } else if let studyProtocol {
                for record in sdtmRecords(administration, scale: scale, participant: participant, studyProtocol: studyProtocol, context: context) {
                    sequence += 1
                    let fields = [participant.study, "QS", participant.study + "-" + participant.subject, String(sequence)] + record
                    text += fields.map(field).joined(separator: ",") + "\n"
                }
            }
        }
        return text
    }

    /// One administration's QS records after the identifiers: QSTESTCD through QSBLFL. Test codes are
    /// Cohort's own (the scale's item codes; `SCALETOT` and the subscale codes for totals), at most 8
    /// characters; QSTEST at most 40 ASCII characters.
    private static func sdtmRecords(_ administration: Administration, scale: ScaleDefinition, participant: Participant,
                                    studyProtocol: StudyProtocol, context: StudyContext) -> [[String]] {
        // An unscheduled visit is `UNSCHEDULED n` (docs/RULES.md, "Score exports").
        let (visitNumber, visitName) = participant.sdtmVisit(administration.visit, studyProtocol)
        let studyDay = String(StudyDay.day(of: administration.date, baseline: participant.origin(studyProtocol)))
        // A NOT DONE record is never a baseline (docs/RULES.md, "Scores").
        let baselineFlag = studyProtocol.visit(administration.visit)?.isBaseline == true ? "Y" : ""
        let category = ascii(scale.title, longest: 200)
        func record(_ code: String, _ name: String, _ value: Int?, reasonNotDone: String) -> [String] {
            let result = value.map(String.init) ?? ""
            return [code, ascii(name, longest: 40), category, result, result, result, value == nil ? "NOT DONE" : "",
                    value == nil ? ascii(reasonNotDone, longest: 200) : "", visitNumber, ascii(visitName, longest: 200),
                    administration.date.description, studyDay, value == nil ? "" : baselineFlag]
        }
        let notAssessed = administration.notDoneReason ?? "NOT ASSESSED"
        // Cohort's own codes (the package's fallback where CDISC publishes none, one rule for both).
        let own = SDTMScaleCodes(domain: "QS", category: .init(scale.code), categoryCodelist: nil, testCodes: nil, testNames: nil, items: [:], total: nil)
        var records = zip(scale.items, administration.items).map { item, value in
            record(String(ascii(item.code, longest: 8)), item.name, value, reasonNotDone: notAssessed)
        }
        let result = participant.result(of: administration, context: context)
        for subscale in result?.subscales ?? [] {
            let test = own.subscaleTest(subscale.code, name: subscale.name, of: scale)
            records.append(record(test.code, test.name, subscale.value, reasonNotDone: "NOT ALL ITEMS ASSESSED"))
        }
        if scale.total {
            let test = own.totalTest(of: scale)
            records.append(record(test.code, test.name, result?.total, reasonNotDone: "NOT ALL ITEMS ASSESSED"))
        }
        return records
    }

    /// Printable ASCII only (accents dropped, dashes and quotes made plain, anything else `?`), at most
    /// `longest` characters.
    static func ascii(_ text: String, longest: Int) -> String {
        let plain = String(SDTMTerms.plainWords(text).unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F ? Character(scalar) : "?"
        })
        return String(plain.prefix(longest))
    }

    private static let quoted: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")]
    private static let formulaStart: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@")]

    /// RFC 4180 quoting, and a leading quote mark for text a spreadsheet would run as a formula.
    static func field(_ text: String) -> String {
        // Most fields (codes, dates, numbers) need nothing: say so from their bytes.
        if let first = text.utf8.first, !formulaStart.contains(first), !text.utf8.contains(where: quoted.contains) { return text }
        var value = text
        if let first = value.first, "=+-@".contains(first), Int(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

import Foundation
