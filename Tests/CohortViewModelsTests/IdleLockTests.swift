import CohortDomain
@testable import CohortViewModels
import Testing

/// The idle lock (docs/RULES.md, "The idle lock"), driven by an injected clock: no sleeping.
struct IdleLockTests {
    /// Checks passphrases as the front end does, remembering each one it was asked about.
    final class Checker: @unchecked Sendable {
        var asked: [String] = []
        func check(_ user: String, _ passphrase: String) -> String? {
            asked.append(passphrase)
            return user == "ana" && passphrase == "right-passphrase" ? nil : "Wrong passphrase for \(user) (\(asked.count) in a row; signing locks at 5)."
        }
    }

    static let start = Moment(minutes: ViewModelFixture.today.dayNumber * 1440 + 600, offset: 0)

    /// A fixture logged in as ana with a 5-minute idle time, the clock at `start`, on a participant's page.
    static func fixture(_ checker: Checker) throws -> ViewModelFixture {
        var fixture = try ViewModelFixture(unlock: checker.check)
        fixture.state.idleLock = IdleLock(user: "ana", minutes: 5)
        _ = fixture.state.handle(.clock(start))
        fixture.press(.enter)
        return fixture
    }

    static func at(_ minutes: Int) -> Action { .clock(Moment(minutes: start.minutes + minutes, offset: 0)) }

    @Test func locksOnlyAfterTheIdleTimeWithoutAKey() throws {
        var fixture = try Self.fixture(Checker())
        _ = fixture.state.handle(Self.at(4))
        #expect(!fixture.state.isLocked)
        fixture.press(.down) // a key at minute 4 starts the idle time again
        _ = fixture.state.handle(Self.at(8))
        #expect(!fixture.state.isLocked, "4 minutes since the last key")
        _ = fixture.state.handle(Self.at(9))
        #expect(fixture.state.isLocked)
        #expect(fixture.state.status?.text.contains("passphrase of ana") == true)
    }

    @Test func whileLockedKeysOnlyTypeThePassphraseAndAWrongOneIsRefused() throws {
        let checker = Checker()
        var fixture = try Self.fixture(checker)
        let screen = fixture.state.screen
        _ = fixture.state.handle(Self.at(5))
        #expect(fixture.state.isLocked)
        fixture.press(.escape, .character("q"))
        #expect(fixture.state.screen == screen && fixture.state.isLocked, "no key acts while locked")
        #expect(fixture.state.idleLock?.typed == "q")
        fixture.press(.backspace)
        #expect(fixture.state.handle(key: .control("c")) == [.quit], "quitting works while locked")
        fixture.type("wrong-one")
        fixture.press(.enter)
        #expect(checker.asked == ["wrong-one"])
        #expect(fixture.state.isLocked)
        #expect(fixture.state.status?.text.contains("Wrong passphrase") == true)
        #expect(fixture.state.idleLock?.typed == "", "the typed passphrase is not kept")
    }

    @Test func theRightPassphraseUnlocksWhereTheUserWas() throws {
        let checker = Checker()
        var fixture = try Self.fixture(checker)
        let screens = fixture.state.screens
        #expect(screens.count == 2, "on a participant's page")
        _ = fixture.state.handle(Self.at(6))
        fixture.type("right-passphrase")
        fixture.press(.enter)
        #expect(!fixture.state.isLocked)
        #expect(fixture.state.screens == screens)
        // The idle time starts again from the unlock.
        _ = fixture.state.handle(Self.at(10))
        #expect(!fixture.state.isLocked)
    }

    @Test func withoutUsersNothingLocks() throws {
        var fixture = try ViewModelFixture()
        _ = fixture.state.handle(.clock(Self.start))
        _ = fixture.state.handle(Self.at(600))
        #expect(!fixture.state.isLocked)
    }
}
