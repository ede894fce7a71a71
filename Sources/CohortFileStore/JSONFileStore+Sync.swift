import CohortStore
import Foundation

extension JSONFileStore {
    /// After a sync wrote `subjects`' files (merged, or taken from another machine), notes in this machine's
    /// ledger the head each now ends at when the head the ledger noted before is no longer on its chain (a
    /// merge ordered this machine's saves second and re-applied them; the originals are kept beside the
    /// trail), so the next save here is not taken for one on a participant rolled back. The caller holds the
    /// store lock. Returns the ledger's path inside the store when it wrote to it, for the sync to commit.
    public func noteSyncedHeads(_ subjects: [String]) throws -> String? {
        let ledger = self.ledger
        var wrote = false
        // The heads this machine noted, read in one pass over its ledger, not one per participant.
        let unique = Set(subjects)
        let heads = try ledger.lastHeads(of: unique)
        for subject in unique.sorted() {
            guard let noted = heads[subject] else { continue }
            let trail = try DurableFile.read(auditLog(subject).path) ?? []
            // Every line of a trail starts with its own hash: the noted record is still on the chain.
            let needle = AuditRecord.linePrefix + Array(noted.hash.utf8)
            if noted.seq == 0 || trail.starts(with: needle) || Self.contains(trail, Array("\n".utf8) + needle) { continue }
            try ledger.record(subject, head: try readParticipant(subject).audit)
            wrote = true
        }
        return wrote ? String(ledger.path.dropFirst(directory.count + 1)) : nil
    }

    /// Whether `bytes` holds `needle`.
    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        var index = bytes.startIndex
        while let first = bytes[index...].firstIndex(of: needle[0]), first + needle.count <= bytes.count {
            if bytes[first..<(first + needle.count)].elementsEqual(needle) { return true }
            index = first + 1
        }
        return false
    }
}
