import ArgumentParser
import CohortDomain
import CohortReports
import CohortResources
import CohortStore
import CohortFileStore
import CohortSync
import Foundation

/// A subcommand that runs against the store with the global options resolved.
protocol SessionCommand: ParsableCommand {
    /// `--store`, `--today`, `--user`.
    var globals: GlobalOptions { get }
    /// The command's work; errors are turned into exit statuses by `run` (docs/RULES.md, "The command line").
    func execute(_ session: Session) throws
}

extension SessionCommand {
    func run() throws { try Session.run(globals) { try execute($0) } }
}

/// The resolved environment of one command: store path, today, user, scales, and the output streams.
struct Session {
    let storeDirectory: String
    let clock: SessionClock
    let user: String
    let scales: ScaleCatalog
    /// `--passphrase-fd`: where passphrases are read from instead of the terminal.
    var passphraseFD: Int32? = nil
    /// Where the users' sealed keys are when not in the person's own data folder (`cohort --demo`'s
    /// throw-away users keep theirs beside the throw-away store).
    var keyFolderPath: String? = nil
    /// True when `--user` or `$COHORT_USER` named `user`: a session of anyone else is then not used.
    var userIsNamed = false

    /// The day to act as today.
    var today: CivilDate { clock.today }
    /// The moment now, on the local clock.
    var now: Moment { clock.now() }
    /// The local time zone.
    var zone: TimeZone { clock.zone }

    /// Resolves `globals` and runs `body`, mapping refusals to exit 1 and store trouble to exit 2;
    /// the message goes to standard error.
    static func run(_ globals: GlobalOptions, _ body: (Session) throws -> Void) throws {
        do {
            let session = Session(storeDirectory: globals.storeDirectory, clock: try globals.clock(),
                                  user: try globals.userName(), scales: try BundledResources.scales(), passphraseFD: globals.passphraseFd,
                                  userIsNamed: globals.userIsNamed)
            try body(session)
        } catch let error as DomainError {
            Session.warn(error.message)
            throw ExitCode(1)
        } catch let error as StoreError {
            Session.warn(error.message)
            throw ExitCode(2)
        }
    }

    /// Opens the store at `storeDirectory` for a command that only reads it (`verify` also passes
    /// `readOnly`, never migrating it): an interrupted sync is not taken back here, since that writes
    /// (and fails on a full disk); the store is read as it is, with a word on standard error
    /// (docs/RULES.md, "Several machines").
    func openStoreToRead(readOnly: Bool = false) throws -> JSONFileStore {
        if StoreSync.isRepository(storeDirectory), StoreSync.wasInterrupted(storeDirectory) {
            Session.warn("A sync of this store was interrupted (or is running now): what follows is read from the store as it is. Run cohort sync to finish it.")
        }
        return try open(readOnly: readOnly)
    }

    /// Opens the store at `storeDirectory` to change it; `readOnly` never migrates it.
    func openStore(readOnly: Bool = false) throws -> JSONFileStore {
        // A sync killed half-way through a merge is taken back first (docs/RULES.md, "Several machines").
        try StoreSync.recoverIfInterrupted(storeDirectory, user: user)
        return try open(readOnly: readOnly)
    }

    /// The store at `storeDirectory`, opened.
    private func open(readOnly: Bool) throws -> JSONFileStore {
        let store = try JSONFileStore(directory: storeDirectory, scales: scales, user: user, readOnly: readOnly)
        // In a store with users, the first save asks for the user's key: a session or the passphrase.
        if !readOnly { store.signerProvider = { [unowned store] in try self.unlock(store) } }
        return store
    }

    /// Applies `change` as this session's user on its day, to `store` or the session's store; returns the
    /// participant after it.
    @discardableResult
    func apply(_ change: Change, in store: JSONFileStore? = nil) throws -> Participant {
        try (store ?? openStore()).apply(change, today: today, user: user).after
    }

