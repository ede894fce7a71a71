import ArgumentParser
import CohortDomain
import CohortReports
import Foundation

/// `cohort conflicts`: every participant's open sync conflicts (docs/RULES.md, "Merging and conflicts").
struct ConflictsCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "conflicts", abstract: "Sync conflicts waiting to be resolved, every participant's.")
    @Option(help: "text or json.") var format: ListFormat = .text
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        var conflicts: [SyncConflict] = []
        let problems = try SignaturesCommand.participants(nil, store) { conflicts += $0.conflicts }
        try Session.print(format, json: { ConflictsJSON(conflicts) }, text: { ConflictsText.render(conflicts) })
        try Session.refuseIfUnreadable(problems)
    }
}

/// `cohort resolve`: a sync conflict resolved, with a reason (audited).
struct ResolveCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Resolve a sync conflict: keep mine, re-apply theirs, or give a value (audited, with a reason).")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "Conflict id, e.g. C1 (cohort conflicts lists them).") var id: String
    @Option(help: "mine, theirs, a value (JSON, or plain text), or renumber:NNN-NNNN (a participant enrolled on two machines).") var take: String
    @Option(help: "Why (always required).") var reason: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let choice = ConflictChoice(take)
        try session.apply(.resolveConflict(subject: subject, id: id, take: choice, reason: reason))
        if case .renumber(let newSubject) = choice {
            Session.confirm("Saved: \(subject) sync conflict \(id) resolved: the participant kept aside is enrolled as \(newSubject).")
        } else {
            Session.confirm("Saved: \(subject) sync conflict \(id) resolved (\(choice.words)).")
        }
    }
}
