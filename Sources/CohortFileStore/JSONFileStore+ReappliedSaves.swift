import CohortDomain
import CohortStore
import Foundation

extension JSONFileStore {
    /// What `verify` proves of each save a merge applied again (docs/RULES.md, "Merging and conflicts"): such a
    /// save is unsigned, so its records are not taken on trust. Its change value, applied through the rules to
    /// the data before it, must give exactly the data after it; and it must be the change of the original save
    /// it names (kept signed in a branch file), but for the AE, CM and unscheduled-visit numbers a merge gives
    /// anew and the steps of an undo, or a conflict holding that change. A save from before change values were
    /// recorded must be its original's own operations. `originals` maps a save's last record's hash to that
    /// record; `known` holds every record a branch file or the trail holds, by hash.
    static func reappliedProblems(_ records: [AuditRecord], originals: [String: AuditRecord], known: [String: AuditRecord],
                                  context: StudyContext, trail: String) -> [String] {
        guard records.contains(where: { $0.origin != nil }) else { return [] }
        var problems: [String] = []
        var document = JSONValue.emptyObject, before = document
        var operations: [PatchOperation] = []
        for record in records {
            guard (try? JSONPatch.apply(record.operation, to: &document)) != nil else { return problems }
            operations.append(record.operation)
            guard record.state != nil else { continue }
            defer { before = document; operations = [] }
            guard let origin = record.origin, let original = originals[origin] else { continue }
            // A participant enrolled under this ID on another machine, listed: its conflicts only (its whole
            // trail is kept, and checked, in its branch file).
            if operations.allSatisfy({ $0.path == "/conflicts" || $0.path.hasPrefix("/conflicts/") }),
               case .object(let members) = document, case .array(let conflicts)? = members["conflicts"],
               conflicts.contains(where: { $0["what"]?.stringValue == SyncConflict.enrolledTwice }) { continue }
            if let problem = reappliedProblem(record, original: original, known: known, before: before, after: document, context: context) {
                problems.append("\(trail) record \(record.seq) says a merge applied again the save \(origin.prefix(12)) by \(record.user), but \(problem) (edited or forged)")
            }
        }
        return problems
    }

    /// Why one re-applied save is not what its original gives, or nil.
    private static func reappliedProblem(_ save: AuditRecord, original: AuditRecord, known: [String: AuditRecord],
                                         before: JSONValue, after: JSONValue, context: StudyContext) -> String? {
        guard let value = save.change else {
            // An older save, applied again as its own operations: the original's, from the same data.
            guard original.change == nil else { return "it carries no change value while the original does" }
            var replayed = before
            for operation in originalOperations(original, known: known) {
                guard (try? JSONPatch.apply(operation, to: &replayed)) != nil else { return "the original's steps do not fit the data before it" }
            }
            return replayed == after ? nil : "its records are not the original's steps"
        }
        guard let recorded = RecordedChange(value: value) else { return "its change value cannot be read" }
        do {
            var participant = try JSONValueDecoder.decode(Participant.self, from: before)
            let environment = ChangeEnvironment(context: context, today: recorded.today, user: save.user, site: UnknownSite())
            _ = try recorded.change.apply(to: &participant, in: environment)
            guard try JSONValue(encoding: participant) == after else { return "its records are not what its change gives" }
        } catch {
            return "its change does not apply to the data before it (\(error))"
        }
        let claimed: Change?
        if case .recordConflict(_, let conflict) = recorded.change { claimed = conflict.change } else { claimed = recorded.change }
        let originalChange = original.change.flatMap(RecordedChange.init(value:))?.change
        guard let claimed else { return originalChange == nil ? nil : "its conflict does not hold the original's change" }
        guard let originalChange, comparable(claimed) == comparable(originalChange) else {
            return "its change is not the original's"
        }
        return nil
    }

    /// The operations of the save `last` ends, found among the records the branch files and the trail hold.
    private static func originalOperations(_ last: AuditRecord, known: [String: AuditRecord]) -> [PatchOperation] {
        var operations = [last.operation], record = last
        while let previous = known[record.prev], previous.state == nil {
            operations.insert(previous.operation, at: 0)
            record = previous
        }
        return operations
    }

    /// A change as compared with the one it was applied again from: the numbers a merge gives anew (`AE3`,
    /// `CM2`, `U1` where a record's id or visit goes) and an undo's steps (worked out again on the merged data)
    /// left out.
    static func comparable(_ change: Change) -> JSONValue? {
        guard var value = try? JSONValue(encoding: change) else { return nil }
        if case .object(var members) = value, case .object(var revert)? = members["revert"] {
            revert["to"] = nil
            revert["expected"] = nil
            members["revert"] = .object(revert)
            value = .object(members)
        }
        return RecordedChange.mappingIds(value) { isNumbered($0) ? "#" : $0 }
    }

    /// Whether `text` is a number a merge may give anew: `AE` or `CM` or `U` and digits.
    private static func isNumbered(_ text: String) -> Bool {
        for prefix in ["AE", "CM", "U"] where text.hasPrefix(prefix) {
            let digits = text.dropFirst(prefix.count)
            if !digits.isEmpty && digits.allSatisfy(\.isASCIIDigit) { return true }
        }
        return false
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
