import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

struct AuditChainTests {
    /// A store with one participant and a few edits, so the chain has records to tamper with.
    func fixtureWithHistory() throws -> StoreFixture {
        let fixture = try StoreFixture()
        try fixture.enroll("101-0001")
        for (code, date) in [("SCR", "2026-11-12"), ("D1", "2026-11-18")] {
            try fixture.store.update("101-0001") { participant, studyProtocol in
                try participant.complete(code, on: CivilDate(date)!, reason: nil, studyProtocol: studyProtocol, today: StoreFixture.today)
            }
        }
        #expect(fixture.store.verify().problems.isEmpty)
        return fixture
    }

    func lines(_ fixture: StoreFixture) -> [String] {
        String(decoding: fixture.bytes("audit/101-0001.jsonl"), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    func tamper(_ fixture: StoreFixture, _ edit: (inout [String]) -> Void) -> [String] {
        var all = lines(fixture)
        edit(&all)
        fixture.write("audit/101-0001.jsonl", Array((all.joined(separator: "\n") + "\n").utf8))
        return fixture.store.verify().problems
    }

    @Test func editingARecordIsDetectedAtThatLine() throws {
        let fixture = try fixtureWithHistory()
        defer { fixture.remove() }
        let problems = tamper(fixture) { $0[2] = $0[2].replacingOccurrences(of: "\"user\":\"tester\"", with: "\"user\":\"someone\"") }
        #expect(problems.count == 1)
        #expect(problems.first?.contains("line 3") == true && problems.first?.contains("altered") == true)
    }

    @Test func deletingReorderingDuplicatingOrTruncatingIsDetected() throws {
        let cases: [(String, (inout [String]) -> Void)] = [
            ("delete", { $0.remove(at: 4) }),
            ("reorder", { $0.swapAt(3, 4) }),
            ("duplicate", { $0.insert($0[2], at: 3) }),
            ("cut the end", { $0.removeLast(2) }),
            ("truncate a record", { $0[5] = String($0[5].prefix(20)) }),
            ("empty", { $0 = [] }),
        ]
        for (name, edit) in cases {
            let fixture = try fixtureWithHistory()
            defer { fixture.remove() }
            #expect(!tamper(fixture, edit).isEmpty, "\(name)")
        }
    }

    @Test func recordsOfASaveThatDidNotFinishAreSetAsideNeverAdopted() throws {
        let fixture = try fixtureWithHistory()
        defer { fixture.remove() }
        // Records appended, then the process died before the data file was replaced: "W1 completed".
        let log = AuditLog(path: fixture.path("audit/101-0001.jsonl"))
        let head = try fixture.store.readParticipant("101-0001").audit
        let operation = PatchOperation(op: .replace, path: "/visits/2/status", value: .string("completed"), old: .string("scheduled"))
        _ = try log.append([operation], subject: "101-0001", user: "tester", reason: nil, time: "2026-11-25T10:00:00.000Z", after: head, state: nil)
        let outcome = fixture.store.verify()
        #expect(outcome.problems.isEmpty)
        #expect(outcome.notes.count == 1)
        // The next save sets them aside first: the trail never says W1 was completed.
        try fixture.store.update("101-0001") { participant, studyProtocol in
            try participant.reschedule("W1", to: CivilDate("2026-11-26")!, reason: nil, studyProtocol: studyProtocol)
        }
        #expect(fixture.store.verify().problems.isEmpty)
        let trail = try fixture.store.auditTrail(subject: "101-0001")
        #expect(!trail.records.contains { $0.operation == operation })
        #expect(trail.problems.isEmpty)
        let aside = fixture.bytes("audit/interrupted/101-0001.jsonl")
        #expect(try AuditRecord(line: aside.dropLast()[...]).operation == operation)
    }

    @Test func aTornLastLineIsSetAsideAndACommittedLastLineIsNeverCut() throws {
        let fixture = try fixtureWithHistory()
        defer { fixture.remove() }
        let bytes = fixture.bytes("audit/101-0001.jsonl")
        fixture.write("audit/101-0001.jsonl", bytes + Array("{\"seq\":99,\"ti".utf8))
        #expect(fixture.store.verify().problems.isEmpty)
        try fixture.store.update("101-0001") { participant, studyProtocol in
            try participant.reschedule("W1", to: CivilDate("2026-11-26")!, reason: nil, studyProtocol: studyProtocol)
        }
        #expect(fixture.store.verify().problems.isEmpty)
        #expect(fixture.bytes("audit/101-0001.jsonl").starts(with: bytes))
        // Only the final newline of a committed record removed: the next save restores it, never cuts the record.
        let committed = fixture.bytes("audit/101-0001.jsonl")
        fixture.write("audit/101-0001.jsonl", Array(committed.dropLast()))
        try fixture.store.update("101-0001") { participant, studyProtocol in
            try participant.reschedule("W1", to: CivilDate("2026-11-27")!, reason: nil, studyProtocol: studyProtocol)
        }
        #expect(fixture.bytes("audit/101-0001.jsonl").starts(with: committed))
        #expect(fixture.store.verify().problems.isEmpty)
    }

    @Test func deletingAParticipantFileIsDetected() throws {
        let fixture = try fixtureWithHistory()
        defer { fixture.remove() }
        try FileManager.default.removeItem(atPath: fixture.path("participants/101-0001.json"))
        #expect(fixture.store.verify().problems.contains { $0.contains("has no participant file") })
    }
}
