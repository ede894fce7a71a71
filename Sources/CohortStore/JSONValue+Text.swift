/// Reading and writing JSON text by hand: `verify` replays every trail in the store, and Foundation's
/// decoders are several times slower on the many small records it reads. The writer is canonical (sorted
/// keys, no spaces), so a record's bytes, and so its hash, depend on its content only.
extension JSONValue {
    /// Why some bytes are not one JSON document.
    public struct SyntaxError: Error, CustomStringConvertible {
        /// Where the problem was found.
        public let offset: Int
        /// What was expected.
        public let expected: String
        public var description: String { "not JSON at byte \(offset): expected \(expected)" }
    }

    /// Deepest nesting accepted: stored documents are a few levels deep; a hostile file must not exhaust the stack.
    static let maximumDepth = 64

    /// Parses one JSON document filling the whole of `bytes` (white space around it allowed).
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer(parse)
    }

    /// Parses one JSON document filling the whole of `bytes`: a line of a larger buffer, without a copy.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer(parse)
    }

    /// The members of the object that fills `bytes`, in the order written, which must be sorted (as the
    /// canonical writer writes them): for the audit lines read by the hundred thousand, with no dictionary
    /// built for the top level.
    package static func parseSortedMembers(_ bytes: ArraySlice<UInt8>) throws -> [(key: String, value: JSONValue)] {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer)
            let members = try parser.sortedMembers()
            parser.skipSpace()
            guard parser.offset == buffer.count else { throw parser.error("the end of the document") }
            return members
        }
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        try parse(buffer, locating: []).value
    }

    /// Parses like `parse`, and says where in `bytes` the value at `path` (member names from the top) is
    /// written: nil when there is none.
    public static func parse(_ bytes: [UInt8], locating path: [String]) throws -> (value: JSONValue, span: Range<Int>?) {
        try bytes.withUnsafeBufferPointer { try parse($0, locating: path) }
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, locating path: [String]) throws -> (value: JSONValue, span: Range<Int>?) {
        var parser = Parser(bytes: buffer, locating: path)
        let value = try parser.value(depth: 0, onPath: !path.isEmpty)
        parser.skipSpace()
        guard parser.offset == buffer.count else { throw parser.error("the end of the document") }
        return (value, parser.located)
    }

    /// The canonical compact text: object members in sorted key order, no white space.
    public func canonicalBytes() -> [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    /// Appends the canonical text to `output`. Every trail's hashes are of these bytes, so they never change:
    /// `CanonicalWriterTests` holds them to the writer they were first made with. Written for speed (no
    /// array made per value, a string copied whole when nothing in it needs escaping): every save hashes its
    /// lines and its state (docs/DECISIONS.md, "The summary as recorded and `verify` within their goals").
    func write(to output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): output.append(contentsOf: String(value).utf8)
        case .double(let value): output.append(contentsOf: (value.isFinite ? "\(value)" : "null").utf8)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for index in values.indices {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                values[index].write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            var first = true
            for member in members.sorted(by: { $0.key < $1.key }) {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                Self.writeString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            output.append(UInt8(ascii: "\""))
            defer { output.append(UInt8(ascii: "\"")) }
            // Most text needs no escape: copied whole.
            guard bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                output.append(contentsOf: bytes)
                return
            }
            let hex: StaticString = "0123456789abcdef"
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\")); output.append(byte)
                case UInt8(ascii: "\n"): output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\t"): output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "t"))
                case UInt8(ascii: "\r"): output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "r"))
                case 0..<0x20:
                    output.append(contentsOf: "\\u00".utf8)
                    output.append(hex.utf8Start[Int(byte >> 4)])
                    output.append(hex.utf8Start[Int(byte & 15)])
                default: output.append(byte)
                }
            }
        }
    }
}

