import CohortDomain
import CohortFileStore
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A store synced through git: `setup` makes it a repository with a remote, `clone` makes a new machine's
/// copy, `sync` commits, fetches, merges and pushes. Everything runs under the store lock; what a sync
/// keeps for itself lives in `.git/` (never synced): the last remote head this machine saw, the last sync
/// time, and a mark while a merge is under way (docs/RULES.md, "Several machines").
public struct StoreSync {
    /// The store folder.
    public let directory: String
    /// Git in it, committing as the Cohort user.
    public let git: Git
    /// This machine's id (`MachineID`).
    public let machine: String

    /// The one branch a store is synced on.
    public static let branch = "main"
    /// Where the fetched remote head is kept.
    static let remoteRef = "refs/remotes/origin/main"
    /// The remote's name.
    static let remote = "origin"
    /// How many times a sync fetches and merges again when the push is refused because the remote moved.
    static let attempts = 4

    /// What a synced store's `.gitignore` holds: derived and per-machine files never leave the machine.
    public static let ignored = """
    # Written by Cohort (docs/RULES.md, "Several machines"): derived files and this machine's own never sync.
    /.cache/
    /.lock
    /audit/interrupted/
    /keys/
    /backup-format-1/
    .*.tmp

    """
    /// What its `.gitattributes` holds: git never merges a store file as text; Cohort merges them.
    public static let attributes = """
    # Written by Cohort (docs/RULES.md, "Several machines"): git never merges these files as text, and
    # never changes their bytes; a file changed on two machines comes back conflicted and Cohort merges it.
    * -merge -text

    """

    /// The sync of the store at `directory`, as `user` of machine `machine`.
    public init(directory: String, user: String, machine: String) throws {
        self.directory = directory
        self.machine = machine
        git = try Git(directory: directory, user: user, machine: machine)
    }

    var gitFolder: String { directory + "/.git" }
    var lastRemoteFile: String { gitFolder + "/cohort-last-remote" }
    var lastSyncFile: String { gitFolder + "/cohort-last-sync" }
    var inProgressFile: String { gitFolder + "/cohort-sync-in-progress" }
    var lockPath: String { directory + "/.lock" }

