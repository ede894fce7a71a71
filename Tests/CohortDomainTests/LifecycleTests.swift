@testable import CohortDomain
import Testing

struct LifecycleTests {
    let scz = Fixture.schizophrenia
    let today = Fixture.date("2026-12-31")

    @Test func windowStatesOfScheduledVisits() throws {
        let participant = Fixture.participant(baseline: "2026-11-02")
        let w1 = try participant.plannedVisit("W1", scz) // target 11-09, window 11-07..11-11
        #expect(w1.windowState(on: Fixture.date("2026-11-06")) == .upcoming)
        #expect(w1.windowState(on: Fixture.date("2026-11-07")) == .open)
        #expect(w1.windowState(on: Fixture.date("2026-11-11")) == .open)
        #expect(w1.windowState(on: Fixture.date("2026-11-12")) == .overdue)
    }

    @Test(arguments: [("2026-11-06", WindowState.early, -1), ("2026-11-07", .inWindow, 0), ("2026-11-11", .inWindow, 0), ("2026-11-14", .late, 3)])
    func completionOutsideTheWindowIsADraftDeviationNotARefusal(date: String, state: WindowState, days: Int) throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        _ = try participant.complete("W1", on: Fixture.date(date), reason: nil, studyProtocol: scz, today: today)
        let w1 = try participant.plannedVisit("W1", scz)
        #expect(w1.windowState(on: today) == state)
        #expect(w1.deviationDays == (days == 0 ? nil : days))
    }

    @Test func baselineCompletionActivatesAndTheLastVisitCompletes() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        #expect(participant.status == .screening)
        _ = try participant.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today)
        #expect(participant.status == .active)
        for code in ["SCR", "W1", "W2", "W3", "W4", "W5"] {
            _ = try participant.complete(code, on: try participant.plannedVisit(code, scz).target, reason: nil, studyProtocol: scz, today: today)
        }
        #expect(participant.status == .active)
        try participant.complete("FU", on: Fixture.date("2026-12-14"), reason: nil, studyProtocol: scz, today: today)
        #expect(participant.status == .completed)
    }

    @Test func withdrawalCancelsEveryScheduledVisitAndKeepsTheRest() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        _ = try participant.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today)
        _ = try participant.miss("W1", on: Fixture.date("2026-11-11"), reason: "no show", studyProtocol: scz, today: today)
        _ = try participant.withdraw(on: Fixture.date("2026-11-20"), reason: "withdrew consent", screenFailure: false, today: today)
        #expect(participant.status == .withdrawn)
        #expect(participant.exit == ExitRecord(date: Fixture.date("2026-11-20"), reason: "withdrew consent"))
        #expect(participant.visit("D1")?.status == .completed)
        #expect(participant.visit("W1")?.status == .missed)
        #expect(participant.visit("SCR")?.status == .cancelled) // scheduled in the past: still cancelled
        #expect(participant.visit("FU")?.status == .cancelled)
        #expect(throws: DomainError.self) {
            try participant.complete("W2", on: Fixture.date("2026-11-21"), reason: nil, studyProtocol: scz, today: today)
        }
        #expect(throws: DomainError.self) { try participant.withdraw(on: Fixture.date("2026-11-21"), reason: "again", screenFailure: false, today: today) }
    }

    @Test func screenFailureOnlyFromScreening() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        _ = try participant.withdraw(on: Fixture.date("2026-10-30"), reason: "PANSS below entry", screenFailure: true, today: today)
        #expect(participant.status == .screenFailed)
        var active = Fixture.participant(baseline: "2026-11-02")
        _ = try active.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today)
        #expect(throws: DomainError.self) { try active.withdraw(on: Fixture.date("2026-11-03"), reason: "x", screenFailure: true, today: today) }
    }

    @Test func refusals() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        let before = participant
        func refused(_ action: (inout Participant) throws -> String?, _ fragment: String) {
            var copy = participant
            #expect { try action(&copy) } throws: { ($0 as? DomainError)?.message.contains(fragment) == true }
            #expect(copy == participant)
        }
        refused({ try $0.complete("W9", on: Fixture.date("2026-11-09"), reason: nil, studyProtocol: scz, today: today) }, "has no visit 'W9'")
        refused({ try $0.complete("W1", on: Fixture.date("2027-01-01"), reason: nil, studyProtocol: scz, today: today) }, "after today")
        refused({ try $0.complete("W1", on: Fixture.date("2026-10-01"), reason: nil, studyProtocol: scz, today: today) }, "before")
        refused({ try $0.miss("W1", on: Fixture.date("2026-11-09"), reason: "  ", studyProtocol: scz, today: today) }, "reason")
        refused({ try $0.miss("W1", on: Fixture.date("2026-11-09"), reason: "bad\u{7}bell", studyProtocol: scz, today: today) }, "control characters")
        refused({ try $0.reschedule("W1", to: Fixture.date("2026-11-20"), reason: nil, studyProtocol: scz) }, "outside its window")
        refused({ try $0.score("W1", scale: Fixture.scales["PANSS"]!, items: Fixture.panss(total: 80), date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today) }, "complete it before")
        _ = try participant.complete("W1", on: Fixture.date("2026-11-09"), reason: nil, studyProtocol: scz, today: today)
        refused({ try $0.complete("W1", on: Fixture.date("2026-11-09"), reason: nil, studyProtocol: scz, today: today) }, "already completed")
        refused({ try $0.complete("W1", on: Fixture.date("2026-11-10"), reason: nil, studyProtocol: scz, today: today) }, "reason to change the completion date")
        refused({ try $0.score("W1", scale: Fixture.scales["MADRS"]!, items: Array(repeating: 1, count: 10), date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today) }, "not collected at W1")
        refused({ try $0.score("W1", scale: Fixture.scales["PANSS"]!, items: [8] + Fixture.panss(total: 80).dropFirst(), date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today) }, "must be 1–7")
        refused({ try $0.score("W1", scale: Fixture.scales["PANSS"]!, items: Fixture.panss(total: 80), date: nil, rater: "X1", reason: nil, studyProtocol: scz, today: today) }, "Rater")
        refused({ try $0.reschedule("W1", to: Fixture.date("2026-11-10"), reason: nil, studyProtocol: scz) }, "only a scheduled visit")
        #expect(before != participant)
    }

    @Test func rescheduleInsideTheWindowNeedsNoReasonAndScheduledDateFollowsIt() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        let reason = try participant.reschedule("W1", to: Fixture.date("2026-11-10"), reason: nil, studyProtocol: scz)
        #expect(reason == nil && participant.visit("W1")?.rescheduledDate?.description == "2026-11-10")
        let w1 = try participant.plannedVisit("W1", scz)
        #expect(w1.scheduled.description == "2026-11-10")
        #expect(w1.target.description == "2026-11-09")
        _ = try participant.reschedule("W1", to: Fixture.date("2026-11-20"), reason: "participant travelling", studyProtocol: scz)
        #expect(participant.visit("W1")?.rescheduleReason == "participant travelling")
    }

    @Test func completingAMissedVisitNeedsAReasonAndClearsTheMiss() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        _ = try participant.miss("W1", on: Fixture.date("2026-11-11"), reason: "no show", studyProtocol: scz, today: today)
        #expect(throws: DomainError.self) { try participant.complete("W1", on: Fixture.date("2026-11-11"), reason: nil, studyProtocol: scz, today: today) }
        let reason = try participant.complete("W1", on: Fixture.date("2026-11-11"), reason: "came in the afternoon", studyProtocol: scz, today: today)
        #expect(reason == "came in the afternoon")
        #expect(participant.visit("W1")?.missedReason == nil)
        #expect(participant.visit("W1")?.status == .completed)
    }

    @Test func changingSavedScoresNeedsAReasonAndKeepsWhatItDoesNotCorrect() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        _ = try participant.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today)
        let panss = Fixture.scales["PANSS"]!
        try participant.score("D1", scale: panss, items: Fixture.panss(total: 90), date: nil, rater: "ab", reason: nil, studyProtocol: scz, today: today)
        #expect(participant.administration(visit: "D1", scale: "PANSS")?.date.description == "2026-11-02")
        #expect(participant.administration(visit: "D1", scale: "PANSS")?.rater == "AB")
        #expect(throws: DomainError.self) {
            try participant.score("D1", scale: panss, items: Fixture.panss(total: 91), date: nil, rater: "AB", reason: nil, studyProtocol: scz, today: today)
        }
        // A correction without --date or --rater keeps both (PRODUCT.md §3.4).
        let second = try participant.score("D1", scale: panss, items: Fixture.panss(total: 91), date: nil, rater: nil, reason: "transcription error", studyProtocol: scz, today: today)
        #expect(second == "transcription error")
        let corrected = participant.administration(visit: "D1", scale: "PANSS")
        #expect(corrected?.items == Fixture.panss(total: 91) && corrected?.rater == "AB" && corrected?.date.description == "2026-11-02")
    }
}
