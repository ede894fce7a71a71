import CohortDomain
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The system `git`, run in one store's folder as a subprocess with an argument array (never a shell),
/// in a fixed environment: no prompt (`GIT_TERMINAL_PROMPT=0`), SSH in batch mode, the C locale, and the
/// settings that would otherwise change what Cohort reads (line endings, quoted paths, renames). Cohort
/// reads only plumbing and porcelain output (docs/RULES.md, "Several machines").
public struct Git: Sendable {
    /// What one run of git gave.
    public struct Output: Sendable {
        /// The exit status.
        public let status: Int32
        /// Standard output, as bytes (paths in `-z` lists are not text).
        public let stdout: Data
        /// Standard error, as text.
        public let stderr: String
        /// Standard output as text without its final newline.
        public var text: String { String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .newlines) }
        /// Whether git failed because this machine's disk (or quota) is full.
        public var diskIsFull: Bool {
            ["No space left on device", "Out of diskspace", "Disk quota exceeded"].contains(where: stderr.contains)
        }
        /// The first line of standard error, for messages.
        public var reason: String {
            stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty && !$0.hasPrefix("hint:") } ?? "exit status \(status)"
        }
    }

    /// The folder git runs in (the store).
    public let directory: String
    /// The commit author: the Cohort user and this machine.
    public let author: (name: String, email: String)
    /// The `git` executable.
    let executable: String

    /// Settings given on every run, so the user's own git configuration cannot change what Cohort reads
    /// or writes. No hook ever runs (`core.hooksPath=/dev/null`: no file can be found under it), whether in
    /// `.git/hooks` or a global hooks folder: a hook could rewrite, refuse or stall what a sync does.
    static let settings = ["-c", "core.hooksPath=/dev/null", "-c", "core.autocrlf=false", "-c", "core.quotepath=off", "-c", "core.safecrlf=false",
                           "-c", "merge.renames=false", "-c", "diff.renames=false", "-c", "commit.gpgsign=false",
                           "-c", "gc.auto=0", "-c", "merge.conflictstyle=merge", "-c", "advice.detachedHead=false"]

    /// Git for the store at `directory`, committing as `user` of machine `machine`; refuses when no `git`
    /// is on the PATH.
    public init(directory: String, user: String, machine: String?) throws {
        self.directory = directory
        author = (user, user + "@" + (machine ?? "cohort") + ".cohort.invalid")
        guard let found = Self.find() else {
            throw DomainError("git is not installed: install it (apt install git) and sync again. Nothing was changed; your work is safe in the store.")
        }
        executable = found
    }

    /// How many git commands this process ran, in all and by subcommand.
    nonisolated(unsafe) static var runs = 0
    nonisolated(unsafe) static var runsByCommand: [String: Int] = [:]

    /// `COHORT_TEST_KILL_AFTER_GIT=N`: the interrupted-sync tests stop this process dead (SIGKILL, as a
    /// power cut would) right after its Nth git command, at a point they choose; `=push` (or `=commit#2`)
    /// right after the first `git push` (the second `git commit`).
    static func dieIfTestSaysSo(_ command: String) {
        runs += 1
        runsByCommand[command, default: 0] += 1
        guard let text = ProcessInfo.processInfo.environment["COHORT_TEST_KILL_AFTER_GIT"] else { return }
        let named = text.split(separator: "#", maxSplits: 1).map(String.init)
        if Int(text) == runs || (named.first == command && Int(named.count > 1 ? named[1] : "1") == runsByCommand[command]) {
            kill(getpid(), SIGKILL)
        }
    }

    /// `text` quoted for the shell git runs a remote's command with.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The first executable `git` on the PATH.
    static func find() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = String(folder) + "/git"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The environment git runs in: the caller's, less what would point git elsewhere, plus the fixed values.
    static func environment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_CEILING_DIRECTORIES", "GIT_NAMESPACE"] {
            environment.removeValue(forKey: name)
        }
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_MERGE_AUTOEDIT"] = "no"
        return environment
    }

    /// Runs `git ARGUMENTS` in `directory` (or `in`) and returns what it gave, whatever its status.
    public func run(_ arguments: [String], in folder: String? = nil, input: Data? = nil) throws -> Output {
        // Files git writes into the store are the owner's only, like every store file
        // (docs/RULES.md, "The trail is the record"); the child takes this process's mask.
        umask(0o077)
        let output = try Self.spawn(executable, ["-C", folder ?? directory] + Self.settings + ["-c", "user.name=\(author.name)", "-c", "user.email=\(author.email)"]
                                        + arguments, environment: Self.environment(), input: input)
        Self.dieIfTestSaysSo(arguments.first ?? "")
        return Output(status: output.status, stdout: output.stdout, stderr: String(decoding: output.stderr, as: UTF8.self))
    }

    /// Runs `git ARGUMENTS` and refuses, naming the command and git's reason, when it fails.
    @discardableResult
    public func checked(_ arguments: [String], in folder: String? = nil, input: Data? = nil) throws -> Output {
        let output = try run(arguments, in: folder, input: input)
        guard output.status == 0 else {
            if output.diskIsFull {
                throw StoreError(.damaged, "This machine's disk is full (git \(arguments.prefix(1).joined()): \(output.reason)). Your work is safe in this store; free some space and sync again.")
            }
            throw StoreError(.damaged, "git \(arguments.prefix(2).joined(separator: " ")) failed in \(folder ?? directory): \(output.reason). Nothing was merged; `cohort verify` checks the store.")
        }
        return output
    }

    /// The commit `revision` names, or nil when it names none (`rev-parse --verify -q`).
    public func commit(_ revision: String) throws -> String? {
        let output = try run(["rev-parse", "--verify", "-q", revision + "^{commit}"])
        return output.status == 0 ? output.text : nil
    }

    /// Whether `ancestor` is an ancestor of (or is) `descendant`.
    public func isAncestor(_ ancestor: String, of descendant: String) throws -> Bool {
        let output = try run(["merge-base", "--is-ancestor", ancestor, descendant])
        guard output.status <= 1 else { throw StoreError(.damaged, "git merge-base failed in \(directory): \(output.reason).") }
        return output.status == 0
    }

    /// The bytes of `path` in `commit`, or nil when the commit has no such file.
    public func blob(_ commit: String, _ path: String) throws -> Data? {
        let output = try run(["cat-file", "blob", commit + ":" + path])
        return output.status == 0 ? output.stdout : nil
    }

    /// The bytes of each `(commit, path)`, nil where the commit has no such file, read by one
    /// `cat-file --batch` for them all: a sync costs one git process, not one per file it reads.
    public func blobs(_ wanted: [(commit: String, path: String)]) throws -> [Data?] {
        guard !wanted.isEmpty else { return [] }
        for item in wanted where item.path.contains(where: \.isNewline) || item.commit.contains(where: \.isNewline) {
            throw StoreError(.damaged, "git cat-file cannot be asked for \(item.path): its name holds a line break.")
        }
        let input = Data(wanted.map { $0.commit + ":" + $0.path + "\n" }.joined().utf8)
        let output = try checked(["cat-file", "--batch", "--buffer"], input: input)
        return try Self.batchObjects(output.stdout, count: wanted.count)
    }

    /// Splits what `cat-file --batch` printed for `count` questions: per object `OID TYPE SIZE\n`, its bytes
    /// and `\n`; a name it does not find, `NAME missing\n` (or `ambiguous`), read as nil.
    static func batchObjects(_ bytes: Data, count: Int) throws -> [Data?] {
        var result: [Data?] = []
        result.reserveCapacity(count)
        var index = bytes.startIndex
        while result.count < count {
            guard let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else {
                throw StoreError(.damaged, "git cat-file --batch answered \(result.count) of \(count) questions.")
            }
            let header = String(decoding: bytes[index..<newline], as: UTF8.self)
            index = newline + 1
            let fields = header.split(separator: " ")
            if header.hasSuffix(" missing") || header.hasSuffix(" ambiguous") {
                result.append(nil)
                continue
            }
            guard fields.count == 3, let size = Int(fields[2]), size >= 0, bytes.endIndex - index >= size + 1 else {
                throw StoreError(.damaged, "git cat-file --batch gave an answer Cohort cannot read: \(header.prefix(80)).")
            }
            // A path that names a folder answers with a tree: no file there.
            result.append(fields[1] == "blob" ? Data(bytes[index..<(index + size)]) : nil)
            index += size + 1
        }
        return result
    }

    /// The paths changed between two commits (`diff --name-status -z`), with their status letter.
    public func changedPaths(from: String, to: String) throws -> [(status: String, path: String)] {
        let fields = try checked(["diff", "--no-renames", "--name-status", "-z", from, to]).stdout.split(separator: 0, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        var result: [(String, String)] = []
        var index = 0
        while index + 1 < fields.count {
            result.append((fields[index], fields[index + 1]))
            index += 2
        }
        return result
    }

    /// Every path `diff --raw` lists between two commits, with its mode on the `to` side ("000000": deleted)
    /// and its status letter; no renames, so each record is one path.
    public func rawChanges(from: String, to: String) throws -> [(mode: String, status: String, path: String)] {
        let fields = try checked(["diff", "--raw", "--no-renames", "--no-abbrev", "-z", from, to]).stdout.split(separator: 0, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        var result: [(String, String, String)] = []
        var index = 0
        // Each record: ":OLDMODE NEWMODE OLDHASH NEWHASH STATUS" NUL PATH NUL.
        while index + 1 < fields.count {
            let header = fields[index].split(separator: " ")
            if header.count == 5 { result.append((String(header[1]), String(header[4]), fields[index + 1])) }
            index += 2
        }
        return result
    }

    /// The paths git left conflicted (`ls-files -u -z`), each once, sorted.
    public func conflictedPaths() throws -> [String] {
        let records = try checked(["ls-files", "-u", "-z"]).stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        // Each record: "MODE SP HASH SP STAGE TAB PATH".
        return Set(records.compactMap { record in record.split(separator: "\t", maxSplits: 1).last.map(String.init) }).sorted()
    }

    /// The paths `status --porcelain=v1 -z` reports changed or new in the work tree (ignored files left out).
    /// Without rename detection every record is one path (a rename is a deletion and a new file).
    public func dirtyPaths() throws -> [String] {
        let records = try checked(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"]).stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return records.compactMap { $0.count > 3 ? String($0.dropFirst(3)) : nil }
    }
}
