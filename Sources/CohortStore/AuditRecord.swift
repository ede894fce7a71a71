import CohortDomain

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

    /// What orders the whole store's trail: time, then subject (store-wide records first), then sequence.
    public typealias TimeKey = (time: String, subject: String, seq: Int)

    /// This record's place in the whole store's trail.
    public var timeKey: TimeKey { (time, subject ?? "", seq) }

    /// Creates a record; `hash` is filled in by `line()`.
    init(seq: Int, time: String, user: String, subject: String?, reason: String?, operation: PatchOperation, prev: String) {
        self.seq = seq; self.time = time; self.user = user; self.subject = subject; self.reason = reason
        self.operation = operation; self.prev = prev; hash = Self.blankHash
    }

    /// The record as `cohort audit --format json` prints it (PRODUCT.md §4).
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

    // MARK: The line on disk

    /// Every line begins with this; the 64 hex digits of the hash follow (`hash` sorts first).
    static let linePrefix = Array("{\"hash\":\"".utf8)
    static let hashRange = linePrefix.count..<(linePrefix.count + 64)
    static let blankHash = String(repeating: "0", count: 64)

    /// The line for the log (without its newline), with the hash computed and set.
    mutating func line() -> [UInt8] {
        guard case .object(var members) = exported else { return [] }
        members["hash"] = .string(Self.blankHash)
        members["prev"] = .string(prev)
        var bytes = JSONValue.object(members).canonicalBytes()
        hash = Self.hash(of: bytes)
        bytes.replaceSubrange(Self.hashRange, with: Array(hash.utf8))
        return bytes
    }

    /// SHA-256 of `line` with its hash digits read as zeros.
    static func hash(of line: some Collection<UInt8>) -> String {
        var blanked = Array(line)
        guard blanked.count > hashRange.upperBound else { return "" }
        blanked.replaceSubrange(hashRange, with: repeatElement(UInt8(ascii: "0"), count: 64))
        return SHA256.hex(blanked)
    }

    /// Why a line is not an intact record.
    enum LineProblem: Error, Equatable {
        /// Not a record at all (damaged, cut, or not JSON).
        case unreadable(String)
        /// Readable, but its hash does not match its bytes (edited).
        case altered
    }

    /// Reads one line of a log, checking its own hash.
    init(line: some Collection<UInt8>) throws(LineProblem) {
        let bytes = Array(line)
        guard bytes.starts(with: Self.linePrefix), bytes.count > Self.hashRange.upperBound else {
            throw .unreadable("it does not begin like an audit record")
        }
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch { throw .unreadable("\(error)") }
        guard case .object(let members) = value else { throw .unreadable("it is not an object") }
        let known: Set<String> = ["hash", "prev", "subject", "seq", "time", "user", "reason", "op", "path", "value", "old"]
        guard members.keys.allSatisfy(known.contains) else {
            throw .unreadable("it has a member that audit records do not have")
        }
        guard let hash = members["hash"]?.stringValue, let prev = members["prev"]?.stringValue,
              let seq = members["seq"]?.intValue, seq >= 1,
              let time = members["time"]?.stringValue, let user = members["user"]?.stringValue,
              let opText = members["op"]?.stringValue, let op = PatchOperation.Op(rawValue: opText),
              let path = members["path"]?.stringValue else {
            throw .unreadable("a required member is missing or of the wrong type")
        }
        func optionalText(_ key: String) throws(LineProblem) -> String? {
            switch members[key] {
            case .null?: return nil
            case .string(let text)?: return text
            default: throw .unreadable("\(key) is missing or not text")
            }
        }
        subject = try optionalText("subject")
        reason = try optionalText("reason")
        let operation = PatchOperation(op: op, path: path, value: members["value"], old: members["old"])
        guard (op == .remove) == (operation.value == nil), (op == .add) == (operation.old == nil) else {
            throw .unreadable("its value and old value do not fit the operation \(op.rawValue)")
        }
        self.seq = seq; self.time = time; self.user = user; self.operation = operation; self.prev = prev; self.hash = hash
        guard Self.hash(of: bytes) == hash else { throw .altered }
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
