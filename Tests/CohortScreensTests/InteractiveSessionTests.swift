import CohortTestSupport
import CohortDomain
import CohortResources
import CohortScreens
import CohortStore
import CohortTerminal
import CohortViewModels
import Testing

/// The run loop with a fake terminal: keys in, frames out, changes in the store.
@MainActor
struct InteractiveSessionTests {
    @Test func keysDriveTheLoopUntilQuit() throws {
        let scales = TestData.scales
        let scz = TestData.schizophrenia
        let store = InMemoryStore(protocols: [scz], scales: scales)
        let today = CivilDate("2026-11-25")!
        _ = try store.enroll(EnrollmentRequest(subject: "101-0001", initials: "AB", birthYear: "1980", sex: "F", study: scz.id,
                                               arm: "", consentDate: "2026-11-08", baselineDate: "2026-11-18"), today: today)
        // Day 1 has happened: W1 is on today's list (before it, W1 would wait for Day 1).
        if let eligible = TestData.recordEligible("101-0001") { _ = try store.apply(eligible, today: today, user: "tester") }
        _ = try store.apply(.randomize(subject: "101-0001", number: "R-1", date: CivilDate("2026-11-18")!), today: today, user: "tester")
        for (visit, day) in [("SCR", "2026-11-12"), ("D1", "2026-11-18")] {
            _ = try store.apply(.complete(subject: "101-0001", visit: visit, date: CivilDate(day)!, reason: nil), today: today, user: "tester")
        }
        let terminal = FakeTerminal(width: 100, height: 30, keys: [.character("c"), .enter, .resize, .character("q"), .character("j")])
        let final = InteractiveSession.run(AppState(today: today, user: "tester"),
                                           runner: EffectRunner(store: store, today: today, user: "tester"), terminal: terminal)
        #expect(try store.participant("101-0001").visit("W1")?.status == .completed)
        #expect(terminal.lastFrame?.text.contains("Saved: 101-0001 W1 completed on 2026-11-25.") == true)
        #expect(terminal.keys == [.character("j")]) // stopped at q
        #expect(terminal.frames == 4)
        #expect(final.undoStack.count == 1)
    }

    @Test func aTooSmallTerminalOnlyQuits() throws {
        let scales = TestData.scales
        let store = InMemoryStore(protocols: [], scales: scales)
        let terminal = FakeTerminal(width: 30, height: 8, keys: [.character("e"), .character("q")])
        let final = InteractiveSession.run(AppState(today: CivilDate("2026-11-25")!, user: "t"),
                                           runner: EffectRunner(store: store, today: CivilDate("2026-11-25")!, user: "t"), terminal: terminal)
        #expect(final.screen == .review) // `e` was ignored while nothing could be seen
        #expect(terminal.lastFrame?.text.contains("Terminal too small") == true)
    }
}
