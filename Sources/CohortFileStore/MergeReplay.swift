import CohortDomain
import CohortStore
import Foundation

/// The second side of a merge applied again on top of the first, save by save
/// (docs/RULES.md, "Merging and conflicts"): the merged participant, its trail (the first side's verbatim, then one save per save
/// applied again, with its original author and time and the original save's head as `origin`), and the
/// conflicts recorded.
struct MergeReplay {
    let store: JSONFileStore
    let subject: String
    /// The common version's data, and the first side's: what the first side changed since is theirs to keep.
    let base: JSONValue
    let firstTree: JSONValue
    /// The first side's records after the common version (who changed a value, for a conflict).
    let firstNew: [AuditRecord]
    private(set) var state: Participant
    private(set) var tree: JSONValue
    private(set) var head: AuditHead
    private(set) var trail: [UInt8]
    private(set) var conflicts: [SyncConflict] = []
    /// The other side's AE, CM and unscheduled-visit ids that were numbered anew here.
    private var renamed: [String: String] = [:]

    init(store: JSONFileStore, subject: String, base: JSONValue, first: MergeSide, firstNew: [AuditRecord]) {
        self.store = store; self.subject = subject; self.base = base; firstTree = first.tree; self.firstNew = firstNew
        state = first.participant; head = first.head
        trail = []
        for line in first.lines { trail += line; trail.append(UInt8(ascii: "\n")) }
        // The first side's data already remembers every AE and CM number its trail gave (its saves checked it):
        // the second side's new records take the next numbers after them.
        tree = first.tree
    }

