import CohortDomain
import Crypto
import Foundation

/// A user's private key, unsealed with their passphrase for this process (or a session): it signs saves and
/// signatures in their name (docs/RULES.md, "Signed saves"). It is never written anywhere unsealed except in
/// the user's own session file (see `SessionFile`).
public struct UnlockedKey: Sendable {
    /// The login name the key belongs to.
    public let userName: String
    /// The name signatures show.
    public let fullName: String
    /// The user's role when the key was unlocked.
    public let role: Role
    /// The Ed25519 private key's 32 raw bytes (kept as bytes: swift-crypto's key type is not `Sendable`).
    let privateKeyBytes: Data
    /// The public key's 32 raw bytes.
    public let publicKey: Data

    /// A key for `user`, made from the private key's 32 raw bytes.
    public init(user: User, privateKey raw: Data) throws {
        self.init(user: user, privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: raw))
    }

    /// A key for `user` from an unsealed private key.
    init(user: User, privateKey: Curve25519.Signing.PrivateKey) {
        userName = user.name; fullName = user.fullName; role = user.role
        privateKeyBytes = privateKey.rawRepresentation
        publicKey = privateKey.publicKey.rawRepresentation
    }

    /// The public key as `User.publicKey` holds it.
    public var publicKeyText: String { publicKey.base64EncodedString() }

    /// An Ed25519 signature (64 bytes) of `data`.
    public func signature(for data: Data) throws -> Data {
        try Curve25519.Signing.PrivateKey(rawRepresentation: privateKeyBytes).signature(for: data)
    }

    /// A new key pair for a user being added.
    public static func generate(for user: User) -> UnlockedKey {
        UnlockedKey(user: user, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// The same key for the user as the store now describes them (a role or name changed since it was unlocked).
    public func describing(_ user: User) -> UnlockedKey {
        (try? UnlockedKey(user: user, privateKey: privateKeyBytes)) ?? self
    }
}

/// Checks Ed25519 signatures against stored public keys; the store's `verify` and `cohort signatures` use it.
public enum SignatureCheck {
    /// True when `signature` is `publicKey`'s (32 raw bytes) signature of `data`.
    public static func isValid(_ signature: Data, for data: Data, publicKey: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: data)
    }

    /// The same, with the public key and signature as base64 text (as the store keeps them).
    public static func isValid(base64 signature: String, for data: Data, publicKey: String) -> Bool {
        guard let signatureBytes = Data(base64Encoded: signature), let keyBytes = Data(base64Encoded: publicKey) else { return false }
        return isValid(signatureBytes, for: data, publicKey: keyBytes)
    }
}

extension UnlockedKey {
    /// The private key in base64, only so tests can check it is written nowhere in the clear.
    public var privateKeyBase64ForTests: String { privateKeyBytes.base64EncodedString() }
}
