import CohortDomain
@testable import CohortViewModels
import Testing

/// The participant page's keys for an unscheduled visit (U), a correction of the enrollment facts (F) and a
/// re-consent (I), as from `cohort unscheduled`, `cohort correct` and `cohort consent`.
struct EnrollmentFactsTests {
    /// The fixture with 101-0001's page open.
    func onPage() throws -> ViewModelFixture {
        var fixture = try ViewModelFixture()
        fixture.run([.fetch(subject: "101-0001", then: nil)])
        fixture.state.screens.append(.participant(ParticipantPage(subject: "101-0001")))
        return fixture
    }

    func prompt(_ fixture: ViewModelFixture) -> Prompt? {
        if case .prompt(let prompt)? = fixture.state.overlay { return prompt } else { return nil }
    }

    @Test func uAddsAnUnscheduledVisitListedInDateOrderWhereAnyScaleAndEveryMeasureCanBeEntered() throws {
        var fixture = try onPage()
        fixture.press(.character("U"))
        #expect(prompt(fixture)?.purpose == .unscheduled(subject: "101-0001"))
        #expect(prompt(fixture)?.fields.map(\.text) == ["2026-11-25", ""])
        fixture.press(.enter) // no reason: refused inline, nothing saved
        #expect(prompt(fixture)?.error?.contains("reason") == true)
        #expect(try fixture.store.participant("101-0001").unscheduledVisits.isEmpty)
        fixture.press(.tab)
        fixture.type("repeat ALT")
        fixture.press(.enter)
        #expect(fixture.state.overlay == nil)
        let participant = try fixture.store.participant("101-0001")
        #expect(participant.unscheduledVisits == [UnscheduledVisit(code: "U1", date: ViewModelFixture.today, reason: "repeat ALT")])
        // SCR and D1 done, W1 due today (not after U1), then U1, then the visits still to come.
        let codes = participant.visitsInDateOrder(ViewModelFixture.schizophrenia).map(\.code)
        #expect(Array(codes.prefix(4)) == ["SCR", "D1", "W1", "U1"])
        guard case .participant(var page) = fixture.state.screen else { Issue.record("page closed"); return }
        page.selection = 3
        fixture.state.replaceTop(.participant(page))
        fixture.press(.character("V"))
        guard case .record(let form) = fixture.state.screens.last else { Issue.record("no measures form: \(fixture.state.screens)"); return }
        #expect(form.fields.count >= ViewModelFixture.scales.measures.count)
        fixture.state.screens.removeLast()
        fixture.press(.character("s"))
        #expect(prompt(fixture)?.purpose == .unscheduledScale(subject: "101-0001", visit: "U1"))
        fixture.type("NOPE")
        fixture.press(.enter)
        #expect(prompt(fixture)?.error?.contains("CSSRS") == true)
        for _ in 0..<4 { fixture.press(.backspace) }
        fixture.type("cssrs")
        fixture.press(.enter)
        guard case .scoreEntry(let entry) = fixture.state.screens.last else { Issue.record("no score entry"); return }
        #expect(entry.visit == "U1" && entry.scales == ["CSSRS"])
    }

    @Test func fOpensTheFactsPrefilledAndACorrectedBirthYearWarnsOfTheAmbiguousAge() throws {
        var fixture = try onPage()
        fixture.press(.character("F"))
        #expect(prompt(fixture)?.purpose == .correct(subject: "101-0001"))
        #expect(prompt(fixture)?.fields.map(\.text) == ["AB", "1980", "F", "2026-11-08", "2026-11-18", ""])
        fixture.press(.tab)
        for _ in 0..<4 { fixture.press(.backspace) }
        fixture.type("2008")
        fixture.press(.enter) // no reason yet
        #expect(prompt(fixture)?.error?.contains("reason") == true)
        #expect(try fixture.store.participant("101-0001").birthYear == 1980)
        for _ in 0..<4 { fixture.press(.tab) }
        fixture.type("typo on the CRF")
        fixture.press(.enter)
        #expect(fixture.state.overlay == nil)
        #expect(try fixture.store.participant("101-0001").birthYear == 2008)
        #expect(fixture.state.status?.text.contains("aged 17 or 18 at consent on 2026-11-08: check the date of birth against the 18–65 limit") == true,
                "\(String(describing: fixture.state.status))")
    }

    @Test func iRecordsAReconsentWithItsVersion() throws {
        var fixture = try onPage()
        fixture.press(.character("i"))
        #expect(prompt(fixture)?.purpose == .reconsent(subject: "101-0001"))
        fixture.type("v 2") // a space is not allowed in a version
        fixture.press(.enter)
        #expect(prompt(fixture)?.error?.contains("ICF version") == true)
        fixture.press(.backspace, .backspace)
        fixture.type("2")
        fixture.press(.enter)
        #expect(fixture.state.overlay == nil)
        #expect(try fixture.store.participant("101-0001").consents.map(\.description) == ["2026-11-08", "2026-11-25 ICF v2"])
    }

    @Test func theTrailOnThePageNamesUnscheduledVisitsAndReconsents() throws {
        var participant = try ViewModelFixture().store.participant("101-0001")
        try participant.addUnscheduledVisit(on: ViewModelFixture.today, reason: "repeat ALT", today: ViewModelFixture.today)
        try participant.reconsent(version: "2", on: ViewModelFixture.today, today: ViewModelFixture.today)
        #expect(AuditLine.label("/unscheduledVisits/0/reason", participant) == "unscheduled visit U1 reason")
        #expect(AuditLine.label("/reconsents/0", participant) == "re-consent 2026-11-25")
    }
}
