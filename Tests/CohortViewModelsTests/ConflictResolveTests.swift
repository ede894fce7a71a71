import CohortDomain
@testable import CohortViewModels
import Testing

/// `X` resolves a sync conflict on the participant page, as `cohort resolve` does; `X` on the review opens
/// the first conflicted participant (docs/RULES.md, "Merging and conflicts").
struct ConflictResolveTests {
    /// The fixture with two conflicts on 101-0001's screening note (amy kept hers, bob's and cole's wait).
    static func conflicted() throws -> ViewModelFixture {
        var fixture = try ViewModelFixture()
        for words in ["bob's words", "cole's words"] {
            let conflict = SyncConflict(id: "", subject: "101-0001", what: "/visits/0/note", mine: "\"amy's words\"", theirs: "\"\(words)\"",
                                        authors: ["amy", "bob"], change: .note(subject: "101-0001", visit: "SCR", text: words))
            try fixture.store.apply(.recordConflict(subject: "101-0001", conflict: conflict), today: ViewModelFixture.today, user: "sync")
        }
        fixture.run([.load])
        return fixture
    }

    @Test func xAsksTheFirstOpenConflictThenRefusesAnUnknownIdAndAMissingReasonInlineAndSavesTheResolution() throws {
        var fixture = try Self.conflicted()
        fixture.press(.enter, .character("X"))
        guard case .prompt(let asked)? = fixture.state.overlay, case .resolveConflict("101-0001") = asked.purpose else {
            Issue.record("no resolution asked"); return
        }
        #expect(asked.value(.conflict) == "C1" && asked.value(.take) == "mine" && asked.title.contains("C1, C2"))

        // No reason: refused inline, nothing saved.
        fixture.press(.enter)
        guard case .prompt(let noReason)? = fixture.state.overlay else { Issue.record("the prompt closed without a reason"); return }
        #expect(noReason.error?.contains("reason") == true, "\(noReason.error ?? "")")
        #expect(try fixture.store.participant("101-0001").conflicts.count == 2)

        // An id that is not open: refused inline, naming the open ones.
        fixture.press(.control("u"))
        fixture.type("C9")
        fixture.press(.tab, .control("u"))
        fixture.type("theirs")
        fixture.press(.tab)
        fixture.type("bob was there")
        fixture.press(.enter)
        guard case .prompt(let unknown)? = fixture.state.overlay else { Issue.record("the prompt closed on an unknown id"); return }
        #expect(unknown.error?.contains("no open sync conflict") == true && unknown.error?.contains("C1, C2") == true, "\(unknown.error ?? "")")

        // C1, theirs, with the reason: bob's words are re-applied and C1 is closed.
        fixture.press(.tab, .control("u"))
        fixture.type("c1")
        fixture.press(.enter)
        #expect(fixture.state.overlay == nil)
        let participant = try fixture.store.participant("101-0001")
        #expect(participant.conflicts.map(\.id) == ["C2"])
        #expect(participant.visits.first { $0.code == "SCR" }?.note == "bob's words")
    }

    @Test func theResolvePromptsAnswerIsTheChangeCohortResolveMakes() throws {
        var prompt = try #require(AppState.resolvePrompt(try Self.conflicted().store.participant("101-0001")))
        prompt.fields[1].text = "\"a value\""
        prompt.fields[2].text = "agreed with bob"
        guard case .change(let change) = AppState.submitResolve(&prompt, subject: "101-0001") else { Issue.record("refused"); return }
        #expect(change == .resolveConflict(subject: "101-0001", id: "C1", take: .value("\"a value\""), reason: "agreed with bob"))
    }

    @Test func xOnTheReviewOpensTheFirstConflictedParticipantAndSaysWhenNoneIsOpen() throws {
        var plain = try ViewModelFixture()
        plain.press(.character("X"))
        #expect(plain.state.screens.count == 1 && plain.state.status?.text == "No sync conflict is open.")
        plain.press(.enter, .character("X"))
        #expect(plain.state.overlay == nil && plain.state.status?.text == "101-0001 has no open sync conflict.")

        var fixture = try Self.conflicted()
        fixture.press(.character("j"), .character("X")) // whichever row is selected
        guard case .participant(let page)? = fixture.state.screens.last else { Issue.record("no participant opened"); return }
        #expect(page.subject == "101-0001")
    }
}
