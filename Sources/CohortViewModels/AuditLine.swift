import CohortDomain
import CohortStore

/// One audit record as the participant view shows it.
public struct AuditLine: Equatable, Sendable {
    /// UTC time.
    public let time: String
    /// Who, marked "(unauthenticated)" when the save carries no signature.
    public let user: String
    /// `/visits/1/status: scheduled → completed (reason)`.
    public let text: String

    /// Creates a line.
    public init(time: String, user: String, text: String) { self.time = time; self.user = user; self.text = text }

    /// The lines of a trail (oldest first), each author marked by whether their save is signed
    /// (docs/RULES.md, "Users and roles").
    public static func lines(_ records: [AuditRecord], participant: Participant?) -> [AuditLine] {
        zip(records, AuditRecord.signedSaves(records)).map { AuditLine($0, participant: participant, authenticated: $1) }
    }

    /// A record as one line: what changed (named from `participant` where it can be, e.g. `visit W1
    /// status` for `/visits/1/status`), the value before and after, and the reason.
    public init(_ record: AuditRecord, participant: Participant?, authenticated: Bool) {
        let operation = record.operation
        let change: String
        switch operation.op {
        case .add: change = "added \(Self.show(operation.value))"
        case .remove: change = "removed (was \(Self.show(operation.old)))"
        case .replace: change = "\(Self.show(operation.old)) → \(Self.show(operation.value))"
        }
        self.init(time: record.time, user: AuditRecord.shownUser(record.user, authenticated: authenticated),
                  text: "\(Self.label(operation.path, participant)): \(change)" + (record.reason.map { " (\($0))" } ?? ""))
    }

    /// A JSON Pointer into a participant in the words of the screens; the pointer itself when an index is
    /// no longer there (an element later removed).
    static func label(_ path: String, _ participant: Participant?) -> String {
        let tokens = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard let participant, tokens.count >= 2, let index = Int(tokens[1]) else { return tokens.joined(separator: " ") }
        var restTokens = Array(tokens.dropFirst(2))
        // A monitor reads items numbered from 1 as the worksheet does (`YMRS item 11`), never the pointer's
        // index from 0 (docs/RULES.md, "The trail is the record").
        if tokens[0] == "administrations", restTokens.count >= 2, restTokens[0] == "items", let item = Int(restTokens[1]) {
            restTokens.replaceSubrange(0...1, with: ["item", String(item + 1)])
        }
        let rest = restTokens.joined(separator: " ")
        let named: String?
        switch tokens[0] {
        case "visits": named = participant.visits.indices.contains(index) ? "visit \(participant.visits[index].code)" : nil
        case "administrations":
            named = participant.administrations.indices.contains(index)
                ? "scores \(participant.administrations[index].visit) \(participant.administrations[index].scale)" : nil
        case "acknowledgements":
            named = participant.acknowledgements.indices.contains(index)
                ? "acknowledgement \(participant.acknowledgements[index].visit) \(participant.acknowledgements[index].flag)" : nil
        case "deviationClasses":
            named = participant.deviationClasses.indices.contains(index) ? "deviation \(participant.deviationClasses[index].visit)" : nil
        case "adverseEvents":
            named = participant.adverseEvents.indices.contains(index) ? participant.adverseEvents[index].id : nil
        case "medications":
            named = participant.medications.indices.contains(index) ? participant.medications[index].id : nil
        case "unscheduledVisits":
            named = participant.unscheduledVisits.indices.contains(index) ? "unscheduled visit \(participant.unscheduledVisits[index].code)" : nil
        case "reconsents":
            named = participant.reconsents.indices.contains(index) ? "re-consent \(participant.reconsents[index].date)" : nil
        case "measurements":
            named = participant.measurements.indices.contains(index)
                ? "measure \(participant.measurements[index].visit) \(participant.measurements[index].test)" : nil
        default: named = nil
        }
        guard let named else { return path }
        return rest.isEmpty ? named : named + " " + rest
    }

    /// A value as text: strings without quotes, anything else as compact JSON.
    static func show(_ value: JSONValue?) -> String {
        guard let value else { return "—" }
        if let text = value.stringValue { return text }
        return String(decoding: value.canonicalBytes(), as: UTF8.self)
    }
}
