/// Participants' facts other than visits, by index: in memory, or still encoded in the store's cache.
package protocol DigestFacts: Sendable {
    /// How many participants.
    var count: Int { get }
    /// The digest at `index` with no visits (the table keeps those).
    func digestWithoutVisits(at index: Int) -> ParticipantDigest
}

/// Facts held in memory.
struct StoredFacts: DigestFacts {
    let digests: [ParticipantDigest]
    init(_ digests: [ParticipantDigest]) { self.digests = digests }
    var count: Int { digests.count }
    func digestWithoutVisits(at index: Int) -> ParticipantDigest { digests[index] }
}
