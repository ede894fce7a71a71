import Foundation
@testable import CohortDomain
import Testing

/// Nothing after Day 1 happens before Day 1; the baseline waits for screening; a visit planned outside its
/// window says so and is overdue only after its planned date (docs/RULES.md, "Visits, windows and window states").
struct DayOneFirstTests {
    let scz = Fixture.schizophrenia
    let today = Fixture.date("2026-12-31")
    let zone = TimeZone(secondsFromGMT: 0)!

    /// Baseline planned 11-02 (SCR window 10-23..11-01, W1 target 11-09, window 11-07..11-11), screened on
    /// 10-26, and the baseline slipped: still in screening.
    func slipped() throws -> Participant {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try Fixture.screen(&participant)
        return participant
    }

    /// Every visit in any of the day's lists and the summary's visit lists.
    func listed(_ participants: [Participant], on day: CivilDate) -> [String] {
        let review = DayReview(date: day, participants: participants, context: Fixture.context)
        let summary = DaySummary(date: day, participants: participants, context: Fixture.context, zone: zone)
        return (review.today.map(\.key) + review.overdue.map(\.key) + review.closing.map(\.key))
            + (summary.plannedVisits + summary.pendingVisits + summary.overdueVisits + summary.tomorrowVisits).map(\.description)
    }

    @Test func visitsAfterTheBaselineAreInNoListNoCountAndNeverNextBeforeDayOne() throws {
        var participant = try slipped()
        for offset in 0...60 {
            let day = Fixture.date("2026-10-25").adding(days: offset)
            let shown = listed([participant], on: day)
            #expect(shown.allSatisfy { $0.hasSuffix(" D1") || $0.hasSuffix(" SCR") }, "\(day): \(shown)")
        }
        // The baseline itself is still listed: overdue once its day has passed.
        #expect(DayReview(date: Fixture.date("2026-11-09"), participants: [participant], context: Fixture.context).overdue.map(\.key) == ["101-0001 D1"])
        let summary = DaySummary(date: Fixture.date("2026-11-08"), participants: [participant], context: Fixture.context, zone: zone)
        #expect(summary.tomorrow == 0 && summary.overdue == 1)
        #expect(RosterEntry(participant, studyProtocol: scz).next?.visit == "D1")
        #expect(ParticipantDigest(participant, context: Fixture.context)?.nextVisit?.visit == "D1")
        #expect(try participant.plannedVisits(scz).filter(\.isWaitingForDayOne).map(\.code) == ["W1", "W2", "W3", "W4", "W5", "FU"])

        // Day 1 on 11-04: W1 (target 11-11) comes into the lists, the summary and the roster.
        try participant.complete("D1", on: Fixture.date("2026-11-04"), reason: nil, studyProtocol: scz, today: today)
        #expect(participant.plannedVisits(scz).allSatisfy { !$0.isWaitingForDayOne })
        #expect(listed([participant], on: Fixture.date("2026-11-11")).contains("101-0001 W1"))
        #expect(DaySummary(date: Fixture.date("2026-11-10"), participants: [participant], context: Fixture.context, zone: zone).tomorrowVisits.map(\.visit) == ["W1"])
        #expect(RosterEntry(participant, studyProtocol: scz).next?.visit == "W1")
    }

    @Test func aWaitingVisitIsMarkedOnThePageWithItsDatesAndCanBeRescheduled() throws {
        var participant = try slipped()
        let w1 = try participant.plannedVisit("W1", scz)
        #expect(w1.scheduled == Fixture.date("2026-11-09") && w1.window == VisitWindow(start: Fixture.date("2026-11-07"), end: Fixture.date("2026-11-11")))
        #expect(w1.windowState(on: Fixture.date("2026-11-20")) == .waiting) // never "overdue"
        #expect(w1.plan?.description == "waiting for Day 1")
        #expect(try participant.plannedVisit("SCR", scz).plan == nil && participant.plannedVisit("D1", scz).plan == nil)
        // A plan, not a procedure: a waiting visit may be rescheduled (outside its window, with a reason).
        try participant.reschedule("W1", to: Fixture.date("2026-11-14"), reason: "baseline slipped", studyProtocol: scz)
        #expect(try participant.plannedVisit("W1", scz).plan?.description == "waiting for Day 1; planned 3 days after its window")
        #expect(!listed([participant], on: Fixture.date("2026-11-14")).contains("101-0001 W1"))
    }