    /// Hands `body` every participant's digest (checked file by file against the review cache); the
    /// unreadable ones are reported on standard error after `body` runs, and then the command exits 2 so
    /// a script never mistakes a partial answer for a whole one.
    func withReviewTable(_ store: JSONFileStore, _ body: (ReviewTable) throws -> Void) throws {
        let loaded = store.loadTable(.full)
        try body(loaded.table)
        try Self.refuseIfUnreadable(loaded.problems)
    }

    /// Reports unreadable participant files and exits 2 (after a partial result was written).
    static func refuseIfUnreadable(_ problems: [StoreError]) throws {
        guard problems.isEmpty else {
            for problem in problems { Session.warn(problem.message) }
            throw StoreError(.damaged, "\(Text.count(problems.count, "participant file")) could not be read: left out above, and not changed.")
        }
    }

    /// Parses a date argument, or refuses it naming the option.
    func date(_ text: String?, option: String) throws -> CivilDate? {
        guard let text else { return nil }
        guard let date = CivilDate(text) else {
            throw DomainError("\(option) '\(text.filter { !$0.isNewline })' is not a real date; write it as YYYY-MM-DD, e.g. \(today).")
        }
        return try date.refusedIfTooLate(option)
    }

    /// Writes a result to standard output.
    static func print(_ text: String) {
        write(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// Writes raw text to standard output; if that fails (a full disk behind a redirect) says so and exits 2,
    /// so a script never takes a cut-off result for a whole one.
    /// Written with `write(2)` straight from the text's bytes: a whole-store audit writes a hundred
    /// megabytes a buffer at a time, and each buffer passed through `FileHandle` as `Data` stayed in
    /// memory (65 MB more at 9,999 participants).
    static func write(_ text: String) {
        var bytes = forTerminal(text, STDOUT_FILENO)
        let failure: Int32? = bytes.withUTF8 { buffer in
            var done = 0
            while done < buffer.count {
                let count = Glibc.write(STDOUT_FILENO, buffer.baseAddress! + done, buffer.count - done)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return count < 0 ? errno : EIO }
                done += count
            }
            return nil
        }
        if let failure {
            warn("Could not write the result to standard output: \(String(cString: strerror(failure))).")
            exit(2)
        }
    }

    /// Writes the confirmation of a change that is already saved. If it cannot be written the change
    /// still happened, so the command still succeeds (exit 0); standard error says so if it can.
    static func confirm(_ text: String) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data(forTerminal(text.hasSuffix("\n") ? text : text + "\n", STDOUT_FILENO).utf8))
        } catch {
            warn("The change was saved, but its confirmation could not be written to standard output: \(error.localizedDescription).")
        }
    }

    /// Writes a message to standard error (a failure to do so is ignored: there is nowhere left to report it).
    static func warn(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(forTerminal("cohort: " + text + "\n", STDERR_FILENO).utf8))
    }

    /// On a terminal, `text` without control characters other than newlines and tabs, whatever the data
    /// holds (an escape sequence in a visit name must not reach the terminal); elsewhere unchanged.
    static func forTerminal(_ text: String, _ descriptor: Int32) -> String {
        guard isatty(descriptor) == 1, text.unicodeScalars.contains(where: { Text.isControl($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { !Text.isControl($0) || $0 == "\n" || $0 == "\t" }))
    }

    /// Stable, pretty JSON for results.
    /// Prints the document `json` makes, or the text `text` makes, as `format` asks.
    static func print<Document: Encodable>(_ format: ListFormat, json: () -> Document, text: () -> String) throws {
        switch format {
        case .json: print(try Session.json(json()))
        case .text: print(text())
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[Quantity.asNumbers] = true
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}


extension ExpressibleByArgument where Self: CaseIterable & RawRepresentable, RawValue == String {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
/// `text` or `json`.
enum ListFormat: String, ExpressibleByArgument, CaseIterable { case text, json }
/// `text`, `markdown` or `json`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }
/// `csv` or `sdtm`.
extension ScoreExport.Format: ExpressibleByArgument {}
