@testable import CohortStore
import CohortTestSupport
import Testing

/// Every audit record's hash and every participant's state hash are of `JSONValue.canonicalBytes()`: the
/// writer must give the bytes it gave when those trails were written, whatever it is rewritten for.
struct CanonicalWriterTests {
    /// The writer the store's trails were first hashed with, kept as it was: one value at a time, keys sorted
    /// and looked up again, each escape an array of its own.
    private static func firstWriter(_ value: JSONValue, to output: inout [UInt8]) {
        func string(_ text: String) {
            output.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\n"): output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case UInt8(ascii: "\t"): output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case UInt8(ascii: "\r"): output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                default: output.append(byte)
                }
            }
            output.append(UInt8(ascii: "\""))
        }
        switch value {
        case .null: output += Array("null".utf8)
        case .bool(let flag): output += Array((flag ? "true" : "false").utf8)
        case .int(let number): output += Array(String(number).utf8)
        case .double(let number): output += Array((number.isFinite ? "\(number)" : "null").utf8)
        case .string(let text): string(text)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                firstWriter(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                string(key)
                output.append(UInt8(ascii: ":"))
                firstWriter(members[key]!, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Texts that take every path of the string writer: plain, escaped, control characters, non-ASCII,
    /// combining marks, keys that sort differently by bytes and by characters.
    private static let texts = ["", "a", "A", "b", "Z", "é", "e\u{301}", "ü", "日本", "🙂", "a\"b", "back\\slash", "line\nbreak",
                                "tab\t", "cr\r", "\u{1}", "\u{1f}", "\u{7f}", "/", "~1", "10", "9", "visits", "visitCount", "a b"]

    private func randomValue(_ random: inout SeededGenerator, depth: Int) -> JSONValue {
        switch depth > 3 ? random.next(5) : random.next(7) {
        case 0: return .int([0, 1, -1, 42, Int.max, Int.min, 1_000_000_007][random.next(7)])
        case 1: return .string(Self.texts[random.next(Self.texts.count)] + Self.texts[random.next(Self.texts.count)])
        case 2: return random.next(2) == 0 ? .null : .bool(random.next(2) == 0)
        case 3: return .double([0.5, -0.0, 1e-7, 1e21, 3.14159, .infinity, .nan, 12.25][random.next(8)])
        case 4: return .string(Self.texts[random.next(Self.texts.count)])
        case 5: return .array((0..<random.next(5)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            let keys = Self.texts.filter { _ in random.next(4) == 0 }
            return .object(Dictionary(keys.map { ($0, randomValue(&random, depth: depth + 1)) }) { first, _ in first })
        }
    }

    @Test func theWriterGivesTheBytesTheTrailsWereHashedWith() {
        var random = SeededGenerator(seed: 8259)
        var escaped = 0
        for _ in 0..<3_000 {
            let value = randomValue(&random, depth: 0)
            var expected: [UInt8] = []
            Self.firstWriter(value, to: &expected)
            let written = value.canonicalBytes()
            #expect(written == expected, "\(String(decoding: expected, as: UTF8.self)) \(random)")
            if written.contains(UInt8(ascii: "\\")) { escaped += 1 }
        }
        // The escaping path was taken, not only the whole-string copy.
        #expect(escaped > 500)
    }
}
