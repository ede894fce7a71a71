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
                    let fields = [participant.study, record[0], participant.study + "-" + participant.subject, String(sequence)] + record.dropFirst()
                    text += fields.map(field).joined(separator: ",") + "\n"
                }
            }
        }
        return text
    }

    /// One administration's records after the identifiers: DOMAIN, then QSTESTCD through QSBLFL. Test
    /// codes, names, categories and the domain are the package's (`SDTMScaleCodes`: CDISC's where CDISC
    /// publishes them, RS for the instruments CDISC places there); the rest as the table has always had it.
    private static func sdtmRecords(_ administration: Administration, scale: ScaleDefinition, participant: Participant,
                                    studyProtocol: StudyProtocol, context: StudyContext) -> [[String]] {
        // An unscheduled visit is `UNSCHEDULED n` (docs/RULES.md, "Score exports").
        let (visitNumber, visitName) = participant.sdtmVisit(administration.visit, studyProtocol)
        // --DY as the package writes it: blank without a Day 1 (docs/RULES.md, "SDTM conventions").
        let studyDay = SDTMSubject(participant, studyProtocol).dayText(administration.date)
        // A NOT DONE record is never a baseline (docs/RULES.md, "Scores").
        let baselineFlag = studyProtocol.visit(administration.visit)?.isBaseline == true ? "Y" : ""
        let codes = SDTMScaleCodes.codes(for: scale)
        let category = ascii(codes.category.value, longest: 200)
        return codes.records(of: administration, scale: scale, participant: participant, context: context).map { test, value, reasonNotDone in
            let result = value.map(String.init) ?? ""
            return [codes.domain, test.code, ascii(test.name, longest: 40), category, result, result, result, value == nil ? "NOT DONE" : "",
                    value == nil ? ascii(reasonNotDone, longest: 200) : "", visitNumber, ascii(visitName, longest: 200),
                    administration.date.description, studyDay, value == nil ? "" : baselineFlag]
        }
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
