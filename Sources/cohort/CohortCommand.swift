import ArgumentParser
import CohortDemo
import CohortDomain
import CohortIdentity
import CohortResources
import CohortStore
import CohortFileStore
import Foundation

/// `cohort`: the TUI on the daily review, or one of the plain commands.
struct CohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Visit schedules, windows and rating scores for a clinical trial site.",
        discussion: "Without a command, opens the daily visit review in the terminal. Exit status: 0 success; 1 a refused change or bad data; 2 the store cannot be used; 64 a usage error.",
        version: "cohort \(version) (store format \(JSONFileStore.formatVersion))",
        subcommands: [InitCommand.self, DemoCommand.self, ProtocolsCommand.self, ScalesCommand.self, EnrollCommand.self, VisitsCommand.self, ParticipantsCommand.self,
                      CompleteCommand.self, MissCommand.self, RescheduleCommand.self, ScoreCommand.self,
                      WithdrawCommand.self, RandomizeCommand.self, AcknowledgeCommand.self, DeviationCommand.self,
                      UnscheduledCommand.self, CorrectCommand.self, ConsentCommand.self, EligibilityCommand.self, NoteCommand.self,
                      AdverseEventCommand.self, MedicationCommand.self, MeasureCommand.self, AssessCommand.self, MeasuresCommand.self, ShowCommand.self,
                      SignCommand.self, UnlockCommand.self, SignaturesCommand.self,
                      SummaryCommand.self, ExportCommand.self, AuditCommand.self, VerifyCommand.self,
                      UserCommand.self, PassphraseCommand.self, LoginCommand.self, LogoutCommand.self, SettingsCommand.self,
                      ConflictsCommand.self, ResolveCommand.self])

    /// The version of the program, as `--version` and the files it exports name it.
    static let version = "0.3"

    @OptionGroup var globals: GlobalOptions

    @Flag(help: "Open the TUI on a fresh demo store in a temporary folder (no set-up).")
    var demo = false

    func run() throws {
        try Session.run(globals) { session in
            guard demo else { return try FrontEnd.run(session) }
            // A fresh demo store in a temporary folder, removed when the screens close. A copy killed by a
            // signal cannot remove its own: the next `--demo` removes every one whose process is gone.
            Self.removeAbandonedDemos()
            let directory = NSTemporaryDirectory() + Self.demoPrefix + "\(getpid())"
            try? FileManager.default.removeItem(atPath: directory)
            // Declared first, so it runs last: the folder is removed here before the helper is let go.
            let sweeper = Self.sweepWhenGone(directory)
            defer { try? sweeper?.fileHandleForWriting.close() }
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // With users, logged in as the PI (docs/RULES.md, "The demo"); their keys are thrown away with the store.
            let keys = directory + Self.demoKeysSuffix
            try? FileManager.default.removeItem(atPath: keys)
            defer { try? FileManager.default.removeItem(atPath: keys) }
            let people = DemoPeople(keys: KeyFolder(path: keys))
            _ = try DemoSite.build(directory: directory, participants: 24, seed: 1, today: session.today, now: session.now, scales: session.scales,
                                   people: people)
            let pi = people.users[0]
            try FrontEnd.run(Session(storeDirectory: directory, clock: session.clock, user: pi.user.name, scales: session.scales, keyFolderPath: keys),
                             notice: "Demo: logged in as \(pi.user.name) (\(pi.user.role.title)), \(pi.user.fullName); passphrase \(pi.passphrase); all is thrown away when you quit.",
                             loggedIn: people.pi)
        }
    }

    static let demoPrefix = "cohort-demo-"
    /// Beside a demo store, the folder of its users' sealed keys (never inside a store).
    static let demoKeysSuffix = ".keys"

    /// A helper process that removes `directory`, its keys and the folder the demo is built in once this
    /// process is gone, however it ended (quit, SIGTERM, SIGHUP, even SIGKILL): it waits for the end of a pipe only this process holds open, and
    /// ignores the terminal's signals so a hang-up does not take it first. Keep the result alive.
    static func sweepWhenGone(_ directory: String) -> Pipe? {
        let pipe = Pipe()
        let sweeper = Process()
        sweeper.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The store, its keys, and the folder it is built in (a copy ended in its first seconds leaves that one).
        sweeper.arguments = ["-c", "trap '' HUP INT TERM QUIT; cat >/dev/null; rm -rf -- \"$1\" \"$1\(demoKeysSuffix)\" \"$2\"", "cohort-demo-sweeper", directory,
                             DemoSite.buildingFolder(directory)]
        sweeper.standardInput = pipe.fileHandleForReading
        sweeper.standardOutput = FileHandle.nullDevice
        sweeper.standardError = FileHandle.nullDevice
        guard (try? sweeper.run()) != nil else { return nil }
        try? pipe.fileHandleForReading.close()
        return pipe
    }

    /// Removes demo folders left by copies that ended without cleaning up (killed, or the machine stopped).
    static func removeAbandonedDemos() {
        let folder = NSTemporaryDirectory()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(demoPrefix) {
            // `cohort-demo-PID`, or `cohort-demo-PID.building-PID` when the copy was killed while building it.
            let rest = name.dropFirst(demoPrefix.count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let pid = pid_t(digits), pid != getpid(),
                  rest.count == digits.count || rest.dropFirst(digits.count) == ".building-\(digits)"
                    || rest.dropFirst(digits.count) == demoKeysSuffix else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: folder + name) }
        }
    }
}
