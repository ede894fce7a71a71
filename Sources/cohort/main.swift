import ArgumentParser
import CohortDomain
#if canImport(Glibc)
import Glibc
#endif

// A file-size limit (ulimit -f) must fail a write with EFBIG and a clear message, not kill the process.
signal(SIGXFSZ, SIG_IGN)
/// Says what is wrong on standard error and exits with the usage status.
func refuseUsage(_ message: String) -> Never {
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(64)
}

// Arguments and the COHORT_ variables must be UTF-8: Swift would replace bad bytes silently, and a user
// name, reason or file name is then saved as something nobody typed.
for (index, argument) in UnsafeBufferPointer(start: CommandLine.unsafeArgv, count: Int(CommandLine.argc)).enumerated().dropFirst() {
    guard let argument, String(validatingCString: argument) == nil else { continue }
    refuseUsage("cohort: argument \(index) is not UTF-8 text; type it again (check the terminal's encoding).\n")
}
for name in ["COHORT_STORE", "COHORT_TODAY", "COHORT_USER", "COHORT_NOW"] {
    if let value = getenv(name), String(validatingCString: value) == nil {
        refuseUsage("cohort: \(name) is not UTF-8 text; set it again.\n")
    }
}
// `cohort help NAME…` must name a command: ArgumentParser would print the top help and exit 0.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "help" {
    var command: ParsableCommand.Type = CohortCommand.self
    for name in arguments.dropFirst() where !name.hasPrefix("-") {
        guard let next = command.configuration.subcommands.first(where: { $0._commandName == name }) else {
            refuseUsage("cohort: help: there is no command '\(Text.shown(name))'. `cohort help` lists the commands.\n")
        }
        command = next
    }
}
// Entry point: global options may come before the command name; ArgumentParser wants them after it.
CohortCommand.main(GlobalOptions.movedAfterCommand(Array(CommandLine.arguments.dropFirst()),
                                                  commands: CohortCommand.configuration.subcommands.map { $0._commandName }))
