/// What the rules need besides a participant: the store's protocols and the known scales.
public struct StudyContext: Sendable, Equatable {
    /// Protocols by id.
    public let protocols: [String: StudyProtocol]
    /// Known rating scales.
    public let scales: ScaleCatalog

    /// Creates a context.
    public init(protocols: [StudyProtocol], scales: ScaleCatalog) {
        self.protocols = Dictionary(protocols.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.scales = scales
    }

    /// The protocol a participant follows, or an error naming the study.
    public func studyProtocol(for participant: Participant) throws -> StudyProtocol {
        try studyProtocol(participant.study)
    }

    /// The protocol with this id, or an error naming the known ones.
    public func studyProtocol(_ id: String) throws -> StudyProtocol {
        guard let found = protocols[id] else {
            throw DomainError("Study '\(id)' is not in this store. Studies here: \(protocols.keys.sorted().joined(separator: ", ")).")
        }
        return found
    }

    /// Protocols sorted by id.
    public var sortedProtocols: [StudyProtocol] { protocols.values.sorted { $0.id < $1.id } }
}
