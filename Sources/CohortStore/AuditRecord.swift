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

    /// What orders the whole store's trail: time, then subject (store-wide records first), then sequence.
    public typealias TimeKey = (time: String, subject: String, seq: Int)

    /// This record's place in the whole store's trail.
    public var timeKey: TimeKey { (time, subject ?? "", seq) }

    /// Creates a record; `hash` is filled in by `line()`.
    init(seq: Int, time: String, user: String, subject: String?, reason: String?, operation: PatchOperation, prev: String) {
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
        if let state { members["state"] = .string(state) }
        var bytes = JSONValue.object(members).canonicalBytes()
        hash = Self.hash(of: bytes[...])
        bytes.replaceSubrange(Self.hashRange, with: Array(hash.utf8))
        return bytes
    }

    /// The line of the last record of a save in a store with users: `sign` signs its hash and the signature
    /// joins the line (outside what the hash covers).
    mutating func signedLine(_ sign: (String) throws -> String) throws -> [UInt8] {
        let unsigned = line()
        guard case .object(var members) = try JSONValue.parse(unsigned) else { return unsigned }
        let signature = try sign(hash)
        self.signature = signature
        members["sig"] = .string(signature)
        return JSONValue.object(members).canonicalBytes()
    }

    /// What a save's author signs: the chain head its last record is, tagged so that a save's signature is
    /// never taken for any other kind of signature.
    public static func signedMessage(_ hash: String) -> Data {
        Data(("cohort-save-v1:" + hash).utf8)
    }

    /// SHA-256 of `line` with its hash digits read as zeros.
    static func hash(of line: ArraySlice<UInt8>) -> String {
        guard line.count > hashRange.upperBound else { return "" }
        var hash = SHA256()
        hash.update(line[line.startIndex..<(line.startIndex + hashRange.lowerBound)])
        hash.update(zeroDigits)
        hash.update(line[(line.startIndex + hashRange.upperBound)...])
        return SHA256.hex(digest: hash.finalize())
    }

    private static let zeroDigits = [UInt8](repeating: UInt8(ascii: "0"), count: 64)

    /// Why a line is not an intact record.
    enum LineProblem: Error, Equatable {
        /// Not a record at all (damaged, cut, or not JSON).
        case unreadable(String)
        /// Readable, but its hash does not match its bytes (edited).
        case altered
    }

    /// Reads one line of a log, checking its own hash.
    init(line bytes: ArraySlice<UInt8>) throws(LineProblem) {
        guard bytes.starts(with: Self.linePrefix), bytes.count > Self.hashRange.upperBound else {
            throw .unreadable("it does not begin like an audit record")
        }
        let pairs: [(key: String, value: JSONValue)]
        do { pairs = try JSONValue.parseSortedMembers(bytes) } catch { throw .unreadable("\(error)") }
        var hash: String?, prev: String?, seq: Int?, time: String?, user: String?, opText: String?, path: String?
        var subject: JSONValue?, reason: JSONValue?, value: JSONValue?, old: JSONValue?, state: JSONValue?, signature: JSONValue?
        for (key, member) in pairs {
            switch key {
            case "hash": hash = member.stringValue
            case "prev": prev = member.stringValue
            case "seq": seq = member.intValue
            case "time": time = member.stringValue
            case "user": user = member.stringValue
            case "op": opText = member.stringValue
            case "path": path = member.stringValue
            case "subject": subject = member
            case "reason": reason = member
            case "value": value = member
            case "old": old = member
            case "state": state = member
            case "sig": signature = member
            default: throw .unreadable("it has a member that audit records do not have")
            }
        }
        guard let hash, let prev, let seq, seq >= 1, let time, let user, let opText, let op = PatchOperation.Op(rawValue: opText),
              let path else {
            throw .unreadable("a required member is missing or of the wrong type")
        }
        func optionalText(_ member: JSONValue?, _ key: String) throws(LineProblem) -> String? {
            switch member {
            case .null?: return nil
            case .string(let text)?: return text
            default: throw .unreadable("\(key) is missing or not text")
            }
        }
        self.subject = try optionalText(subject, "subject")
        self.reason = try optionalText(reason, "reason")
        if let state {
            guard let text = state.stringValue else { throw .unreadable("state is not text") }
            self.state = text
        }
        let operation = PatchOperation(op: op, path: path, value: value, old: old)
        guard (op == .remove) == (operation.value == nil), (op == .add) == (operation.old == nil) else {
            throw .unreadable("its value and old value do not fit the operation \(op.rawValue)")
        }
        self.seq = seq; self.time = time; self.user = user; self.operation = operation; self.prev = prev; self.hash = hash
        if let signature {
            // The hash covers the line as it was before the signature joined it.
            guard let text = signature.stringValue, state != nil else { throw .unreadable("sig is not text, or not on the last record of a save") }
            self.signature = text
            let unsigned = JSONValue.object(Dictionary(uniqueKeysWithValues: pairs.filter { $0.key != "sig" }.map {
                ($0.key, $0.key == "hash" ? JSONValue.string(Self.blankHash) : $0.value)
            })).canonicalBytes()
            guard Self.hash(of: unsigned[...]) == hash else { throw .altered }
        } else {
            guard Self.hash(of: bytes) == hash else { throw .altered }
        }
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
