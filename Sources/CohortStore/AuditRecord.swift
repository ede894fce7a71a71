import CohortDomain

/// One entry of the audit trail (21 CFR 11.10(e)): who changed what, when, from what to what, and why.
/// Each record carries the hash of the one before it, so an edit, deletion or reordering breaks the chain.
public struct AuditRecord: Codable, Sendable, Equatable {
    /// Position in its chain, from 1.
    public var seq: Int
    /// UTC time, ISO-8601 with milliseconds.
    public var time: String
    /// Who made the change.
    public var user: String
    /// The participant concerned (nil for store-wide records).
    public var subject: String?
    /// What changed (`visit W1`).
    public var entity: String
    /// Which field (`*` for a whole entity created).
    public var field: String
    /// Value before.
    public var old: String?
    /// Value after.
    public var new: String?
    /// Reason given.
    public var reason: String?
    /// Hash of the previous record (`genesis` for the first).
    public var prev: String
    /// SHA-256 of this record without `hash`, chained through `prev`.
    public var hash: String?

    /// What orders the whole store's trail: time, then subject (store-wide records first), then sequence.
    public typealias TimeKey = (time: String, subject: String, seq: Int)

    /// This record's place in the whole store's trail.
    public var timeKey: TimeKey { (time, subject ?? "", seq) }

    /// The hash this record should carry.
    func computedHash() throws -> String {
        var body = self
        body.hash = nil
        return SHA256.hex(try CanonicalJSON.compact(body))
    }
}

/// Where a chain ended when its owner file was last saved: the last committed record.
public struct AuditHead: Codable, Sendable, Equatable {
    /// Sequence number of the last committed record (0 for none).
    public var seq: Int
    /// Its hash (`genesis` for none).
    public var hash: String

    /// An empty chain.
    public static let empty = AuditHead(seq: 0, hash: "genesis")
}
