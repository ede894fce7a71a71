import CohortDomain
@testable import CohortViewModels
import Testing

/// `N` on the participant page writes the selected visit's note (docs/RULES.md, "Visit notes").
struct VisitNoteTests {
    @Test func nWritesTheSelectedVisitsNoteAndUndoTakesItBack() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.enter, .character("N")) // 101-0001, on W1
        guard case .prompt(let asked)? = fixture.state.overlay, case .visit(.noteVisit, "101-0001", "W1") = asked.purpose else {
            Issue.record("no note asked"); return
        }
        fixture.type("Phoned: arrives at 10.")
        fixture.press(.enter)
        #expect(fixture.state.overlay == nil)
        #expect(try fixture.store.participant("101-0001").visit("W1")?.note == "Phoned: arrives at 10.")
        #expect(fixture.state.status?.text == "Saved: 101-0001 W1 note.")

        // Asked again, the saved note is filled in, to change.
        fixture.press(.character("N"))
        guard case .prompt(let again)? = fixture.state.overlay else { Issue.record("no note asked"); return }
        #expect(again.value(.note) == "Phoned: arrives at 10.")
        fixture.press(.escape, .character("u"))
        fixture.type("typed on the wrong visit")
        fixture.press(.enter)
        #expect(try fixture.store.participant("101-0001").visit("W1")?.note == nil)
    }

    @Test func aNoteWithAControlCharacterOrTooLongIsRefusedInline() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.enter, .character("N"))
        fixture.press(.paste(String(repeating: "a", count: 400)))
        fixture.press(.paste(String(repeating: "b", count: 200)))
        fixture.press(.enter)
        guard case .prompt(let refused)? = fixture.state.overlay else { Issue.record("the prompt closed"); return }
        #expect(refused.error?.contains("500") == true, "\(refused.error ?? "")")
        #expect(try fixture.store.participant("101-0001").visit("W1")?.note == nil)
    }
}
