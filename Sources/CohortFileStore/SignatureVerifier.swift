import CohortDomain
import CohortIdentity
import Foundation

/// Checks signature records against the signers' public keys and the content as it stands.
public struct SignatureVerifier: Sendable {
    /// The raw Ed25519 public key of a user name, or nil for a name the store does not know.
    public let publicKey: @Sendable (String) -> Data?

    /// A check with the keys `publicKey` gives.
    public init(publicKey: @escaping @Sendable (String) -> Data?) { self.publicKey = publicKey }

    /// A check with the keys of `users` (the delegation log: a user's key pair never changes, a passphrase
    /// change reseals the same private key, so the key they have is the key they had).
    public init(users: [User]) {
        let keys = Dictionary(users.compactMap { user in Data(base64Encoded: user.publicKey).map { (user.name, $0) } }, uniquingKeysWith: { first, _ in first })
        self.init(publicKey: { keys[$0] })
    }

    /// Hex SHA-256 of a scope's canonical content: what a signature record holds.
    public static func contentHash(_ content: Data) -> String { SHA256.hex(content) }

    /// The status of `signature` of `subject` (`-` for the site's), given the scope's content as it stands
    /// (nil when the scope no longer has any). A valid record whose content moved without its invalidation
    /// being recorded is broken — unless `contentMoves` (a day's summary as recorded, which a later record
    /// of that day changes without writing to the signature): then it reads invalidated.
    public func status(of signature: Signature, subject: String, content: Data?, contentMoves: Bool = false) -> SignatureStatus {
        guard verifies(signature, subject: subject) else { return .broken }
        if signature.invalidated != nil { return .invalidated }
        guard let content, Self.contentHash(content) == signature.contentHash else { return contentMoves ? .invalidated : .broken }
        return .valid
    }

    /// True when the record's Ed25519 signature verifies with its signer's key.
    public func verifies(_ signature: Signature, subject: String) -> Bool {
        guard let key = publicKey(signature.user), let bytes = Data(base64Encoded: signature.signature) else { return false }
        return SignatureCheck.isValid(bytes, for: signature.signedBytes(subject: subject), publicKey: key)
    }

    /// The status of `signature`, one of `participant`'s, against the content its scope holds now.
    public func status(of signature: Signature, in participant: Participant, studyProtocol: StudyProtocol) -> SignatureStatus {
        let scope = try? SignatureScope(signature.scope)
        let content = scope.flatMap { try? participant.signedContent($0, studyProtocol: studyProtocol) }
        let status = status(of: signature, subject: participant.subject, content: content)
        // A casebook signed by an earlier build covered the conflicts too: valid while that content stands.
        if status == .broken, scope == .casebook, signature.invalidated == nil, verifies(signature, subject: participant.subject),
           Self.contentHash(participant.casebookContentWithConflicts()) == signature.contentHash {
            return .valid
        }
        return status
    }

    /// The status of each of `participant`'s signatures, in order.
    public func statuses(of participant: Participant, studyProtocol: StudyProtocol) -> [SignatureStatus] {
        participant.signatures.map { status(of: $0, in: participant, studyProtocol: studyProtocol) }
    }
}
