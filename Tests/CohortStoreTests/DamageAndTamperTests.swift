import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import CohortTestSupport
import Foundation
import Testing

/// Every kind of damage to a participant file and every kind of tampering with an
/// audit log is detected, named, and never overwritten.
struct DamageAndTamperTests {
    /// A participant with a visit completed and a PANSS entered, and a second, healthy participant.
    func scoredStore() throws -> StoreFixture {
        let fixture = try StoreFixture()
        try fixture.enroll("101-0001")
        try fixture.enroll("101-0002")
        try fixture.store.update("101-0001") { participant, studyProtocol in
            _ = try participant.complete("SCR", on: CivilDate("2026-11-12")!, reason: nil, studyProtocol: studyProtocol, today: StoreFixture.today)
            _ = try participant.complete("D1", on: CivilDate("2026-11-18")!, reason: nil, studyProtocol: studyProtocol, today: StoreFixture.today)
            return try participant.score("D1", scale: StoreFixture.scales["PANSS"]!, items: Array(repeating: 4, count: 30), date: nil,
                                         rater: "AB", reason: nil, studyProtocol: studyProtocol, today: StoreFixture.today)
        }
        return fixture
    }

    /// Writes `bytes` as 101-0001's file and checks: refused as damaged naming the file, an update refused
    /// without touching it, and 101-0002 still readable.
    func detected(_ fixture: StoreFixture, _ bytes: [UInt8]) -> Bool {
        let path = "participants/101-0001.json"
        fixture.write(path, bytes)
        var refused = false
        do { _ = try fixture.store.participant("101-0001") } catch let error as StoreError {
            refused = error.kind == .damaged && error.message.contains(path)
        } catch {}
        let update = (try? fixture.store.update("101-0001") { participant, studyProtocol in
            try participant.reschedule("W1", to: CivilDate("2026-11-26")!, reason: nil, studyProtocol: studyProtocol)
        }) == nil
        let loaded = fixture.store.loadTable(.full)
        return refused && update && fixture.bytes(path) == bytes
            && loaded.table.subjects == ["101-0002"] && loaded.problems.count == 1
    }

    @Test func truncationAtEveryLengthIsDetected() throws {
        let fixture = try scoredStore()
        defer { fixture.remove() }
        let original = fixture.bytes("participants/101-0001.json")
        var missed: [Int] = []
        for length in 0..<original.count where !detected(fixture, Array(original.prefix(length))) { missed.append(length) }
        #expect(missed.isEmpty, "undetected truncations at lengths \(missed.prefix(10))")
    }

    @Test func randomBitFlipsAreDetected() throws {
        let fixture = try scoredStore()
        defer { fixture.remove() }
        let original = fixture.bytes("participants/101-0001.json")
        var random = SeededGenerator(seed: 20261203)
        var missed = 0
        for _ in 0..<1_000 {
            var bytes = original
            let index = Int.random(in: 0..<bytes.count, using: &random)
            bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
            if !detected(fixture, bytes) { missed += 1 }
        }
        #expect(missed == 0, "\(random)")
    }

    @Test func validJSONEditsNULsAndEmptinessAreDetected() throws {
        let fixture = try scoredStore()
        defer { fixture.remove() }
        let original = fixture.bytes("participants/101-0001.json")
        let text = String(decoding: original, as: UTF8.self)
        // Change one digit of the PANSS items: still valid JSON, still a valid score.
        let scoreEdited = text.replacingOccurrences(of: "\n            4,\n", with: "\n            5,\n", options: [], range: text.range(of: "\n            4,\n"))
        #expect(scoreEdited != text)
        for bytes in [Array(scoreEdited.utf8), [UInt8](repeating: 0, count: original.count), [], Array("{}".utf8),
                      Array(text.replacingOccurrences(of: "\"formatVersion\" : 2", with: "\"formatVersion\" : 1").utf8)] {
            #expect(detected(fixture, bytes))
        }
    }

    /// Builds a chain of over 20 records for 101-0001.
    func chainStore() throws -> (StoreFixture, [String]) {
        let fixture = try scoredStore()
        for day in 23...27 {
            try fixture.store.update("101-0001") { participant, studyProtocol in
                try participant.reschedule("W1", to: CivilDate("2026-11-\(day)")!, reason: "move \(day)", studyProtocol: studyProtocol)
            }
        }
        let lines = String(decoding: fixture.bytes("audit/101-0001.jsonl"), as: UTF8.self).split(separator: "\n").map(String.init)
        return (fixture, lines)
    }

