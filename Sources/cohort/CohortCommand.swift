import ArgumentParser
import CohortDemo
import CohortDomain
import CohortResources
import CohortStore
import Foundation

/// `cohort`: the TUI on the daily review, or one of the plain commands.
struct CohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Visit schedules, windows and rating scores for a clinical trial site.",
        discussion: "Without a command, opens the daily visit review in the terminal. Exit status: 0 success; 1 a refused change or bad data; 2 the store cannot be used; 64 a usage error.",
        subcommands: [InitCommand.self, DemoCommand.self, ProtocolsCommand.self, EnrollCommand.self, VisitsCommand.self,
                      CompleteCommand.self, MissCommand.self, RescheduleCommand.self, ScoreCommand.self,
                      WithdrawCommand.self, AcknowledgeCommand.self, NoteCommand.self, ShowCommand.self,
                      SummaryCommand.self, ExportCommand.self, AuditCommand.self, VerifyCommand.self])

    @OptionGroup var globals: GlobalOptions

    @Flag(help: "Open the TUI on a fresh demo store in a temporary folder (no set-up).")
    var demo = false

    func run() throws {
        try Session.run(globals) { session in
            guard demo else { return try FrontEnd.run(session) }
            // A fresh demo store in a temporary folder, removed when the screens close.
            let directory = NSTemporaryDirectory() + "cohort-demo-\(getpid())"
            try? FileManager.default.removeItem(atPath: directory)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            _ = try DemoSite.build(directory: directory, participants: 24, seed: 1, today: session.today, scales: session.scales)
            try FrontEnd.run(Session(storeDirectory: directory, today: session.today, user: session.user, scales: session.scales))
        }
    }
}
