@testable import CohortDomain
import Testing

/// What an outside attack found the AE rules let through: times out of order with the reports, links to
/// the wrong event, names hidden from matching, and a forged file that breaks a rule within an event.
struct SafetyConsistencyTests {

    func reported() throws -> Participant {
        var participant = Safety.participant()
        try Safety.add(&participant, Safety.draft(onset: "2026-11-20", criteria: [.hospitalization], related: .possible, aware: "2026-11-24T09:00"))
        try Safety.report(&participant, at: "2026-11-24T13:00")
        return participant
    }

    @Test func aFollowUpIsNeverDatedBeforeTheLastReport() throws {
        var participant = try reported()
        try Safety.update(&participant, AdverseEventDraft(severity: .severe))
        #expect(throws: DomainError.self) { try Safety.report(&participant, at: "2026-11-24T12:00", followUp: true) }
        try Safety.report(&participant, at: "2026-11-24T14:00", followUp: true)
        #expect(!participant.adverseEvents[0].followUpPending)
    }

    @Test func awarenessStaysBeforeTheInitialReport() throws {
        var participant = try reported()
        let before = participant
        #expect(throws: DomainError.self) { try Safety.update(&participant, AdverseEventDraft(aware: Safety.at("2026-11-24T13:45"))) }
        // Nor moved within the report's time to turn a late report into one on time.
        #expect(throws: DomainError.self) { try Safety.update(&participant, AdverseEventDraft(aware: Safety.at("2026-11-24T12:00"))) }
        #expect(participant == before)
        // Not serious, then serious again: the sponsor has the report, so the clock does not start over.
        try Safety.update(&participant, AdverseEventDraft(criteria: []))
        try Safety.update(&participant, AdverseEventDraft(criteria: [.hospitalization]))
        #expect(participant.adverseEvents[0].aware == Safety.at("2026-11-24T09:00") && participant.adverseEvents[0].followUpPending)
    }