    /// Paths whose changes are the rules' own bookkeeping, never a clinical value two people set.
    static func isBookkeeping(_ path: String) -> Bool {
        ["/signatures", "/recordNumbers", "/conflicts", "/casebookLock"].contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// Applies one save of the second side again on the merged state, or records it as a conflict.
    mutating func reapply(_ save: MergeSave, originalBefore: JSONValue, originalAfter: JSONValue) throws {
        guard let last = save.records.last else { return }
        let recorded = last.change.flatMap(RecordedChange.init(value:))
        let today = recorded?.today ?? CivilDate(String(last.time.prefix(10))) ?? CivilDate(year: 2000, month: 1, day: 1)!
        let environment = ChangeEnvironment(context: store.context, today: today, user: last.user, site: store,
                                            eligibilitySignature: { [store] in store.eligibilitySignature(of: $0) })
        var next = state, reason = last.reason, applied: RecordedChange?
        var conflict: SyncConflict?
        var resolvedAgain = false
        do {
            if var change = try recorded?.renaming(renamed) {
                if case .resolveConflict(_, let id, _, _) = change.change, !next.conflicts.contains(where: { $0.id == id }),
                   let closed = Self.conflicts(in: base).first(where: { $0.id == id }) {
                    // The first side resolved this conflict too: the second's resolution is taken with it open again.
                    // The same data is nothing new; other data is a conflict on the value, whoever changed it.
                    next.conflicts.append(closed)
                    resolvedAgain = true
                }
                if case .revert(let s, let to, let expected, let description, let why) = change.change {
                    // An undo goes back from what it saw: its own steps, where they still fit, on the merged state.
                    let target = try Self.patched(tree, with: JSONPatch.diff(from: try JSONValue(encoding: expected), to: try JSONValue(encoding: to)))
                    change.change = .revert(subject: s, to: try JSONValueDecoder.decode(Participant.self, from: target), expected: state,
                                            description: description, reason: why)
                }
                reason = try change.change.apply(to: &next, in: environment)
                applied = change
            } else {
                // A save written before change values were recorded: its own steps, where each still fits.
                next = try JSONValueDecoder.decode(Participant.self, from: try Self.patched(tree, with: save.records.map(\.operation)))
            }
            let after = try JSONValue(encoding: next)
            if let clash = JSONPatch.diff(from: tree, to: after).first(where: { !Self.isBookkeeping($0.path) && (resolvedAgain || Self.value(at: $0.path, in: base) != Self.value(at: $0.path, in: firstTree)) }) {
                conflict = SyncConflict(id: "", subject: subject, what: clash.path, mine: Self.text(Self.value(at: clash.path, in: tree)),
                                        theirs: Self.text(clash.value), authors: [author(of: clash.path), last.user], change: applied?.change ?? recorded?.change)
            }
        } catch {
            let words = recorded?.change.description ?? "the save of \(last.time)"
            conflict = SyncConflict(id: "", subject: subject, what: words, mine: nil, theirs: words, authors: [firstNew.last?.user ?? "", last.user],
                                    change: recorded?.change, refusal: "\(error)")
        }
        if let conflict {
            next = state
            let change = Change.recordConflict(subject: subject, conflict: conflict)
            reason = try change.apply(to: &next, in: environment)
            applied = RecordedChange(change: change, today: today)
            if let recorded = next.conflicts.last { conflicts.append(recorded) }
        } else {
            noteRenamed(originalBefore: originalBefore, originalAfter: originalAfter, mergedAfter: try JSONValue(encoding: next))
        }
        let after = try JSONValue(encoding: next)
        let operations = JSONPatch.diff(from: tree, to: after)
        if !operations.isEmpty {
            let (lines, newHead) = try AuditLog.lines(operations, subject: subject, user: last.user, reason: reason, time: last.time, after: head,
                                                      state: after.stateHash, sign: nil, change: try applied?.value, origin: last.origin ?? last.hash)
            trail += lines; head = newHead
        }
        state = next; tree = after
    }

    /// The conflicts `document` (a participant's data) holds open.
    static func conflicts(in document: JSONValue) -> [SyncConflict] {
        value(at: "/conflicts", in: document).flatMap { try? JSONValueDecoder.decode([SyncConflict].self, from: $0) } ?? []
    }

    /// Records the ids the other side's new AEs, CMs and unscheduled visits have here, where they differ.
    private mutating func noteRenamed(originalBefore: JSONValue, originalAfter: JSONValue, mergedAfter: JSONValue) {
        for (member, key) in [("adverseEvents", "id"), ("medications", "id"), ("unscheduledVisits", "code")] {
            func ids(_ document: JSONValue) -> [String] {
                guard case .array(let items)? = document[member] else { return [] }
                return items.compactMap { $0[key]?.stringValue }
            }
            let theirs = ids(originalAfter).filter { !ids(originalBefore).contains($0) }
            let ours = ids(mergedAfter).filter { !ids(tree).contains($0) }
            for (old, new) in zip(theirs, ours) where old != new { renamed[old] = new }
        }
    }

    /// Who, on the first side, last changed `path` or a value around it.
    private func author(of path: String) -> String {
        firstNew.last { $0.operation.path == path || $0.operation.path.hasPrefix(path + "/") || path.hasPrefix($0.operation.path + "/") }?.user
            ?? firstNew.last?.user ?? ""
    }

    /// `document` with `operations` applied, each required to fit what is there (an add only where nothing is).
    static func patched(_ document: JSONValue, with operations: [PatchOperation]) throws -> JSONValue {
        var document = document
        for operation in operations {
            if operation.op == .add, let present = value(at: operation.path, in: document), !operation.path.hasSuffix("-"),
               !isArrayElement(operation.path, in: document) {
                throw DomainError("\(operation.path) already holds \(text(present) ?? "a value")")
            }
            try JSONPatch.apply(operation, to: &document)
        }
        return document
    }

    /// Whether `path` names an element of an array (where an add inserts).
    private static func isArrayElement(_ path: String, in document: JSONValue) -> Bool {
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if case .array? = value(at: parent, in: document) { return true }
        return false
    }

    /// The value at a JSON Pointer, or nil.
    static func value(at pointer: String, in document: JSONValue) -> JSONValue? {
        var node: JSONValue? = document
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch node {
            case .object(let members)?: node = members[key]
            case .array(let items)?: node = Int(key).flatMap { items.indices.contains($0) ? items[$0] : nil }
            default: return nil
            }
        }
        return node
    }

    /// A value as compact JSON text.
    static func text(_ value: JSONValue?) -> String? {
        value.map { String(decoding: $0.canonicalBytes(), as: UTF8.self) }
    }
}
