import CohortDomain
import CohortStore
@testable import CohortViewModels
import Testing

/// The adverse-event and medication forms, the report prompt and the review's alerts, as state + keys.
struct RecordFormTests {
    /// Tab to the field labelled `label` in the open form and type `text` over its contents.
    func fill(_ fixture: inout ViewModelFixture, _ label: String, _ text: String) {
        guard case .record(let form) = fixture.state.screen, let index = form.fields.firstIndex(where: { $0.label == label }) else {
            Issue.record("no field \(label)")
            return
        }
        while case .record(let current) = fixture.state.screen, current.focus != index { fixture.press(.tab) }
        guard case .record(let current) = fixture.state.screen else { Issue.record("the form closed while moving to \(label)"); return }
        for _ in current.fields[index].text { fixture.press(.backspace) }
        fixture.type(text)
    }

    var form: (ViewModelFixture) -> RecordForm? = { fixture in
        if case .record(let form) = fixture.state.screen { return form } else { return nil }
    }

    @Test func theAdverseEventFormShowsProblemsInlineEscapeWritesNothingAndEnterSaves() throws {
        var fixture = try ViewModelFixture()
        let before = fixture.store.recordCount
        fixture.press(.character("A"))
        var shown = try #require(form(fixture))
        #expect(shown.subject == "101-0001" && shown.title == "Adverse event for 101-0001")
        #expect(shown.fields.map(\.text) == ["", "2026-11-25", "", "", "", "", "none", "not-recovered", "", "2026-11-25T12:00+00:00", ""])
        fixture.type("Nausea")
        fill(&fixture, "Severity", "awful")
        shown = try #require(form(fixture))
        #expect(shown.problems(zone: fixture.state.zone)[2] == "one of mild moderate severe")
        fixture.press(.enter)
        shown = try #require(form(fixture))
        #expect(shown.focus == 2 && shown.error == "Severity: one of mild moderate severe")
        fixture.press(.escape)
        #expect(fixture.state.keyContext == .review && fixture.store.recordCount == before)
        #expect(fixture.state.status?.text == "Adverse event for 101-0001: cancelled; nothing was saved.")

        // A rule across fields is refused by name before anything is sent.
        fixture.press(.character("A"))
        fixture.type("Nausea")
        fill(&fixture, "Severity", "mild")
        fill(&fixture, "Outcome", "recovered")
        fixture.press(.enter)
        #expect(form(fixture)?.error == "The outcome recovered needs its end date.")
        #expect(fixture.store.recordCount == before)
        fill(&fixture, "End", "2026-11-24")
        fill(&fixture, "Onset", "2026-11-23")
        fixture.press(.enter)
        #expect(fixture.state.keyContext == .review)
        let saved = try #require(try fixture.store.participant("101-0001").adverseEvents.first)
        #expect(saved.term == "Nausea" && saved.end == CivilDate("2026-11-24") && saved.outcome == .recovered && !saved.isSerious)
        #expect(fixture.state.status?.kind == .saved)
    }

    @Test func aChangedAwareFieldOnAnEventNeedingNoReportIsRefusedByTheDomainsRule() throws {
        var fixture = try ViewModelFixture()
        let before = fixture.store.recordCount
        fixture.press(.character("A"))
        let filledIn = try #require(form(fixture)?.fields.first { $0.label == "Aware (date time)" }?.text)
        fixture.type("Nausea")
        fill(&fixture, "Severity", "mild")
        fill(&fixture, "Aware (date time)", "2026-11-25T09:30")
        fixture.press(.enter)
        #expect(form(fixture)?.error?.contains("AE1 is neither: leave --aware out") == true)
        #expect(fixture.store.recordCount == before)
        // Left as filled in, the field sends nothing: the event is aware when recorded.
        fill(&fixture, "Aware (date time)", filledIn)
        fixture.press(.enter)
        #expect(fixture.state.keyContext == .review && fixture.state.status?.kind == .saved)
    }

