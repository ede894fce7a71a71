import CohortDomain
import CohortStore
import Foundation

/// The change value a save applied and the day it applied it on, as the save's last record carries it
/// (`change`, covered by the record's hash): what a merge applies again on another state (docs/RULES.md,
/// "Merging and conflicts").
struct RecordedChange: Codable, Equatable {
    /// The change as the command line or a screen built it.
    var change: Change
    /// The day it was applied on (the rules that refuse dates after today use it).
    var today: CivilDate

    /// A recorded change.
    init(change: Change, today: CivilDate) { self.change = change; self.today = today }

    /// Reads the member back; nil when it is not a change this version knows.
    init?(value: JSONValue) {
        guard let read = try? Self.decode(value) else { return nil }
        self = read
    }

    /// The member as the record carries it.
    var value: JSONValue {
        get throws { try JSONValue(encoding: self) }
    }

    /// The change with the AE, CM and unscheduled-visit ids it names renamed by `map` (the other side's
    /// records, numbered anew when the merge re-applied their creation).
    func renaming(_ map: [String: String]) throws -> RecordedChange {
        guard !map.isEmpty else { return self }
        return try Self.decode(Self.mappingIds(try value) { map[$0] ?? $0 })
    }

    /// `value` with every string where a change names a record or a visit (members `id`, `visit`,
    /// `adverseEvent`) passed through `transform`.
    static func mappingIds(_ value: JSONValue, key: String? = nil, _ transform: (String) -> String) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(Dictionary(uniqueKeysWithValues: members.map { ($0.key, mappingIds($0.value, key: $0.key, transform)) }))
        case .array(let items):
            return .array(items.map { mappingIds($0, key: key, transform) })
        case .string(let text) where ["id", "visit", "adverseEvent"].contains(key ?? ""):
            return .string(transform(text))
        default:
            return value
        }
    }

    /// Decoded as the encoder wrote it (a signature's content is base64 text).
    private static func decode(_ value: JSONValue) throws -> RecordedChange {
        try JSONDecoder().decode(RecordedChange.self, from: Data(value.canonicalBytes()))
    }
}
