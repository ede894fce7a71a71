@testable import CohortDomain
import CohortTestSupport
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

    @Test(arguments: [("lor\u{0430}zepam", "the Cyrillic letter \u{0430} U+0430 among Latin letters"),
                      ("Sync\u{03BF}pe", "the Greek letter \u{03BF} U+03BF among Latin letters"),
                      ("\u{0405}yncope", "the Cyrillic letter \u{0405} U+0405 among Latin letters")])
    func aWordMixingLatinWithALookAlikeScriptIsRefusedInEveryMatchedText(term: String, named: String) throws {
        #expect(FreeText.hiddenCharacter(in: "acute \(term), mild") == named)
        var participant = Safety.participant()
        #expect { try Safety.add(&participant, Safety.draft(term, onset: "2026-11-03")) } throws: { error in
            (error as? DomainError)?.message.contains(named) == true
        }
        #expect {
            try participant.addMedication(MedicationDraft(name: term, start: Safety.date("2026-11-20")), today: Safety.date("2026-11-25"))
        } throws: { error in (error as? DomainError)?.message.contains(named) == true }
        for member in ["specialInterest", "prohibitedMedications"] {
            let message = refusal(#""\#(member)": ["\#(term)"]"#) ?? "accepted"
            #expect(message.contains(named), "\(member): \(message)")
        }
    }

    @Test func aWordWhollyInAnotherScriptIsAllowed() throws {
        #expect(FreeText.hiddenCharacter(in: "Συγκοπή") == nil && FreeText.hiddenCharacter(in: "лоразепам 1 mg") == nil)
        #expect(FreeText.hiddenCharacter(in: "café crème, ｓｙｎｃｏｐｅ") == nil)
        let parsed = try parse(#""specialInterest": ["Συγκοπή"]"#)
        #expect(SafetyRules(parsed).isOfSpecialInterest("Συγκοπή"))
    }

    /// ASCII text is passed at once (the hidden-character look's short cut): no ASCII character is
    /// invisible or a letter of a script that passes for Latin.
    @Test func noASCIICharacterIsHiddenOrOfAnotherScript() {
        for value in UInt32(0)..<0x80 {
            let scalar = Unicode.Scalar(value)!
            #expect(!FreeText.isInvisible(scalar) && [nil, "Latin"].contains(FreeText.lookAlikeScript(of: scalar)), "\(value)")
        }
        #expect(FreeText.hiddenCharacter(in: "syn\u{AD}cope") != nil && FreeText.hiddenCharacter(in: "s\u{443}ncope") != nil)
    }

    /// ASCII terms are matched without folding (the whole-word match's short cut): folding changes no ASCII
    /// text, and a folded form still matches.
    @Test func foldingChangesNoASCIIText() {
        let ascii = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self)
        #expect(ascii.precomposedStringWithCompatibilityMapping == ascii)
        #expect(WholeWords.contains("Severe SYNCOPE, 2nd episode", "syncope") && WholeWords.contains("ｓｙｎｃｏｐｅ", "Syncope"))
        // ASCII text split by its bytes gives the words its characters give.
        var random = SeededGenerator(seed: 3011)
        let pieces = ["Syncope", "QT", "prolonged", "2nd", " ", ",", "-", "\r\n", "\t", "(", "x9", "", "A1c", "'", "_"]
        for _ in 0..<2_000 {
            let text = (0..<random.next(8)).map { _ in pieces[random.next(pieces.count)] }.joined()
            #expect(WholeWords.words(text) == text.lowercased().split { !($0.isLetter || $0.isNumber) }, "\(text)")
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
