import CohortStore
import Foundation

/// What one `cohort sync` did: `{"pushed": N, "received": [{"subject", "changes", "authors"}…],
/// "conflicts": N}` (docs/RULES.md, "Several machines").
public struct SyncReport: Encodable, Equatable, Sendable {
    /// What came in for one participant: how many saves, and by whom.
    public struct Received: Encodable, Equatable, Sendable {
        /// The participant.
        public var subject: String
        /// The saves that came in.
        public var changes: Int
        /// Who made them, sorted.
        public var authors: [String]
    }

    /// How many participants the remote gained from this machine.
    public var pushed: Int
    /// What came in, by participant (sorted by subject).
    public var received: [Received]
    /// How many conflicts the merges of this sync found.
    public var conflicts: Int

    /// The report in words, for `cohort sync` and the screens.
    public var lines: [String] {
        var lines: [String] = []
        lines.append(pushed == 0 ? "Sent nothing new." : "Sent changes to \(pushed) participant\(pushed == 1 ? "" : "s").")
        if received.isEmpty {
            lines.append("Nothing came in.")
        } else {
            for item in received {
                // Only finished saves are counted and only their authors named: files that came in without one
                // (a merge's branch file, a save that did not finish) say so, never "0 changes by ."
                if item.changes == 0 || item.authors.isEmpty {
                    lines.append("Received \(item.subject): its files, with no new save.")
                } else {
                    lines.append("Received \(item.subject): \(item.changes) change\(item.changes == 1 ? "" : "s") by \(item.authors.joined(separator: ", ")).")
                }
            }
        }
        if conflicts > 0 { lines.append("\(conflicts) conflict\(conflicts == 1 ? "" : "s") to resolve: see `cohort conflicts`.") }
        return lines
    }

    /// What `trail` holds past `base` (the trail at the common version; nil: none): the saves (a save's
    /// last record carries `state`) and their authors. Records after the last finished save (one that did
    /// not finish) name no author; the sync has checked every record before it reports them.
    static func received(subject: String, base: Data?, trail: Data) -> Received {
        let baseBytes = base ?? Data()
        let new = trail.starts(with: baseBytes) ? trail.dropFirst(baseBytes.count) : trail[...]
        var changes = 0
        var authors: Set<String> = [], pending: Set<String> = []
        for line in new.split(separator: UInt8(ascii: "\n")) {
            guard let record = try? JSONValue.parse(Array(line)) else { continue }
            if let user = record["user"]?.stringValue { pending.insert(user) }
            if record["state"] != nil {
                changes += 1
                authors.formUnion(pending)
                pending = []
            }
        }
        return Received(subject: subject, changes: changes, authors: authors.sorted())
    }
}
