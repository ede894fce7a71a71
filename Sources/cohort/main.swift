#if canImport(Glibc)
import Glibc
#endif

// A file-size limit (ulimit -f) must fail a write with EFBIG and a clear message, not kill the process.
signal(SIGXFSZ, SIG_IGN)
// Entry point: global options may come before the command name; ArgumentParser wants them after it.
CohortCommand.main(GlobalOptions.movedAfterCommand(Array(CommandLine.arguments.dropFirst()),
                                                  commands: CohortCommand.configuration.subcommands.map { $0._commandName }))
