import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

struct JSONFileStoreTests {
    let scz = StoreFixture.schizophrenia
    let today = StoreFixture.today

    @Test func enrollAndUpdateRoundTripThroughTheFiles() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try fixture.store.update("101-0001") { participant, studyProtocol in
            try participant.complete("SCR", on: CivilDate("2026-11-12")!, reason: nil, studyProtocol: studyProtocol, today: today)
        }
        let reopened = try fixture.reopen()
        #expect(try reopened.subjects() == ["101-0001"])
        #expect(try reopened.participant("101-0001").visit("SCR")?.status == .completed)
        #expect(try reopened.nextSubjectID() == "101-0002")
        #expect(reopened.verify().problems.isEmpty)
    }

    @Test func filesAreOwnerOnlyAndPrettySortedJSON() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        for file in ["cohort-store.json", "participants/101-0001.json", "audit/101-0001.jsonl", "audit/_store.jsonl", "protocols/SCZ-5W-INPT.json"] {
            let mode = (try FileManager.default.attributesOfItem(atPath: fixture.path(file))[.posixPermissions] as? Int) ?? -1
            #expect(mode == 0o600, "\(file)")
        }
        for folder in ["", "participants", "audit", "protocols", "ledger"] {
            let mode = (try FileManager.default.attributesOfItem(atPath: fixture.path(folder))[.posixPermissions] as? Int) ?? -1
            #expect(mode == 0o700, "\(folder)")
        }
        let text = String(decoding: fixture.bytes("participants/101-0001.json"), as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"checksum\" : \"sha256:"))
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\"formatVersion\" : 2"))
    }

    @Test func anEditTouchesOnlyThatParticipantsFiles() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try fixture.enroll("101-0002")
        let before = fixture.snapshot()
        try fixture.store.update("101-0002") { participant, studyProtocol in
            try participant.reschedule("W1", to: CivilDate("2026-11-26")!, reason: nil, studyProtocol: studyProtocol)
        }
        let after = fixture.snapshot()
        // `.cache/` is derived and never synced (the journal of saves lives there), so it cannot conflict.
        // The ledger is this machine's own and only grows: one line appended.
        let changed = Set(after.keys.filter { after[$0] != before[$0] && !$0.hasPrefix(".cache/") })
        let ledger = "ledger/\(Ledger.machineName()).jsonl"
        #expect(changed == ["participants/101-0002.json", "audit/101-0002.jsonl", ledger])
        let grown = try #require(after[ledger]), was = try #require(before[ledger])
        #expect(grown.starts(with: was) && grown.dropFirst(was.count).filter { $0 == UInt8(ascii: "\n") }.count == 1)
    }

    @Test func everyChangeIsAuditedWithWhoWhenWhatAndWhy() throws {
        let fixture = try StoreFixture(user: "dr.lead")
        defer { fixture.remove() }
        let enrolled = try fixture.enroll("101-0001")
        try fixture.store.update("101-0001") { participant, studyProtocol in
            try participant.miss("SCR", on: CivilDate("2026-11-12")!, reason: "no show", studyProtocol: studyProtocol, today: today)
        }
        let records = try fixture.store.auditTrail(subject: "101-0001").records
        #expect(records.map(\.seq) == Array(1...records.count))
        // Enrollment: one `add` per member of the participant, the reason null.
        let enrollment = records.filter { $0.reason == nil }
        #expect(enrollment.allSatisfy { $0.operation.op == .add } && enrollment.contains { $0.operation.path == "/visits" })
        #expect(enrollment.first { $0.operation.path == "/initials" }?.operation.value == .string(enrolled.initials))
        let missed = records.filter { $0.reason == "no show" }.map(\.operation)
        #expect(missed == [PatchOperation(op: .add, path: "/visits/0/missedDate", value: .string("2026-11-12")),
                           PatchOperation(op: .add, path: "/visits/0/missedReason", value: .string("no show")),
                           PatchOperation(op: .replace, path: "/visits/0/status", value: .string("missed"), old: .string("scheduled"))])
        let last = records.last!
        #expect(last.user == "dr.lead" && last.subject == "101-0001")
        #expect(last.time.hasSuffix("Z") && last.time.count == 24)
        let store = AuditLog(path: fixture.path("audit/_store.jsonl")).verify(head: nil).records
        #expect(store.first?.subject == nil && store.map(\.operation.path) == ["/protocols", "/site"])
    }

    @Test func aRefusedChangeWritesNothing() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        let before = fixture.snapshot()
        #expect(throws: DomainError.self) {
            try fixture.store.update("101-0001") { participant, studyProtocol in
                try participant.complete("W9", on: today, reason: nil, studyProtocol: studyProtocol, today: today)
            }
        }
        #expect(throws: DomainError.self) { try fixture.store.update("101-9999") { _, _ in nil } }
        #expect(throws: DomainError.self) { try fixture.enroll("101-0001") }
        #expect(throws: DomainError.self) { try fixture.store.participant("../cohort-store") }
        #expect(fixture.snapshot() == before)
    }

    @Test func aHandEditedFileIsDetectedNamedAndNeverOverwritten() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try fixture.enroll("101-0002")
        // Still valid JSON: change the birth year.
        let original = String(decoding: fixture.bytes("participants/101-0001.json"), as: UTF8.self)
        let edited = original.replacingOccurrences(of: "\"birthYear\" : 1980", with: "\"birthYear\" : 1981")
        #expect(edited != original)
        fixture.write("participants/101-0001.json", Array(edited.utf8))
        let before = fixture.snapshot()
        #expect { try fixture.store.participant("101-0001") } throws: {
            ($0 as? StoreError)?.kind == .damaged && ($0 as? StoreError)?.message.contains("participants/101-0001.json") == true
        }
        #expect(throws: StoreError.self) {
            try fixture.store.update("101-0001") { participant, studyProtocol in
                try participant.reschedule("W1", to: CivilDate("2026-11-26")!, reason: nil, studyProtocol: studyProtocol)
            }
        }
        #expect(fixture.snapshot() == before)
        // The rest of the store stays readable, and the damage is listed.
        let loaded = fixture.store.loadTable(.full)
        #expect(loaded.table.subjects == ["101-0002"])
        #expect(loaded.problems.count == 1 && loaded.unreadable == ["101-0001"])
        #expect(fixture.store.verify().problems.count == 1)
    }

    @Test(arguments: ["truncate", "nul", "empty", "garbage", "bitflip"])
    func damagedParticipantFilesAreRefused(damage: String) throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        var bytes = fixture.bytes("participants/101-0001.json")
        switch damage {
        case "truncate": bytes = Array(bytes.prefix(bytes.count / 2))
        case "nul": bytes = [UInt8](repeating: 0, count: bytes.count)
        case "empty": bytes = []
        case "garbage": bytes = Array("not json at all".utf8)
        default: bytes[bytes.count / 2] ^= 0x04
        }
        fixture.write("participants/101-0001.json", bytes)
        #expect { try fixture.store.participant("101-0001") } throws: { ($0 as? StoreError)?.kind == .damaged }
        #expect(fixture.bytes("participants/101-0001.json") == bytes)
    }

    @Test func aSecondCopyWaitsThenRefusesNamingTheHolder() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let held = try FileLock.acquire(fixture.path(".lock"))
        defer { held.release() }
        // flock locks belong to the open file description, so a second open in this process contends too.
        #expect { try FileLock.acquire(fixture.path(".lock"), timeout: 0.2) } throws: {
            ($0 as? StoreError)?.kind == .locked && ($0 as? StoreError)?.message.contains("PID \(getpid())") == true
        }
    }

    @Test func aKilledLockHolderNeverLeavesTheStoreBlocked() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let holder = Process()
        // A process that takes the lock itself and has no children that could inherit it.
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); time.sleep(30)", fixture.path(".lock")]
        try holder.run()
        var waited = 0
        while (try? FileLock.acquire(fixture.path(".lock"), timeout: 0))?.release() != nil, waited < 100 { usleep(20_000); waited += 1 }
        #expect(throws: StoreError.self) { try FileLock.acquire(fixture.path(".lock"), timeout: 0.1) }
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let lock = try FileLock.acquire(fixture.path(".lock"), timeout: 2)
        lock.release()
    }

    @Test func leftoverTemporaryFilesAreIgnoredAndCleaned() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        fixture.write("participants/.101-0001.json.tmp", Array("{\"half\":".utf8))
        #expect(try fixture.store.subjects() == ["101-0001"])
        fixture.write("participants/.101-0001.json.old", Array("{}".utf8))
        try fixture.store.update("101-0001") { participant, studyProtocol in
            try participant.reschedule("W1", to: CivilDate("2026-11-26")!, reason: nil, studyProtocol: studyProtocol)
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.path("participants/.101-0001.json.tmp")))
        #expect(!FileManager.default.fileExists(atPath: fixture.path("participants/.101-0001.json.old")))
        #expect(fixture.store.verify().problems.isEmpty)
    }

    @Test func storeMissingOrTooNewIsRefused() throws {
        #expect { try JSONFileStore(directory: "/nonexistent/cohort", scales: StoreFixture.scales, user: "x") } throws: {
            ($0 as? StoreError)?.kind == .missing
        }
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        // A file sealed by a newer format is refused as too new; a version digit changed by hand is damage.
        fixture.write("cohort-store.json", try CanonicalJSON.seal(fixture.store.site, formatVersion: 9))
        #expect { try fixture.reopen() } throws: { ($0 as? StoreError)?.kind == .tooNew }
        let newer = String(decoding: fixture.bytes("cohort-store.json"), as: UTF8.self)
        fixture.write("cohort-store.json", Array(newer.replacingOccurrences(of: "\"formatVersion\" : 9", with: "\"formatVersion\" : 1").utf8))
        #expect { try fixture.reopen() } throws: { ($0 as? StoreError)?.kind == .damaged }
    }
}

/// Going through every participant a batch at a time.
struct ForEachParticipantTests {
    @Test func everyReadableParticipantInSubjectOrderAcrossBatchesWithTheUnreadableNamed() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        for number in [5, 1, 4, 2, 3] { try fixture.enroll("101-000\(number)") }
        fixture.write("participants/101-0004.json", Array("{}\n".utf8))
        var seen: [String] = []
        let problems = try fixture.reopen().forEachParticipant(batch: 2, { $0.subject }) { seen.append($0) }
        #expect(seen == ["101-0001", "101-0002", "101-0003", "101-0005"])
        #expect(problems.count == 1 && problems[0].message.contains("101-0004.json"))
    }
}
