import CohortDomain
import CohortStore
import Foundation

/// The day summaries' signatures (`summary:DATE`): kept in the site file, so the store-wide trail records
/// them (docs/DECISIONS.md, "Where signatures live").
extension JSONFileStore {
    /// Every day summary's signature, in order of signing.
    public var summarySignatures: [Signature] { site.summarySignatures ?? [] }

    /// The check of signatures against this store's users' public keys.
    public func signatureVerifier() throws -> SignatureVerifier { SignatureVerifier(users: try users()) }

    /// Adds a day summary's signature, under the lock, through the store-wide save.
    public func addSummarySignature(_ signature: Signature) throws {
        guard case .summary = try SignatureScope(signature.scope) else {
            throw DomainError("Only a day's summary is signed as the site's (`cohort sign - summary:DATE`).")
        }
        try FileLock.withLock(lockFile) {
            let before = try readSite()
            let existing = before.summarySignatures ?? []
            if let same = existing.first(where: { $0.scope == signature.scope && $0.user == signature.user
                && $0.meaning == signature.meaning && $0.contentHash == signature.contentHash }) {
                throw DomainError("The \(signature.scope) is already signed so: \(same.manifestation).")
            }
            var after = before
            after.summarySignatures = existing + [signature]
            try saveStoreLocked(site: after, protocols: try readProtocols(), adding: nil, before: before, needed: .investigator, what: "sign records")
        }
    }
}
