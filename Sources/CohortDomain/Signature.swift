import Foundation

/// A Part 11 electronic signature (docs/RULES.md, "Signatures"): who signed, in which role, with what
/// meaning, when (with the clock's zone), over what (the scope and the SHA-256 of its canonical content),
/// and the signer's Ed25519 signature over all of these. A later change to the content keeps the record and
/// marks it invalidated, with the change that did it.
public struct Signature: Codable, Sendable, Equatable {
    /// The scope as written (`AE2`, `casebook`, `summary:2026-11-17`).
    public var scope: String
    /// What the signer means by it.
    public var meaning: Meaning
    /// The signer's user name.
    public var user: String
    /// The signer's full name, as the delegation log had it when signing.
    public var fullName: String
    /// The signer's role when signing (`pi`, `investigator`).
    public var role: String
    /// The system time of the signing, on the local clock with its offset.
    public var time: Moment
    /// Hex SHA-256 of the canonical JSON of the scope's content when signed.
    public var contentHash: String
    /// Base64 Ed25519 signature by the signer's key over `signedBytes(subject:)`.
    public var signature: String
    /// Set when a later change altered the signed content.
    public var invalidated: Invalidation?

    /// What a signature means (21 CFR 11.50(a)(3)).
    public enum Meaning: String, Codable, Sendable, CaseIterable {
        case reviewed, approved, attested, authored
    }

    /// The change that made a signature no longer stand for the content.
    public struct Invalidation: Codable, Sendable, Equatable {
        /// The day of the change.
        public var date: CivilDate
        /// The change, as the status line says it (`101-0001 AE1 updated`).
        public var change: String
        /// The reason given for the change.
        public var reason: String?

        /// Creates an invalidation.
        public init(date: CivilDate, change: String, reason: String?) { self.date = date; self.change = change; self.reason = reason }
    }

    /// Creates a signature record; `signature` is filled in by the signer's key over `signedBytes`.
    public init(scope: SignatureScope, meaning: Meaning, user: String, fullName: String, role: String, time: Moment,
                contentHash: String, signature: String = "") {
        self.scope = scope.description; self.meaning = meaning; self.user = user; self.fullName = fullName; self.role = role
        self.time = time; self.contentHash = contentHash; self.signature = signature
    }

    /// True while no later change has altered the signed content.
    public var isValid: Bool { invalidated == nil }

    /// The bytes the Ed25519 signature covers: the canonical JSON of the subject (`-` for the site's summary)
    /// and every member but the signature itself and its invalidation, so a signature moved to another
    /// participant, scope, signer, meaning or time no longer verifies.
    public func signedBytes(subject: String) -> Data {
        let members = ["subject": subject, "scope": scope, "meaning": meaning.rawValue, "user": user, "fullName": fullName,
                       "role": role, "time": time.description, "contentHash": contentHash]
        return CompactJSON.bytes(members)
    }

    /// The manifestation shown wherever the signed thing is shown (11.50):
    /// "Signed (approved) by Dr Ana Ruiz, PI, 2026-11-17 18:02 -05:00", and, once invalidated, why.
    public var manifestation: String {
        signedWords + (invalidationWords.map { " — " + $0 } ?? "")
    }

    /// "Signed (approved) by Dr Ana Ruiz, PI, 2026-11-17 18:02 -05:00".
    public var signedWords: String {
        let text = time.description
        return "Signed (\(meaning.rawValue)) by \(fullName), \(Self.roleTitle(role)), \(text.prefix(10)) \(time.timeOfDay) \(text.suffix(6))"
    }

    /// "invalidated 2026-11-18 by 101-0001 AE1 updated (re-graded)", or nil while valid.
    public var invalidationWords: String? {
        invalidated.map { "invalidated \($0.date) by \($0.change)" + ($0.reason.map { " (\($0))" } ?? "") }
    }

    /// A role as a manifestation names it: `PI`, `Investigator`, `Data manager`.
    public static func roleTitle(_ role: String) -> String {
        guard let title = Role(rawValue: role)?.title else { return role }
        return title.prefix(1).uppercased() + title.dropFirst()
    }
}

/// Where a signature stands (docs/RULES.md, "Signatures"): `valid`, `invalidated` by a later change, or
/// `broken` — its Ed25519 signature or its content hash does not verify, which `verify` reports as damage.
public enum SignatureStatus: String, Codable, Sendable, CaseIterable {
    case valid, invalidated, broken
}

/// A participant made read-only by a casebook signature with `--lock`, until a `pi` unlocks it with a reason.
public struct CasebookLock: Codable, Sendable, Equatable {
    /// Who locked it (the casebook's signer).
    public var user: String
    /// When.
    public var time: Moment

    /// Creates a lock.
    public init(user: String, time: Moment) { self.user = user; self.time = time }
}

/// The canonical JSON the signatures hash and sign: sorted keys, no spaces, slashes unescaped — the same
/// encoding as the store's compact audit lines, so any JSON reader can recompute a content hash.
public enum CompactJSON {
    /// The canonical bytes of `value`.
    public static func bytes<T: Encodable>(_ value: T, userInfo: [CodingUserInfoKey: any Sendable] = [:]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo = userInfo
        // Only the domain's own Codable values come here, which always encode.
        return (try? encoder.encode(value)) ?? Data()
    }
}
