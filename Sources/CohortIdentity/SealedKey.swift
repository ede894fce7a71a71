import Crypto
import _CryptoExtras
import Foundation

/// A private key sealed with a key derived from its owner's passphrase, as kept in the key folder: scrypt
/// (parameters and salt stored with it) derives a 256-bit key, ChaCha20-Poly1305 seals the Ed25519 private
/// key, with its public key as authenticated data so a sealed key cannot be passed off for another user's
/// (docs/DECISIONS.md, 2026-12-03, "Keys").
public struct SealedKey: Codable, Equatable, Sendable {
    /// The layout of this file; a later one is refused by an older Cohort.
    public var format: Int
    /// The user it belongs to (the store's `users/NAME.json` is the authority; this is for people).
    public var user: String
    /// The public key, base64 of its 32 raw bytes.
    public var publicKey: String
    /// How the sealing key is derived from the passphrase.
    public var kdf: KDFParameters
    /// The sealed private key: ChaCha20-Poly1305 nonce, ciphertext and tag, base64.
    public var sealed: String

    /// The scrypt parameters and salt.
    public struct KDFParameters: Codable, Equatable, Sendable {
        /// Always `scrypt`.
        public var name: String
        /// Cost (a power of two).
        public var n: Int
        /// Block size.
        public var r: Int
        /// Parallelism.
        public var p: Int
        /// 16 random bytes, base64.
        public var salt: String

        /// The parameters new keys are sealed with: N = 2^15, r = 8, p = 1 (32 MiB; see docs/DECISIONS.md).
        public static func standard() -> KDFParameters {
            KDFParameters(name: "scrypt", n: 1 << 15, r: 8, p: 1, salt: Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString())
        }
    }

    /// Passphrases are at least this long (docs/RULES.md, "Users and roles").
    public static let minimumPassphraseLength = 12

    /// Why `passphrase` may not be used, or nil.
    public static func passphraseProblem(_ passphrase: String) -> String? {
        if passphrase.count < minimumPassphraseLength {
            return "A passphrase must be at least \(minimumPassphraseLength) characters (it had \(passphrase.count)); a few unrelated words make a good one."
        }
        if passphrase.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "A passphrase may not hold control characters."
        }
        return nil
    }

    /// Seals `key` with `passphrase` (checked against the passphrase rules first).
    public static func seal(_ key: UnlockedKey, passphrase: String, parameters: KDFParameters = .standard()) throws -> SealedKey {
        if let problem = passphraseProblem(passphrase) { throw IdentityError(problem) }
        let box = try ChaChaPoly.seal(key.privateKeyBytes, using: try derive(passphrase, parameters), authenticating: key.publicKey)
        return SealedKey(format: 1, user: key.userName, publicKey: key.publicKeyText, kdf: parameters, sealed: box.combined.base64EncodedString())
    }

    /// The private key's raw bytes, or `WrongPassphrase` when the passphrase does not open it.
    public func open(passphrase: String) throws -> Data {
        guard format == 1, kdf.name == "scrypt", let combined = Data(base64Encoded: sealed), let publicBytes = Data(base64Encoded: publicKey) else {
            throw IdentityError("The key file for \(user) is not one this version of Cohort reads (format \(format), \(kdf.name)).")
        }
        let raw: Data
        do {
            raw = try ChaChaPoly.open(try ChaChaPoly.SealedBox(combined: combined), using: try Self.derive(passphrase, kdf), authenticating: publicBytes)
        } catch {
            throw WrongPassphrase(user: user)
        }
        guard (try? Curve25519.Signing.PrivateKey(rawRepresentation: raw))?.publicKey.rawRepresentation == publicBytes else {
            throw IdentityError("The key file for \(user) does not hold the private key of its public key: it was damaged or replaced.")
        }
        return raw
    }

    /// The 256-bit sealing key scrypt derives from the passphrase with `parameters`.
    static func derive(_ passphrase: String, _ parameters: KDFParameters) throws -> SymmetricKey {
        guard let salt = Data(base64Encoded: parameters.salt), parameters.n > 1, parameters.n & (parameters.n - 1) == 0,
              (1...1 << 20).contains(parameters.n), (1...32).contains(parameters.r), (1...16).contains(parameters.p) else {
            throw IdentityError("The key file's scrypt parameters are out of range: it was damaged.")
        }
        return try KDF.Scrypt.deriveKey(from: Array(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: parameters.n,
                                        blockSize: parameters.r, parallelism: parameters.p)
    }
}

/// A passphrase that does not open the user's key.
public struct WrongPassphrase: Error, CustomStringConvertible, Sendable {
    /// Whose key it was.
    public let user: String
    /// The message.
    public var description: String { "Wrong passphrase for \(user)." }
}

/// A problem with keys, passphrases or sessions, said in words for the user.
public struct IdentityError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The message.
    public let description: String
    /// An error with a message.
    public init(_ description: String) { self.description = description }
}
