import CohortDomain
import CohortIdentity
import Foundation

extension UnlockedKey {
    /// This key's Part 11 signature of `scope` of `subject` over `content`, made at `time`
    /// (docs/RULES.md, "Signatures"): the one way `cohort sign`, the demo and the tests make one.
    public func signature(of scope: SignatureScope, subject: String, meaning: Signature.Meaning, content: Data, at time: Moment) throws -> Signature {
        var record = Signature(scope: scope, meaning: meaning, user: userName, fullName: fullName, role: role.rawValue,
                               time: time, contentHash: SignatureVerifier.contentHash(content))
        record.signature = try signature(for: record.signedBytes(subject: subject)).base64EncodedString()
        return record
    }
}
