import CohortDomain
import CohortReports
import Foundation

/// The investigator's queue (docs/RULES.md, "The investigator's queue"): what awaits a signature, oldest
/// first; Enter shows the selected item with its history, `s` signs it.
public struct QueuePage: Equatable, Sendable {
    /// The items, once read (nil while the store is read).
    public var items: [QueueItem]?
    /// Index of the selected item.
    public var selection = 0
    /// True while the selected item is shown whole (what is signed and its signatures).
    public var showsItem = false

    /// A queue being read.
    public init() {}

    /// The selected item, if any.
    public var selected: QueueItem? {
        guard let items, items.indices.contains(selection) else { return nil }
        return items[selection]
    }
}

/// One item of the queue: what awaits a signature, what a signature would cover, and the signatures the
/// scope had (each invalidated one with the change that did it).
public struct QueueItem: Equatable, Sendable {
    /// The item.
    public let pending: PendingSignature
    /// What is signed, one `member: value` line each (the canonical content's members).
    public let content: [String]
    /// Every signature the scope had, oldest first: its manifestation, and on the next line, indented, what
    /// invalidated it.
    public let history: [String]

    /// The item of `pending` in `participant`.
    public init(_ pending: PendingSignature, participant: Participant, studyProtocol: StudyProtocol) {
        self.pending = pending
        let bytes = (try? participant.signedContent(pending.scope, studyProtocol: studyProtocol)) ?? Data()
        let object = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any]
        content = Self.lines(object?["content"])
        history = SignatureLines.lines(of: pending.scope, in: participant)
    }

    /// The content's members as lines (`severity: severe`), a list's elements one a line; a list or object
    /// member in compact JSON.
    static func lines(_ value: Any?) -> [String] {
        if let list = value as? [Any] { return list.map(compact) }
        guard let members = value as? [String: Any] else { return value.map { [compact($0)] } ?? [] }
        return members.keys.sorted().map { "\($0): \(compact(members[$0] as Any))" }
    }

    private static func compact(_ value: Any) -> String {
        if let text = value as? String { return text }
        if value is NSNull { return "—" }
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }
}
