import ArgumentParser
import CohortDomain
import CohortFileStore
import CohortStore
import CohortSync
import Foundation

/// `cohort sync`: commit, fetch, merge, push; `cohort sync setup REMOTE` first (docs/RULES.md, "Several machines").
struct SyncCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Sync the store with its git remote: commit, fetch, merge, push.",
        discussion: "Set the remote up once with `cohort sync setup REMOTE`; a second machine starts with `cohort clone REMOTE DIR`.",
        subcommands: [SyncSetupCommand.self])

    @Option(help: "text or json.")
    var format: ListFormat = .text
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        guard StoreSync.isRepository(session.storeDirectory), let machine = store.machine else { throw StoreSync.notSynced(session.storeDirectory) }
        let sync = try StoreSync(directory: session.storeDirectory, user: session.user, machine: machine)
        let report = try sync.sync(store: store, merger: StoreSyncCLI.merger(store), now: Date())
        try Session.print(format, json: { report }, text: { report.lines.joined(separator: "\n") })
    }
}

/// `cohort sync setup REMOTE`.
struct SyncSetupCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup", abstract: "Make the store a git repository with REMOTE as its origin, and push it.",
        discussion: "REMOTE is anything git accepts: a path (/media/usb/site.git, made with `git init --bare`), ssh://host/srv/site.git, or a hosting service's URL.")

    @Argument(help: ArgumentHelp("The remote repository.", valueName: "REMOTE"))
    var remote: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        _ = try StoreSync.setup(store: store, remote: remote, user: session.user, seed: StoreSyncCLI.seed, now: Date())
        Session.confirm("The store at \(session.storeDirectory) is synced with \(remote). On another machine: cohort clone \(remote) DIR; then cohort sync on each.")
    }
}

/// `cohort clone REMOTE DIR`.
struct CloneCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone", abstract: "Make a new machine's copy of the store a remote holds (then `cohort --store DIR`).")

    @Argument(help: ArgumentHelp("The remote repository.", valueName: "REMOTE"))
    var remote: String
    @Argument(help: ArgumentHelp("A new or empty folder for the copy.", valueName: "DIR"))
    var directory: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        _ = try StoreSync.clone(remote: remote, into: directory, user: session.user, seed: StoreSyncCLI.seed, now: Date())
        // The derived files (the review cache) are this machine's own: built now, from what came.
        let copy = Session(storeDirectory: directory, clock: session.clock, user: session.user, scales: session.scales, passphraseFD: session.passphraseFD)
        let store = try copy.openStore(readOnly: false)
        try Session.refuseIfUnreadable(store.loadTable(.full).problems)
        Session.confirm("Cloned \(remote) into \(directory) (\(Text.count(try store.subjects().count, "participant"))). Use it with cohort --store \(directory), and cohort sync to exchange changes.")
    }
}

/// What the sync commands share.
enum StoreSyncCLI {
    /// `COHORT_MACHINE_SEED`: tests make reproducible machine ids; everyone else gets random ones.
    static var seed: UInt64? { ProcessInfo.processInfo.environment["COHORT_MACHINE_SEED"].flatMap { UInt64($0) } }

    /// The merger of one participant changed on both machines.
    static func merger(_ store: JSONFileStore) -> ParticipantMerger { store }
}
