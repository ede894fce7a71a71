import CohortDomain
@testable import CohortFileStore
@testable import CohortStore
import Foundation
import Testing

/// The short cuts `verify` takes on every file (docs/DECISIONS.md, "verify: where the instructions went")
/// give the answers of the general paths they skip.
struct VerifyFastPathTests {
    /// `Text.problem` as it was before its printable-ASCII short cut.
    private func generalProblem(_ text: String, what: String, longest: Int) -> String? {
        if text.trimmingCharacters(in: .whitespaces).isEmpty { return "\(what) is empty" }
        if text.count > longest || text.utf8.count > longest * 4 { return "\(what) is longer than \(longest) characters" }
        if text.unicodeScalars.contains(where: Text.isControl) { return "\(what) holds control characters" }
        return nil
    }

    @Test(arguments: ["", " ", "   ", "a", " a ", "~", String(repeating: "a", count: 12), String(repeating: "b", count: 13),
                      String(repeating: " ", count: 13), "a\tb", "\t", "a\u{7F}", "é", " é ", "\u{A0}", "a\u{202E}b", "a\r\nb"])
    func aTextProblemIsTheGeneralAnswer(_ text: String) {
        #expect(Text.problem(text, what: "x", longest: 12) == generalProblem(text, what: "x", longest: 12), "\(Array(text.utf8))")
    }

    @Test(arguments: [("95", "95"), ("-0", "0"), ("0", "0"), ("-12", "-12"), ("999999999999", "999999999999"), ("37.8", "37.8"),
                      ("0.000001", "0.000001"), ("\"95.0\"", "95.0"), ("120.5", "120.5")])
    func aQuantityReadsAsItsText(_ json: String, _ text: String) throws {
        let quantity = try JSONDecoder().decode(Quantity.self, from: Data(json.utf8))
        #expect(quantity == Quantity(text) && quantity.description == text)
    }

    @Test(arguments: ["1000000000000", "1e12", "0.0000001", "\"95\"", "true", "null", "[1]"])
    func aQuantityOutOfItsShapeIsRefused(_ json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Quantity.self, from: Data(json.utf8)) }
    }

    @Test func pointerTokensSplitAndUnescape() throws {
        #expect(try JSONPatch.pointerTokens("") == [])
        #expect(try JSONPatch.pointerTokens("/") == [""])
        #expect(try JSONPatch.pointerTokens("/visits/3/note") == ["visits", "3", "note"])
        #expect(try JSONPatch.pointerTokens("/a/") == ["a", ""])
        #expect(try JSONPatch.pointerTokens("/a~1b/c~0d//~01") == ["a/b", "c~d", "", "~1"])
        #expect(try JSONPatch.pointerTokens("/ü/x") == ["ü", "x"])
        #expect(throws: JSONPatch.Mismatch.self) { try JSONPatch.pointerTokens("visits") }
    }

    @Test func everyByteOfAStringIsLookedAtWhereverItFalls() throws {
        // Strings read eight bytes at a time: a quote, a backslash, a control or a byte beyond ASCII at any place
        // of a word, or after it, is still seen.
        for length in 0..<20 {
            for place in 0..<max(1, length) {
                for special in ["\"", "\\", "\n", "\u{1}", "é", "€", "~"] {
                    var text = Array(repeating: "a", count: length)
                    if length > 0 { text[place] = special }
                    let value = JSONValue.string(text.joined())
                    #expect(try JSONValue.parse(value.canonicalBytes()) == value, "\(length) \(place) \(special)")
                }
                guard length > 0 else { continue }
                var raw = Array(repeating: UInt8(ascii: "a"), count: length)
                raw[place] = 0x01
                #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")]) }
                raw[place] = 0xFF
                #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")]) }
            }
        }
    }

    @Test func aRecordLineReadsBackAndAnyOtherMemberIsRefused() throws {
        var record = AuditRecord(seq: 3, time: "2026-11-25T10:00:00.000Z", user: "t", subject: "101-0001", reason: "why",
                                 operation: PatchOperation(op: .replace, path: "/visits/0/note", value: .string("b"), old: .string("a")),
                                 prev: String(repeating: "1", count: 64))
        record.state = String(repeating: "2", count: 64)
        record.change = .object(["kind": .string("note")])
        record.origin = String(repeating: "3", count: 64)
        let line = record.line()
        #expect(try AuditRecord(line: line[...]) == record)
        guard case .object(let members) = try JSONValue.parse(line) else { Issue.record("not an object"); return }
        // A name sorting right after each known one (and after the last): wherever it falls, it is refused.
        for name in AuditRecord.memberNames + [""] {
            var extra = members
            extra[name + "x"] = .string("x")
            let forged = JSONValue.object(extra).canonicalBytes()
            #expect(throws: AuditRecord.LineProblem.unreadable("it has a member that audit records do not have"), "\(name)x") {
                try AuditRecord(line: forged[...])
            }
        }
    }

    @Test func aSecondMemberIsRefusedAtAnyDepthWhereItEnds() throws {
        let nested = #"{"a":{"b":1,"c":[{"d":2,"d":3}]},"e":4}"#
        do {
            _ = try JSONValue.parse(Array(nested.utf8))
            Issue.record("a second member was read")
        } catch let error as JSONValue.SyntaxError {
            #expect(error.offset == Array(nested.utf8).firstIndex(of: UInt8(ascii: "3"))! + 1 && error.expected == "no second member named d")
        }
        let wide = "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        #expect(try JSONValue.parse(Array(wide.utf8)) == .object(Dictionary(uniqueKeysWithValues: (0..<40).map { ("k\($0)", JSONValue.int($0)) })))
    }
}
