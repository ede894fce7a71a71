import CohortStore

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
        var bytes = JSONValue.object(members).canonicalBytes()
        hash = Self.hash(of: bytes[...])
        bytes.replaceSubrange(Self.hashRange, with: Array(hash.utf8))
        return bytes
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
        var subject: JSONValue?, reason: JSONValue?, value: JSONValue?, old: JSONValue?, state: JSONValue?
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
        guard Self.hash(of: bytes) == hash else { throw .altered }
    }
}
