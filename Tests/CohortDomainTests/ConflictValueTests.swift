@testable import CohortDomain
import Foundation
import Testing

/// `cohort resolve … --take VALUE` reads VALUE against the field's type (docs/RULES.md,
/// "Merging and conflicts"): text for a text field as given, a number for a number field, quoted or not.
@Suite struct ConflictValueTests {
    func environment() -> ChangeEnvironment {
        ChangeEnvironment(context: Fixture.context, today: Fixture.date("2026-11-25"), user: "ana", site: UnknownSite())
    }

    /// The participant with one open conflict at `pointer`, resolved with `text`.
    func resolved(_ pointer: (Participant) -> String, _ text: String) throws -> Participant {
        var p = MeasureFixture.participant()
        let conflict = SyncConflict(id: "", subject: p.subject, what: pointer(p), mine: nil, theirs: nil, authors: ["amy", "bob"], change: nil)
        _ = try Change.recordConflict(subject: p.subject, conflict: conflict).apply(to: &p, in: environment())
        _ = try Change.resolveConflict(subject: p.subject, id: "C1", take: .value(text), reason: "agreed").apply(to: &p, in: environment())
        return p
    }

    func note(_ p: Participant) -> String { "/visits/\(p.visits.firstIndex { $0.code == "W1" }!)/note" }

    @Test func aTextFieldTakesTheWordsAsGivenOrAJSONString() throws {
        #expect(try resolved(note, "1234567").visit("W1")?.note == "1234567")
        #expect(try resolved(note, "true").visit("W1")?.note == "true")
        #expect(try resolved(note, "\"quoted words\"").visit("W1")?.note == "quoted words")
        #expect(try resolved(note, "plain words").visit("W1")?.note == "plain words")
    }

    @Test func aNumberFieldTakesANumberQuotedOrNotAndRefusesWordsSayingSo() throws {
        #expect(try resolved({ _ in "/birthYear" }, "1980").birthYear == 1980)
        #expect(try resolved({ _ in "/birthYear" }, "\"1981\"").birthYear == 1981)
        let message = MeasureFixture.refusal { _ = try resolved({ _ in "/birthYear" }, "nineteen") }
        #expect(message == "nineteen is not a number: /birthYear holds a number; give one (e.g. 7 or 7.5).", "\(message ?? "accepted")")
    }
}
