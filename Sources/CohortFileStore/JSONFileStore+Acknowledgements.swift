import CohortDomain
import CohortStore
import Foundation

extension JSONFileStore {
    /// When each of `subject`'s urgent-flag acknowledgements was saved, by `"VISIT/FLAG"`: the audit time
    /// of the record that added it (the system clock's), shown on `zone`'s clock. The stored
    /// acknowledgement keeps only its date; the trail is the record of the moment, so files written before
    /// this was shown read and replay unchanged (docs/RULES.md, "Scores").
    public func acknowledgementTimes(of subject: String, zone: TimeZone) throws -> [String: Moment] {
        var times: [String: Moment] = [:]
        for record in try auditTrail(subject: subject).records where record.operation.op == .add
            && (record.operation.path == "/acknowledgements" || record.operation.path.hasPrefix("/acknowledgements/")) {
            let added: [JSONValue]
            switch record.operation.value {
            case .array(let values)?: added = values
            case let value?: added = [value]
            case nil: added = []
            }
            guard let moment = try? Moment(String(record.time.prefix(16)) + "Z", zone: zone, what: "audit time").shown(in: zone) else { continue }
            for value in added {
                guard case .object(let members) = value, let visit = members["visit"]?.stringValue, let flag = members["flag"]?.stringValue else { continue }
                if times[visit + "/" + flag] == nil { times[visit + "/" + flag] = moment }
            }
        }
        return times
    }
}
