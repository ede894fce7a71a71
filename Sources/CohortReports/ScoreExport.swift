import CohortDomain

/// Item-level score exports for statisticians and sponsors, written one participant at a time so an
/// export of a large site never holds the whole site in memory.
public enum ScoreExport {
    /// The two table shapes.
    public enum Format: String, Sendable, CaseIterable {
        /// One row per item score: subject, visit, date, scale, item, score (empty when not assessed).
        case csv
        /// A CDISC SDTM QS-style table: one record per item, numbered per subject.
        case sdtm

        /// The header line, with its newline.
        public var header: String {
            switch self {
            case .csv: return "subject,visit,date,scale,item,score\n"
            case .sdtm: return "STUDYID,DOMAIN,USUBJID,QSSEQ,QSTESTCD,QSTEST,QSCAT,QSORRES,QSSTRESN,VISIT,QSDTC\n"
            }
        }
    }

    /// The rows of one participant, each ending with a newline (administrations in protocol order, then by scale).
    public static func rows(_ participant: Participant, format: Format, context: StudyContext) -> String {
        var text = ""
        var sequence = 0
        let studyProtocol = context.protocols[participant.study]
        let administrations = participant.administrations.sorted {
            (studyProtocol?.order(of: $0.visit) ?? 0, $0.scale) < (studyProtocol?.order(of: $1.visit) ?? 0, $1.scale)
        }
        for administration in administrations {
            guard let scale = context.scales[administration.scale] else { continue }
            let visitName = studyProtocol?.visit(administration.visit)?.name ?? administration.visit
            for (item, value) in zip(scale.items, administration.items) {
                let score = value.map(String.init) ?? ""
                let fields: [String]
                switch format {
                case .csv:
                    fields = [participant.subject, administration.visit, administration.date.description, administration.scale, item.code, score]
                case .sdtm:
                    sequence += 1
                    fields = [participant.study, "QS", participant.study + "-" + participant.subject, String(sequence), item.code,
                              item.name, scale.title, score, score, visitName, administration.date.description]
                }
                text += fields.map(field).joined(separator: ",") + "\n"
            }
        }
        return text
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
