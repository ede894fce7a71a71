@testable import CohortDomain
import Foundation
import Testing

/// Protocol terms held to the one rule for matched text, and JSON from outside with a member given twice
/// (docs/RULES.md, "Protocols").
struct ProtocolTermsTests {
    /// The protocol `valid` of the protocol tests with `extra` members added at its top.
    func parse(_ extra: String) throws -> StudyProtocol {
        let text = ProtocolTests.valid.replacingOccurrences(of: #""primaryScale": "PANSS","#, with: #""primaryScale": "PANSS", "# + extra + ",")
        return try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales)
    }

    func refusal(_ extra: String) -> String? {
        do {
            _ = try parse(extra)
            return nil
        } catch let error as DomainError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: ["\u{00AD}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{034F}", "\u{115F}", "\u{3164}", "\u{FE0F}",
                      "\u{180E}", "\u{E0001}"])
    func aProtocolTermWithAnInvisibleCharacterIsRefusedByTheRuleAETermsUse(character: String) throws {
        // The rule AE terms and medication names are held to refuses it there too …
        var participant = Safety.participant()
        #expect(throws: DomainError.self) { try Safety.add(&participant, Safety.draft("Syn\(character)cope", onset: "2026-11-03")) }
        // … and in a protocol's terms of special interest, prohibited names and arms.
        for member in ["specialInterest", "prohibitedMedications", "arms"] {
            let extra = member == "arms" ? "" : #""\#(member)": ["Syn\#(character)cope"]"#
            let message = member == "arms"
                ? (try? StudyProtocol.parse(Data(ProtocolTests.valid.replacingOccurrences(of: #"["A"]"#, with: "[\"A\(character)\"]").utf8),
                                            scales: Fixture.scales)).map { _ in "accepted" } ?? "refused"
                : refusal(extra) ?? "accepted"
            #expect(message != "accepted", "\(member) accepted U+\(String(character.unicodeScalars.first!.value, radix: 16))")
            if member != "arms" { #expect(message.contains("invisible character U+"), "\(message)") }
        }
    }

    @Test func aPlainTermStillMatches() throws {
        let parsed = try parse(#""specialInterest": ["Syncope"], "prohibitedMedications": ["benztropine"]"#)
        #expect(SafetyRules(parsed).isOfSpecialInterest("Vasovagal syncope"))
    }

    @Test(arguments: [
        (#"{"saeReportHours": 168, "saeReportHours": 1}"#, "saeReportHours"),
        (#"{"a": {"x": 1, "x": 2}}"#, "x"),
        (#"{"a": [{"code": "D1"}, {"code": "D1", "day": 1, "day": 2}]}"#, "day"),
        (#"{"ab": 1, "a\u0062": 2}"#, "ab"),
        (#"{"\u00e9": 1, "é": 2}"#, "é"),
    ])
    func aMemberGivenTwiceIsFound(json: String, name: String) {
        #expect(DuplicateKeys.first(in: Data(json.utf8)) == name)
    }

    @Test(arguments: [
        #"{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}"#,
        #"{"a": "a", "b": ["a", "a"], "c": "\"a\""}"#,
        #"{"é": 1, "e\u0301": 2}"#,  // two different names that look alike: not the same member
        #"{"a": 1,"#,                // not JSON: the decoder says so
    ])
    func namesInDifferentObjectsOrValuesAreNotDuplicates(json: String) {
        #expect(DuplicateKeys.first(in: Data(json.utf8)) == nil)
    }

    @Test func aProtocolGivingAMemberTwiceIsRefusedNamingIt() {
        let message = refusal(#""saeReportHours": 168, "saeReportHours": 1"#)
        #expect(message?.contains("'saeReportHours' twice") == true, "\(message ?? "accepted")")
        let inVisit = ProtocolTests.valid.replacingOccurrences(of: #""day": 8,"#, with: #""day": 8, "day": 9,"#)
        #expect(throws: DomainError.self) { try StudyProtocol.parse(Data(inVisit.utf8), scales: Fixture.scales) }
    }
}
