@testable import CohortDomain
import Foundation
import Testing

struct ProtocolTests {
    static let valid = """
    {"id": "T-1", "title": "Test", "arms": ["A"], "primaryScale": "PANSS",
     "visits": [
       {"code": "SCR", "name": "Screening", "day": -7, "minus": 7, "plus": 6, "scales": ["PANSS"]},
       {"code": "D1", "name": "Baseline", "day": 1, "minus": 0, "plus": 0, "scales": ["PANSS"], "baseline": true},
       {"code": "W1", "name": "Week 1", "day": 8, "minus": 2, "plus": 2, "scales": ["PANSS", "CSSRS"]},
       {"code": "FU", "name": "Follow-up", "anchor": "W1", "offset": 7, "minus": 3, "plus": 3, "scales": ["CSSRS"]}
     ]}
    """

    @Test func bundledProtocolsAreValid() throws {
        for name in ["SCZ-5W-INPT", "TRD-8W-OUTPT", "BPM-3W-ACUTE"] {
            #expect(Fixture.bundledProtocol(name).problems(scales: Fixture.scales).isEmpty)
        }
        #expect(Fixture.schizophrenia.primaryScale == "PANSS")
        #expect(Fixture.depression.primaryScale == "MADRS")
        #expect(Fixture.bundledProtocol("BPM-3W-ACUTE").primaryScale == "YMRS")
    }

    @Test func acceptsTheSpecificationShape() throws {
        let parsed = try StudyProtocol.parse(Data(Self.valid.utf8), scales: Fixture.scales)
        #expect(parsed.visits.map(\.code) == ["SCR", "D1", "W1", "FU"])
        #expect(parsed.baselineVisit?.code == "D1")
    }

    @Test(arguments: [
        (#""scales": ["PANSS"]}"#, #""scales": ["PANS"]}"#, "unknown scale 'PANS'"),
        (#""code": "W1""#, #""code": "D1""#, "visit code D1 is used twice"),
        (#""day": 8, "minus": 2, "plus": 2, "scales": ["PANSS", "CSSRS"]}"#, #""day": 8, "minus": 2, "plus": 2, "scales": ["PANSS", "CSSRS"], "baseline": true}"#, "2 visits are marked baseline"),
        (#""day": 8, "minus": 2"#, #""day": 8, "minus": -2"#, "visit W1 has a negative window"),
        (#""day": -7"#, #""day": 0"#, "day 0"),
        (#""anchor": "W1""#, #""anchor": "W9""#, "anchored to unknown visit W9"),
        (#""code": "W1", "name": "Week 1", "day": 8,"#, #""code": "W1", "name": "Week 1", "anchor": "FU", "offset": 1,"#, "anchors form a cycle"),
        (#""primaryScale": "PANSS""#, #""primaryScale": "XYZ""#, "primary scale 'XYZ'"),
        (#""arms": ["A"]"#, #""arms": []"#, "no arms"),
    ])
    func refusesABrokenRuleNamingIt(original: String, replacement: String, expected: String) {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.valid)
        #expect {
            try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales)
        } throws: { error in
            ((error as? DomainError)?.message ?? "").contains(expected)
        }
    }

    @Test func refusesJSONThatIsNotAProtocol() {
        for text in ["", "{", "[]", #"{"id": "X"}"#, #"{"id": 5, "title": "t", "arms": [], "primaryScale": "PANSS", "visits": []}"#] {
            #expect(throws: DomainError.self) { try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales) }
        }
    }

    @Test func scheduleFollowsStudyDaysAndAnchors() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        let plan = Dictionary(uniqueKeysWithValues: participant.plannedVisits(Fixture.schizophrenia).map { ($0.code, $0) })
        #expect(plan["SCR"]?.target.description == "2026-10-26")
        #expect(plan["SCR"]?.window.start.description == "2026-10-19")
        #expect(plan["SCR"]?.window.end.description == "2026-11-01")
        #expect(plan["D1"]?.target.description == "2026-11-02")
        #expect(plan["W1"]?.target.description == "2026-11-09")
        #expect(plan["W5"]?.target.description == "2026-12-07")
        // The follow-up is timed from W5's target until W5 is completed, then from its completion.
        #expect(plan["FU"]?.target.description == "2026-12-14")
        _ = try participant.complete("W5", on: Fixture.date("2026-12-09"), reason: nil, studyProtocol: Fixture.schizophrenia, today: Fixture.date("2026-12-31"))
        #expect(try participant.plannedVisit("FU", Fixture.schizophrenia).target.description == "2026-12-16")
    }

    @Test func anchorOnAMissedVisitUsesItsTarget() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        _ = try participant.miss("W5", on: Fixture.date("2026-12-10"), reason: "unreachable", studyProtocol: Fixture.schizophrenia, today: Fixture.date("2026-12-31"))
        #expect(try participant.plannedVisit("FU", Fixture.schizophrenia).target.description == "2026-12-14")
    }
}