    @Test func tOnTheReviewPrefillsThePendingReportNotTheSelectedRow() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("j"), .character("A")) // 101-0002
        fixture.type("Hospitalized for pneumonia")
        fill(&fixture, "Severity", "severe")
        fill(&fixture, "Serious (criteria)", "hospitalization")
        fill(&fixture, "Aware (date time)", "2026-11-25T09:30")
        fixture.press(.enter)
        fixture.press(.character("k")) // 101-0001, who has no report pending
        #expect(fixture.state.selectedEntry?.subject == "101-0001")
        fixture.press(.character("T"))
        guard case .prompt(let prompt)? = fixture.state.overlay, prompt.purpose == .reportSent else { Issue.record("no report prompt"); return }
        #expect(prompt.fields.first?.text == "101-0002 AE1")
    }

    @Test func aSeriousEventStartsTheClockOnTheReviewAndTMarksTheReportSent() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("j"), .character("A")) // 101-0002
        fixture.type("Hospitalized for pneumonia")
        fill(&fixture, "Severity", "severe")
        fill(&fixture, "Serious (criteria)", "hospitalization")
        fill(&fixture, "Aware (date time)", "2026-11-25T09:30")
        fixture.press(.enter)
        #expect(fixture.state.status == StatusLine("Saved 101-0002 AE1. Report to the sponsor due in 21 h 30 min (11-26 09:30 +00:00): T when sent.", .urgent))
        let alert = try #require(fixture.state.data?.table.safetyAlerts.first)
        #expect(alert.subject == "101-0002" && alert.record == "AE1" && alert.due?.description == "2026-11-26T09:30+00:00")

        // Without a causality assessment the initial report is refused, naming the rule; nothing is written.
        fixture.press(.character("T"))
        guard case .prompt(let prompt)? = fixture.state.overlay, prompt.purpose == .reportSent else { Issue.record("no report prompt"); return }
        #expect(prompt.fields.map(\.text) == ["101-0002 AE1", "2026-11-25T12:00+00:00", "n"])
        fixture.press(.enter)
        guard case .prompt(let refused)? = fixture.state.overlay else { Issue.record("prompt closed"); return }
        #expect(refused.error?.contains("no causality assessment") == true)
        fixture.press(.escape)

        // E changes it with a reason; then the report is sent and the alert goes.
        fixture.press(.enter, .character("E"))
        fixture.type("AE1")
        fixture.press(.enter)
        fill(&fixture, "Related", "unlikely")
        fixture.press(.enter)
        #expect(form(fixture)?.error == "Reason: required")
        fill(&fixture, "Reason", "PI assessed causality")
        fixture.press(.enter)
        #expect(try fixture.store.participant("101-0002").adverseEvents[0].related == .unlikely)
        fixture.press(.character("T"), .enter)
        #expect(fixture.state.overlay == nil)
        #expect(try fixture.store.participant("101-0002").adverseEvents[0].initialReport?.at.description == "2026-11-25T12:00+00:00")
        #expect(fixture.state.data?.table.safetyAlerts.isEmpty == true)

        // A change after the report makes a follow-up pending, said on the status line.
        fixture.press(.character("E"))
        fixture.type("AE1")
        fixture.press(.enter)
        fill(&fixture, "Outcome", "recovering")
        fill(&fixture, "Reason", "discharged home")
        fixture.press(.enter)
        #expect(fixture.state.status == StatusLine("Saved 101-0002 AE1. A follow-up report is now pending: T when sent.", .urgent))
        #expect(try fixture.store.participant("101-0002").adverseEvents[0].followUpPending)
    }

    @Test func aFatalOutcomeOffersTheWithdrawalWithTheEventLinked() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("A"))
        fixture.type("Cardiac arrest")
        fill(&fixture, "Onset", "2026-11-24")
        fill(&fixture, "Severity", "severe")
        fill(&fixture, "Serious (criteria)", "death")
        fill(&fixture, "Related", "unlikely")
        fill(&fixture, "Outcome", "fatal")
        fill(&fixture, "End", "2026-11-24")
        fixture.press(.enter)
        guard case .prompt(let offer)? = fixture.state.overlay, offer.purpose == .withdraw(subject: "101-0001") else { Issue.record("no withdrawal offered"); return }
        #expect(offer.fields[0].text == "death" && offer.fields[4].text == "AE1")
        fixture.press(.tab)
        fixture.type("died")
        fixture.press(.tab)
        for _ in 0..<10 { fixture.press(.backspace) }
        fixture.type("2026-11-24")
        fixture.press(.enter)
        let participant = try fixture.store.participant("101-0001")
        #expect(participant.status == .withdrawn && participant.exit?.category == .death && participant.exit?.adverseEvent == "AE1")
    }

    @Test func theMedicationFormRecordsAProhibitedOneAndTheReviewFlagsIt() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("M"))
        fixture.type("Benztropine")
        fill(&fixture, "Dose", "1 mg")
        fill(&fixture, "Start", "2026-11-24")
        fixture.press(.enter)
        let medication = try #require(try fixture.store.participant("101-0001").medications.first)
        #expect(medication.name == "Benztropine" && medication.dose == "1 mg" && !medication.rescue)
        let alert = try #require(fixture.state.data?.table.safetyAlerts.first)
        #expect(alert.kind == .prohibitedMedication && alert.record == "CM1")
        // Stopping it clears the flag; the deviation stays in the day's summary.
        fixture.press(.enter, .character("E"))
        fixture.type("CM1")
        fixture.press(.enter)
        fill(&fixture, "End", "2026-11-25")
        fill(&fixture, "Reason", "stopped by the PI")
        fixture.press(.enter)
        #expect(fixture.state.data?.table.safetyAlerts.isEmpty == true)
        #expect(fixture.state.summary(for: CivilDate("2026-11-24")!)?.0.prohibitedMedications.map(\.id) == ["CM1"])
    }

    @Test func aFormBegunOnAParticipantChangedElsewhereClosesAndTheViewIsReadAgain() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.enter, .character("A"))
        fixture.type("Nausea")
        try fixture.store.apply(.addAdverseEvent(subject: "101-0001", draft: AdverseEventDraft(term: "Headache", onset: CivilDate("2026-11-24")!,
                                                                                             severity: .mild), now: fixture.state.now),
                                today: ViewModelFixture.today, user: "cli")
        // The check that follows a change on disk: the form closes, the participant below is read again.
        fixture.run(fixture.state.handle(.checked(fixture.store.loadTable(.full).table, unreadable: [])))
        #expect(fixture.state.keyContext == .participant)
        #expect(fixture.state.status?.text.hasPrefix("Not saved: 101-0001 was changed elsewhere") == true)
        #expect(fixture.state.data?.participants["101-0001"]?.adverseEvents.map(\.term) == ["Headache"])
        #expect(try fixture.store.participant("101-0001").adverseEvents.count == 1)
    }

    @Test func aStaleEditIsNeverSavedOverWhatItDidNotShow() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("A"))
        fixture.type("Nausea")
        fill(&fixture, "Severity", "mild")
        fixture.press(.enter)
        fixture.press(.enter, .character("E"))
        fixture.type("AE1")
        fixture.press(.enter)
        fill(&fixture, "Related", "probable")
        fill(&fixture, "Reason", "PI assessed")
        // Meanwhile the command line changes the same event.
        try fixture.store.apply(.updateAdverseEvent(subject: "101-0001", id: "AE1", draft: AdverseEventDraft(related: .definite), reason: "CLI",
                                                    now: fixture.state.now), today: ViewModelFixture.today, user: "cli")
        fixture.press(.enter)
        #expect(fixture.state.keyContext == .participant, "the form closes on what it did not show")
        #expect(fixture.state.status?.kind == .error)
        #expect(try fixture.store.participant("101-0001").adverseEvents[0].related == .definite)
    }

    @Test func aProhibitedMedicationsDeviationIsClassifiedFromTheParticipantView() throws {
        var fixture = try ViewModelFixture()
        try fixture.store.apply(.addMedication(subject: "101-0001", draft: MedicationDraft(name: "benztropine", start: CivilDate("2026-11-24")!)),
                                today: ViewModelFixture.today, user: "cli")
        fixture.run([.load])
        fixture.press(.enter, .character("n"))
        guard case .prompt(let prompt)? = fixture.state.overlay, prompt.purpose == .classify(subject: "101-0001", visit: "CM1") else {
            Issue.record("no classification asked: \(String(describing: fixture.state.overlay))"); return
        }
        #expect(prompt.title == "Classify the prohibited-medication deviation of 101-0001 CM1")
        fixture.type("major")
        fixture.press(.enter)
        #expect(try fixture.store.participant("101-0001").deviationClass(at: "CM1")?.classification == .major)
    }

    @Test func anUndoRefusedOrCancelledIsStillThereToUndo() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("c"), .enter)
        #expect(fixture.state.undoStack.count == 1)
        fixture.press(.character("u"), .escape)
        #expect(fixture.state.undoStack.count == 1, "cancelled: nothing was undone")
    }
}
