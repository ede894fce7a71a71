import CohortDomain
import CohortTestSupport
@testable import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

/// Issue 20's regression attack: the store-side findings, each closed at its root.
@Suite(.serialized)
struct RegressionAttackTests {
    static let today = StoreFixture.today

    func addMedication(_ store: JSONFileStore, _ name: String) throws -> Participant {
        try store.apply(.addMedication(subject: "101-0001", draft: MedicationDraft(name: name, start: CivilDate("2026-11-20")!)),
                        today: Self.today, user: "t").after
    }

    @Test func aSaveOnAnOlderPairOfDataAndTrailPutBackIsRefusedAndWritesNothing() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        let oldData = fixture.bytes("participants/101-0001.json"), oldTrail = fixture.bytes("audit/101-0001.jsonl")
        _ = try addMedication(fixture.store, "lorazepam")
        fixture.write("participants/101-0001.json", oldData)
        fixture.write("audit/101-0001.jsonl", oldTrail)
        let before = fixture.snapshot()
        let store = try fixture.reopen()
        #expect {
            _ = try addMedication(store, "haloperidol")
        } throws: { error in
            (error as? StoreError)?.message.contains("participants/101-0001.json was rolled back to an earlier state of its own files") == true
        }
        #expect(fixture.snapshot() == before)
    }

    @Test func aSaveOnAPairPutBackAndSavedAgainElsewhereIsRefused() throws {
        // The older pair, then two saves past it: the data's head is past the noted one, and the noted
        // head is not in the data's chain.
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        let oldData = fixture.bytes("participants/101-0001.json"), oldTrail = fixture.bytes("audit/101-0001.jsonl")
        _ = try addMedication(fixture.store, "lorazepam")
        let ledgerPath = "ledger/\(Ledger.machineName()).jsonl"
        let ledger = fixture.bytes(ledgerPath)
        fixture.write("participants/101-0001.json", oldData)
        fixture.write("audit/101-0001.jsonl", oldTrail)
        // Saved twice past the old pair while this machine's ledger did not hold its last note.
        let elsewhere = try fixture.reopen()
        let withoutNote = String(decoding: ledger, as: UTF8.self).split(separator: "\n").dropLast().map { $0 + "\n" }.joined()
        fixture.write(ledgerPath, Array(withoutNote.utf8))
        _ = try addMedication(elsewhere, "benztropine")
        _ = try addMedication(elsewhere, "olanzapine")
        fixture.write(ledgerPath, ledger)
        let store = try fixture.reopen()
        #expect(throws: StoreError.self) { _ = try addMedication(store, "haloperidol") }
    }
}

extension RegressionAttackTests {
    @Test func aSaveKeepsTheLooseModeOfTheFileItReplacesSoVerifyStillReportsIt() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        let path = fixture.path("participants/101-0001.json")
        chmod(path, 0o644)
        _ = try addMedication(try fixture.reopen(), "lorazepam")
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o644)
        #expect(try fixture.reopen().verify().problems.contains { $0.contains("101-0001.json") })
    }
}
