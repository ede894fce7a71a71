import CohortDomain
import CohortFileStore
import CohortIdentity
import CohortStore
import Foundation

/// The trust anchor outside the store (docs/RULES.md, "Users and roles"): each user's public key as this
/// computer first saw it, per store, in the person's own data folder.
extension Session {
    /// The differences between the store's users' keys and the ones this computer first saw, in words
    /// (empty when all agree, or the store has no users); what is seen for the first time is remembered.
    func knownKeyProblems(_ store: JSONFileStore) throws -> [String] {
        let users = try store.users()
        guard !users.isEmpty, let id = store.storeIdentity() else { return [] }
        let file = KnownKeys.file(beside: keyFolder)
        var known = try identity { try KnownKeys.load(from: file) }
        let before = known
        let problems = known.compare(store: id, folder: canonicalStore, users: users.map { ($0.name, $0.publicKey) },
                                     today: Moment(store.systemTime(), zone: zone).date.description)
        if known != before {
            do { try known.save(to: file) } catch {
                Session.warn("The store's users' keys could not be remembered in \(file) (\(error)); they are compared again next time.")
            }
        }
        return problems
    }

    /// Refuses (exit 2) to log in, sign or save when a user's key is not the one this computer first saw.
    func requireKnownKeys(_ store: JSONFileStore) throws {
        let problems = try knownKeyProblems(store)
        guard problems.isEmpty else {
            throw StoreError(.damaged, problems.joined(separator: "\ncohort: ") + " Nothing was changed; `cohort verify` names every difference.")
        }
    }
}
