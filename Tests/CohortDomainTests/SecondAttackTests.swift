@testable import CohortDomain
import Foundation
import Testing

/// What the second outside attack found: characters that hide a term, protocol numbers coerced or rules
/// that could never (or always) fire, data dated after a death.
struct SecondAttackTests {
    typealias F = MeasureFixture

    @Test(arguments: ["\u{034F}", "\u{115F}", "\u{1160}", "\u{3164}", "\u{FFA0}", "\u{17B4}", "\u{17B5}", "\u{FE0F}", "\u{2060}", "\u{FEFF}"])
    func everyInvisibleCharacterIsRefusedInATermOrAName(character: String) {
        var participant = F.participant()
        #expect(throws: DomainError.self) { try Safety.add(&participant, Safety.draft("urinary\(character) retention", onset: "2026-11-03")) }
        #expect(throws: DomainError.self) {
            try participant.addMedication(MedicationDraft(name: "benz\(character)tropine", start: Safety.date("2026-11-03")), today: Safety.date("2026-11-25"))
        }
        #expect(participant.adverseEvents.isEmpty && participant.medications.isEmpty)
    }

    /// The protocol `valid` of the protocol tests with `extra` members added at its top.
    func parse(_ extra: String) throws -> StudyProtocol {
        let text = ProtocolTests.valid.replacingOccurrences(of: #""primaryScale": "PANSS","#, with: #""primaryScale": "PANSS", "# + extra + ",")
        return try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales)
    }

    @Test(arguments: [
        (#""alerts": [{"test": "HR", "above": "100"}]"#, "not in the protocol file format"),
        (#""ranges": {"HR": ["1", "2"]}"#, "not in the protocol file format"),
        (#""ranges": {"HR": [1]}"#, "not in the protocol file format"),
        (#""alerts": [{"test": "HR", "aboveTimesUpperNormal": -1}]"#, "aboveTimesUpperNormal -1; it is above 0"),
        (#""alerts": [{"test": "WEIGHT", "aboveTimesUpperNormal": 2}]"#, "WEIGHT has no upper normal limit"),
        (#""alerts": [{"test": "SYSBP", "riseFromBaseline": 0}]"#, "riseFromBaseline 0; it is above 0"),
        (#""alerts": [{"test": "HR", "above": 100000}]"#, "outside what is possible"),
        (#""ranges": {"HR": [-5, 100]}"#, "outside what is possible"),
    ])
    func protocolNumbersAreNumbersAndRulesCanFire(extra: String, message: String) {
        do {
            _ = try parse(extra)
            Issue.record("accepted \(extra)")
        } catch let error as DomainError {
            #expect(error.message.contains(message), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func aProtocolRangeMayGiveAnUpperLimitForAnAlert() throws {
        let parsed = try parse(#""ranges": {"WEIGHT": [null, 120]}, "alerts": [{"test": "WEIGHT", "aboveTimesUpperNormal": 1.1}]"#)
        #expect(parsed.alerts.count == 1)
    }

    @Test func nothingIsDatedAfterADeath() throws {
        var participant = F.participant()
        try Safety.add(&participant, Safety.draft("Cardiac arrest", onset: "2026-11-20", end: "2026-11-20", criteria: [.death], related: .unlikely,
                                                  outcome: .fatal))
        _ = try participant.withdraw(on: Safety.date("2026-11-20"), category: .death, reason: "died", screenFailure: false,
                                     studyProtocol: F.scz, today: F.today, adverseEvent: "AE1")
        let before = participant
        let subject = participant.subject, now = Safety.at("2026-11-25T10:00")
        #expect(throws: DomainError.self) {
            try Change.addAdverseEvent(subject: subject, draft: Safety.draft("Nausea", onset: "2026-11-22"), now: now)
                .apply(to: &participant, in: ChangeEnvironment(context: Fixture.context, today: F.today, user: "lead", site: UnknownSite()))
        }
        #expect(throws: DomainError.self) {
            try Change.measure(subject: subject, visit: "W1", entries: [F.entry("HR", "80", date: "2026-11-22")], reason: nil)
                .apply(to: &participant, in: ChangeEnvironment(context: Fixture.context, today: F.today, user: "lead", site: UnknownSite()))
        }
        #expect(participant == before)
    }
}
