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

    /// Sets the value at `pointer` (a JSON Pointer into the participant's data) to `text` read as JSON (or as
    /// plain text when it is not JSON); the result must still be within every definition.
    mutating func setValue(_ text: String, at pointer: String, context: StudyContext) throws {
        let value: Any
        if let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) {
            value = parsed
        } else {
            value = try FreeText.required(text, what: "value")
        }
        let tokens = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
        guard !tokens.isEmpty, var root = try JSONSerialization.jsonObject(with: JSONEncoder().encode(self)) as? [String: Any] else {
            throw DomainError("Conflict value path \(Text.shown(pointer)) does not name a value: take mine or theirs.")
        }
        func set(_ node: Any, _ rest: ArraySlice<String>) throws -> Any {
            guard let token = rest.first else { return value }
            if var object = node as? [String: Any] {
                object[token] = try set(object[token] ?? NSNull(), rest.dropFirst())
                return object
            }
            if var array = node as? [Any], let index = Int(token), array.indices.contains(index) {
                array[index] = try set(array[index], rest.dropFirst())
                return array
            }
            throw DomainError("\(subject) has no value at \(pointer) any more: take mine or theirs.")
        }
        root = try set(root, tokens[...]) as? [String: Any] ?? root
        let changed: Participant
        do {
            changed = try JSONDecoder().decode(Participant.self, from: JSONSerialization.data(withJSONObject: root))
        } catch {
            throw DomainError("\(Text.shown(text)) is not a value \(pointer) can hold: give one of its kind (e.g. the mine or theirs value as `cohort conflicts` shows it).")
        }
        if let problem = changed.problems(context: context).first {
            throw DomainError("\(Text.shown(text)) at \(pointer) is refused: \(problem).")
        }
        self = changed
    }
}
