import Foundation
@testable import CohortDomain
import Testing

/// The summary's parts read from the whole record: entries recorded on a day for earlier days, safety items
/// still open, acknowledgements (docs/RULES.md, "The day's lists and the summary").
struct SummaryRecordTests {
    let scz = Fixture.schizophrenia
    let context = Fixture.context

    func started(today: String = "2026-11-09") throws -> Participant {
        var participant = Fixture.participant("101-0001", baseline: "2026-11-02", today: today)
        let day = Fixture.date(today)
        _ = try participant.complete("SCR", on: try participant.plannedVisit("SCR", scz).target, reason: nil, studyProtocol: scz, today: day)
        _ = try participant.complete("D1", on: participant.baselineDate, reason: nil, studyProtocol: scz, today: day)
        return participant
    }

    @Test func whatADayCreatedForEarlierDaysIsListedWithItsClinicalDate() throws {
        let day = Fixture.date("2026-11-12")
        let before = try started()
        var after = before
        _ = try after.complete("W1", on: Fixture.date("2026-11-09"), reason: nil, studyProtocol: scz, today: day)
        _ = try after.score("W1", scale: Fixture.scales["PANSS"]!, items: Fixture.panss(total: 80), date: nil, rater: nil, reason: nil,
                            studyProtocol: scz, today: day)
        try Safety.add(&after, Safety.draft("Headache", onset: "2026-11-10"), now: "2026-11-12T10:00")
        // Dated the day itself: not late, not listed.
        try Safety.add(&after, Safety.draft("Nausea", onset: "2026-11-12"), now: "2026-11-12T10:00")
        _ = try after.addMedication(Safety.med("lorazepam", start: "2026-11-08"), today: day)
        let entries = after.entries(recordedOn: day, since: before, context: context)
        #expect(entries.map { "\($0.what.rawValue) \($0.id) \($0.date) \($0.recorded)" } == [
            "visit-completed W1 2026-11-09 2026-11-12", "scores W1/PANSS 2026-11-09 2026-11-12",
            "adverse-event AE1 2026-11-10 2026-11-12", "medication CM1 2026-11-08 2026-11-12",
        ])
        // Nothing new since the day began: nothing listed, whatever the dates.
        #expect(after.entries(recordedOn: day, since: after, context: context).isEmpty)
        // Enrolled on the day itself: everything in the record was created that day.
        #expect(after.entries(recordedOn: day, since: nil, context: context).map(\.id).contains("AE1"))
    }

    @Test func aWithdrawalARandomizationAndAClassEnteredLateAreListed() throws {
        let day = Fixture.date("2026-11-20")
        let before = try started()
        var after = before
        _ = try after.miss("W1", on: Fixture.date("2026-11-12"), reason: "away", studyProtocol: scz, today: day)
        _ = try after.classifyDeviation(visit: "W1", as: .minor, note: nil, reason: nil, studyProtocol: scz)
        _ = try after.withdraw(on: Fixture.date("2026-11-18"), category: .withdrawalBySubject, reason: "moved away", screenFailure: false,
                               studyProtocol: scz, today: day)
        let whats = after.entries(recordedOn: day, since: before, context: context).map { "\($0.what.rawValue) \($0.id) \($0.date)" }
        #expect(whats.contains("visit-missed W1 2026-11-12"))
        #expect(whats.contains("deviation-class W1 2026-11-12"))
        #expect(whats.contains("withdrawal withdrawal-by-subject 2026-11-18"))
    }

    @Test func openSafetyItemsStayUntilClosed() throws {
        var participant = try started(today: "2026-11-20")
        try Safety.add(&participant, Safety.draft("Pneumonia", onset: "2026-11-10", criteria: [.hospitalization], related: .unlikely),
                       now: "2026-11-10T10:00")
        try Safety.add(&participant, Safety.draft("Syncope", onset: "2026-11-11"), now: "2026-11-11T10:00")
        _ = try participant.complete("W1", on: Fixture.date("2026-11-09"), reason: nil, studyProtocol: scz, today: Fixture.date("2026-11-20"))
        _ = try participant.score("W1", scale: Fixture.scales["CSSRS"]!, items: [1, 1, 0, 1, 0, 0], date: nil, rater: nil, reason: nil,
                                  studyProtocol: scz, today: Fixture.date("2026-11-20"))
        func open(_ day: String) -> [String] {
            participant.openSafety(on: Fixture.date(day), context: context).map { "\($0.kind.rawValue) \($0.id)" }
        }
        #expect(open("2026-11-08") == [])
        #expect(open("2026-11-09") == ["urgent-flag-unacknowledged W1/cssrs-urgent"])
        #expect(open("2026-11-12") == ["serious-ae-ongoing AE1", "special-interest-ae-ongoing AE2", "urgent-flag-unacknowledged W1/cssrs-urgent"])
        _ = try participant.acknowledge(flag: "cssrs-urgent", visit: "W1", action: "PI assessed; 1:1 observation", on: Fixture.date("2026-11-13"),
                                        user: "lead", context: context)
        try Safety.update(&participant, AdverseEventDraft(end: Fixture.date("2026-11-14"), outcome: .recovered), id: "AE2", now: "2026-11-15T10:00")
        #expect(open("2026-11-12").contains("urgent-flag-unacknowledged W1/cssrs-urgent"))
        #expect(open("2026-11-13") == ["serious-ae-ongoing AE1", "special-interest-ae-ongoing AE2"])
        #expect(open("2026-11-15") == ["serious-ae-ongoing AE1"])
        try Safety.report(&participant, "AE1", at: "2026-11-10T12:00", now: "2026-11-15T10:00")
        try Safety.update(&participant, AdverseEventDraft(severity: .severe), id: "AE1", now: "2026-11-16T10:00")
        #expect(open("2026-11-16") == ["serious-ae-ongoing AE1", "follow-up-report-pending AE1"])
    }

    @Test func theDayOfAnAcknowledgementListsWhoAndWhat() throws {
        var participant = try started(today: "2026-11-20")
        _ = try participant.complete("W1", on: Fixture.date("2026-11-09"), reason: nil, studyProtocol: scz, today: Fixture.date("2026-11-20"))
        _ = try participant.score("W1", scale: Fixture.scales["CSSRS"]!, items: [1, 1, 0, 1, 0, 0], date: nil, rater: nil, reason: nil,
                                  studyProtocol: scz, today: Fixture.date("2026-11-20"))
        _ = try participant.acknowledge(flag: "cssrs-urgent", visit: "W1", action: "PI assessed; 1:1 observation", on: Fixture.date("2026-11-13"),
                                        user: "lead", context: context)
        #expect(participant.acknowledgements(on: Fixture.date("2026-11-13"))
                == [DaySummary.Acknowledged(subject: "101-0001", visit: "W1", flag: "cssrs-urgent", user: "lead", action: "PI assessed; 1:1 observation")])
        #expect(participant.acknowledgements(on: Fixture.date("2026-11-14")).isEmpty)
    }

    @Test func aReportSentLateIsADeviationUntilClassified() throws {
        var participant = try started(today: "2026-11-20")
        try Safety.add(&participant, Safety.draft("Pneumonia", onset: "2026-11-10", criteria: [.hospitalization], related: .unlikely,
                                                  aware: "2026-11-10T09:00"), now: "2026-11-10T10:00")
        try Safety.add(&participant, Safety.draft("Syncope", onset: "2026-11-10", related: .unlikely, aware: "2026-11-10T09:00"), now: "2026-11-10T10:00")
        // AE1 reported 2 hours late, AE2 in time.
        try Safety.report(&participant, "AE1", at: "2026-11-11T11:00", now: "2026-11-11T12:00")
        try Safety.report(&participant, "AE2", at: "2026-11-11T08:00", now: "2026-11-11T12:00")
        #expect(participant.deviation(at: "AE1", scz)?.kind == .lateReport)
        #expect(participant.deviation(at: "AE2", scz) == nil)
        func summary(_ day: String) throws -> DaySummary {
            DaySummary(date: Fixture.date(day), participants: [participant], context: context, zone: Safety.ny)
        }
        let late = DaySummary.Deviation(subject: "101-0001", visit: "AE1", kind: .lateReport, days: nil)
        #expect(try summary("2026-11-11").deviations == [late])
        #expect(try summary("2026-11-12").deviations.isEmpty)
        #expect(ParticipantDigest(participant, context: context)?.unclassifiedDeviations.contains("AE1") == true)
        #expect(throws: DomainError.self) { _ = try participant.classifyDeviation(visit: "AE2", as: .minor, note: nil, reason: nil, studyProtocol: scz) }
        _ = try participant.classifyDeviation(visit: "AE1", as: .minor, note: "weekend", reason: nil, studyProtocol: scz)
        #expect(ParticipantDigest(participant, context: context)?.unclassifiedDeviations.contains("AE1") == false)
    }
}
