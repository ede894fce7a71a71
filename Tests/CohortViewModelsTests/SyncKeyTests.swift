import CohortDomain
@testable import CohortViewModels
import Testing

/// `Y` on the review (docs/RULES.md, "Several machines"): a progress line first, the sync as an effect the
/// front end runs, then what went out and came in, and the time it synced.
struct SyncKeyTests {
    @Test func yShowsProgressThenRunsTheSyncAsAnEffect() throws {
        var fixture = try ViewModelFixture()
        let effects = fixture.state.handle(key: .character("Y"))
        #expect(effects == [.sync])
        #expect(Effect.sync.waitsForFrame, "the progress line is drawn before the sync runs")
        #expect(fixture.state.status?.text.hasPrefix("Syncing with the remote") == true)
    }

    @Test func whatCameInIsShownAndTheTimeKeptAndTheScreensCheckTheFiles() throws {
        var fixture = try ViewModelFixture()
        let at = Moment(minutes: ViewModelFixture.today.dayNumber * 1440 + 845, offset: 0)
        fixture.runner.syncer = { (["Sent nothing new.", "Received 101-0003: 2 changes by ana, cole."], at) }
        let outcome = try #require(fixture.runner.run(.sync))
        #expect(outcome == .synced(lines: ["Sent nothing new.", "Received 101-0003: 2 changes by ana, cole."], at: at))
        #expect(fixture.state.handle(outcome) == [.checkFiles])
        #expect(fixture.state.lastSync == at)
        #expect(fixture.state.status == StatusLine("Synced: Sent nothing new. Received 101-0003: 2 changes by ana, cole.", .saved))
    }

    @Test func aStoreThatIsNotSyncedSaysHowToSetItUp() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("Y"))
        #expect(fixture.state.status?.kind == .error)
        #expect(fixture.state.status?.text.contains("cohort sync setup REMOTE") == true)
        #expect(fixture.state.lastSync == nil)
    }
}
