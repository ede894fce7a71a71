import CohortReports
@testable import CohortDomain
import Testing

struct ScoringTests {
    let scales = Fixture.scales

    @Test func shipsEveryScaleOfTheTableWithItsRanges() {
        let expected: [String: (items: Int, total: ClosedRange<Int>?)] = [
            "PANSS": (30, 30...210), "MADRS": (10, 0...60), "HAMD17": (17, 0...52), "CGI-S": (1, nil), "CGI-I": (1, nil),
            "BPRS": (18, 18...126), "YMRS": (11, 0...60), "PHQ9": (9, 0...27), "CSSRS": (6, nil),
        ]
        #expect(Set(scales.all.map(\.code)) == Set(expected.keys))
        for (code, shape) in expected {
            #expect(scales[code]?.items.count == shape.items, "\(code)")
            #expect(scales[code]?.totalRange == shape.total, "\(code)")
        }
        let panss = scales["PANSS"]!
        #expect(panss.subscales?.map { sub in sub.items.count } == [7, 7, 16])
        #expect(scales["HAMD17"]!.items.enumerated().allSatisfy { index, item in
            item.max == ([1, 2, 3, 7, 8, 9, 10, 11, 15].contains(index + 1) ? 4 : 2)
        })
        #expect(scales["YMRS"]!.items.enumerated().allSatisfy { index, item in item.max == ([5, 6, 8, 9].contains(index + 1) ? 8 : 4) })
        #expect(scales["CSSRS"]!.items.map(\.code) == ["WISH", "THOUGHTS", "METHOD", "INTENT", "PLAN", "BEHAVIOR"])
        // Anchor text only for public-domain scales.
        for code in ["PANSS", "MADRS", "CSSRS"] {
            #expect(scales[code]!.anchors == nil && scales[code]!.items.allSatisfy { $0.anchors == nil })
        }
    }

    func panss(_ items: [Int?], baseline: [Int?]?, responder: Double? = 30) -> ScoreResult {
        Scoring.evaluate(items: items, scale: scales["PANSS"]!, baseline: baseline, responderPercent: responder)
    }

    @Test func panssTotalsAndSubscales() {
        let items: [Int?] = Array(repeating: 2, count: 7) + Array(repeating: 3, count: 7) + Array(repeating: 4, count: 16)
        let result = panss(items, baseline: nil)
        #expect(result.total == 14 + 21 + 64)
        #expect(result.subscales.map(\.value) == [14, 21, 64])
        #expect(result.change == nil && result.improvementPercent == nil)
    }

    @Test func panssImprovementUsesTheThirtyPointFloor() {
        // B = 90, X = 72: 100 × 18 / 60 = 30% → responder at exactly the threshold.
        let result = panss(Fixture.panss(total: 72), baseline: Fixture.panss(total: 90))
        #expect(result.change == -18)
        #expect(result.improvementPercent == 30)
        #expect(result.isResponder == true)
        #expect(panss(Fixture.panss(total: 73), baseline: Fixture.panss(total: 90)).isResponder == false)
        #expect(panss(Fixture.panss(total: 72), baseline: Fixture.panss(total: 90), responder: 40).isResponder == false)
    }

    @Test func panssWorseningFlagAtMinusTwentyPercent() {
        // B = 80, floor 30: X = 90 → −20% (flag); X = 89 → −18% (no flag).
        #expect(panss(Fixture.panss(total: 90), baseline: Fixture.panss(total: 80)).flags.map(\.flag) == ["panss-worsening"])
        #expect(panss(Fixture.panss(total: 89), baseline: Fixture.panss(total: 80)).flags.isEmpty)
    }

    @Test func panssImprovementIsUndefinedAtTheFloor() {
        let result = panss(Fixture.panss(total: 35), baseline: Fixture.panss(total: 30))
        #expect(result.change == 5)
        #expect(result.improvementPercent == nil && result.isResponder == nil && result.flags.isEmpty)
    }

    @Test func noTotalWhileAnItemIsUnscored() {
        var items = Fixture.panss(total: 80)
        items[3] = nil
        let result = panss(items, baseline: Fixture.panss(total: 90))
        #expect(result.total == nil && result.change == nil)
        #expect(result.subscales[0].value == nil && result.subscales[1].value != nil)
    }

    @Test func madrsResponderAtFiftyPercentAndItemTenFlag() {
        let madrs = scales["MADRS"]!
        let baseline: [Int?] = [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]
        let half: [Int?] = [2, 2, 1, 2, 1, 2, 1, 2, 1, 1]
        let result = Scoring.evaluate(items: half, scale: madrs, baseline: baseline, responderPercent: nil)
        #expect(result.total == 15 && result.improvementPercent == 50 && result.isResponder == true)
        let suicidal: [Int?] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 4]
        #expect(Scoring.evaluate(items: suicidal, scale: madrs, baseline: nil, responderPercent: nil).flags.map(\.flag) == ["madrs-item10"])
        let three: [Int?] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 3]
        #expect(Scoring.evaluate(items: three, scale: madrs, baseline: nil, responderPercent: nil).flags.isEmpty)
    }

    @Test(arguments: [
        ("HAMD17", "00300000000000000", ["hamd-suicide"]), ("HAMD17", "00200000000000000", []),
        ("CGI-I", "6", ["cgi-worse"]), ("CGI-I", "5", []),
        ("PHQ9", "000000001", ["phq9-item9"]), ("PHQ9", "333333330", []),
        ("CSSRS", "000100", ["cssrs-urgent"]), ("CSSRS", "000010", ["cssrs-urgent"]), ("CSSRS", "000001", ["cssrs-urgent"]),
        ("CSSRS", "111100", ["cssrs-urgent"]), ("CSSRS", "100000", ["cssrs-positive"]), ("CSSRS", "010000", ["cssrs-positive"]),
        ("CSSRS", "001000", ["cssrs-positive"]), ("CSSRS", "000000", []),
    ])
    func flags(scale: String, scores: String, expected: [String]) throws {
        let definition = scales[scale]!
        let items = try Scoring.parseScores(scores, scale: definition)
        let flags = Scoring.evaluate(items: items, scale: definition, baseline: nil, responderPercent: nil).flags
        #expect(flags.map(\.flag) == expected)
        #expect(flags.allSatisfy { $0.urgent == ($0.flag == "cssrs-urgent") })
    }

    @Test func parsesDigitsSpacesAndNotAssessed() throws {
        let cssrs = scales["CSSRS"]!
        #expect(try Scoring.parseScores("01x000", scale: cssrs) == [0, 1, nil, 0, 0, 0])
        #expect(try Scoring.parseScores(" 0 1 X 0 0 0 ", scale: cssrs) == [0, 1, nil, 0, 0, 0])
    }

    @Test(arguments: [("01000", "6 item scores"), ("0100000", "6 item scores"), ("012000", "must be 0–1"),
                      ("01a000", "whole number"), ("0 1 -1 0 0 0", "must be 0–1"), ("", "6 item scores"), ("0 1 01 0 0 0", "whole number")])
    func refusesBadScores(text: String, fragment: String) {
        #expect { try Scoring.parseScores(text, scale: scales["CSSRS"]!) } throws: {
            ($0 as? DomainError)?.message.contains(fragment) == true
        }
    }

    @Test func changeFromBaselineOnlyAfterTheBaselineVisitAndFollowsCorrections() throws {
        let scz = Fixture.schizophrenia
        let today = Fixture.date("2026-12-31")
        let panssScale = scales["PANSS"]!
        var participant = Fixture.participant(baseline: "2026-11-02")
        for (code, date) in [("SCR", "2026-10-27"), ("D1", "2026-11-02"), ("W1", "2026-11-09")] {
            _ = try participant.complete(code, on: Fixture.date(date), reason: nil, studyProtocol: scz, today: today)
        }
        _ = try participant.score("SCR", scale: panssScale, items: Fixture.panss(total: 95), date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        _ = try participant.score("D1", scale: panssScale, items: Fixture.panss(total: 90), date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        _ = try participant.score("W1", scale: panssScale, items: Fixture.panss(total: 72), date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        let context = Fixture.context
        #expect(participant.result(of: participant.administration(visit: "SCR", scale: "PANSS")!, context: context)?.change == nil)
        #expect(participant.result(of: participant.administration(visit: "D1", scale: "PANSS")!, context: context)?.change == nil)
        #expect(participant.result(of: participant.administration(visit: "W1", scale: "PANSS")!, context: context)?.change == -18)
        _ = try participant.score("D1", scale: panssScale, items: Fixture.panss(total: 100), date: nil, rater: nil, reason: "corrected", studyProtocol: scz, today: today)
        let corrected = participant.result(of: participant.administration(visit: "W1", scale: "PANSS")!, context: context)
        #expect(corrected?.change == -28)
        #expect(corrected?.improvementPercent == 40)
        #expect(participant.latestPrimaryScore(context: context)?.0.visit == "W1")
    }

    @Test func anAdministrationWithEveryItemNotAssessedIsNotDoneNeverAllNo() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        let scz = Fixture.schizophrenia, today = Fixture.date("2026-12-31")
        let cssrs = Fixture.scales["CSSRS"]!, cgi = Fixture.scales["CGI-S"]!
        try Fixture.startDayOne(&participant, on: "2026-11-02", scz)
        #expect { try participant.score("D1", scale: cssrs, items: Array(repeating: nil, count: 6), date: nil, rater: nil, reason: nil,
                                        studyProtocol: scz, today: today) } throws: { ($0 as? DomainError)?.message.contains("not done") == true }
        try participant.score("D1", scale: cssrs, items: Array(repeating: nil, count: 6), date: nil, rater: nil,
                              reason: "participant sedated", studyProtocol: scz, today: today)
        let notDone = try #require(participant.administration(visit: "D1", scale: "CSSRS"))
        #expect(notDone.isNotDone && notDone.notDoneReason == "participant sedated")
        let result = try #require(participant.result(of: notDone, context: Fixture.context))
        #expect(ScoreText.summary(items: notDone.items, result: result, scale: cssrs) == "not done")
        #expect(ScoreText.summary(items: [0, 0, 0, 0, 0, 0], result: result, scale: cssrs) == "all no")
        #expect(ScoreText.summary(items: [0, nil, 0, 0, 0, 0], result: result, scale: cssrs) != "all no")
        #expect(ScoreText.summary(items: [nil], result: result, scale: cgi) == "not done")
        // Not counted as entered, and the visit stays incomplete.
        let digest = try #require(ParticipantDigest(participant, context: Fixture.context))
        let baseline = try #require(digest.visits.first { $0.code == "D1" })
        #expect(baseline.enteredForms == 0 && baseline.isIncomplete)
        #expect(digest.scoreDates.isEmpty)
    }

    @Test func onAPastDayThePrimaryScoreIsTheOneOfThatDay() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        let scz = Fixture.schizophrenia, today = Fixture.date("2026-12-31"), panss = Fixture.scales["PANSS"]!
        try Fixture.startDayOne(&participant, on: "2026-11-02", scz)
        try participant.score("D1", scale: panss, items: Fixture.panss(total: 90), date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        try participant.complete("W1", on: Fixture.date("2026-11-09"), reason: nil, studyProtocol: scz, today: today)
        try participant.score("W1", scale: panss, items: Fixture.panss(total: 80), date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        let digest = try #require(ParticipantDigest(participant, context: Fixture.context))
        #expect(digest.primary(on: Fixture.date("2026-11-01")) == nil)
        #expect(digest.primary(on: Fixture.date("2026-11-05"))?.total == 90)
        #expect(digest.primary(on: Fixture.date("2026-11-09")).map { ($0.total, $0.change) } ?? (0, nil) == (80, -10))
    }

    @Test func sdtmQSHasTotalsVisitNumbersStudyDaysAndTheBaselineFlag() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        let scz = Fixture.schizophrenia, today = Fixture.date("2026-12-31"), panss = Fixture.scales["PANSS"]!
        try Fixture.startDayOne(&participant, on: "2026-11-03", scz)
        try participant.score("D1", scale: panss, items: Array(repeating: 4, count: 30), date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        try participant.complete("W1", on: Fixture.date("2026-11-10"), reason: nil, studyProtocol: scz, today: today)
        try participant.score("W1", scale: panss, items: Array(repeating: 3, count: 29) + [nil], date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        let rows = ScoreExport.rows(participant, format: .sdtm, context: Fixture.context).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        // 30 items + 3 subscales + total, twice.
        #expect(rows.count == 68)
        // CDISC's codes, in RS where CDISC places PANSS (the package's mapping, `SDTMScaleCodes`); the totals Cohort's own.
        #expect(rows[0][1] == "RS" && rows[0][4] == "PANSS101" && rows[0][5] == "PANSS1-Delusions" && rows[0][6] == "PANSS")
        let total = try #require(rows.first { $0[4] == "PANSSTOT" })
        #expect(total[7] == "120" && total[12] == "2" && total[15] == "1" && total[16] == "Y") // VISITNUM 2, Day 1 is the real baseline day
        #expect(rows.first { $0[4] == "PANSSPOS" }?[7] == "28")
        let later = rows.filter { $0[13] == "Week 1" }
        #expect(later.allSatisfy { $0[15] == "8" && $0[16] == "" }) // Day 8 counted from the completed baseline, 11-03
        #expect(later.first { $0[4] == "PANSSTOT" }?[10] == "NOT DONE" && later.first { $0[4] == "PANSS130" }?[10] == "NOT DONE")
    }
}

/// A correction that changes nothing is refused, even after an earlier correction.
struct RepeatedCorrectionTests {
    @Test func theSameScoresAgainAreRefusedAfterACorrection() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        let scz = Fixture.schizophrenia, today = Fixture.date("2026-12-31"), cgi = Fixture.scales["CGI-S"]!
        try Fixture.startDayOne(&participant, on: "2026-11-02", scz)
        try participant.score("D1", scale: cgi, items: [4], date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        try participant.score("D1", scale: cgi, items: [5], date: nil, rater: nil, reason: "misread", studyProtocol: scz, today: today)
        #expect(participant.administration(visit: "D1", scale: "CGI-S")?.corrections == [today])
        #expect { try participant.score("D1", scale: cgi, items: [5], date: nil, rater: nil, reason: "again", studyProtocol: scz, today: today) }
            throws: { ($0 as? DomainError)?.message.contains("already holds") == true }
    }
}
