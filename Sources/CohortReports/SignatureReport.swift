import CohortDomain

/// One signature as the lists show it: whose, the record, and where it stands.
public struct SignatureEntry: Encodable, Sendable {
    /// The participant (`-` for the site's day summary).
    public let subject: String
    /// The record.
    public let signature: Signature
    /// Valid, invalidated or broken (the store's check).
    public let status: SignatureStatus

    /// Creates an entry.
    public init(subject: String, signature: Signature, status: SignatureStatus) {
        self.subject = subject; self.signature = signature; self.status = status
    }

    private enum CodingKeys: String, CodingKey { case subject, scope, meaning, user, fullName, role, time, contentHash, status }

    /// The binding shape of `cohort signatures --format json`: exactly these nine members.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subject, forKey: .subject)
        try container.encode(signature.scope, forKey: .scope)
        try container.encode(signature.meaning, forKey: .meaning)
        try container.encode(signature.user, forKey: .user)
        try container.encode(signature.fullName, forKey: .fullName)
        try container.encode(signature.role, forKey: .role)
        try container.encode(signature.time, forKey: .time)
        try container.encode(signature.contentHash, forKey: .contentHash)
        try container.encode(status, forKey: .status)
    }

    /// The line `cohort signatures` and `cohort show` print: scope, manifestation, and a status other than valid.
    public var line: String {
        let scope = subject == "-" ? signature.scope : "\(subject)  \(signature.scope)"
        return "\(scope)  \(manifestation)" + (status == .broken ? "  BROKEN: the signature or its content hash does not verify" : "")
    }

    /// The signature's manifestation with what invalidated it: the change it records, or, for a day's
    /// summary (whose record a later entry for that day does not touch), that the summary as recorded moved
    /// (docs/RULES.md, "Signatures").
    public var manifestation: String {
        guard status == .invalidated, signature.invalidated == nil else { return signature.manifestation }
        return signature.signedWords + " — invalidated: the day's summary as recorded changed after it was signed (a record made later for that day)"
    }
}

/// A signature as `cohort show` and `cohort ae list` carry it: the `cohort signatures` members, its
/// manifestation, and the change that invalidated it.
struct ShownSignature: Encodable {
    let entry: SignatureEntry
    private enum CodingKeys: String, CodingKey { case manifestation, invalidated }

    init(_ entry: SignatureEntry) { self.entry = entry }

    func encode(to encoder: Encoder) throws {
        try entry.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entry.manifestation, forKey: .manifestation)
        try container.encodeIfPresent(entry.signature.invalidated, forKey: .invalidated)
    }
}

/// `cohort signatures --format json`: `{"signatures": [S…]}`.
public struct SignaturesJSON: Encodable {
    /// The entries, in order.
    public let signatures: [SignatureEntry]

    /// The document of `signatures`.
    public init(_ signatures: [SignatureEntry]) { self.signatures = signatures }
}

/// `cohort signatures --pending --format json`: `{"pending": [{subject, scope, what, since, daysWaited}…]}`, oldest first.
public struct PendingSignaturesJSON: Encodable {
    struct Item: Encodable {
        let subject: String
        let scope: String
        let what: String
        let since: CivilDate
        let daysWaited: Int
    }

    let pending: [Item]

    /// The document of `items` on `today`.
    public init(_ items: [PendingSignature], today: CivilDate) {
        pending = items.map { Item(subject: $0.subject, scope: $0.scope.description, what: $0.what, since: $0.since, daysWaited: $0.daysWaited(today)) }
    }
}

/// The signature lists as text.
public enum SignaturesText {
    /// One line a signature, or a sentence when there is none.
    public static func render(_ entries: [SignatureEntry]) -> String {
        entries.isEmpty ? "No signatures." : entries.map(\.line).joined(separator: "\n")
    }

    /// What awaits a signature, oldest first, with how long each has waited.
    public static func render(pending items: [PendingSignature], today: CivilDate) -> String {
        guard !items.isEmpty else { return "Nothing awaits a signature." }
        var rows = [["WAITED", "SUBJECT", "SCOPE", "WHAT"]]
        rows += items.map { [Text.count($0.daysWaited(today), "day"), $0.subject, $0.scope.description, $0.what] }
        return Columns.render(rows)
    }
}

/// `cohort show --summary DATE --format json`: the day's summary as recorded and its signatures.
public struct SignedSummaryJSON: Encodable {
    let summary: DaySummary
    /// Each with its `cohort signatures` members, `status` among them, and its manifestation.
    let signatures: [ShownSignature]

    /// The document of `summary` and its `signatures`.
    public init(summary: DaySummary, signatures: [SignatureEntry]) { self.summary = summary; self.signatures = signatures.map(ShownSignature.init) }
}

/// The lines a signed thing shows next to it, wherever it is shown (docs/RULES.md, "Signatures"): each of
/// the scope's signatures, oldest first, as its manifestation, and under an invalidated one, indented, the
/// change that invalidated it. The queue's item, the participant page and the lists all read them here.
public enum SignatureLines {
    /// The lines of every signature `participant` holds of `scope`.
    public static func lines(of scope: SignatureScope, in participant: Participant) -> [String] {
        lines(participant.signatures.filter { $0.scope == scope.description })
    }

    /// The lines of `signatures`, in order.
    public static func lines(_ signatures: [Signature]) -> [String] {
        signatures.flatMap { signature in [signature.signedWords] + (signature.invalidationWords.map { ["  " + $0] } ?? []) }
    }

    /// A locked casebook, as the top of the participant says it.
    public static func lockWords(_ lock: CasebookLock) -> String {
        "Casebook locked by \(lock.user) at \(lock.time): read-only until a pi unlocks it"
    }
}
