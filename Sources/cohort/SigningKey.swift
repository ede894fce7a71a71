import CohortDomain
import CohortStore
import Foundation

/// Who signs and the key that signs: the session user's private key, unlocked by the passphrase.
struct SigningKey {
    /// The user name.
    let name: String
    /// The full name, as the delegation log has it.
    let fullName: String
    /// The role (`pi`, `investigator`).
    let role: String
    /// Signs `data` with the private key.
    let sign: (Data) throws -> Data

    /// The Ed25519 signature of `data`.
    func signature(for data: Data) throws -> Data { try sign(data) }
}

extension Session {
    /// The session user's signing key, after asking for the passphrase; `what` says what is being signed.
    func signingKey(toSign what: String) throws -> SigningKey {
        // Users and their keys come with the identity work (docs/RULES.md, "Signatures"): until a store has
        // users nobody can sign.
        throw DomainError("This store has no users, so nobody can sign \(what): add the PI first (`cohort user add NAME --role pi --full-name TEXT`).")
    }

    /// The check of signatures against the store's users' public keys.
    func signatureCheck(_ store: JSONFileStore) throws -> SignatureVerifier {
        SignatureVerifier(publicKey: { _ in nil })
    }
}
