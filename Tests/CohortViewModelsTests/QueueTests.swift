import CohortDomain
import CohortStore
import CohortTestSupport
@testable import CohortViewModels
import Foundation
import Testing

/// The investigator's queue on screen (docs/RULES.md, "The investigator's queue"): `I` from the review reads
/// what awaits a signature, Enter shows an item with its history, `s` asks the meaning and the passphrase
/// (never shown) and signs; after a save the queue is read again.
struct QueueTests {
    /// The fixture with a serious AE1 on 101-0001, and a signer that records what it was asked and signs
    /// through the store (the record's Ed25519 part is the run loop's, not the view model's).
    func fixture(asked: Asked) throws -> ViewModelFixture {
        var fixture = try ViewModelFixture()
        let now = try Moment("2026-11-25T10:00+00:00", zone: TimeZone(secondsFromGMT: 0)!, what: "test")
        let draft = AdverseEventDraft(term: "Syncope", onset: CivilDate("2026-11-24")!, severity: .moderate, criteria: [.hospitalization], related: .possible)
        try fixture.store.apply(.addAdverseEvent(subject: "101-0001", draft: draft, now: now), today: ViewModelFixture.today, user: "tester")
        let store = fixture.store
        fixture.runner.signer = { subject, scope, meaning, passphrase in
            asked.calls.append("\(subject) \(scope) \(meaning.rawValue) \(passphrase)")
            let participant = try store.participant(subject)
            let content = try participant.signedContent(scope, studyProtocol: ViewModelFixture.schizophrenia)
            let record = Signature(scope: scope, meaning: meaning, user: "ana", fullName: "Dr Ana Ruiz", role: "pi", time: now, contentHash: "h")
            return try store.apply(.sign(subject: subject, signature: record, content: content, lock: false), basis: participant,
                                   today: ViewModelFixture.today, user: "ana")
        }
        fixture.run([.load])
        return fixture
    }

    final class Asked: @unchecked Sendable { var calls: [String] = [] }

    @Test func iOpensTheQueueOldestFirstAndEnterShowsTheItemWithItsHistory() throws {
        var f = try fixture(asked: Asked())
        f.press(.character("I"))
        guard case .queue(let page) = f.state.screen else { Issue.record("no queue: \(f.state.screen)"); return }
        let scopes = page.items?.map { "\($0.pending.subject) \($0.pending.scope)" } ?? []
        #expect(scopes.contains("101-0001 AE1"))
        #expect(page.items?.map(\.pending) == page.items?.map(\.pending).sorted())
        #expect(f.state.keyContext == .queue)
        let index = try #require(page.items?.firstIndex { $0.pending.scope == .adverseEvent("AE1") })
        for _ in 0..<index { f.press(.character("j")) }
        f.press(.enter)
        guard case .queue(let shown) = f.state.screen else { return }
        #expect(shown.showsItem && shown.selected?.content.contains("term: Syncope") == true && shown.selected?.history == [])
        f.press(.escape)
        guard case .queue(let back) = f.state.screen else { Issue.record("Esc left the queue from the item"); return }
        #expect(!back.showsItem)
        f.press(.escape)
        #expect(f.state.screen == .review)
    }

    @Test func sAsksTheMeaningAndThePassphraseNeverShownAndSigns() throws {
        let asked = Asked()
        var f = try fixture(asked: asked)
        f.press(.character("I"))
        guard case .queue(let page) = f.state.screen, let index = page.items?.firstIndex(where: { $0.pending.scope == .adverseEvent("AE1") }) else {
            Issue.record("no AE1 in the queue"); return
        }
        for _ in 0..<index { f.press(.character("j")) }
        f.press(.character("s"))
        guard case .prompt(let prompt)? = f.state.overlay else { Issue.record("no prompt"); return }
        #expect(prompt.fields.map(\.name) == [.meaning, .passphrase] && prompt.fields[1].isSecret && prompt.fields[0].text == "approved")
        f.press(.enter) // no passphrase: refused, nothing asked of the signer
        #expect(asked.calls.isEmpty)
        guard case .prompt(let refused)? = f.state.overlay else { Issue.record("prompt closed"); return }
        #expect(refused.error == "Type your passphrase: signing always asks for it." && refused.focus == 1)
        f.type("correct horse battery")
        f.press(.enter)
        #expect(asked.calls == ["101-0001 AE1 approved correct horse battery"])
        #expect(f.state.status?.text.contains("101-0001 AE1 — Signed (approved) by Dr Ana Ruiz, PI") == true)
        guard case .queue(let after) = f.state.screen else { Issue.record("queue closed"); return }
        #expect(after.items?.contains { $0.pending.scope == .adverseEvent("AE1") } == false)
    }

    @Test func aMeaningThatIsNoneOfTheFourIsRefusedInline() throws {
        let asked = Asked()
        var f = try fixture(asked: asked)
        f.press(.character("I"), .character("s"))
        f.type("correct horse battery")
        f.press(.up, .control("u"))
        f.type("liked")
        f.press(.enter)
        guard case .prompt(let prompt)? = f.state.overlay else { Issue.record("prompt closed"); return }
        #expect(prompt.error?.hasPrefix("Meaning 'liked' is not one of reviewed, approved, attested, authored") == true && asked.calls.isEmpty)
    }

    @Test func withoutASignerTheQueueSaysNobodyCanSign() throws {
        var f = try ViewModelFixture()
        let now = try Moment("2026-11-25T10:00+00:00", zone: TimeZone(secondsFromGMT: 0)!, what: "test")
        let draft = AdverseEventDraft(term: "Syncope", onset: CivilDate("2026-11-24")!, severity: .moderate, criteria: [.hospitalization], related: .possible)
        try f.store.apply(.addAdverseEvent(subject: "101-0001", draft: draft, now: now), today: ViewModelFixture.today, user: "tester")
        f.press(.character("I"), .character("s"))
        f.type("correct horse battery")
        f.press(.enter)
        #expect(f.state.status?.text.contains("Nobody can sign") == true, "\(String(describing: f.state.status)) \(String(describing: f.state.overlay))")
    }
}
