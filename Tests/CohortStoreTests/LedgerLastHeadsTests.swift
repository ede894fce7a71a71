import CohortStore
import Foundation
import Testing
@testable import CohortFileStore

/// A sync reads the heads this machine noted for every participant it brought in from one pass over the
/// ledger's end (docs/RULES.md, "Several machines"): the same answer, chain by chain, as reading each alone.
struct LedgerLastHeadsTests {
    @Test func oneReadGivesEachChainsLastHeadAsReadingItAloneDoes() throws {
        let folder = NSTemporaryDirectory() + "cohort-ledger-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ledger = Ledger(directory: folder, machine: "m1")
        try ledger.record("101-0001", head: AuditHead(seq: 1, hash: "a1"))
        try ledger.record("101-0002", head: AuditHead(seq: 1, hash: "b1"))
        try ledger.record("101-0001", head: AuditHead(seq: 2, hash: "a2"))
        try ledger.record("_store", head: AuditHead(seq: 7, hash: "s7"))
        try ledger.record("user:ana", head: AuditHead(seq: 3, hash: "u3"))
        // A chain whose name ends like another's must not be taken for it.
        try ledger.record("101-00011", head: AuditHead(seq: 9, hash: "x9"))
        let chains: Set<String> = ["101-0001", "101-0002", "_store", "user:ana", "101-0003"]
        let heads = try ledger.lastHeads(of: chains)
        #expect(heads == ["101-0001": AuditHead(seq: 2, hash: "a2"), "101-0002": AuditHead(seq: 1, hash: "b1"),
                          "_store": AuditHead(seq: 7, hash: "s7"), "user:ana": AuditHead(seq: 3, hash: "u3")])
        for chain in chains.union(["101-00011"]) { #expect(try ledger.lastHead(of: chain) == (try ledger.lastHeads(of: [chain]))[chain]) }
        #expect(try ledger.lastHead(of: "101-00011") == AuditHead(seq: 9, hash: "x9"))
        #expect(try ledger.lastHeads(of: []) == [:])
    }

    @Test func aChainsLastLineThatCannotBeReadGivesNoHeadNotAnEarlierOne() throws {
        let folder = NSTemporaryDirectory() + "cohort-ledger-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ledger = Ledger(directory: folder, machine: "m1")
        try ledger.record("101-0001", head: AuditHead(seq: 1, hash: "a1"))
        try ledger.record("101-0002", head: AuditHead(seq: 1, hash: "b1"))
        // An edited line that still ends naming 101-0001: its head is unknown, as `lastHead` says.
        let handle = try #require(FileHandle(forWritingAtPath: ledger.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"hash\":\"a2\",\"seq\":\"two\",\"subject\":\"101-0001\"}\n".utf8))
        try handle.close()
        #expect(try ledger.lastHeads(of: ["101-0001", "101-0002"]) == ["101-0002": AuditHead(seq: 1, hash: "b1")])
        #expect(try ledger.lastHead(of: "101-0001") == nil)
    }
}
