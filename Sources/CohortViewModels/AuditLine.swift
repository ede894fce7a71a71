import CohortStore

/// One audit record as the participant view shows it.
public struct AuditLine: Equatable, Sendable {
    /// UTC time.
    public let time: String
    /// Who.
    public let user: String
    /// `/visits/1/status: scheduled → completed (reason)`.
    public let text: String

    /// Creates a line.
    public init(time: String, user: String, text: String) { self.time = time; self.user = user; self.text = text }

    /// A record as one line: the path, the value before and after, and the reason.
    public init(_ record: AuditRecord) {
        let operation = record.operation
        let change: String
        switch operation.op {
        case .add: change = "added \(Self.show(operation.value))"
        case .remove: change = "removed (was \(Self.show(operation.old)))"
        case .replace: change = "\(Self.show(operation.old)) → \(Self.show(operation.value))"
        }
        self.init(time: record.time, user: record.user,
                  text: "\(operation.path): \(change)" + (record.reason.map { " (\($0))" } ?? ""))
    }

    /// A value as text: strings without quotes, anything else as compact JSON.
    static func show(_ value: JSONValue?) -> String {
        guard let value else { return "—" }
        if let text = value.stringValue { return text }
        return String(decoding: value.canonicalBytes(), as: UTF8.self)
    }
}
