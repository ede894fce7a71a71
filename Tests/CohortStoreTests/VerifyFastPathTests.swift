import CohortDomain
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