    @Test func aWithdrawalLinksOnlyAnEventThatCouldHaveLedToIt() throws {
        var participant = try reported()
        let studyProtocol = Safety.scz, today = Safety.date("2026-11-25")
        #expect(throws: DomainError.self) {
            try participant.withdraw(on: Safety.date("2026-11-19"), category: .adverseEvent, reason: "x", screenFailure: false,
                                     studyProtocol: studyProtocol, today: today, adverseEvent: "AE1")
        }
        #expect(throws: DomainError.self) {
            try participant.withdraw(on: today, category: .death, reason: "x", screenFailure: false, studyProtocol: studyProtocol, today: today,
                                     adverseEvent: "AE1")
        }
        _ = try participant.withdraw(on: today, category: .adverseEvent, reason: "hospitalized", screenFailure: false,
                                     studyProtocol: studyProtocol, today: today, adverseEvent: "AE1")
        #expect(participant.exit?.adverseEvent == "AE1")
    }

    @Test(arguments: ["Syn\u{00AD}cope", "Syn\u{200B}cope", "Syn\u{200D}cope"])
    func invisibleCharactersCannotHideATermFromMatching(term: String) {
        var participant = Safety.participant()
        #expect(throws: DomainError.self) { try Safety.add(&participant, Safety.draft(term)) }
        #expect(throws: DomainError.self) {
            try participant.addMedication(MedicationDraft(name: "Benz\u{00AD}tropine", start: Safety.date("2026-11-20")), today: Safety.date("2026-11-25"))
        }
        #expect(participant.adverseEvents.isEmpty && participant.medications.isEmpty)
    }

    @Test func compatibilityFormsMatchAsTheyRead() {
        #expect(Safety.rules.isOfSpecialInterest("ｓｙｎｃｏｐｅ"))
        #expect(Safety.rules.prohibitedName(in: "ＢＥＮＺＴＲＯＰＩＮＥ 1 mg") == "benztropine")
    }

    @Test func aForgedEventThatBreaksARuleMakesTheParticipantUnusable() throws {
        var participant = try reported()
        #expect(participant.problems(context: Fixture.context).isEmpty)
        participant.adverseEvents[0].outcome = .fatal
        participant.adverseEvents[0].end = Safety.date("2026-11-01")
        participant.adverseEvents[0].reports.insert(AdverseEvent.Report(at: Safety.at("2020-01-01T00:00"), followUp: true), at: 0)
        let problems = participant.problems(context: Fixture.context)
        #expect(problems.contains("Outcome fatal needs the seriousness criterion death."))
        #expect(problems.contains("The end 2026-11-01 is before the onset 2026-11-20."))
        #expect(problems.contains("AE1 has a follow-up report before its initial one."))
        #expect(problems.contains("AE1 was reported before the site was aware of it."))
    }

    @Test func aMedicationCannotStartBeforeBirth() {
        var participant = Safety.participant()
        #expect(throws: DomainError.self) {
            try participant.addMedication(MedicationDraft(name: "lithium", start: Safety.date("1900-01-01")), today: Safety.date("2026-11-25"))
        }
    }

    @Test func aDeathSchedulesNothingMore() throws {
        var participant = Safety.participant()
        try Safety.add(&participant, Safety.draft("Cardiac arrest", onset: "2026-11-20", end: "2026-11-20", criteria: [.death], related: .unlikely,
                                                  outcome: .fatal))
        _ = try participant.withdraw(on: Safety.date("2026-11-20"), category: .death, reason: "died", screenFailure: false,
                                     studyProtocol: Safety.scz, today: Safety.date("2026-11-25"), adverseEvent: "AE1")
        #expect(!participant.visits.contains { $0.status == .scheduled })
        #expect(participant.visit("ET") == nil)
    }

    @Test func anUndoNeverRemovesAnUrgentFlagNobodyAcknowledged() throws {
        var participant = Safety.participant()
        let context = Fixture.context, today = Safety.date("2026-11-25")
        let studyProtocol = Safety.scz
        _ = try participant.complete("SCR", on: Safety.date("2026-10-27"), reason: nil, studyProtocol: studyProtocol, today: today)
        let before = participant
        _ = try participant.score("SCR", scale: try context.scales.definition("CSSRS"), items: [1, 0, 0, 1, 0, 0], date: nil, rater: "DM", reason: nil,
                                  studyProtocol: studyProtocol, today: today)
        #expect(!participant.unacknowledgedUrgentFlags(context: context).isEmpty)
        var undone = participant
        #expect(throws: DomainError.self) {
            try Change.revert(subject: participant.subject, to: before, expected: participant, description: "SCR CSSRS scores", reason: "wrong visit")
                .apply(to: &undone, in: ChangeEnvironment(context: context, today: today, user: "lead", site: UnknownSite()))
        }
        // Acknowledged first, the undo goes through.
        _ = try participant.acknowledge(flag: "cssrs-urgent", visit: "SCR", action: "PI assessed", on: today, user: "lead", context: context)
        var acknowledged = participant
        _ = try Change.revert(subject: participant.subject, to: before, expected: participant, description: "SCR CSSRS scores", reason: "wrong visit")
            .apply(to: &acknowledged, in: ChangeEnvironment(context: context, today: today, user: "lead", site: UnknownSite()))
    }

    @Test func aProhibitedMedicationIsADeviationTheLeadClassifies() throws {
        var participant = Safety.participant()
        _ = try participant.addMedication(MedicationDraft(name: "benztropine", start: Safety.date("2026-11-20")), today: Safety.date("2026-11-25"))
        #expect(participant.deviation(at: "CM1", Safety.scz)?.kind == .prohibitedMedication)
        #expect(ParticipantDigest(participant, context: Fixture.context)?.unclassifiedDeviations.contains("CM1") == true)
        _ = try participant.classifyDeviation(visit: "CM1", as: .major, note: "stopped by the PI", reason: nil, studyProtocol: Safety.scz)
        #expect(ParticipantDigest(participant, context: Fixture.context)?.unclassifiedDeviations.contains("CM1") == false)
        #expect(participant.problems(context: Fixture.context).isEmpty)
    }

    @Test func anEventIsReportedAtAVisitThatTookPlace() throws {
        var participant = Safety.participant(baseline: "2026-11-02")
        #expect(throws: DomainError.self) { try Safety.add(&participant, Safety.draft(onset: "2026-11-10", visit: "W5")) } // scheduled for December
        #expect(throws: DomainError.self) { try Safety.add(&participant, Safety.draft(onset: "2026-11-10", visit: "W2")) } // 11-16: overdue, not done
        try Fixture.startDayOne(&participant, on: "2026-11-02", Safety.scz)
        _ = try participant.complete("W2", on: Safety.date("2026-11-16"), reason: nil, studyProtocol: Safety.scz, today: Safety.date("2026-11-25"))
        #expect(throws: DomainError.self) { try Safety.add(&participant, Safety.draft(onset: "2026-11-20", visit: "W2")) } // before the onset
        try Safety.add(&participant, Safety.draft(onset: "2026-11-10", visit: "W2"))
        #expect(participant.adverseEvents.map(\.visit) == ["W2"])
    }

    @Test func aWithdrawalForDeathIsDatedTheDayOfDeath() throws {
        var participant = Safety.participant()
        try Safety.add(&participant, Safety.draft("Cardiac arrest", onset: "2026-11-20", end: "2026-11-20", criteria: [.death], related: .unlikely,
                                                  outcome: .fatal))
        #expect(throws: DomainError.self) {
            try participant.withdraw(on: Safety.date("2026-11-25"), category: .death, reason: "died", screenFailure: false,
                                     studyProtocol: Safety.scz, today: Safety.date("2026-11-25"), adverseEvent: "AE1")
        }
        _ = try participant.withdraw(on: Safety.date("2026-11-20"), category: .death, reason: "died", screenFailure: false,
                                     studyProtocol: Safety.scz, today: Safety.date("2026-11-25"), adverseEvent: "AE1")
        #expect(throws: DomainError.self) {
            try Change.addMedication(subject: participant.subject, draft: MedicationDraft(name: "morphine", start: Safety.date("2026-11-22")))
                .apply(to: &participant, in: ChangeEnvironment(context: Fixture.context, today: Safety.date("2026-11-25"), user: "lead", site: UnknownSite()))
        }
    }

    @Test func aNumberOnceGivenIsNeverGivenAgainAfterAnUndo() throws {
        var participant = Safety.participant()
        try Safety.add(&participant, Safety.draft("Nausea"))
        let withOne = participant
        try Safety.add(&participant, Safety.draft("Syncope"))
        _ = try participant.revert(to: withOne, expected: participant, description: "AE2 recorded", reason: "wrong participant")
        try Safety.add(&participant, Safety.draft("Headache"))
        #expect(participant.adverseEvents.map(\.id) == ["AE1", "AE3"])
        #expect(participant.problems(context: Fixture.context).isEmpty)
        // An undo that removes no record keeps nothing.
        var plain = Safety.participant()
        let before = plain
        try Safety.add(&plain, Safety.draft("Nausea"))
        _ = try plain.revert(to: before, expected: plain, description: "AE1 recorded", reason: "mistake")
        try Safety.add(&plain, Safety.draft("Cough"))
        #expect(plain.adverseEvents.map(\.id) == ["AE2"])
    }
}
