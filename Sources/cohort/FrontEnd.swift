import ArgumentParser
import CohortDomain
import CohortFileStore
import CohortIdentity
import CohortScreens
import CohortStore
import CohortSync
import CohortTerminal
import CohortViewModels
import Foundation

/// Composition of the interactive screens: store → effect runner, state, ncurses terminal, run loop.
enum FrontEnd {
    /// Opens the daily review on `session`'s store. The store is opened first, so a missing or damaged
    /// store is explained on a normal terminal, never inside a half-started screen. `notice` is shown on
    /// the status line of the first screen.
    /// `loggedIn` (the demo's PI) skips the login.
    static func run(_ session: Session, notice: String? = nil, loggedIn: UnlockedKey? = nil) throws {
        let store = try session.openStore()
        // In a store with users, the screens start with a login on the plain terminal (name and passphrase,
        // without echo), before ncurses takes it (docs/RULES.md, "Users and roles").
        let key: UnlockedKey?
        if let loggedIn {
            store.signer = loggedIn
            key = loggedIn
        } else {
            key = try session.loginForScreens(store)
        }
        let session = key.map { Session(storeDirectory: session.storeDirectory, clock: session.clock, user: $0.userName, scales: session.scales,
                                        passphraseFD: session.passphraseFD, keyFolderPath: session.keyFolderPath) } ?? session
        let notice = notice ?? key.map { "Logged in as \($0.userName) (\($0.fullName), \($0.role.title))." }
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
            // The idle lock's passphrase check: the same as at a prompt, a wrong one counted (docs/RULES.md, "The idle lock").
            runner.unlock = { name, passphrase in
                do { _ = try session.unlockWithPassphrase(store, name: name, passphrase: passphrase); return nil } catch let error as DomainError {
                    return error.message
                } catch { return "The passphrase could not be checked: \(error)" }
            }
            // `Y`: the same sync as `cohort sync` (docs/RULES.md, "Several machines").
            if StoreSync.isRepository(store.directory), let machine = store.machine {
                runner.syncer = {
                    let sync = try StoreSync(directory: store.directory, user: session.user, machine: machine)
                    let report = try sync.sync(store: store, merger: StoreSyncCLI.merger(store), now: Date())
                    return (report.lines, Moment(Date(), zone: session.zone))
                }
            }
            var state = AppState(today: session.today, user: session.user, now: session.now, zone: session.zone)
            state.lastSync = StoreSync.lastSync(of: store.directory).map { Moment($0, zone: session.zone) }
            state.status = notice.map { StatusLine($0, .info) }
            state.idleLock = key.map { IdleLock(user: $0.userName, minutes: store.site.idleTime) }
            InteractiveSession.run(state, runner: runner, terminal: terminal,
                                   screen: AppScreen(glyphs: terminal.isUTF8 ? .unicode : .ascii), clock: { .clock(session.clock.now()) })
            // Bring the review cache up to date with this session's saves, so the next start is quick.
            _ = store.loadTable(.full)
        }
    }
}
