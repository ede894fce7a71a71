import CohortStore
import Foundation

/// An audit record as a line of a log on disk: its canonical JSON with its own SHA-256 in it. Here, not
/// beside the record, because hashing (swift-crypto) belongs to the file store; the in-memory store keeps
/// records without writing lines.
extension AuditRecord {
    /// Every line begins with this; the 64 hex digits of the hash follow (`hash` sorts first).
    static let linePrefix = Array("{\"hash\":\"".utf8)
    static let hashRange = linePrefix.count..<(linePrefix.count + 64)

    /// The line for the log (without its newline), with the hash computed and set.
    mutating func line() -> [UInt8] {
        guard case .object(var members) = exported else { return [] }
        members["hash"] = .string(Self.blankHash)
        members["prev"] = .string(prev)
        if let state { members["state"] = .string(state) }
        // `with` sorts after every other member: the line still begins with its hash, and its `time` is still
        // the first `,"time":"` of the line (AuditLog.minutes), whatever times the change value holds.
        if let change { members["with"] = change }
        if let origin { members["origin"] = .string(origin) }
        var bytes = JSONValue.object(members).canonicalBytes()
        hash = Self.hash(of: bytes[...])
        bytes.replaceSubrange(Self.hashRange, with: Array(hash.utf8))
        return bytes
    }

    /// The line of the last record of a save in a store with users: `sign` signs its hash and the signature
    /// joins the line as `sig`, outside what the hash covers (docs/RULES.md, "Signed saves").
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

    /// `line` without its `,"sig":"…"` member (`signature` as read from it): the bytes its hash covers.
    static func withoutSignature(_ line: ArraySlice<UInt8>, _ signature: String) -> [UInt8]? {
        let member = Array(",\"sig\":\"\(signature)\"".utf8)
        guard let first = member.first else { return nil }
        var index = line.startIndex
        while index + member.count <= line.endIndex {
            if line[index] == first, line[index..<(index + member.count)].elementsEqual(member) {
                return Array(line[line.startIndex..<index]) + Array(line[(index + member.count)...])
            }
            index += 1
        }
        return nil
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

    /// Every member a record line may have, in sorted order (as the canonical writer writes them).
    static let memberNames = ["hash", "old", "op", "origin", "path", "prev", "reason", "seq", "sig", "state", "subject", "time", "user", "value", "with"]

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
        var change: JSONValue?, origin: JSONValue?
        // The members come sorted (the parser refuses them otherwise), so one pass along the sorted names
        // finds each: a name is compared at most once per line, not once per member before it.
        var name = 0
        for (key, member) in pairs {
            while name < Self.memberNames.count && Self.memberNames[name] != key { name += 1 }
            switch name { // the index in `memberNames`
            case 0: hash = member.stringValue
            case 1: old = member
            case 2: opText = member.stringValue
            case 3: origin = member
            case 4: path = member.stringValue
            case 5: prev = member.stringValue
            case 6: reason = member
            case 7: seq = member.intValue
            case 8: signature = member
            case 9: state = member
            case 10: subject = member
            case 11: time = member.stringValue
            case 12: user = member.stringValue
            case 13: value = member
            case 14: change = member
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
        let subjectText = try optionalText(subject, "subject")
        let reasonText = try optionalText(reason, "reason")
        var stateText: String?
        if let state {
            guard let text = state.stringValue else { throw .unreadable("state is not text") }
            stateText = text
        }
        let operation = PatchOperation(op: op, path: path, value: value, old: old)
        guard (op == .remove) == (operation.value == nil), (op == .add) == (operation.old == nil) else {
            throw .unreadable("its value and old value do not fit the operation \(op.rawValue)")
        }
        self.init(seq: seq, time: time, user: user, subject: subjectText, reason: reasonText, operation: operation, prev: prev)
        self.state = stateText; self.hash = hash
        // Only the last record of a save carries the change it applied and the save it re-applies.
        if change != nil || origin != nil {
            guard stateText != nil, case .object = change ?? .object([:]), origin.map({ $0.stringValue != nil }) ?? true else {
                throw .unreadable("change or origin is malformed, or not on the last record of a save")
            }
            self.change = change; self.origin = origin?.stringValue
        }
        guard let signature else {
            guard Self.hash(of: bytes) == hash else { throw .altered }
            return
        }
        // The hash covers the line as it was before the signature joined it.
        guard let text = signature.stringValue, stateText != nil else { throw .unreadable("sig is not text, or not on the last record of a save") }
        self.signature = text
        guard let unsigned = Self.withoutSignature(bytes, text), Self.hash(of: unsigned[...]) == hash else { throw .altered }
    }
}
