import CohortDomain
import CohortFileStore
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension StoreSync {
    /// `cohort sync setup REMOTE`: makes the store at `store` a git repository (if it is not one yet) with
    /// its `.gitignore` and `.gitattributes`, commits it, sets `remote` as its origin and pushes. Refuses a
    /// remote that already holds a different store (or a later state of this one: sync or clone it then).
    public static func setup(store: JSONFileStore, remote typed: String, user: String, seed: UInt64?, now: Date) throws -> StoreSync {
        let directory = store.directory
        guard !typed.isEmpty, !typed.hasPrefix("-") else {
            throw DomainError("The remote '\(typed)' is not usable: give a path (/media/usb/site.git), an ssh:// address or a hosting service's URL.")
        }
        // Git reads the origin from inside the store: a folder given relative to where the command ran is
        // kept as its full path, so it names the same folder there.
        let remote = !typed.hasPrefix("/") && FileManager.default.fileExists(atPath: typed)
            ? FileManager.default.currentDirectoryPath + "/" + typed : typed
        return try FileLock.withLock(store.lockPath, timeout: 30) {
            // Git is looked for before anything is written.
            _ = try Git(directory: directory, user: user, machine: nil)
            var sync: StoreSync
            if !isRepository(directory) {
                let git = try Git(directory: directory, user: user, machine: nil)
                try git.checked(["init", "-q"])
                try git.checked(["symbolic-ref", "HEAD", "refs/heads/" + branch])
            }
            if let seed {
                sync = try StoreSync(directory: directory, user: user, machine: try MachineID.make(store: directory, seed: seed))
            } else {
                sync = try StoreSync(directory: directory, user: user, machine: MachineID.of(store: directory) ?? "cohort")
            }
            try sync.recoverLocked()
            try DurableFile.replace(directory + "/.gitignore", with: Array(ignored.utf8))
            try DurableFile.replace(directory + "/.gitattributes", with: Array(attributes.utf8))
            _ = try sync.commitLocalLocked(first: true)
            // The origin: added, or pointed at `remote` when set up again.
            if try sync.git.run(["remote", "get-url", Self.remote]).status == 0 {
                try sync.git.checked(["remote", "set-url", Self.remote, remote])
            } else {
                try sync.git.checked(["remote", "add", Self.remote, remote])
            }
            let local = try sync.git.commit("HEAD")!
            if let theirs = try sync.fetch(), theirs != local {
                guard try sync.git.isAncestor(theirs, of: local) else {
                    throw DomainError("The remote \(remote) already holds a different store (or later changes to this one). Nothing was pushed. To work on the store it holds, use cohort clone \(remote) DIR; to publish this store, set up an empty remote (git init --bare).")
                }
            }
            guard try sync.push(local) else {
                throw DomainError("The remote \(remote) changed while it was being set up. Nothing was lost; run cohort sync setup \(remote) again.")
            }
            try sync.noteRemote(local, at: now)
            return sync
        }
    }

    /// `cohort clone REMOTE DIR`: a new machine's copy of the store `remote` holds, in `directory` (new or
    /// empty), with a machine id of its own. Rebuilding derived files is the caller's (it opens the store).
    public static func clone(remote: String, into directory: String, user: String, seed: UInt64?, now: Date) throws -> StoreSync {
        guard !remote.isEmpty, !remote.hasPrefix("-"), !directory.isEmpty else {
            throw DomainError("cohort clone needs a remote and a new or empty folder: cohort clone REMOTE DIR.")
        }
        var info = stat()
        let existed = lstat(directory, &info) == 0
        if existed {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw DomainError("\(directory) is not a folder: give cohort clone a new or empty folder.") }
            guard try DurableFile.entries(of: directory, isStoreRoot: true).isEmpty else {
                throw DomainError("\(directory) is not empty: give cohort clone a new or empty folder. Nothing was written.")
            }
        }
        // Git runs here, in the current folder, so a relative DIR or a relative path to the remote means what
        // the person typing it meant.
        let git = try Git(directory: FileManager.default.currentDirectoryPath, user: user, machine: nil)
        let output = try git.run(["clone", "-q", "--no-tags", "--origin", Self.remote, "--branch", branch, "--", remote, directory])
        func removeWhatWasMade() {
            if existed {
                for name in (try? DurableFile.entries(of: directory, isStoreRoot: true)) ?? [] { try? FileManager.default.removeItem(atPath: directory + "/" + name) }
            } else {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        guard output.status == 0 else {
            removeWhatWasMade()
            if output.stderr.contains("Remote branch") || output.stderr.contains("not found in upstream") || output.stderr.contains("empty repository") {
                throw DomainError("The remote \(remote) holds no Cohort store yet: set it up from the first machine with cohort sync setup \(remote). Nothing was written.")
            }
            throw DomainError("The remote \(remote) cannot be reached (\(output.reason)). Nothing was written; try again when it is reachable.")
        }
        guard (try? DurableFile.read(directory + "/cohort-store.json")) != nil else {
            removeWhatWasMade()
            throw DomainError("The remote \(remote) does not hold a Cohort store (no cohort-store.json). Nothing was written.")
        }
        let machine = try MachineID.make(store: directory, seed: seed)
        let sync = try StoreSync(directory: directory, user: user, machine: machine)
        let head = try sync.git.commit("HEAD")!
        try sync.noteRemote(head, at: now)
        return sync
    }

    /// Commits what changed in the store since its last commit, as the Cohort user, with a message naming
    /// the participants; returns them (nil: nothing to commit). The caller holds the store lock.
    func commitLocalLocked(first: Bool = false) throws -> [String]? {
        let dirty = try git.dirtyPaths()
        let hasHead = try git.commit("HEAD") != nil
        guard !dirty.isEmpty || !hasHead else { return nil }
        if hasHead && !dirty.isEmpty {
            // Only what status named: a second walk of every file of the store would cost what the store
            // holds, not what changed. Literal paths, given on standard input (any number of them).
            try git.checked(["--literal-pathspecs", "add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"],
                            input: Data(dirty.map { $0 + "\0" }.joined().utf8))
        } else {
            try git.checked(["add", "-A", "--", "."])
        }
        let subjects = Set(dirty.compactMap(Self.subject(of:))).sorted()
        let summary: String
        if !hasHead || first && subjects.isEmpty {
            summary = hasHead ? "Cohort: the store's sync settings" : "Cohort: the store as it stood when sync was set up"
        } else if subjects.isEmpty {
            summary = "Cohort: store-wide changes"
        } else {
            let shown = subjects.prefix(20).joined(separator: ", ") + (subjects.count > 20 ? ", …" : "")
            summary = "Cohort: \(subjects.count) participant\(subjects.count == 1 ? "" : "s") changed (\(shown))"
        }
        try git.checked(["commit", "-q", "--allow-empty", "--no-verify", "-m", message(summary)])
        return subjects
    }

    /// Pushes `commit` to the remote's branch, never forced. Returns false when the remote refused it
    /// because it moved on (fetch and merge again); refuses when the remote cannot be reached.
    @discardableResult
    func push(_ commit: String) throws -> Bool {
        // A remote that is a folder here: git runs its receiving side itself, outside the settings given to
        // this git (with the user's global configuration, hooks folder included), so it is told again that
        // no hook runs (docs/RULES.md, "Several machines"). A server's own side is the server's.
        let url = try git.run(["config", "--get", "remote.\(Self.remote).url"]).text
        let receiving = Self.isFolder(url) ? ["--receive-pack=" + Git.quoted(git.executable) + " -c core.hooksPath=/dev/null receive-pack"] : []
        let output = try git.run(["push", "--porcelain", "--no-verify"] + receiving + [Self.remote, commit + ":refs/heads/" + Self.branch])
        if output.status == 0 { return true }
        let lines = String(decoding: output.stdout, as: UTF8.self).split(separator: "\n")
        if lines.contains(where: { $0.hasPrefix("!") }) || output.stderr.contains("[rejected]") || output.stderr.contains("non-fast-forward") {
            return false
        }
        throw unreachable(output)
    }

    /// Whether the remote `url` is a folder on this machine (a path or `file://`), not a server
    /// (`host:path` or `scheme://`), as git tells them apart.
    static func isFolder(_ url: String) -> Bool {
        if url.hasPrefix("file://") { return true }
        if url.contains("://") { return false }
        guard let colon = url.firstIndex(of: ":") else { return true }
        return url[..<colon].contains("/")
    }
}
