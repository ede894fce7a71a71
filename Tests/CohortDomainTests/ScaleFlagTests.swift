@testable import CohortDomain
import CohortTestSupport
import Foundation
import Testing

/// Protocol-defined scale flags (docs/RULES.md, "Scores", protocol scale flags) and prohibited-medication aliases:
/// each rule, baseline or not, urgency and acknowledgement, and the protocol's validation of both.
struct ScaleFlagTests {
    static let madrs = Fixture.scales["MADRS"]!
    static func items(_ each: Int) -> [Int?] { [Int?](repeating: each, count: 10) }
    static func flags(_ rule: ScaleFlag, items: [Int?], baseline: [Int?]?) -> [String] {
        Scoring.evaluate(items: items, scale: madrs, baseline: baseline, responderPercent: nil, protocolFlags: [rule]).flags.map(\.flag)
            .filter { $0 == rule.flag } // the scale's own (madrs-item10) are tested apart
    }

    @Test func totalAtLeastRaisesAtTheThresholdAndNotBelow() {
        let rule = ScaleFlag(scale: "MADRS", flag: "high", totalAtLeast: 20)
        #expect(Self.flags(rule, items: Self.items(2), baseline: nil) == ["high"])           // 20
        #expect(Self.flags(rule, items: [1, 2, 2, 2, 2, 2, 2, 2, 2, 2], baseline: nil).isEmpty) // 19
        var partial = Self.items(6)
        partial[0] = nil
        #expect(Self.flags(rule, items: partial, baseline: nil).isEmpty)                     // no total, no flag
        // Another scale's rule is not this scale's.
        #expect(Self.flags(ScaleFlag(scale: "YMRS", flag: "high", totalAtLeast: 20), items: Self.items(2), baseline: nil).isEmpty)
    }

    @Test func riseFromBaselineNeedsABaselineAndCountsPoints() {
        let rule = ScaleFlag(scale: "MADRS", flag: "rise", riseFromBaseline: 10)
        #expect(Self.flags(rule, items: Self.items(3), baseline: Self.items(2)) == ["rise"])  // 30 − 20 = 10
        #expect(Self.flags(rule, items: [2, 3, 3, 3, 3, 3, 3, 3, 3, 3], baseline: Self.items(2)).isEmpty) // 9
        #expect(Self.flags(rule, items: Self.items(6), baseline: nil).isEmpty)                // before the baseline: none
        #expect(Self.flags(rule, items: Self.items(1), baseline: Self.items(0)) == ["rise"])  // B = 0 is a baseline for points
    }

    @Test func riseFromBaselinePercentIsOfTheBaselineTotalAndUndefinedAtZero() {
        let rule = ScaleFlag(scale: "MADRS", flag: "worse", riseFromBaselinePercent: 25)
        #expect(Self.flags(rule, items: [3, 3, 3, 3, 3, 2, 2, 2, 2, 2], baseline: Self.items(2)) == ["worse"]) // 25 vs 20: 25%
        #expect(Self.flags(rule, items: [3, 3, 3, 3, 2, 2, 2, 2, 2, 2], baseline: Self.items(2)).isEmpty)      // 24 vs 20: 20%
        #expect(Self.flags(rule, items: Self.items(6), baseline: Self.items(0)).isEmpty)                       // B = 0: undefined
        #expect(Self.flags(rule, items: Self.items(6), baseline: nil).isEmpty)
    }

    @Test func itemAtLeastLooksAtOneItem() {
        let rule = ScaleFlag(scale: "MADRS", flag: "sleep", itemAtLeast: .init(item: "MADRS4", value: 5))
        var items = Self.items(0)
        items[3] = 5
        #expect(Self.flags(rule, items: items, baseline: nil) == ["sleep"])
        items[3] = 4
        #expect(Self.flags(rule, items: items, baseline: nil).isEmpty)
    }

    // MARK: - On a participant, through the one scoring path

    static let mania = TestData.mania
    static let today = Fixture.date("2026-11-25")

    static func participant() throws -> Participant {
        var participant = Fixture.participant(studyProtocol: mania, baseline: "2026-11-02")
        for (code, day) in [("SCR", "2026-10-29"), ("D1", "2026-11-02"), ("D4", "2026-11-05"), ("W1", "2026-11-09")] {
            try participant.complete(code, on: Fixture.date(day), reason: nil, studyProtocol: mania, today: today)
        }
        return participant
    }

    static func ymrs(_ total: Int) -> [Int?] {
        // YMRS items 5, 6, 8, 9 are 0–8, the rest 0–4: fill in order.
        var left = total
        return Fixture.scales["YMRS"]!.items.map { item in
            let value = min(item.max, left)
            left -= value
            return value
        }
    }

