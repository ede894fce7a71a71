// Entry point: global options may come before the command name; ArgumentParser wants them after it.
CohortCommand.main(GlobalOptions.movedAfterCommand(Array(CommandLine.arguments.dropFirst()),
                                                  commands: CohortCommand.configuration.subcommands.map { $0._commandName }))
