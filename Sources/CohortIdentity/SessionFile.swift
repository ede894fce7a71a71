import CohortDomain
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A command-line signing session (`cohort login`, docs/RULES.md, "Users and roles"): the unlocked key of
/// one user for one store, held for the current terminal session in a file only its owner can read, and
/// let go after the store's idle time without use. Kept in `$XDG_RUNTIME_DIR/cohort` (memory, emptied at
/// log-out) when there is one, else beside the keys.
public struct SessionFile: Codable, Sendable {
    /// The user logged in.
    public var user: String
    /// The store's folder, as opened (a session is for one store).
    public var store: String
    /// The private key's raw bytes, base64.
    var key: String
    /// Seconds since 1970 of the last use.
    public var lastUsed: Double
    /// Minutes without use after which it is let go.
    public var idleMinutes: Int

    /// Where this terminal session's file is: one per OS user and terminal session (`getsid`).
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let folder: String
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty, access(runtime, W_OK) == 0 {
            folder = runtime + "/cohort"
        } else {
            folder = KeyFolder(environment: environment).path + "/sessions"
        }
        return folder + "/session-\(getuid())-\(getsid(0)).json"
    }

    /// A session for `key` on `store`, used now.
    public init(key: UnlockedKey, store: String, idleMinutes: Int, now: Date = Date()) {
        user = key.userName; self.store = store; self.key = key.privateKeyBytes.base64EncodedString()
        lastUsed = now.timeIntervalSince1970; self.idleMinutes = idleMinutes
    }

    /// Whether it has gone unused longer than its idle time at `now`.
    public func hasExpired(at now: Date = Date()) -> Bool {
        now.timeIntervalSince1970 - lastUsed > Double(idleMinutes * 60) || now.timeIntervalSince1970 < lastUsed - 60
    }

    /// The key it holds for `user` (as the store has them), or nil when it is not theirs.
    public func unlockedKey(for user: User) -> UnlockedKey? {
        guard user.name == self.user, let raw = Data(base64Encoded: key), let unlocked = try? UnlockedKey(user: user, privateKey: raw),
              unlocked.publicKeyText == user.publicKey else { return nil }
        return unlocked
    }

    /// Writes it (0600, folder 0700).
    public func save(to path: String) throws {
        try KeyFolder.makePrivateFolder((path as NSString).deletingLastPathComponent)
        try KeyFolder.writePrivately(try JSONEncoder().encode(self), to: path)
    }

    /// The session at `path`, or nil when there is none or it cannot be read. A file another user could
    /// read is not trusted and is removed.
    public static func load(from path: String) -> SessionFile? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        guard info.st_mode & S_IFMT == S_IFREG, info.st_uid == getuid(), info.st_mode & 0o077 == 0,
              let data = FileManager.default.contents(atPath: path), let session = try? JSONDecoder().decode(SessionFile.self, from: data) else {
            unlink(path)
            return nil
        }
        return session
    }

    /// Ends the session: its file is removed.
    public static func remove(at path: String) -> Bool {
        unlink(path) == 0
    }
}
