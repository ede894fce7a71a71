import ArgumentParser
import CohortDomain
import CohortScreens
import CohortStore
import CohortTerminal
import CohortViewModels
import Foundation

/// Composition of the interactive screens: store → effect runner, state, ncurses terminal, run loop.
enum FrontEnd {
    /// Opens the daily review on `session`'s store. The store is opened first, so a missing or damaged
    /// store is explained on a normal terminal, never inside a half-started screen. `notice` is shown on
    /// the status line of the first screen.
    static func run(_ session: Session, notice: String? = nil) throws {
        let store = try session.openStore()
        // In a store with users, the screens start with a login on the plain terminal (name and passphrase,
        // without echo), before ncurses takes it (docs/RULES.md, "Users and roles").
        let key = try session.loginForScreens(store)
        let session = key.map { Session(storeDirectory: session.storeDirectory, clock: session.clock, user: $0.userName, scales: session.scales,
                                        passphraseFD: session.passphraseFD) } ?? session
        let notice = key.map { "Logged in as \($0.userName) (\($0.fullName), \($0.role.title))." + (notice.map { " " + $0 } ?? "") } ?? notice
        try MainActor.assumeIsolated {
            let terminal: NCursesTerminal
            do {
                terminal = try NCursesTerminal.start(environment: ProcessInfo.processInfo.environment)
            } catch let error as NCursesTerminal.Unavailable {
                Session.warn(error.description)
                throw ExitCode(64)
            }
            defer { terminal.stop() }
            let runner = EffectRunner(store: store, today: session.today, user: session.user)
            // The queue's `s`: the passphrase typed in the prompt opens the key (docs/RULES.md, "Signatures").
            runner.signer = { subject, scope, meaning, passphrase in
                try session.sign(subject, scope, meaning: meaning, lock: false, in: store, passphrase: passphrase)
            }
            var state = AppState(today: session.today, user: session.user, now: session.now, zone: session.zone)
            state.status = notice.map { StatusLine($0, .info) }
            InteractiveSession.run(state, runner: runner, terminal: terminal,
                                   screen: AppScreen(glyphs: terminal.isUTF8 ? .unicode : .ascii), clock: { .clock(session.clock.now()) })
            // Bring the review cache up to date with this session's saves, so the next start is quick.
            _ = store.loadTable(.full)
        }
    }
}
