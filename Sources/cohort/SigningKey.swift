import CohortDomain
import CohortIdentity
import CohortFileStore
import CohortStore
import Foundation

extension Session {
    /// The key that signs a record (docs/RULES.md, "Signatures"): always after the passphrase, whatever
    /// session is open (11.200(a)(1)) — the session's user when this terminal has one for the store, else
    /// `--user`. The store then saves the signature with the same key.
    func signingKey(_ store: JSONFileStore, toSign what: String, passphrase: String? = nil) throws -> UnlockedKey {
        guard try store.hasUsers() else {
            throw DomainError("This store has no users, so nobody can sign \(what): add the PI first (`cohort user add NAME --role pi --full-name TEXT`).")
        }
        let session = try terminalSession().flatMap { try !$0.hasExpired() && sessionServes($0) ? $0 : nil }
        let key = try unlockWithPassphrase(store, name: session?.user ?? user, passphrase: passphrase)
        guard key.role.covers(.investigator) else {
            throw DomainError("\(key.role.titleWithArticle) may not sign records: that needs an investigator or the PI (see `cohort user list`). Nothing was signed.")
        }
        store.signer = key
        return key
    }

    /// The check of signatures against the store's users' public keys.
    func signatureCheck(_ store: JSONFileStore) throws -> SignatureVerifier { try store.signatureVerifier() }
}
