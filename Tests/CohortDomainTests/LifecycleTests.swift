@testable import CohortDomain
import Testing

struct LifecycleTests {
    let scz = Fixture.schizophrenia
    let today = Fixture.date("2026-12-31")

    @Test func windowStatesOfScheduledVisits() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        #expect(try participant.plannedVisit("W1", scz).windowState(on: Fixture.date("2026-11-09")) == .waiting) // Day 1 first
        try Fixture.startDayOne(&participant)
        let w1 = try participant.plannedVisit("W1", scz) // target 11-09, window 11-07..11-11
        #expect(w1.windowState(on: Fixture.date("2026-11-06")) == .upcoming)
        #expect(w1.windowState(on: Fixture.date("2026-11-07")) == .open)
        #expect(w1.windowState(on: Fixture.date("2026-11-11")) == .open)
        #expect(w1.windowState(on: Fixture.date("2026-11-12")) == .overdue)
    }

    @Test(arguments: [("2026-11-06", WindowState.early, -1), ("2026-11-07", .inWindow, 0), ("2026-11-11", .inWindow, 0), ("2026-11-14", .late, 3)])
    func completionOutsideTheWindowIsAnUnclassifiedDeviationNotARefusal(date: String, state: WindowState, days: Int) throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try Fixture.startDayOne(&participant)
        _ = try participant.complete("W1", on: Fixture.date(date), reason: nil, studyProtocol: scz, today: today)
        let w1 = try participant.plannedVisit("W1", scz)
        #expect(w1.windowState(on: today) == state)
        #expect(w1.deviationDays == (days == 0 ? nil : days))
    }

    @Test func baselineCompletionActivatesAndTheLastVisitCompletes() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        #expect(participant.status == .screening)
        try Fixture.startDayOne(&participant)
        #expect(participant.status == .active)
        for code in ["W1", "W2", "W3", "W4", "W5"] {
            _ = try participant.complete(code, on: try participant.plannedVisit(code, scz).target, reason: nil, studyProtocol: scz, today: today)
        }
        #expect(participant.status == .active)
        try participant.complete("FU", on: Fixture.date("2026-12-14"), reason: nil, studyProtocol: scz, today: today)
        #expect(participant.status == .completed)
    }

    @Test func withdrawalSchedulesEarlyTerminationKeepsTheFollowUpAndCancelsTheRest() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try Fixture.startDayOne(&participant)
        _ = try participant.miss("W1", on: Fixture.date("2026-11-11"), reason: "no show", studyProtocol: scz, today: today)
        #expect(participant.visit("ET") == nil) // early termination is not on a participant's schedule until they leave
        _ = try participant.withdraw(on: Fixture.date("2026-11-20"), category: .adverseEvent, reason: "nausea and vomiting",
                                     screenFailure: false, studyProtocol: scz, today: today)
        #expect(participant.status == .withdrawn)
        #expect(participant.exit == ExitRecord(date: Fixture.date("2026-11-20"), category: .adverseEvent, reason: "nausea and vomiting"))
        #expect(participant.visit("D1")?.status == .completed)
        #expect(participant.visit("W1")?.status == .missed)
        #expect(participant.visit("SCR")?.status == .completed)
        #expect(participant.visit("W2")?.status == .cancelled) // scheduled in the past: still cancelled
        #expect(participant.visit("W5")?.status == .cancelled)
        // The early-termination visit: target the withdrawal date, window [W − minus, W + plus].
        let termination = try participant.plannedVisit("ET", scz)
        #expect(termination.status == .scheduled && termination.target.description == "2026-11-20")
        #expect(termination.window.start.description == "2026-11-20" && termination.window.end.description == "2026-11-23")
        // The safety follow-up stays, and follows the early-termination visit now that its anchor (W5) is cancelled.
        #expect(participant.visit("FU")?.status == .scheduled)
        #expect(try participant.plannedVisit("FU", scz).target.description == "2026-11-27")
        try participant.complete("ET", on: Fixture.date("2026-11-22"), reason: nil, studyProtocol: scz, today: today)
        #expect(try participant.plannedVisit("FU", scz).target.description == "2026-11-29")
        #expect(throws: DomainError.self) {
            try participant.complete("W2", on: Fixture.date("2026-11-21"), reason: nil, studyProtocol: scz, today: today)
        }
        #expect { try participant.score("W2", scale: Fixture.scales["CSSRS"]!, items: [0, 0, 0, 0, 0, 0], date: nil, rater: nil, reason: nil,
                                        studyProtocol: scz, today: today) } throws: { ($0 as? DomainError)?.message.contains("cancelled visit has no scores") == true }
        #expect(throws: DomainError.self) {
            try participant.withdraw(on: Fixture.date("2026-11-21"), category: .other, reason: "again", screenFailure: false, studyProtocol: scz, today: today)
        }
    }

    @Test func screenFailureOnlyFromScreeningAndCancelsEverything() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        _ = try participant.withdraw(on: Fixture.date("2026-10-30"), category: .other, reason: "PANSS below entry", screenFailure: true,
                                     studyProtocol: scz, today: today)
        #expect(participant.status == .screenFailed)
        #expect(participant.visit("ET") == nil && participant.visit("FU")?.status == .cancelled)
        var active = Fixture.participant(baseline: "2026-11-02")
        try Fixture.startDayOne(&active)
        #expect(throws: DomainError.self) {
            try active.withdraw(on: Fixture.date("2026-11-03"), category: .other, reason: "x", screenFailure: true, studyProtocol: scz, today: today)
        }
    }

    @Test func blindedStudiesRandomizeBeforeTheBaselineAndNeverShowAnArm() throws {
        let request = EnrollmentRequest(subject: "101-0001", initials: "AB", birthYear: "1980", sex: "F", study: "SCZ-5W-INPT",
                                        arm: "", consentDate: "2026-10-23", baselineDate: "2026-11-02")
        var participant = try request.enroll(protocols: [scz], takenSubjects: [], today: today)
        #expect(participant.arm == nil && participant.allocation == "not yet randomized")
        var armed = request
        armed.arm = "Drug"
        #expect(armed.problems(protocols: [scz], takenSubjects: [], today: today)[.arm]?.contains("blinded") == true)
        try Fixture.screen(&participant)
        participant.recordEligible(scz)
        #expect { try participant.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today) }
            throws: { ($0 as? DomainError)?.message.contains("not randomized yet") == true }
        func refused(_ number: String, _ date: String, taken: Set<String> = [], _ fragment: String) {
            var copy = participant
            #expect { try copy.randomize(number: number, on: Fixture.date(date), studyProtocol: scz, today: today, taken: taken) }
                throws: { ($0 as? DomainError)?.message.contains(fragment) == true }
        }
        refused("R 1", "2026-11-01", "must be 1 to 20")
        refused(String(repeating: "1", count: 21), "2026-11-01", "must be 1 to 20")
        refused("R-1", "2026-11-01", taken: ["R-1"], "already used")
        refused("r-1", "2026-11-01", taken: ["R-1"], "already used") // one number to the sponsor, whatever the case
        refused("R-1", "2026-10-20", "before")
        try participant.randomize(number: "R-1", on: Fixture.date("2026-11-03"), studyProtocol: scz, today: today, taken: [])
        #expect(participant.allocation == "rand. R-1")
        // Randomized after the day of the baseline: that baseline date is refused.
        #expect(throws: DomainError.self) { try participant.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today) }
        try participant.complete("D1", on: Fixture.date("2026-11-03"), reason: nil, studyProtocol: scz, today: today)
        refused("R-2", "2026-11-04", "already randomized")
        var late = Fixture.participant("101-0002", baseline: "2026-11-02")
        late.randomization = nil
        late.randomization = Randomization(number: "R-9", date: Fixture.date("2026-10-25"))
        try Fixture.screen(&late)
        try late.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today)
        var again = Fixture.participant("101-0003", baseline: "2026-11-02")
        again.randomization = nil
        try again.complete("SCR", on: Fixture.date("2026-10-28"), reason: nil, studyProtocol: scz, today: today)
        #expect(throws: DomainError.self) {
            try again.randomize(number: "R-3", on: Fixture.date("2026-11-04"), studyProtocol: scz, today: today, taken: [])
            try again.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today)
        }
    }

    @Test func deviationsAreEarlyLateOrMissedAndClassifiedWithAReasonToChange() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try Fixture.startDayOne(&participant)
        try participant.complete("W1", on: Fixture.date("2026-11-13"), reason: nil, studyProtocol: scz, today: today)
        try participant.miss("W2", on: Fixture.date("2026-11-19"), reason: "no show", studyProtocol: scz, today: today)
        #expect(participant.deviation(at: "W1", scz)?.kind == .late && participant.deviation(at: "W1", scz)?.days == 2)
        #expect(participant.deviation(at: "W2", scz)?.kind == .missed && participant.deviation(at: "W2", scz)?.days == nil)
        #expect(participant.deviation(at: "D1", scz) == nil)
        #expect(participant.deviationClass(at: "W1") == nil) // unclassified
        try participant.classifyDeviation(visit: "W1", as: .minor, note: "holiday", reason: nil, studyProtocol: scz)
        #expect(participant.deviationClass(at: "W1") == DeviationClassification(visit: "W1", classification: .minor, note: "holiday"))
        #expect { try participant.classifyDeviation(visit: "W1", as: .major, note: "holiday", reason: nil, studyProtocol: scz) }
            throws: { ($0 as? DomainError)?.message.contains("reason to change") == true }
        #expect(try participant.classifyDeviation(visit: "W1", as: .major, note: "holiday", reason: "PI review", studyProtocol: scz) == "PI review")
        #expect(throws: DomainError.self) { try participant.classifyDeviation(visit: "D1", as: .minor, note: nil, reason: nil, studyProtocol: scz) }
        #expect(throws: DomainError.self) { try participant.classifyDeviation(visit: "W2", as: .unclassified, note: nil, reason: nil, studyProtocol: scz) }
    }

    @Test func refusals() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try Fixture.startDayOne(&participant)
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
        refused({ try $0.reschedule("W2", to: Fixture.date("2026-10-20"), reason: "early", studyProtocol: scz) }, "before")
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
        try Fixture.startDayOne(&participant)
        _ = try participant.miss("W1", on: Fixture.date("2026-11-11"), reason: "no show", studyProtocol: scz, today: today)
        #expect(throws: DomainError.self) { try participant.complete("W1", on: Fixture.date("2026-11-11"), reason: nil, studyProtocol: scz, today: today) }
        let reason = try participant.complete("W1", on: Fixture.date("2026-11-11"), reason: "came in the afternoon", studyProtocol: scz, today: today)
        #expect(reason == "came in the afternoon")
        #expect(participant.visit("W1")?.missedReason == nil)
        #expect(participant.visit("W1")?.status == .completed)
    }

    @Test func changingSavedScoresNeedsAReasonAndKeepsWhatItDoesNotCorrect() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try Fixture.startDayOne(&participant)
        let panss = Fixture.scales["PANSS"]!
        try participant.score("D1", scale: panss, items: Fixture.panss(total: 90), date: nil, rater: "ab", reason: nil, studyProtocol: scz, today: today)
        #expect(participant.administration(visit: "D1", scale: "PANSS")?.date.description == "2026-11-02")
        #expect(participant.administration(visit: "D1", scale: "PANSS")?.rater == "AB")
        #expect(throws: DomainError.self) {
            try participant.score("D1", scale: panss, items: Fixture.panss(total: 91), date: nil, rater: "AB", reason: nil, studyProtocol: scz, today: today)
        }
        // A correction without --date or --rater keeps both (docs/RULES.md, "Scores").
        let second = try participant.score("D1", scale: panss, items: Fixture.panss(total: 91), date: nil, rater: nil, reason: "transcription error", studyProtocol: scz, today: today)
        #expect(second == "transcription error")
        let corrected = participant.administration(visit: "D1", scale: "PANSS")
        #expect(corrected?.items == Fixture.panss(total: 91) && corrected?.rater == "AB" && corrected?.date.description == "2026-11-02")
    }
}
