import CohortDomain
import CohortIdentity
import CohortTestSupport
@testable import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

/// Users' saves are in the machine's ledger as participants' are (docs/RULES.md, "Users and roles"): a user
/// file deleted with its trail, or rolled back to an older pair of its own files, is named by `verify`.
/// And a record is authenticated when its save is signed, whatever its time.
struct UserLedgerTests {
    @Test func everyUserSaveIsInTheLedger() throws {
        let (fixture, _, _) = try SignedSaveTests.storeWithUsers()
        defer { fixture.remove() }
        let heads = try fixture.store.ledger.entries().heads
        #expect(heads["user:ana"]?.last == (try fixture.store.readUser("ana")).audit)
        #expect(heads["user:cole"]?.last == (try fixture.store.readUser("cole")).audit)
        #expect(fixture.store.verify().problems == [])
    }

    @Test func aUserDeletedWithItsTrailIsNamedByVerify() throws {
        let (fixture, _, _) = try SignedSaveTests.storeWithUsers()
        defer { fixture.remove() }
        try FileManager.default.removeItem(atPath: fixture.path("users/cole.json"))
        try FileManager.default.removeItem(atPath: fixture.path("audit/users/cole.jsonl"))
        let problems = fixture.store.verify().problems
        #expect(problems.contains { $0.contains("User cole was saved on this site (the ledger records it)") && $0.contains("the user was deleted") },
                "\(problems)")
        // The file alone, its trail left: named too.
        try FileManager.default.removeItem(atPath: fixture.path("users/ana.json"))
        #expect(fixture.store.verify().problems.contains { $0.contains("User ana was saved on this site") })
    }

    @Test func aUserRolledBackToAnOlderPairOfItsFilesIsNamedByVerify() throws {
        let (fixture, _, _) = try SignedSaveTests.storeWithUsers()
        defer { fixture.remove() }
        let olderFile = fixture.bytes("users/cole.json"), olderTrail = fixture.bytes("audit/users/cole.jsonl")
        // A wrong passphrase is a save of cole's record (the count), which the ledger sees.
        try fixture.store.noteFailedUnlock("cole")
        #expect(fixture.store.verify().problems == [])
        fixture.write("users/cole.json", olderFile)
        fixture.write("audit/users/cole.jsonl", olderTrail)
        let problems = fixture.store.verify().problems
        #expect(problems.contains { $0.contains("users/cole.json was rolled back") }, "\(problems)")
        // And the next save of that user is refused, as a participant's would be.
        #expect(throws: StoreError.self) { try fixture.store.noteFailedUnlock("cole") }
    }

    @Test func aRecordIsAuthenticatedWhenItsSaveIsSignedWhateverItsTime() {
        func record(_ seq: Int, _ time: String, state: Bool, signed: Bool) -> AuditRecord {
            var made = AuditRecord(seq: seq, time: time, user: "ana", subject: "101-0001", reason: nil,
                                   operation: PatchOperation(op: .add, path: "/x", value: .int(seq), old: nil), prev: "genesis")
            made.state = state ? "s" : nil
            made.signature = signed ? "c2ln" : nil
            return made
        }
        // Two unsigned saves, one dated after a signed save (a clock set wrong), a signed save dated early,
        // and a record of a save that did not finish.
        let records = [record(1, "2026-11-20T09:00:00.000Z", state: false, signed: false), record(2, "2026-11-20T09:00:00.000Z", state: true, signed: false),
                       record(3, "2026-11-18T09:00:00.000Z", state: false, signed: false), record(4, "2026-11-18T09:00:00.000Z", state: true, signed: true),
                       record(5, "2026-11-25T09:00:00.000Z", state: true, signed: false),
                       record(6, "2026-11-26T09:00:00.000Z", state: false, signed: false)]
        #expect(AuditRecord.signedSaves(records) == [false, false, true, true, false, false])
        #expect(AuditRecord.shownUser("ana", authenticated: false) == "ana (unauthenticated)")
        #expect(AuditRecord.shownUser("ana", authenticated: true) == "ana")
    }
}