/// A recursive-descent reader over a byte buffer; every read is bounds-checked.
private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0
    /// The members of the objects still open, innermost last, each with the offset where its value ends.
    var pending: [(key: String, value: JSONValue, end: Int)] = []
    /// The member names of the value whose place is wanted, from the top, and where it was found.
    let locate: [String]
    var located: Range<Int>?

    init(bytes: UnsafeBufferPointer<UInt8>, locating path: [String] = []) { self.bytes = bytes; locate = path }

    func error(_ expected: String) -> JSONValue.SyntaxError { JSONValue.SyntaxError(offset: offset, expected: expected) }

    mutating func skipSpace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    /// The value at the offset; `onPath`: it is the value at the first `depth` names of `locate`.
    mutating func value(depth: Int, onPath: Bool = false) throws -> JSONValue {
        guard depth < JSONValue.maximumDepth else { throw error("at most \(JSONValue.maximumDepth) levels of nesting") }
        skipSpace()
        guard offset < bytes.count else { throw error("a value") }
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            offset += 1
            skipSpace()
            if offset < bytes.count && bytes[offset] == UInt8(ascii: "}") { offset += 1; return .object([:]) }
            // The members wait on a stack shared by every level and become a dictionary of the right size at
            // the closing brace: growing it member by member rehashed most objects several times.
            let first = pending.count
            defer { pending.removeSubrange(first...) }
            while true {
                skipSpace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw error("a member name") }
                let key = try string()
                skipSpace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw error("':'") }
                offset += 1
                let member: JSONValue
                if onPath && key == locate[depth] {
                    skipSpace()
                    let start = offset
                    member = try value(depth: depth + 1, onPath: depth + 1 < locate.count)
                    if depth + 1 == locate.count { located = start..<offset }
                } else {
                    member = try value(depth: depth + 1)
                }
                let end = offset
                pending.append((key, member, end))
                skipSpace()
                guard offset < bytes.count else { throw error("',' or '}'") }
                offset += 1
                if bytes[offset - 1] == UInt8(ascii: "}") { break }
                guard bytes[offset - 1] == UInt8(ascii: ",") else { offset -= 1; throw error("',' or '}'") }
            }
            var members = [String: JSONValue](minimumCapacity: pending.count - first)
            for (key, member, end) in pending[first...] where members.updateValue(member, forKey: key) != nil {
                // Where the second member ends, as when it was refused on reading.
                throw JSONValue.SyntaxError(offset: end, expected: "no second member named \(key)")
            }
            return .object(members)
        case UInt8(ascii: "["):
            offset += 1
            var values: [JSONValue] = []
            skipSpace()
            if offset < bytes.count && bytes[offset] == UInt8(ascii: "]") { offset += 1; return .array(values) }
            while true {
                values.append(try value(depth: depth + 1))
                skipSpace()
                guard offset < bytes.count else { throw error("',' or ']'") }
                offset += 1
                if bytes[offset - 1] == UInt8(ascii: "]") { return .array(values) }
                guard bytes[offset - 1] == UInt8(ascii: ",") else { offset -= 1; throw error("',' or ']'") }
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            return try number()
        }
    }

    mutating func sortedMembers() throws -> [(key: String, value: JSONValue)] {
        skipSpace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "{") else { throw error("an object") }
        offset += 1
        var members: [(key: String, value: JSONValue)] = []
        skipSpace()
        if offset < bytes.count && bytes[offset] == UInt8(ascii: "}") { offset += 1; return members }
        while true {
            skipSpace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw error("a member name") }
            let key = try string()
            if let last = members.last?.key, !(last < key) { throw error("members in sorted order, each once") }
            skipSpace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw error("':'") }
            offset += 1
            members.append((key, try value(depth: 1)))
            skipSpace()
            guard offset < bytes.count else { throw error("',' or '}'") }
            offset += 1
            if bytes[offset - 1] == UInt8(ascii: "}") { return members }
            guard bytes[offset - 1] == UInt8(ascii: ",") else { offset -= 1; throw error("',' or '}'") }
        }
    }

    mutating func literal(_ word: String) throws {
        let expected = word.utf8
        guard bytes.count - offset >= expected.count,
              UnsafeBufferPointer(rebasing: bytes[offset..<(offset + expected.count)]).elementsEqual(expected) else { throw error(word) }
        offset += expected.count
    }

    mutating func number() throws -> JSONValue {
        let start = offset
        var isInteger = true
        if offset < bytes.count && bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let digitsStart = offset
        while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
        guard offset > digitsStart else { throw error("a value") }
        guard bytes[digitsStart] != UInt8(ascii: "0") || offset - digitsStart == 1 else { throw error("no leading zeros") }
        if offset < bytes.count && bytes[offset] == UInt8(ascii: ".") {
            isInteger = false
            offset += 1
            let fraction = offset
            while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
            guard offset > fraction else { throw error("digits after '.'") }
        }
        if offset < bytes.count && (bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E")) {
            isInteger = false
            offset += 1
            if offset < bytes.count && (bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-")) { offset += 1 }
            let exponent = offset
            while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
            guard offset > exponent else { throw error("digits in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        if isInteger, let integer = Int(text) { return .int(integer) }
        guard let double = Double(text), double.isFinite else { throw JSONValue.SyntaxError(offset: start, expected: "a number in range") }
        return .double(double)
    }

    mutating func string() throws -> String {
        offset += 1 // the opening quote
        var scalars: [UInt8] = []
        let start = offset
        // Fast path: no escapes, copy the bytes at once; only text beyond ASCII needs its UTF-8 checked.
        var isASCII = true
        // Eight bytes at a time while none is a quote, a backslash, a control or beyond ASCII (the hashes and
        // dates that fill the trails); the loop below looks at the rest, and at any word this one stops at.
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while offset + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
                let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
                // A byte of zero in `quote` or `backslash`, a byte below 0x20, or a high bit, sets that byte's high bit.
                let stop = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word) | word
                if stop & highs != 0 { break }
                offset += 8
            }
        }
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<offset])
                let text = String(decoding: raw, as: UTF8.self)
                // Decoding repairs bad UTF-8; a repaired string is not the bytes that were written.
                guard isASCII || text.utf8.elementsEqual(raw) else { throw error("UTF-8 text") }
                offset += 1
                return text
            }
            if byte >= 0x80 { isASCII = false }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            offset += 1
        }
        scalars += bytes[start..<offset]
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: scalars, as: UTF8.self) else { throw error("UTF-8 text") }
                return text
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { throw error("an escape") }
                let escape = bytes[offset]
                offset += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                            throw error("the second half of a surrogate pair")
                        }
                        offset += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("the second half of a surrogate pair") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("a Unicode scalar") }
                    scalars += Array(String(Character(scalar)).utf8)
                default: throw error("a known escape")
                }
            case 0..<0x20:
                offset -= 1
                throw error("no control characters in a string")
            default:
                scalars.append(byte)
            }
        }
        throw error("the end of the string")
    }

    mutating func hex4() throws -> UInt32 {
        guard bytes.count - offset >= 4 else { throw error("four hex digits") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("four hex digits")
            }
            code = code << 4 | UInt32(digit)
            offset += 1
        }
        return code
    }
}
