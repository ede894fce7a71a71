import CohortDomain
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folder of one person's sealed private keys: `$XDG_DATA_HOME/cohort/keys/` (else
/// `~/.local/share/cohort/keys/`), 0700, each key 0600, named by its public key so that keys of users of
/// different stores never collide. Never inside a store (docs/RULES.md, "Users and roles").
public struct KeyFolder: Sendable {
    /// The folder.
    public let path: String

    /// The folder at `path`.
    public init(path: String) { self.path = path }

    /// The key folder for the environment (`XDG_DATA_HOME`, `HOME`).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
            path = data + "/cohort/keys"
        } else {
            path = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/cohort/keys"
        }
    }

    /// The file that holds the private key of `publicKey` (base64): named by the SHA-256 of the raw key.
    public func file(for publicKey: String) -> String {
        path + "/" + KeyFolder.fileName(for: publicKey)
    }

    /// `KEYHASH.key`, with the first 32 hex digits of the SHA-256 of the raw public key.
    static func fileName(for publicKey: String) -> String {
        let raw = Data(base64Encoded: publicKey) ?? Data(publicKey.utf8)
        return Digest.hex(raw).prefix(32) + ".key"
    }

    /// Writes `sealed` durably, readable by its owner only (0600, folder 0700).
    public func save(_ sealed: SealedKey) throws {
        try Self.makePrivateFolder(path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try Self.writePrivately(try encoder.encode(sealed), to: file(for: sealed.publicKey))
    }

    /// The sealed key of `user`, or a message saying it is not on this machine.
    public func sealedKey(of user: User) throws -> SealedKey {
        let file = file(for: user.publicKey)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw IdentityError("The private key of \(user.name) is not on this computer (looked for \(file)). Keys are kept in the person's own data folder ($XDG_DATA_HOME/cohort/keys); log in as the person who holds it.")
        }
        let sealed: SealedKey
        do { sealed = try JSONDecoder().decode(SealedKey.self, from: data) } catch {
            throw IdentityError("\(file) is not a readable key file: it was damaged. A PI can disable \(user.name) and add them again under a new name.")
        }
        guard sealed.publicKey == user.publicKey else {
            throw IdentityError("\(file) holds another key than the store's record of \(user.name): it was replaced.")
        }
        return sealed
    }

    /// The user's key unlocked with `passphrase`: `WrongPassphrase` when it does not open it.
    public func unlock(_ user: User, passphrase: String) throws -> UnlockedKey {
        try UnlockedKey(user: user, privateKey: try sealedKey(of: user).open(passphrase: passphrase))
    }

    /// Seals `key` again under `passphrase` (a passphrase change; the key pair stays the same).
    public func reseal(_ key: UnlockedKey, passphrase: String) throws {
        try save(try SealedKey.seal(key, passphrase: passphrase))
    }

    /// Makes `path` (and its parents) a folder, and this one closed to others (0700).
    static func makePrivateFolder(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(path, 0o700)
    }

    /// Writes `data` to `file` through a temporary file created 0600, synced, renamed into place.
    static func writePrivately(_ data: Data, to file: String) throws {
        let temporary = file + ".tmp"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw IdentityError("Could not write \(temporary): \(String(cString: strerror(errno))).") }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == data.count, synced, rename(temporary, file) == 0 else {
            unlink(temporary)
            throw IdentityError("Could not write \(file): \(String(cString: strerror(errno))).")
        }
    }
}
