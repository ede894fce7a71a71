import CohortDomain

/// Item-level score exports for statisticians and sponsors.
public enum ScoreExport {
    /// One row per item score: subject, visit, date, scale, item, score (empty when not assessed).
    public static func csv(_ participants: [Participant], context: StudyContext) -> String {
        var lines = ["subject,visit,date,scale,item,score"]
        forEachItem(participants, context: context) { participant, administration, item, value, _, _ in
            lines.append([participant.subject, administration.visit, administration.date.description, administration.scale,
                          item.code, value.map(String.init) ?? ""].map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A CDISC SDTM QS-style table (CSV): one record per item, numbered per subject.
    public static func sdtm(_ participants: [Participant], context: StudyContext) -> String {
        var lines = ["STUDYID,DOMAIN,USUBJID,QSSEQ,QSTESTCD,QSTEST,QSCAT,QSORRES,QSSTRESN,VISIT,QSDTC"]
        var sequence: [String: Int] = [:]
        forEachItem(participants, context: context) { participant, administration, item, value, scale, visitName in
            let seq = (sequence[participant.subject] ?? 0) + 1
            sequence[participant.subject] = seq
            lines.append([participant.study, "QS", participant.study + "-" + participant.subject, String(seq), item.code,
                          item.name, scale.title, value.map(String.init) ?? "", value.map(String.init) ?? "",
                          visitName, administration.date.description].map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func forEachItem(_ participants: [Participant], context: StudyContext,
                                    _ body: (Participant, Administration, ScaleItem, Int?, ScaleDefinition, String) -> Void) {
        for participant in participants.sorted(by: { $0.subject < $1.subject }) {
            let studyProtocol = context.protocols[participant.study]
            let administrations = participant.administrations.sorted {
                (studyProtocol?.order(of: $0.visit) ?? 0, $0.scale) < (studyProtocol?.order(of: $1.visit) ?? 0, $1.scale)
            }
            for administration in administrations {
                guard let scale = context.scales[administration.scale] else { continue }
                let visitName = studyProtocol?.visit(administration.visit)?.name ?? administration.visit
                for (item, value) in zip(scale.items, administration.items) {
                    body(participant, administration, item, value, scale, visitName)
                }
            }
        }
    }

    /// RFC 4180 quoting, and a leading quote mark for text a spreadsheet would run as a formula.
    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first), Int(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

import Foundation