    @Test func athousandRandomTamperingsAreAllDetectedFirstAtTheFirstBadRecord() throws {
        let (fixture, original) = try chainStore()
        defer { fixture.remove() }
        #expect(original.count > 20)
        var random = SeededGenerator(seed: 20261204)
        var failures: [String] = []
        for round in 0..<1_000 {
            var lines = original
            let kind = round % 5
            let i = Int.random(in: 0..<(lines.count - 1), using: &random)
            let expectedLine: Int
            switch kind {
            case 0: // edit a value inside a record
                lines[i] = lines[i].replacingOccurrences(of: "\"user\":\"tester\"", with: "\"user\":\"mallory\"")
                expectedLine = i + 1
            case 1: // delete a record
                lines.remove(at: i)
                expectedLine = i + 1
            case 2: // swap with the next record
                lines.swapAt(i, i + 1)
                expectedLine = i + 1
            case 3: // duplicate a record
                lines.insert(lines[i], at: i + 1)
                expectedLine = i + 2
            default: // truncate a record
                lines[i] = String(lines[i].prefix(Int.random(in: 1..<lines[i].count, using: &random)))
                expectedLine = i + 1
            }
            fixture.write("audit/101-0001.jsonl", Array((lines.joined(separator: "\n") + "\n").utf8))
            let problems = fixture.store.verify().problems
            // Every problem is named; the first is the first bad record.
            if problems.first?.contains("line \(expectedLine):") != true {
                failures.append("kind \(kind) at \(i): \(problems)")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3)), \(random)")
    }

    @Test func everyChangeIsRecordedWithWhoWhenWhatAndWhyAndTheTrailRebuildsTheData() throws {
        let fixture = try StoreFixture(user: "dr.lead")
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        typealias Action = (inout Participant, StudyProtocol) throws -> String?
        let today = StoreFixture.today
        let cssrs = StoreFixture.scales["CSSRS"]!
        var actions: [Action] = []
        actions.append { p, s in try p.complete("SCR", on: CivilDate("2026-11-12")!, reason: nil, studyProtocol: s, today: today) }
        actions.append { p, s in try p.complete("D1", on: CivilDate("2026-11-18")!, reason: nil, studyProtocol: s, today: today) }
        actions.append { p, s in try p.score("D1", scale: cssrs, items: [1, 0, 0, 0, 0, 0], date: nil, rater: nil, reason: nil, studyProtocol: s, today: today) }
        actions.append { p, s in try p.score("D1", scale: cssrs, items: [0, 0, 0, 0, 0, 0], date: nil, rater: nil, reason: "miscoded", studyProtocol: s, today: today) }
        actions.append { p, s in try p.reschedule("W1", to: CivilDate("2026-11-30")!, reason: "holiday", studyProtocol: s) }
        actions.append { p, s in try p.withdraw(on: today, category: .withdrawalBySubject, reason: "withdrew consent", screenFailure: false, studyProtocol: s, today: today) }
        for action in actions {
            let before = try fixture.store.auditTrail(subject: "101-0001").records.count
            let saved = try fixture.store.update("101-0001") { participant, studyProtocol in try action(&participant, studyProtocol) }
            let records = try fixture.store.auditTrail(subject: "101-0001").records
            #expect(records.count > before)
            #expect(try replayed(records) == JSONValue(encoding: saved))
        }
        let trail = try fixture.store.auditTrail(subject: "101-0001")
        #expect(trail.problems.isEmpty)
        let time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
        #expect(trail.records.allSatisfy { $0.user == "dr.lead" && $0.time.wholeMatch(of: time) != nil })
        let correction = trail.records.filter { $0.reason == "miscoded" }.map(\.operation)
        // The corrected item, and the day of the correction (so a flag it raises is seen that day).
        #expect(correction == [PatchOperation(op: .add, path: "/administrations/0/corrections", value: .array([.string("2026-11-25")])),
                               PatchOperation(op: .replace, path: "/administrations/0/items/0", value: .int(0), old: .int(1))])
        #expect(trail.records.filter { $0.reason == "withdrew consent" }.count >= 2)
    }

    private func replayed(_ records: [AuditRecord]) throws -> JSONValue {
        var document = JSONValue.emptyObject
        for record in records { try JSONPatch.apply(record.operation, to: &document) }
        return document
    }
}
