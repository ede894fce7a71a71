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

    @Test func aVisitAnchoredToEarlyTerminationIsRefusedPointingAtAfterWithdrawal() throws {
        let text = Self.valid.replacingOccurrences(of: #""scales": ["CSSRS"]}"#, with: #""scales": ["CSSRS"]},"#
            + #"{"code": "ET", "name": "Early termination", "earlyTermination": true, "minus": 0, "plus": 3, "scales": ["PANSS"]},"#
            + #"{"code": "ETFU", "name": "Call after ET", "anchor": "ET", "offset": 7, "minus": 1, "plus": 1, "scales": [], "afterWithdrawal": true}"#)
        #expect(throws: DomainError("Protocol T-1 is refused: visit ETFU is anchored to the early-termination visit ET; anchor it to a visit of the schedule and mark it afterWithdrawal (it then follows ET after a withdrawal).")) {
            try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales)
        }
    }

    @Test func aNumberTooLargeForAnyMemberIsNamedAsOutOfRangeNotAsInvalidJSON() throws {
        let text = Self.valid.replacingOccurrences(of: #""day": 8, "minus": 2, "plus": 2"#, with: #""day": 8, "minus": 2, "plus": 1e30"#)
        #expect {
            try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales)
        } throws: { error in
            let message = (error as? DomainError)?.message ?? ""
            return message.contains("visits[2].plus is out of range") && !message.contains("not valid JSON")
        }
    }

    /// TS SPONSOR and PLANSUB come from the protocol when it gives them; a protocol without them writes
    /// neither member, so protocols written before they existed read and write byte for byte.
    @Test func theSponsorAndPlannedSubjectsAreOptionalMembers() throws {
        let without = try StudyProtocol.parse(Data(Self.valid.utf8), scales: Fixture.scales)
        #expect(without.sponsor == nil && without.plannedSubjects == nil)
        let written = String(decoding: try JSONEncoder().encode(without), as: UTF8.self)
        #expect(!written.contains("sponsor") && !written.contains("plannedSubjects"))
        let text = Self.valid.replacingOccurrences(of: #""title": "Test","#, with: #""title": "Test", "sponsor": "Acme Trials", "plannedSubjects": 60,"#)
        let with = try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales)
        #expect(with.sponsor == "Acme Trials" && with.plannedSubjects == 60)
        #expect(try JSONDecoder().decode(StudyProtocol.self, from: JSONEncoder().encode(with)) == with)
        #expect(Fixture.schizophrenia.sponsor != nil && Fixture.schizophrenia.plannedSubjects == 60)
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
        (#""day": 8, "minus": 2"#, #""day": 8, "minus": -2"#, "visit W1 has a window of minus -2, plus 2 days"),
        (#""day": 8, "minus": 2, "plus": 2"#, #""day": 8, "minus": 2, "plus": 9223372036854775807"#, "minus and plus are 0 to 365"),
        (#""day": 8,"#, #""day": 9223372036854775807,"#, "days are -3650 to 3650"),
        (#""offset": 7"#, #""offset": 9223372036854775807"#, "offsets are 0 to 3650"),
        (#""offset": 7"#, #""offset": -1"#, "offsets are 0 to 3650"),
        (#""code": "W1""#, #""code": "W 1""#, "visit code 'W 1' must be 1 to 16"),
        (#""code": "W1""#, #""code": "W1234567890123456""#, "must be 1 to 16"),
        (#""code": "W1""#, #""code": "U1""#, "visit code U1 is reserved"),
        (#""id": "T-1""#, #""id": "T-1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa""#, "must be 1 to 32"),
        (#""id": "T-1""#, #""id": "T/1""#, "must be 1 to 32"),
        (#""name": "Week 1""#, #""name": "Week \u001b[31m1""#, "the name of visit W1 holds control characters"),
        (#""name": "Week 1""#, #""name": "Week \u202e1""#, "the name of visit W1 holds control characters"),
        (#""title": "Test""#, "\"title\": \"" + String(repeating: "t", count: 121) + "\"", "the title is longer than 120 characters"),
        (#""primaryScale": "PANSS","#, #""primaryScale": "PANSS", "responderPrecent": 30,"#, "unknown member 'responderPrecent'"),
        (#""offset": 7,"#, #""offset": 7, "ofset": 7,"#, "visit 4 has unknown member 'ofset'"),
        (#""day": -7"#, #""day": 20"#, "list visits in the order of their study days"),
        (#""day": -7, "minus": 7, "plus": 6"#, #""day": -7, "minus": 7, "plus": 7"#, "its window reaches Day 1 or later"),
        (#""day": 8, "minus": 2"#, #""day": 8, "minus": 7"#, "its window reaches Day 1 or earlier"),
        (#""day": -7"#, #""day": 0"#, "day 0"),
        (#""anchor": "W1""#, #""anchor": "W9""#, "anchored to unknown visit W9"),
        (#""code": "W1", "name": "Week 1", "day": 8,"#, #""code": "W1", "name": "Week 1", "anchor": "FU", "offset": 1,"#, "anchors cannot form a cycle"),
        (#""primaryScale": "PANSS""#, #""primaryScale": "XYZ""#, "primary scale 'XYZ'"),
        (#""name": "Baseline", "day": 1,"#, #""name": "Baseline", "day": 2,"#, "the baseline is Day 1 by definition"),
        (#""scales": ["PANSS"]}"#, #""scales": ["PANSS", "PANSS"]}"#, "lists a scale twice"),
        (#""arms": ["A"]"#, #""arms": []"#, "no arms"),
        (#""arms": ["A"]"#, #""arms": ["Drug", "drug"]"#, "an arm is listed twice (arms are matched ignoring case)"),
        (#""primaryScale": "PANSS""#, #""primaryScale": "CSSRS""#, "the primary scale CSSRS has no total"),
        (#""day": 8, "minus": 2"#, #""day": 8, "offset": 3, "minus": 2"#, "visit W1 has a day and an offset; an offset goes only with an anchor"),
        (#""title": "Test","#, #""title": "Test", "plannedSubjects": 0,"#, "plannedSubjects 0 is not a positive whole number"),
        (#""title": "Test","#, #""title": "Test", "plannedSubjects": -60,"#, "plannedSubjects -60 is not a positive whole number"),
        (#""title": "Test","#, #""title": "Test", "plannedSubjects": 60.5,"#, "plannedSubjects must be a whole number (it is 60.5)"),
        (#""title": "Test","#, #""title": "Test", "sponsor": " ","#, "the sponsor is empty"),
        (#""title": "Test","#, #""title": "Test", "sponsor": "Acme ‮Inc","#, "the sponsor holds control characters"),
        (#""title": "Test","#, #""title": "Test", "sponsor": "Acme ","#, "the sponsor begins or ends with a blank"),
        (#""title": "Test","#, "\"title\": \"Test\", \"sponsor\": \"" + String(repeating: "s", count: 201) + "\",", "the sponsor is longer than 200 characters"),
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

    @Test func aLongAnchorChainIsCheckedInOneGoAndBoundedInDays() throws {
        // 10,000 visits each anchored to the one before: linear to check, and the days stay bounded.
        var visits = [#"{"code": "D1", "name": "Baseline", "day": 1, "minus": 0, "plus": 0, "scales": [], "baseline": true}"#]
        for index in 1...10_000 {
            visits.append(#"{"code": "V\#(index)", "name": "V", "anchor": "\#(index == 1 ? "D1" : "V\(index - 1)")", "offset": 1, "minus": 0, "plus": 0, "scales": []}"#)
        }
        let text = #"{"id": "CHAIN", "title": "t", "arms": ["A"], "primaryScale": "PANSS", "visits": ["# + visits.joined(separator: ",") + "]}"
        #expect { try StudyProtocol.parse(Data(text.utf8), scales: Fixture.scales) } throws: { error in
            let message = (error as? DomainError)?.message ?? ""
            return message.contains("visit V3650 falls on day 3651, after day 3650") && !message.contains("V3649 falls")
        }
        let oversized = Data(repeating: UInt8(ascii: " "), count: StudyProtocol.maximumFileSize + 1)
        #expect { try StudyProtocol.parse(oversized, scales: Fixture.scales) } throws: { ($0 as? DomainError)?.message.contains("at most 1 MiB") == true }
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
        // The protocol's window opens 2026-10-19, but consent was 2026-10-23: nothing happens before consent.
        #expect(plan["SCR"]?.window.start.description == "2026-10-23")
        #expect(plan["SCR"]?.window.end.description == "2026-11-01")
        #expect(plan["D1"]?.target.description == "2026-11-02")
        #expect(plan["W1"]?.target.description == "2026-11-09")
        #expect(plan["W5"]?.target.description == "2026-12-07")
        // The follow-up is timed from W5's target until W5 is completed, then from its completion.
        #expect(plan["FU"]?.target.description == "2026-12-14")
        try Fixture.startDayOne(&participant)
        _ = try participant.complete("W5", on: Fixture.date("2026-12-09"), reason: nil, studyProtocol: Fixture.schizophrenia, today: Fixture.date("2026-12-31"))
        #expect(try participant.plannedVisit("FU", Fixture.schizophrenia).target.description == "2026-12-16")
    }

    @Test func theScheduleFollowsTheRealDayOne() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        let scz = Fixture.schizophrenia, today = Fixture.date("2026-12-31")
        try participant.complete("SCR", on: Fixture.date("2026-10-26"), reason: nil, studyProtocol: scz, today: today)
        #expect(try participant.plannedVisit("SCR", scz).windowState(on: today) == .inWindow)
        // Baseline done twelve days late: it is Day 1, in window by definition, and everything after moves.
        try participant.complete("D1", on: Fixture.date("2026-11-14"), reason: "pharmacy delay", studyProtocol: scz, today: today)
        #expect(participant.origin(scz).description == "2026-11-14")
        #expect(try participant.plannedVisit("D1", scz).windowState(on: today) == .inWindow)
        #expect(try participant.plannedVisit("W1", scz).target.description == "2026-11-21")
        #expect(try participant.plannedVisit("SCR", scz).target.description == "2026-11-07")
        // Screening is judged against the real Day 1: done 19 days before it, now before its window.
        #expect(try participant.plannedVisit("SCR", scz).windowState(on: today) == .early)
        // Rescheduling the baseline does not move the origin; only completing it does.
        var planned = Fixture.participant(baseline: "2026-11-02")
        try planned.reschedule("D1", to: Fixture.date("2026-11-05"), reason: "pharmacy delay", studyProtocol: scz)
        #expect(planned.origin(scz).description == "2026-11-02")
        #expect(try planned.plannedVisit("W1", scz).target.description == "2026-11-09")
    }

    @Test func noWindowOrScheduledDateFallsBeforeConsent() throws {
        // Consent on the planned baseline day: screening's whole window would lie before it.
        let request = EnrollmentRequest(subject: "101-0001", initials: "AB", birthYear: "1980", sex: "F", study: "SCZ-5W-INPT",
                                        arm: "", consentDate: "2026-11-02", baselineDate: "2026-11-02")
        let participant = try request.enroll(protocols: [Fixture.schizophrenia], takenSubjects: [], today: Fixture.date("2026-11-02"))
        let screening = try participant.plannedVisit("SCR", Fixture.schizophrenia)
        #expect(screening.target.description == "2026-10-26") // the protocol's target is kept
        #expect(screening.window.start.description == "2026-11-02" && screening.window.end.description == "2026-11-02")
        #expect(screening.scheduled.description == "2026-11-02")
    }

    @Test func anchorOnAMissedVisitUsesItsTarget() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try Fixture.startDayOne(&participant)
        _ = try participant.miss("W5", on: Fixture.date("2026-12-10"), reason: "unreachable", studyProtocol: Fixture.schizophrenia, today: Fixture.date("2026-12-31"))
        #expect(try participant.plannedVisit("FU", Fixture.schizophrenia).target.description == "2026-12-14")
    }
}
