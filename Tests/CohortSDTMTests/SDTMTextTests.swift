@testable import CohortSDTM
import Testing

/// Long text split for SUPP-- as SDTMIG says: at most 200 characters a part, between words, nothing lost.
struct SDTMTextTests {
    @Test func textThatFitsIsOnePart() {
        #expect(SDTMText.parts("") == [""])
        #expect(SDTMText.parts(String(repeating: "a", count: 200)) == [String(repeating: "a", count: 200)])
    }

    @Test func longTextIsSplitBetweenWords() {
        let words = (1...80).map { "word\($0)" }.joined(separator: " ") // 80 words, 550 characters
        let parts = SDTMText.parts(words)
        #expect(parts.joined() == words)
        #expect(parts.allSatisfy { $0.unicodeScalars.count <= 200 })
        #expect(parts.allSatisfy { !$0.hasSuffix(" ") })
        #expect(parts.dropFirst().allSatisfy { $0.hasPrefix(" word") })
        #expect(parts.count == 3)
    }

    @Test func aWordLongerThanThePartIsCutAtTheLimit() {
        let text = String(repeating: "x", count: 450)
        #expect(SDTMText.parts(text).map(\.count) == [200, 200, 50])
        #expect(SDTMText.parts("ab cdefgh", limit: 4) == ["ab", " cde", "fgh"])
        #expect(SDTMText.parts(" abcdef", limit: 4) == [" abc", "def"])
    }

    /// XPT v5 cannot keep a trailing blank: a blank at the limit starts the next part (SDTMIG drops nothing).
    @Test func aPartNeverEndsInABlank() {
        let text = String(repeating: "a", count: 199) + " " + String(repeating: "b", count: 50)
        #expect(SDTMText.parts(text) == [String(repeating: "a", count: 199), " " + String(repeating: "b", count: 50)])
        let words = "abc " + String(repeating: "d", count: 195) + "  efg" // blanks at characters 200 and 201
        #expect(SDTMText.parts(words) == ["abc " + String(repeating: "d", count: 195), "  efg"])
        #expect(SDTMText.parts("ab  cd", limit: 4) == ["ab", "  cd"])
    }

    @Test func aLetterIsNeverPartedFromItsAccent() {
        let accented = "e\u{301}" // é as two scalars
        let text = String(repeating: "a", count: 199) + accented + "b"
        let parts = SDTMText.parts(text)
        #expect(parts == [String(repeating: "a", count: 199), accented + "b"])
        #expect(parts.joined() == text)
    }
}
