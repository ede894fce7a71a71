import CohortDomain
@testable import CohortViewModels
import Testing

struct ScoreEntryTests {
    /// The review with 101-0001 W1 completed today and score entry open on it.
    func entering() throws -> ViewModelFixture {
        var fixture = try ViewModelFixture()
        fixture.press(.character("s"))
        #expect(fixture.state.status?.text.contains("complete it first") == true)
        fixture.press(.character("c"), .enter, .character("s"))
        // The rater is asked once per visit.
        guard case .prompt(let asked)? = fixture.state.overlay, case .rater = asked.purpose else {
            Issue.record("no rater asked")
            return fixture
        }
        fixture.type("dm")
        fixture.press(.enter)
        return fixture
    }

    var entry: (ViewModelFixture) -> ScoreEntry? {
        { if case .scoreEntry(let entry) = $0.state.screen { return entry } else { return nil } }
    }

    @Test func oneDigitPerItemWithBackspaceAndNotAssessed() throws {
        var fixture = try entering()
        #expect(entry(fixture)?.scale == "PANSS" && entry(fixture)?.cursor == 0)
        fixture.type("34")
        #expect(entry(fixture)?.values.prefix(2) == [3, 4])
        fixture.press(.backspace)
        #expect(entry(fixture)?.cursor == 1 && entry(fixture)?.items[1] == .pending)
        fixture.type("8")
        #expect(entry(fixture)?.error?.contains("1–7") == true && entry(fixture)?.cursor == 1)
        fixture.press(.character("x"))
        #expect(entry(fixture)?.items[1] == .notAssessed && entry(fixture)?.cursor == 2)
        fixture.press(.enter)
        #expect(entry(fixture)?.error?.contains("28 items still to enter") == true)
    }

    @Test func arrowsReachAWrongItemAndOneKeyCorrectsIt() throws {
        var fixture = try entering()
        // Item 5 typed wrong (6 instead of 2), noticed at the end.
        fixture.type("3333" + "6" + String(repeating: "3", count: 25))
        #expect(entry(fixture)?.cursor == 30)
        for _ in 0..<26 { fixture.press(.left) }
        #expect(entry(fixture)?.cursor == 4)
        fixture.type("2")
        #expect(entry(fixture)?.cursor == 30) // nothing left to enter: straight back to the end
        fixture.press(.up, .up, .down)
        #expect(entry(fixture)?.cursor == 29)
        fixture.press(.right, .right)
        #expect(entry(fixture)?.cursor == 30)
        fixture.press(.enter)
        let saved = try fixture.store.participant("101-0001").administration(visit: "W1", scale: "PANSS")
        #expect(saved?.items == [3, 3, 3, 3, 2] + Array(repeating: 3, count: 25))
    }

    @Test func itemsTypedAreKeptWhenWhatChangedElsewhereIsNotTheirs() throws {
        var fixture = try entering()
        fixture.type(String(repeating: "3", count: 30))
        // A colleague records a medication from the command line meanwhile.
        try fixture.store.apply(.addMedication(subject: "101-0001", draft: MedicationDraft(name: "lorazepam", start: CivilDate("2026-11-24")!)),
                                today: ViewModelFixture.today, user: "cli")
        fixture.press(.enter)
        #expect(entry(fixture)?.scale == "PANSS", "the entry stays open with its items")
        #expect(fixture.state.status?.text.hasPrefix("Not saved yet: 101-0001 was changed elsewhere, but not W1 or its PANSS.") == true)
        fixture.press(.enter)
        #expect(try fixture.store.participant("101-0001").administration(visit: "W1", scale: "PANSS")?.items == Array(repeating: 3, count: 30))
        #expect(try fixture.store.participant("101-0001").medications.count == 1)
    }

    @Test func aFullPANSSSavesAndMovesToTheNextScale() throws {
        var fixture = try entering()
        fixture.type(String(repeating: "3", count: 30))
        fixture.press(.enter)
        let saved = try fixture.store.participant("101-0001").administration(visit: "W1", scale: "PANSS")
        #expect(saved?.items == Array(repeating: 3, count: 30) && saved?.rater == "DM")
        #expect(entry(fixture)?.scale == "CGI-S")
        fixture.type("4")
        fixture.press(.enter)
        #expect(entry(fixture)?.scale == "CSSRS")
        fixture.type("000100")
        fixture.press(.enter)
        #expect(fixture.state.status?.kind == .urgent)
        #expect(fixture.state.status?.text.contains("cssrs-urgent") == true)
        #expect(fixture.state.undoStack.count == 4)

        // Then the visit's measures, in the same flow: a number per field, each value's flag as typed.
        guard case .record(let form) = fixture.state.screen, form.kind == .measures(visit: "W1") else { Issue.record("no measures"); return }
        #expect(form.fields.map(\.label) == ["SYSBP", "DIABP", "HR", "Reason"])
        fixture.type("150")
        guard case .record(let typed) = fixture.state.screen else { Issue.record("the measures form closed after typing"); return }
        #expect(fixture.state.measureNote(typed, field: 0)?.text == "HIGH (normal 90–140)")
        fixture.press(.tab)
        fixture.type("80")
        fixture.press(.tab)
        fixture.type("118")
        guard case .record(let alerting) = fixture.state.screen else { Issue.record("the measures form closed after typing"); return }
        #expect(fixture.state.measureNote(alerting, field: 2)?.text == "HIGH (normal 60–100), ALERT")
        fixture.press(.enter)
        #expect(fixture.state.screen == .review)
        #expect(fixture.state.status == StatusLine("Saved. ALERT 101-0001 W1: HR 118 — tell the PI; C assesses the values out of range.", .urgent))
        let measured = try fixture.store.participant("101-0001").measurements
        #expect(measured.map { "\($0.test) \($0.value?.description ?? "")" } == ["SYSBP 150", "DIABP 80", "HR 118"])
        #expect(fixture.state.undoStack.count == 5)
    }

    @Test func changingSavedScoresAsksForAReason() throws {
        var fixture = try entering()
        fixture.type(String(repeating: "3", count: 30))
        fixture.press(.enter, .escape, .character("s"))
        // The last initials are offered again: Enter accepts them.
        guard case .prompt(let asked)? = fixture.state.overlay, case .rater = asked.purpose else { Issue.record("no rater asked"); return }
        #expect(asked.value(.rater) == "DM")
        fixture.press(.enter)
        #expect(entry(fixture)?.cursor == 30) // pre-filled with the saved scores
        fixture.press(.backspace)
        fixture.type("4")
        fixture.press(.enter)
        guard case .prompt(let prompt)? = fixture.state.overlay, case .scoreReason = prompt.purpose else { Issue.record("no reason asked"); return }
        fixture.press(.enter)
        guard case .prompt(let refused)? = fixture.state.overlay else { Issue.record("prompt closed"); return }
        #expect(refused.error?.contains("reason to change PANSS") == true)
        fixture.type("transcription error")
        fixture.press(.enter)
        #expect(try fixture.store.participant("101-0001").administration(visit: "W1", scale: "PANSS")?.items.last == 4)
        #expect(try fixture.store.auditTrail(subject: "101-0001").records.last?.reason == "transcription error")
    }

    @Test func escapeLeavesWithoutSaving() throws {
        var fixture = try entering()
        fixture.type("3333")
        fixture.press(.escape)
        #expect(fixture.state.screen == .review)
        #expect(try fixture.store.participant("101-0001").administrations.isEmpty)
    }
}
