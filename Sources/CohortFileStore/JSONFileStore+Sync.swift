import CohortStore
import Foundation

extension JSONFileStore {
    /// Notes in this machine's ledger the chain heads `subjects` now end at, after a sync wrote their files
    /// (a merge of both machines' saves gives a head this machine never saved itself); the caller holds the
    /// store lock. Returns the ledger's path inside the store, for the sync to commit it.
    public func noteSyncedHeads(_ subjects: [String]) throws -> String {
        let ledger = self.ledger
        for subject in subjects.sorted() {
            let head = try readParticipant(subject).audit
            if try ledger.lastHead(of: subject) != head { try ledger.record(subject, head: head) }
        }
        return String(ledger.path.dropFirst(directory.count + 1))
    }
}
