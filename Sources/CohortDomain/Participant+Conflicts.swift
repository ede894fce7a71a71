import Foundation

/// Sync conflicts kept in the participant's data (docs/RULES.md, "Merging and conflicts"): recorded by a
/// merge, resolved by a person with a reason.
extension Participant {
    /// Records `conflict` under the next free id (`C1`, `C2`, …; never one given before).
    mutating func recordConflict(_ conflict: SyncConflict) -> String? {
        var conflict = conflict
        conflict.id = "C\(nextRecordNumber("C", existing: conflicts.map(\.id)))"
        conflict.subject = subject
        conflicts.append(conflict)
        return "sync conflict \(conflict.id): \(conflict.what)"
    }

    /// The open conflict `id`, or a refusal naming the open ones.
    public func conflict(_ id: String) throws -> SyncConflict {
        guard let found = conflicts.first(where: { $0.id == id }) else {
            let open = conflicts.map(\.id)
            throw DomainError("\(subject) has no open sync conflict \(Text.shown(id))" + (open.isEmpty ? " (none is open)." : "; open: \(open.joined(separator: ", ")).") + " `cohort conflicts` lists them.")
        }
        return found
    }

    /// Takes conflict `id` off the open list, its number never given again.
    mutating func closeConflict(_ id: String) {
        conflicts.removeAll { $0.id == id }
        if let number = Int(id.dropFirst()) { rememberNumber("C", number) }
    }

    /// Sets the value at `pointer` (a JSON Pointer into the participant's data) to `text` read against what the
    /// field holds (docs/RULES.md, "Merging and conflicts"); the result must still be within every definition.
    mutating func setValue(_ text: String, at pointer: String, context: StudyContext) throws {
        let root = try encodedTree()
        let candidates = try Self.read(text, like: Self.node(at: pointer, in: root), at: pointer)
        try setJSON(candidates, at: pointer, shown: text, in: root, context: context)
    }

    /// Sets the value at `pointer` to `json`, compact JSON text as a conflict records it (the other side's value).
    mutating func setValue(json: String, at pointer: String, context: StudyContext) throws {
        guard let value = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) else {
            throw DomainError("\(Text.shown(json)) is not a recorded value: take mine or a value.")
        }
        try setJSON([value], at: pointer, shown: json, in: try encodedTree(), context: context)
    }

    /// `text` as the value for a field that now holds `current`, the readings to try in order: for text, the
    /// words as given (a JSON string accepted too); for a number, a number (quoted or not); for a field without
    /// a value yet, JSON, then the words, then a quoted number (the first the field's type takes is kept).
    private static func read(_ text: String, like current: Any?, at pointer: String) throws -> [Any] {
        let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        let words = { try FreeText.required(text.hasPrefix("\"") ? (parsed as? String) ?? text : text, what: "value") }
        let trimmed = ((parsed as? String) ?? text).trimmingCharacters(in: .whitespaces)
        let number: Any? = Int(trimmed).map { $0 as Any } ?? Double(trimmed).flatMap { $0.isFinite ? $0 as Any : nil }
        switch current.map(Self.kind) {
        case "string"?:
            return [try words()]
        case "number"?:
            guard let number else {
                throw DomainError("\(Text.shown(text)) is not a number: \(pointer) holds a number; give one (e.g. 7 or 7.5).")
            }
            return [number]
        default:
            guard let parsed else { return [try words()] + (number.map { [$0] } ?? []) }
            return [parsed] + ((try? words()).map { [$0] } ?? []) + (number.map { [$0] } ?? [])
        }
    }

    /// What kind of JSON value `value` (as JSONSerialization reads it) is: `string`, `number`, or `other`
    /// (a boolean, null, object or array), told by its own JSON text.
    private static func kind(_ value: Any) -> String {
        if value is String { return "string" }
        guard let bytes = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]), let first = bytes.first else { return "other" }
        return first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) ? "number" : "other"
    }

    /// The participant's data as JSONSerialization reads it.
    private func encodedTree() throws -> [String: Any] {
        guard let root = try JSONSerialization.jsonObject(with: JSONEncoder().encode(self)) as? [String: Any] else {
            throw DomainError("\(subject)'s data cannot be read as JSON.")
        }
        return root
    }

    /// The tokens of a JSON Pointer, unescaped.
    private static func tokens(of pointer: String) -> [String] {
        pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
    }

    /// The value at `pointer` in `root`, or nil.
    private static func node(at pointer: String, in root: Any) -> Any? {
        var node: Any? = root
        for token in tokens(of: pointer) {
            if let object = node as? [String: Any] { node = object[token] }
            else if let array = node as? [Any], let index = Int(token), array.indices.contains(index) { node = array[index] }
            else { return nil }
        }
        return node
    }

    /// Sets `value` at `pointer` in `root` and takes the result as this participant, when it still decodes and
    /// is within every definition; `shown` is the value as the person gave it, for the refusal.
    private mutating func setJSON(_ candidates: [Any], at pointer: String, shown text: String, in root: [String: Any], context: StudyContext) throws {
        let tokens = Self.tokens(of: pointer)
        guard !tokens.isEmpty else {
            throw DomainError("Conflict value path \(Text.shown(pointer)) does not name a value: take mine or theirs.")
        }
        func set(_ node: Any, _ rest: ArraySlice<String>, _ value: Any) throws -> Any {
            guard let token = rest.first else { return value }
            if var object = node as? [String: Any] {
                object[token] = try set(object[token] ?? NSNull(), rest.dropFirst(), value)
                return object
            }
            if var array = node as? [Any], let index = Int(token), array.indices.contains(index) {
                array[index] = try set(array[index], rest.dropFirst(), value)
                return array
            }
            throw DomainError("\(subject) has no value at \(pointer) any more: take mine or theirs.")
        }
        var decoded: Participant?
        for value in candidates where decoded == nil {
            let updated = try set(root, tokens[...], value) as? [String: Any] ?? root
            decoded = try? JSONDecoder().decode(Participant.self, from: JSONSerialization.data(withJSONObject: updated))
        }
        guard let changed = decoded else {
            throw DomainError("\(Text.shown(text)) is not a value \(pointer) can hold: give one of its kind (e.g. the mine or theirs value as `cohort conflicts` shows it).")
        }
        if let problem = changed.problems(context: context).first {
            throw DomainError("\(Text.shown(text)) at \(pointer) is refused: \(problem).")
        }
        self = changed
    }
}