    @Test func completingMissingScoringOrMeasuringAWaitingVisitIsRefused() throws {
        let participant = try slipped()
        let actions: [(String, (inout Participant) throws -> Void)] = [
            ("complete", { try $0.complete("W1", on: Fixture.date("2026-11-09"), reason: nil, studyProtocol: scz, today: today) }),
            ("miss", { try $0.miss("W1", on: Fixture.date("2026-11-11"), reason: "no show", studyProtocol: scz, today: today) }),
            ("score", { try $0.score("W1", scale: Fixture.scales["PANSS"]!, items: Fixture.panss(total: 80), date: nil, rater: nil, reason: nil,
                                     studyProtocol: scz, today: today) }),
            ("measure", { _ = try $0.recordMeasures(visit: "W1", [MeasureEntry(test: "HR", value: nil, notDone: "machine broken")], reason: nil,
                                                studyProtocol: scz, catalog: Fixture.scales, today: today) }),
        ]
        for (name, action) in actions {
            var copy = participant
            #expect(name == name) // named in the failure below
            #expect { try action(&copy) } throws: { error in
                let message = (error as? DomainError)?.message ?? ""
                return message.contains("Day 1 has not happened") && message.contains("complete the baseline visit D1 first")
            }
            #expect(copy == participant, "\(name) changed the participant")
        }
        // A visit after the baseline completed before this rule (an older store) still takes no scores before Day 1.
        var older = participant
        older.visits[older.visits.firstIndex { $0.code == "W1" }!].status = .completed
        older.visits[older.visits.firstIndex { $0.code == "W1" }!].completedDate = Fixture.date("2026-11-09")
        #expect { try older.score("W1", scale: Fixture.scales["PANSS"]!, items: Fixture.panss(total: 80), date: nil, rater: nil, reason: nil,
                                  studyProtocol: scz, today: today) } throws: { ($0 as? DomainError)?.message.contains("Day 1 has not happened") == true }
    }

    @Test func theBaselineWaitsForScreening() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        let before = participant
        #expect { try participant.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today) }
            throws: { ($0 as? DomainError)?.message.contains("SCR is still scheduled") == true
                && ($0 as? DomainError)?.message.contains("Complete SCR or mark it missed first") == true }
        #expect(participant == before)
        // Marked missed, screening no longer holds the baseline back.
        try participant.miss("SCR", on: Fixture.date("2026-11-01"), reason: "done elsewhere", studyProtocol: scz, today: today)
        try participant.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today)
        #expect(participant.status == .active)
    }

    @Test func aWithdrawalBeforeDayOneKeepsTheEarlyTerminationAndFollowUpDatedFromIt() throws {
        var participant = try slipped()
        try participant.withdraw(on: Fixture.date("2026-11-05"), category: .withdrawalBySubject, reason: "withdrew consent", screenFailure: false,
                                 studyProtocol: scz, today: today)
        let termination = try participant.plannedVisit("ET", scz), followUp = try participant.plannedVisit("FU", scz)
        #expect(!termination.isWaitingForDayOne && !followUp.isWaitingForDayOne)
        #expect(termination.target == Fixture.date("2026-11-05"))
        #expect(followUp.target > termination.target) // follows the early termination, never before it
        #expect(listed([participant], on: Fixture.date("2026-11-05")).contains("101-0001 ET"))
        try participant.complete("ET", on: Fixture.date("2026-11-05"), reason: nil, studyProtocol: scz, today: today)
        try participant.complete("FU", on: try participant.plannedVisit("FU", scz).target, reason: nil, studyProtocol: scz, today: today)
    }

    @Test func aVisitPlannedAfterItsWindowIsListedOnItsDayAndOverdueOnlyAfterIt() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try Fixture.startDayOne(&participant)
        // W1's window is 11-07..11-11; planned for 11-14.
        try participant.reschedule("W1", to: Fixture.date("2026-11-14"), reason: "participant away", studyProtocol: scz)
        let w1 = try participant.plannedVisit("W1", scz)
        #expect(w1.plan?.description == "planned 3 days after its window")
        let states = ["2026-11-06", "2026-11-09", "2026-11-12", "2026-11-14", "2026-11-15"].map { w1.windowState(on: Fixture.date($0)) }
        #expect(states == [.upcoming, .open, .upcoming, .upcoming, .overdue])
        func review(_ day: String) -> DayReview { DayReview(date: Fixture.date(day), participants: [participant], context: Fixture.context) }
        for day in ["2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13"] {
            #expect(!review(day).closing.map(\.key).contains("101-0001 W1"), "\(day)") // planned so on purpose
            #expect(!review(day).overdue.map(\.key).contains("101-0001 W1"), "\(day)")
        }
        #expect(review("2026-11-14").today.map(\.key).contains("101-0001 W1"))
        #expect(review("2026-11-15").overdue.map(\.key).contains("101-0001 W1"))
        let eve = DaySummary(date: Fixture.date("2026-11-13"), participants: [participant], context: Fixture.context, zone: zone)
        #expect(eve.overdue == 0 && eve.tomorrowVisits.map(\.visit) == ["W1"])
        // Its completion on the planned day is still a late deviation, and the change says it made one.
        let before = participant
        try participant.complete("W1", on: Fixture.date("2026-11-14"), reason: nil, studyProtocol: scz, today: today)
        #expect(participant.deviation(at: "W1", scz)?.kind == .late && participant.deviation(at: "W1", scz)?.days == 3)
        #expect(participant.deviationsCreated(since: before, scz).map(\.code) == ["W1"])
        #expect(try participant.plannedVisit("W1", scz).deviationWords == "3 days late")
        #expect(try participant.plannedVisit("W1", scz).plan == nil) // done: its deviation says it now
    }

    @Test func aVisitPlannedBeforeItsWindowSaysSoAndAnInWindowPlanSaysNothing() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try Fixture.startDayOne(&participant)
        try participant.reschedule("W2", to: Fixture.date("2026-11-12"), reason: "clinic closed that week", studyProtocol: scz) // window 11-14..11-18
        #expect(try participant.plannedVisit("W2", scz).plan?.description == "planned 2 days before its window")
        try participant.reschedule("W1", to: Fixture.date("2026-11-10"), reason: nil, studyProtocol: scz)
        #expect(try participant.plannedVisit("W1", scz).plan == nil)
        let before = participant
        try participant.complete("W1", on: Fixture.date("2026-11-10"), reason: nil, studyProtocol: scz, today: today)
        #expect(participant.deviationsCreated(since: before, scz).isEmpty)
    }
}
