import CohortDomain
import Foundation

/// One entry of the audit trail (21 CFR 11.10(e)): who changed what, when, from what to what, and why.
/// What changed is one JSON Patch operation on the participant (or, for store-wide records, on the
/// store's site and protocols), derived from the data before and after a change; replaying a chain's
/// records onto `{}` rebuilds the data. Each record carries the hash of the one before it, so an edit,
/// deletion or reordering breaks the chain.
public struct AuditRecord: Equatable, Sendable {
    /// Position in its chain, from 1.
    public var seq: Int
    /// UTC time, ISO-8601 with milliseconds.
    public var time: String
    /// Who made the change.
    public var user: String
    /// The participant concerned (nil for store-wide records).
    public var subject: String?
    /// Reason given (nil when none was needed).
    public var reason: String?
    /// What changed.
    public var operation: PatchOperation
    /// Hash of the previous record (`genesis` for the first).
    public var prev: String
    /// SHA-256 of this record's line with its own hash digits read as zeros.
    public var hash: String
    /// On the last record of each save: the SHA-256 of the data's canonical JSON after it, so the next save
    /// can tell in one hash that the data file is still what the trail says (not edited by hand since).
    public var state: String?
    /// On the last record of each save in a store with users: the author's Ed25519 signature (base64) of
    /// `AuditRecord.signedMessage(hash)`, the chain head the save ends at (docs/RULES.md, "Signed saves").
    /// Not covered by the record's own hash (it signs that hash).
    public var signature: String?
    /// On the last record of each save made by this version: the change value the save applied and the
    /// day it was applied on (member `with`: `{"change", "today"}`), covered by the record's hash, so a merge can apply it
    /// again on another state (docs/RULES.md, "Merging and conflicts"). Absent on older records.
    public var change: JSONValue?
    /// On the last record of a save a merge re-applied: the head hash of the original save, kept verbatim
    /// with its signature in a branch file. Covered by the hash.
    public var origin: String?

    /// What orders the whole store's trail: time, then subject (store-wide records first), then sequence.
    public typealias TimeKey = (time: String, subject: String, seq: Int)

    /// This record's place in the whole store's trail.
    public var timeKey: TimeKey { (time, subject ?? "", seq) }

    /// Creates a record; `hash` is filled in when its line is written (`line()`, in CohortFileStore).
    package init(seq: Int, time: String, user: String, subject: String?, reason: String?, operation: PatchOperation, prev: String) {
        self.seq = seq; self.time = time; self.user = user; self.subject = subject; self.reason = reason
        self.operation = operation; self.prev = prev; hash = Self.blankHash
    }

    /// The record as `cohort audit --format json` prints it (docs/RULES.md, "The trail is the record").
    public var exported: JSONValue {
        var members: [String: JSONValue] = [
            "subject": subject.map(JSONValue.string) ?? .null, "seq": .int(seq), "time": .string(time),
            "user": .string(user), "reason": reason.map(JSONValue.string) ?? .null,
            "op": .string(operation.op.rawValue), "path": .string(operation.path),
        ]
        if let value = operation.value { members["value"] = value }
        if let old = operation.old { members["old"] = old }
        return .object(members)
    }

    /// The hash digits a record carries until its line is written (and that its own hash is computed over).
    package static let blankHash = String(repeating: "0", count: 64)
}

/// Where a chain ended when its owner file was last saved: the last committed record.
public struct AuditHead: Codable, Sendable, Equatable {
    /// Sequence number of the last committed record (0 for none).
    public var seq: Int
    /// Its hash (`genesis` for none).
    public var hash: String

    /// An empty chain.
    public static let empty = AuditHead(seq: 0, hash: "genesis")

    /// The head at record `seq` whose hash is `hash`.
    package init(seq: Int, hash: String) { self.seq = seq; self.hash = hash }
}