    @Test func theBundledManiaProtocolFlagsWorseningAfterBaselineOnly() throws {
        var participant = try Self.participant()
        let ymrs = Fixture.scales["YMRS"]!
        try participant.score("SCR", scale: ymrs, items: Self.ymrs(20), date: nil, rater: "DM", reason: nil, studyProtocol: Self.mania, today: Self.today)
        try participant.score("D1", scale: ymrs, items: Self.ymrs(40), date: nil, rater: "DM", reason: nil, studyProtocol: Self.mania, today: Self.today)
        try participant.score("D4", scale: ymrs, items: Self.ymrs(50), date: nil, rater: "DM", reason: nil, studyProtocol: Self.mania, today: Self.today)
        try participant.score("W1", scale: ymrs, items: Self.ymrs(49), date: nil, rater: "DM", reason: nil, studyProtocol: Self.mania, today: Self.today)
        // D1 is 100% above SCR, but the baseline is no rise from itself; D4 is 25% above 40, W1 22.5%.
        #expect(participant.raisedFlags(context: Fixture.context).map { "\($0.visit) \($0.flag)" } == ["D4 ymrs-worsening"])
        #expect(participant.unacknowledgedUrgentFlags(context: Fixture.context).isEmpty) // not urgent
    }

    @Test func anUrgentProtocolFlagWaitsForAnAcknowledgementWithAnAction() throws {
        var participant = try Self.participant()
        let madrs = Fixture.scales["MADRS"]!
        try participant.score("W1", scale: madrs, items: Self.items(2), date: nil, rater: "DM", reason: nil, studyProtocol: Self.mania, today: Self.today)
        let urgent = participant.unacknowledgedUrgentFlags(context: Fixture.context)
        #expect(urgent.map { "\($0.visit) \($0.flag) \($0.urgent)" } == ["W1 depressive-switch true"])
        #expect(ParticipantDigest(participant, context: Fixture.context)?.hasUrgentFlag == true)
        #expect(throws: DomainError.self) {
            var copy = participant
            try copy.acknowledge(flag: "depressive-switch", visit: "W1", action: nil, on: Self.today, user: "PI", context: Fixture.context)
        }
        try participant.acknowledge(flag: "depressive-switch", visit: "W1", action: "PI assessed; lithium started", on: Self.today,
                                    user: "PI", context: Fixture.context)
        #expect(participant.unacknowledgedUrgentFlags(context: Fixture.context).isEmpty)
        #expect(ParticipantDigest(participant, context: Fixture.context)?.hasUrgentFlag == false)
    }

    // MARK: - Validation

    static let valid = ProtocolTests.valid.replacingOccurrences(of: #""primaryScale": "PANSS","#, with: #""primaryScale": "PANSS", "scaleFlags": [{"scale": "PANSS", "flag": "panss-high", "totalAtLeast": 100}],"#)

    @Test func aValidScaleFlagIsReadAndWrittenBack() throws {
        let parsed = try StudyProtocol.parse(Data(Self.valid.utf8), scales: Fixture.scales)
        #expect(parsed.scaleFlags == [ScaleFlag(scale: "PANSS", flag: "panss-high", totalAtLeast: 100)])
        let again = try JSONDecoder().decode(StudyProtocol.self, from: JSONEncoder().encode(parsed))
        #expect(again == parsed)
        #expect(TestData.mania.scaleFlags.map(\.flag) == ["ymrs-worsening", "depressive-switch"])
    }

    @Test(arguments: [
        (#"{"scale": "PANSS", "flag": "panss-high", "totalAtLeast": 100}"#, #"{"scale": "PANSS", "flag": "panss-high"}"#, "scaleFlags 1 has 0 rules; give exactly one of totalAtLeast, riseFromBaseline, riseFromBaselinePercent, itemAtLeast"),
        (#""totalAtLeast": 100}"#, #""totalAtLeast": 100, "riseFromBaseline": 5}"#, "scaleFlags 1 has 2 rules"),
        (#""totalAtLeast": 100}"#, #""totalAtleast": 100}"#, "scaleFlags 1 has unknown member 'totalAtleast'"),
        (#""totalAtLeast": 100}"#, #""itemAtLeast": {"item": "P1", "valu": 5}}"#, "scaleFlags 1 itemAtLeast has unknown member 'valu'"),
        (#""totalAtLeast": 100}"#, #""itemAtLeast": {"item": "P99", "value": 5}}"#, "scaleFlags 1 names unknown PANSS item 'P99'"),
        (#""totalAtLeast": 100}"#, #""itemAtLeast": {"item": "P1", "value": 8}}"#, "it must be above 1 and at most 7"),
        (#""totalAtLeast": 100}"#, #""totalAtLeast": 211}"#, "it could never be raised"),
        (#""totalAtLeast": 100}"#, #""totalAtLeast": 30}"#, "every administration would raise it"),
        (#""totalAtLeast": 100}"#, #""totalAtLeast": 100.5}"#, "scores are whole numbers"),
        (#""totalAtLeast": 100}"#, #""riseFromBaseline": 0}"#, "riseFromBaseline 0; it is above 0"),
        (#""totalAtLeast": 100}"#, #""riseFromBaselinePercent": -5}"#, "riseFromBaselinePercent -5; it is above 0"),
        (#""flag": "panss-high""#, #""flag": "Panss High""#, "a flag name is 1 to 32 of a-z 0-9 -"),
        (#""flag": "panss-high""#, #""flag": "panss-worsening""#, "a flag Cohort raises itself"),
        (#""flag": "panss-high""#, #""flag": "prohibited-medication""#, "a flag Cohort raises itself"),
        (#""scale": "PANSS""#, #""scale": "CGI-I""#, "CGI-I, which has no total"),
        (#""scale": "PANSS""#, #""scale": "PANS""#, "names unknown scale 'PANS'"),
        (#"}]"#, #"}, {"scale": "PANSS", "flag": "panss-high", "riseFromBaseline": 10}]"#, "scaleFlags names a flag twice"),
    ])
    func scaleFlagProblemsAreNamed(from: String, to: String, expected: String) {
        let text = Self.valid.replacingOccurrences(of: from, with: to)
        #expect(text != Self.valid)
        #expect(throws: DomainError.self) { try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales) }
        do { _ = try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales) } catch let error as DomainError {
            #expect(error.message.contains(expected), "\(error.message)")
        } catch { Issue.record("\(error)") }
    }

    @Test func aThresholdWrittenAsTextIsRefused() {
        let text = Self.valid.replacingOccurrences(of: #""totalAtLeast": 100"#, with: #""totalAtLeast": "100""#)
        #expect(throws: DomainError.self) { try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales) }
    }

    // MARK: - Prohibited medications by any name

    @Test func anAliasMatchesLikeTheNameAsWholeWordsIgnoringCase() {
        let rules = SafetyRules(TestData.mania)
        #expect(rules.prohibitedName(in: "SEROQUEL XR 300 mg") == "quetiapine")
        #expect(rules.prohibitedName(in: "Depakote ER") == "divalproex")
        #expect(rules.prohibitedName(in: "quetiapine") == "quetiapine")
        #expect(rules.prohibitedName(in: "Seroquelx") == nil)
        #expect(SafetyRules(Fixture.schizophrenia).prohibitedName(in: "Cogentin 1 mg") == "benztropine")
        #expect(SafetyRules(Fixture.schizophrenia).prohibitedName(in: "Ditropan XL") == "oxybutynin")
    }

    static let withAliases = ProtocolTests.valid.replacingOccurrences(of: #""primaryScale": "PANSS","#, with: #""primaryScale": "PANSS", "prohibitedMedications": ["benztropine", {"name": "quetiapine", "aliases": ["Seroquel"]}],"#)

    @Test func anEntryIsANameOrANameWithAliasesAndPlainNamesStayPlain() throws {
        let parsed = try StudyProtocol.parse(Data(Self.withAliases.utf8), scales: Fixture.scales)
        #expect(parsed.prohibitedMedications == ["benztropine", ProhibitedName("quetiapine", aliases: ["Seroquel"])])
        let written = String(decoding: try JSONEncoder().encode(parsed.prohibitedMedications), as: UTF8.self)
        #expect(written.hasPrefix(#"["benztropine",{"#) && written.contains(#""aliases":["Seroquel"]"#))
    }

    @Test(arguments: [
        (#""aliases": ["Seroquel"]"#, #""aliases": ["Sero\u202equel"]"#, "holds control characters"),
        (#""aliases": ["Seroquel"]"#, #""aliases": ["--"]"#, "has no letters or digits to match"),
        (#""aliases": ["Seroquel"]"#, #""aliases": ["Sero\u00adquel"]"#, "holds the invisible character U+00AD"),
        (#""aliases": ["Seroquel"]"#, #""aliases": ["Benztropine"]"#, "prohibitedMedications lists a term twice"),
        (#""aliases": ["Seroquel"]"#, #""alias": ["Seroquel"]"#, "prohibitedMedications 2 has unknown member 'alias'"),
    ])
    func aliasProblemsAreNamedLikeNames(from: String, to: String, expected: String) {
        let text = Self.withAliases.replacingOccurrences(of: from, with: to)
        do { _ = try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales); Issue.record("accepted") } catch let error as DomainError {
            #expect(error.message.contains(expected), "\(error.message)")
        } catch { Issue.record("\(error)") }
    }
}
