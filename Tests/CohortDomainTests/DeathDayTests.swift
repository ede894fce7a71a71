@testable import CohortDomain
import Foundation
import Testing

/// A death's day checked against everything already recorded (docs/RULES.md, "Adverse events and medications", after a death): one rule,
/// applied to every change through `Change.apply`, whether the death is recorded first or last.
struct DeathDayTests {
    typealias F = MeasureFixture
    static let now = Safety.at("2026-11-25T10:00")

    /// Applies `change` as both front ends do.
    func apply(_ change: Change, to participant: inout Participant) throws {
        _ = try change.apply(to: &participant, in: ChangeEnvironment(context: Fixture.context, today: F.today, user: "lead", site: UnknownSite()))
    }

    func death(_ subject: String, on date: String) -> Change {
        .withdraw(subject: subject, date: Safety.date(date), category: .death, reason: "died", screenFailure: false)
    }

    func fatal(ending date: String) -> AdverseEventDraft {
        Safety.draft("Cardiac arrest", onset: date, end: date, criteria: [.death], related: .unlikely, outcome: .fatal)
    }

    /// Expects `change` refused, naming `named`, with the participant unchanged.
    func expectRefused(_ change: Change, _ participant: Participant, naming named: String) {
        var copy = participant
        do {
            try apply(change, to: &copy)
            Issue.record("accepted \(change.description)")
        } catch let error as DomainError {
            #expect(error.message.contains(named), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
        #expect(copy == participant)
    }

    @Test func aWithdrawalForDeathIsRefusedBeforeAVisitAlreadyCompleted() {
        // W2 was completed on 2026-11-16: a death on the 12th cannot be.
        let participant = F.participant()
        expectRefused(death(participant.subject, on: "2026-11-12"), participant, naming: "W2 completed on 2026-11-16")
    }

    @Test(arguments: ["measure", "event", "medication", "score", "randomization", "unscheduled"])
    func aWithdrawalForDeathIsRefusedBeforeAnythingRecordedAfterIt(what: String) throws {
        var participant = Fixture.participant("101-0001", baseline: "2026-11-02")
        let subject = participant.subject
        try apply(.complete(subject: subject, visit: "SCR", date: Safety.date("2026-10-27"), reason: nil), to: &participant)
        let named: String
        switch what {
        case "measure":
            try apply(.measure(subject: subject, visit: "SCR", entries: [F.entry("HR", "80", date: "2026-11-20")], reason: nil), to: &participant)
            named = "HR at SCR on 2026-11-20"
        case "event":
            try apply(.addAdverseEvent(subject: subject, draft: Safety.draft("Nausea", onset: "2026-11-20"), now: Self.now), to: &participant)
            named = "the onset of AE1 on 2026-11-20"
        case "medication":
            try apply(.addMedication(subject: subject, draft: Safety.med("lithium", start: "2026-11-20")), to: &participant)
            named = "the start of CM1 on 2026-11-20"
        case "score":
            try apply(.score(subject: subject, visit: "SCR", scale: "CGI-S", items: [4], date: Safety.date("2026-11-20"), rater: "DM", reason: nil),
                      to: &participant)
            named = "CGI-S at SCR on 2026-11-20"
        case "unscheduled":
            try apply(.addUnscheduledVisit(subject: subject, date: Safety.date("2026-11-20"), reason: "repeat ALT"), to: &participant)
            named = "unscheduled visit U1 on 2026-11-20"
        default:
            participant.randomization = nil // the fixture is randomized at consent
            try apply(.randomize(subject: subject, number: "R-1", date: Safety.date("2026-11-20")), to: &participant)
            named = "randomization on 2026-11-20"
        }
        expectRefused(death(subject, on: "2026-11-18"), participant, naming: named)
        // The day itself is not after it.
        var same = participant
        try apply(death(subject, on: "2026-11-20"), to: &same)
    }

    @Test func aFatalEventEndingBeforeDataAlreadyRecordedIsRefused() throws {
        var participant = F.participant()
        let subject = participant.subject
        expectRefused(.addAdverseEvent(subject: subject, draft: fatal(ending: "2026-11-12"), now: Self.now), participant,
                      naming: "W2 completed on 2026-11-16")
        try apply(.addAdverseEvent(subject: subject, draft: Safety.draft("Chest pain", onset: "2026-11-10"), now: Self.now), to: &participant)
        expectRefused(.updateAdverseEvent(subject: subject, id: "AE1",
                                          draft: AdverseEventDraft(end: Safety.date("2026-11-12"), criteria: [.death], outcome: .fatal),
                                          reason: "died", now: Self.now),
                      participant, naming: "W2 completed on 2026-11-16")
    }

    @Test func nothingIsDatedAfterTheDayAFatalEventEnded() throws {
        // No withdrawal yet: the fatal event's end is the day of death, and every change is held to it.
        var participant = F.participant()
        let subject = participant.subject
        try apply(.addAdverseEvent(subject: subject, draft: fatal(ending: "2026-11-20"), now: Self.now), to: &participant)
        #expect(participant.dayOfDeath == Safety.date("2026-11-20"))
        expectRefused(.complete(subject: subject, visit: "W3", date: Safety.date("2026-11-23"), reason: nil), participant, naming: "W3 completed on 2026-11-23")
        expectRefused(.miss(subject: subject, visit: "W3", date: Safety.date("2026-11-23"), reason: "absent"), participant, naming: "W3 marked missed on 2026-11-23")
        expectRefused(.measure(subject: subject, visit: "W2", entries: [F.entry("HR", "80", date: "2026-11-21")], reason: nil), participant,
                      naming: "HR at W2 on 2026-11-21")
        expectRefused(.addMedication(subject: subject, draft: Safety.med("morphine", start: "2026-11-19", end: "2026-11-22")), participant,
                      naming: "the end of CM1 on 2026-11-22")
        expectRefused(.addAdverseEvent(subject: subject, draft: Safety.draft("Nausea", onset: "2026-11-21"), now: Self.now), participant,
                      naming: "the onset of AE2 on 2026-11-21")
        // On or before the day is recorded as usual.
        try apply(.addMedication(subject: subject, draft: Safety.med("morphine", start: "2026-11-19", end: "2026-11-20")), to: &participant)
        try apply(death(subject, on: "2026-11-20").withAdverseEvent("AE1"), to: &participant)
    }

    @Test func dataAnEarlierVersionLetThroughStaysCorrectable() throws {
        var participant = F.participant()
        // As an earlier version could save it: a death on the 12th, W2 completed on the 16th.
        participant.status = .withdrawn
        participant.exit = ExitRecord(date: Safety.date("2026-11-12"), category: .death, reason: "died", adverseEvent: nil)
        #expect(participant.recordedAfterDeath() == ["W2 completed on 2026-11-16"])
        // A change that adds nothing after the death goes through; one that adds to it does not.
        try apply(.addMedication(subject: participant.subject, draft: Safety.med("lithium", start: "2026-11-01")), to: &participant)
        expectRefused(.addMedication(subject: participant.subject, draft: Safety.med("lorazepam", start: "2026-11-13")), participant,
                      naming: "the start of CM2 on 2026-11-13")
    }
}

private extension Change {
    /// The withdrawal with the fatal event linked.
    func withAdverseEvent(_ id: String) -> Change {
        guard case .withdraw(let subject, let date, let category, let reason, let screenFailure, _) = self else { return self }
        return .withdraw(subject: subject, date: date, category: category, reason: reason, screenFailure: screenFailure, adverseEvent: id)
    }
}
