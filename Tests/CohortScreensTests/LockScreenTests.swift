import CohortDomain
@testable import CohortScreens
import CohortViewModels
import Testing

/// The idle lock's frame (docs/RULES.md, "The idle lock"): no participant data, the passphrase as dots.
struct LockScreenTests {
    @Test func theLockedFrameHidesEveryParticipantAndThePassphrase() throws {
        var scene = try ScreenTests.Scene()
        defer { scene.remove() }
        let start = scene.state.now
        scene.state.idleLock = IdleLock(user: "ana", minutes: 15)
        _ = scene.state.handle(.clock(start))
        let open = GoldenFile.render(scene.frame())
        #expect(open.contains("101-0004"), "the review shows subjects before the lock")
        _ = scene.state.handle(.clock(Moment(minutes: start.minutes + 15, offset: start.offset)))
        scene.type("secret")
        let locked = GoldenFile.render(scene.frame())
        #expect(!locked.contains("101-"), "no subject ID in the locked frame")
        #expect(!locked.contains("secret"), "the passphrase is never shown")
        #expect(locked.contains("Passphrase for ana: ••••••"))
        GoldenFile.check(scene.frame(80, 24), named: "idle-lock-80x24")
    }
}