    /// Whether the store at `directory` is a git repository of its own.
    public static func isRepository(_ directory: String) -> Bool {
        var info = stat()
        return lstat(directory + "/.git", &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// When the store at `directory` last synced (setup, clone or sync), or nil.
    public static func lastSync(of directory: String) -> Date? {
        guard let bytes = try? DurableFile.read(directory + "/.git/cohort-last-sync"),
              let seconds = Double(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// Whether a sync of the store at `directory` was stopped half-way (its mark, a merge under way or one
    /// of git's locks is there).
    public static func wasInterrupted(_ directory: String) -> Bool {
        var info = stat()
        return (["cohort-sync-in-progress", "MERGE_HEAD"] + gitLocks).contains { lstat(directory + "/.git/" + $0, &info) == 0 }
    }

    /// The lock files git leaves behind when it is killed during what a sync runs.
    static let gitLocks = ["index.lock", "HEAD.lock", "ORIG_HEAD.lock", "config.lock", "packed-refs.lock", "refs/heads/main.lock",
                           "refs/remotes/origin/main.lock"]

    /// Finishes taking back a sync stopped half-way (killed during a merge), before anything else writes
    /// the store; the caller holds the store lock. Only what was never committed is undone: a merge under
    /// way (MERGE_HEAD, index or work tree half-written) goes back to HEAD, a commit made there; a merge
    /// commit is kept, pushed or not, and the next sync fetches and merges on top of it. The one step taken
    /// back further is a fast-forward to the remote's own head whose ledger note was not yet committed: it
    /// goes back to this machine's commit (the remote still holds its head) and the next sync does it again
    /// (docs/RULES.md, "Several machines").
    func recoverLocked() throws {
        // Git's own locks left by a git killed with this machine's sync: only a sync (under the store lock,
        // held now) runs git in a store.
        for lock in Self.gitLocks { unlink(gitFolder + "/" + lock) }
        guard Self.wasInterrupted(directory) else { return }
        // The mark: this machine's commit the merge started from, then the remote head it merged.
        let mark = (try? DurableFile.read(inProgressFile)).map { String(decoding: $0, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init) }
        if let head = try git.commit("HEAD"), mark != nil || Self.hasMergeHead(directory) {
            var target = head
            if let mark, mark.count >= 2, head == mark[1], let local = try git.commit(mark[0]) { target = local }
            try git.checked(["reset", "-q", "--hard", target])
            // What the merge wrote and had not yet added (the worktree was clean when it began).
            try git.checked(["clean", "-q", "-f", "-d"])
        }
        unlink(inProgressFile)
    }

    /// Whether git has a merge under way in the store at `directory`.
    static func hasMergeHead(_ directory: String) -> Bool {
        var info = stat()
        return lstat(directory + "/.git/MERGE_HEAD", &info) == 0
    }

    /// Takes an interrupted sync of the store at `directory` back, under the store lock; nothing when none
    /// was interrupted (one `stat`). Every command runs it before it opens the store.
    public static func recoverIfInterrupted(_ directory: String, user: String) throws {
        guard isRepository(directory), wasInterrupted(directory) else { return }
        let sync = try StoreSync(directory: directory, user: user, machine: MachineID.of(store: directory) ?? "cohort")
        try FileLock.withLock(sync.lockPath, timeout: 60) { try sync.recoverLocked() }
    }

    /// Records `commit` as the last remote head this machine saw, and now as the last sync.
    func noteRemote(_ commit: String, at now: Date) throws {
        try DurableFile.replace(lastRemoteFile, with: Array((commit + "\n").utf8))
        try DurableFile.replace(lastSyncFile, with: Array("\(Int(now.timeIntervalSince1970))\n".utf8))
    }

    /// The last remote head this machine saw, or nil before its first sync.
    func lastRemote() throws -> String? {
        guard let bytes = try DurableFile.read(lastRemoteFile) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// Fetches the remote's branch into `remoteRef`; refuses, saying the work is safe here, when the remote
    /// cannot be reached. Returns the fetched head, nil when the remote has no branch yet.
    func fetch() throws -> String? {
        let output = try git.run(["fetch", "-q", "--no-tags", Self.remote, "+refs/heads/\(Self.branch):\(Self.remoteRef)"])
        if output.status != 0 {
            if output.stderr.contains("couldn't find remote ref") {
                try? git.run(["update-ref", "-d", Self.remoteRef])
                return nil
            }
            throw unreachable(output)
        }
        return try git.commit(Self.remoteRef)
    }

    /// The refusal when the remote cannot be reached; a full disk (or quota) here is said as such, it is
    /// this machine's trouble, not the remote's (exit 2).
    func unreachable(_ output: Git.Output) -> Error {
        if output.diskIsFull {
            return StoreError(.damaged, "This machine's disk is full (git: \(output.reason)). Nothing was merged; your work is safe in this store. Free some space and sync again.")
        }
        let url = (try? git.run(["config", "--get", "remote.\(Self.remote).url"]).text) ?? Self.remote
        return DomainError("The remote \(url.isEmpty ? Self.remote : url) cannot be reached (\(output.reason)). Your work is safe in this store and committed on this machine; sync again when the remote is reachable.")
    }

    /// The refusal of a store that is not a repository.
    public static func notSynced(_ directory: String) -> DomainError {
        DomainError("The store at \(directory) is not synced (not a git repository): run cohort sync setup REMOTE first.")
    }

    /// The participant a store path belongs to (`participants/S.json`, `audit/S.jsonl`), or nil.
    static func subject(of path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        if parts[0] == "participants", parts[1].hasSuffix(".json"), !parts[1].hasPrefix(".") { return String(parts[1].dropLast(5)) }
        if parts[0] == "audit", parts[1].hasSuffix(".jsonl"), !parts[1].hasPrefix("."), parts[1] != "_store.jsonl" { return String(parts[1].dropLast(6)) }
        return nil
    }

    /// The machine a commit's message names (`Cohort-Machine: ID`), or "unknown".
    func machine(of commit: String) throws -> String {
        let body = String(decoding: try git.checked(["cat-file", "commit", commit]).stdout, as: UTF8.self)
        let prefix = "Cohort-Machine: "
        return body.split(separator: "\n").last { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) } ?? "unknown"
    }

    /// A commit message: `summary`, then the machine that made it.
    func message(_ summary: String) -> String {
        summary + "\n\nCohort-Machine: " + machine + "\n"
    }
}
