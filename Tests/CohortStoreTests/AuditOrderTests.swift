import CohortDomain
@testable import CohortFileStore
@testable import CohortStore
import Foundation
import Testing

/// The whole store's trail in time order, streamed through the derived order in `.cache/audit-order`
/// (docs/RULES.md, "The trail is the record"): the same records in the same order whether the index is
/// missing, fresh, stale, damaged or forged, and each trail read only when its first record is due.
struct AuditOrderTests {
    /// A clock the test moves: saves of different participants interleave in time, some at one instant.
    final class Clock: @unchecked Sendable {
        var now = Date(timeIntervalSince1970: 1_795_000_000)
        func tick(_ seconds: Double = 1) { now += seconds }
    }

    /// Four participants whose saves interleave, two saves of different participants at one instant, and
    /// a store-wide record at the same instant as a participant's.
    func interleavedStore() throws -> (StoreFixture, JSONFileStore, Clock) {
        let fixture = try StoreFixture()
        let clock = Clock()
        let store = try JSONFileStore(directory: fixture.directory, scales: StoreFixture.scales, user: "tester", clock: { clock.now })
        let fixtureOnClock = StoreFixture(reusing: fixture, store: store)
        for number in [3, 1, 2, 4] {
            clock.tick()
            try fixtureOnClock.enroll("101-000\(number)")
        }
        for (subject, step) in [("101-0002", 1.0), ("101-0001", 0.0), ("101-0003", 1.0), ("101-0001", 0.5), ("101-0004", 0.0), ("101-0002", 2.0)] {
            clock.tick(step)
            try miss(store, subject)
        }
        try store.setIdleMinutes(20)
        try miss(store, "101-0003")
        // Past the racy-stamp margin: an index made now is trusted next time (FileStamp.trusted).
        usleep(100_000)
        return (fixture, store, clock)
    }

    func miss(_ store: JSONFileStore, _ subject: String) throws {
        try store.update(subject) { participant, studyProtocol in
            let next = participant.visits.first { $0.status == .scheduled }!.code
            return try participant.miss(next, on: StoreFixture.today, reason: "no show", studyProtocol: studyProtocol, today: StoreFixture.today)
        }
    }

    /// A save of each of `subjects`, a tick apart, then a listing (which brings the index up to date), past
    /// the racy-stamp margin.
    func saveThenList(_ fixture: StoreFixture, _ store: JSONFileStore, _ clock: Clock, _ subjects: String...) throws {
        for subject in subjects {
            clock.tick()
            try edit(store, subject)
        }
        usleep(100_000)
        _ = try measuredListing(fixture)
    }

    /// A save that can be made any number of times: the next visit's reschedule reason, `reason`.
    func edit(_ store: JSONFileStore, _ subject: String, reason: String = "no show") throws {
        try store.update(subject) { participant, _ in
            let next = participant.visits.firstIndex { $0.status == .scheduled }!
            participant.visits[next].rescheduleReason = reason + " \(participant.visits[next].rescheduleReason?.count ?? 0)"
            return reason
        }
    }

    /// What the listing must give: every trail's records, each with whether its save is signed, sorted by
    /// (time, subject, sequence).
    func expected(_ fixture: StoreFixture) throws -> [String] {
        let store = try fixture.reopen()
        let storeRecords = AuditLog(path: fixture.path("audit/_store.jsonl")).verify(head: nil).records
        var all: [(AuditRecord, Bool)] = Array(zip(storeRecords, AuditRecord.signedSaves(storeRecords)))
        for subject in try store.subjects() {
            let records = try store.auditTrail(subject: subject).records
            all += zip(records, AuditRecord.signedSaves(records))
        }
        return all.sorted { $0.0.timeKey < $1.0.timeKey }.map { Self.shown($0.0, $0.1) }
    }

    static func shown(_ record: AuditRecord, _ signed: Bool) -> String {
        String(decoding: record.exported.canonicalBytes(), as: UTF8.self) + " \(record.hash) \(signed)"
    }

    func listed(_ fixture: StoreFixture, batch: Int = 64, during: ((Int) throws -> Void)? = nil) throws -> (records: [String], problems: [String]) {
        var records: [String] = []
        let problems = try fixture.reopen().forEachAuditRecordInTimeOrder(logsPerBatch: batch) { record, signed in
            try during?(records.count)
            records.append(Self.shown(record, signed))
        }
        return (records, problems)
    }

    @Test func theListingIsEveryRecordInTimeOrderWithTheIndexMissingFreshOrStale() throws {
        let (fixture, store, clock) = try interleavedStore()
        defer { fixture.remove() }
        let index = fixture.path(".cache/audit-order")
        var expected = try expected(fixture)
        #expect(expected.count > 40)
        // Made (one trail a batch, and all at once), then used as it stands.
        for batch in [1, 64] {
            unlink(index)
            let got = try listed(fixture, batch: batch); #expect(got.problems == []); #expect(got.records.count == expected.count); #expect(got.records == expected)
            #expect(FileManager.default.fileExists(atPath: index))
        }
        let made = try #require(FileManager.default.contents(atPath: index))
        #expect(try listed(fixture) == (expected, []))
        #expect(FileManager.default.contents(atPath: index) == made, "an index that still holds is not made again")
        // A save makes it stale: the new records are listed, in their place.
        clock.tick(-30)
        try miss(store, "101-0004")
        usleep(100_000)
        expected = try self.expected(fixture)
        #expect(try listed(fixture) == (expected, []))
        // The old index put back is stale too (the folders' stamps moved since it was made).
        try made.write(to: URL(fileURLWithPath: index))
        #expect(try listed(fixture) == (expected, []))
        #expect(FileManager.default.contents(atPath: index) != made)
    }

    @Test func aDamagedIndexIsMadeAgainAndAForgedOneIsReportedNeverTrusted() throws {
        let (fixture, _, _) = try interleavedStore()
        defer { fixture.remove() }
        let path = fixture.path(".cache/audit-order")
        let expected = try expected(fixture)
        _ = try listed(fixture)
        let made = try #require(index(at: path))
        // Two records of different trails swapped: not the time order.
        var forged = made
        let first = try #require(forged.order.indices.first { forged.order[$0] != forged.order[0] })
        forged.order.swapAt(0, first)
        // Damaged (the checksum no longer holds): made again, the listing unchanged.
        var damaged = forged.encoded()
        damaged[damaged.count - 1] ^= 0xFF
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        #expect(try listed(fixture) == (expected, []))
        #expect(index(at: path) == made)
        // Forged with a checksum that holds: the listing says it disagrees, and the index is removed.
        try Data(forged.encoded()).write(to: URL(fileURLWithPath: path))
        let (_, problems) = try listed(fixture)
        #expect(problems.count == 1 && problems[0].contains("does not agree with the trails"), "\(problems)")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try listed(fixture) == (expected, []))
    }

    func index(at path: String) -> AuditOrderIndex? {
        FileManager.default.contents(atPath: path).flatMap { AuditOrderIndex(decoding: Array($0)) }
    }

    @Test func eachTrailIsReadOnlyWhenItsFirstRecordIsDue() throws {
        let (fixture, _, _) = try interleavedStore()
        defer { fixture.remove() }
        _ = try listed(fixture)
        // 101-0004 was enrolled last: its trail is read after the first record is listed, so a trail
        // removed then is found missing by the listing itself.
        let (records, problems) = try listed(fixture) { count in
            if count == 0 { try FileManager.default.removeItem(atPath: fixture.path("audit/101-0004.jsonl")) }
        }
        #expect(!records.isEmpty && !records.contains { $0.contains("\"subject\":\"101-0004\"") })
        #expect(problems.contains { $0.contains("101-0004.jsonl") }, "\(problems)")
    }

    /// Measures the listing keeps with the order: the user's and the reason's lengths.
    static var measures: JSONFileStore.AuditMeasures { .init(key: "test") { [$0.user.count, ($0.reason ?? "").count] } }

    /// What an index orders, without the stamps that say when it was made.
    func ordered(_ index: AuditOrderIndex?) -> [String] {
        guard let index else { return [] }
        return [index.measuresKey, "\(index.measures)", "\(index.trails)", "\(index.counts)", "\(index.order)", index.lastTime, "\(index.lastSeq)",
                "\(index.states.map(\.last))"]
    }

    /// The stale index on disk brought up to date (nil: it must be made again), the listing after it, and
    /// the listing and index made from every trail with the index removed.
    func updateAndFresh(_ fixture: StoreFixture) throws
        -> (updated: AuditOrderIndex?, listed: (records: [String], problems: [String]), fresh: (records: [String], problems: [String]), index: AuditOrderIndex?) {
        let path = fixture.path(".cache/audit-order")
        let stale = try #require(index(at: path))
        let store = try fixture.reopen()
        let updated = try store.updatedAuditOrder(stale, storeHead: try store.readSite().audit, measures: Self.measures, logsPerBatch: 2)
        try Data(stale.encoded()).write(to: URL(fileURLWithPath: path))
        let listed = try measuredListing(fixture)
        // The listing brought it up to date as the call did, and wrote it.
        if let updated { #expect(ordered(index(at: path)) == ordered(updated)) }
        unlink(path)
        var fresh = try measuredListing(fixture)
        fresh.problems += try measuredListing(fixture).problems
        return (updated, listed, fresh, index(at: path))
    }

    func measuredListing(_ fixture: StoreFixture) throws -> (records: [String], problems: [String]) {
        var records: [String] = []
        let problems = try fixture.reopen().forEachAuditRecordInTimeOrder(measures: Self.measures, logsPerBatch: 2) { record, signed in
            records.append(Self.shown(record, signed))
        }
        return (records, problems)
    }

    @Test func savesOnSeveralParticipantsAndAnEnrollmentAreAppendedToTheIndexAsAFreshOneOrdersThem() throws {
        let (fixture, store, clock) = try interleavedStore()
        defer { fixture.remove() }
        clock.now = Date() + 86_400 // after the store's creation, on the real clock
        let onClock = StoreFixture(reusing: fixture, store: store)
        try onClock.enroll("101-0007")
        usleep(100_000)
        _ = try measuredListing(fixture)
        // Saves after every record ordered: two participants at one instant, the store-wide trail, a longer
        // reason (a wider measure), and a participant enrolled whose ID sorts before one ordered.
        clock.tick()
        try edit(store, "101-0002")
        try edit(store, "101-0004", reason: "moved away, no longer reachable by phone")
        clock.tick()
        try store.setIdleMinutes(30)
        try edit(store, "101-0001")
        clock.tick()
        try onClock.enroll("101-0005")
        usleep(100_000)
        let (updated, listed, fresh, index) = try updateAndFresh(fixture)
        #expect(updated != nil, "brought up to date, not made again")
        #expect(ordered(updated) == ordered(index))
        #expect(index?.trails == ["", "101-0001", "101-0002", "101-0003", "101-0004", "101-0005", "101-0007"])
        #expect(listed.problems == [] && fresh.problems == [])
        let expectedRecords = try expected(fixture)
        #expect(listed.records == fresh.records && listed.records == expectedRecords)
        #expect(updated?.measures[1] == "moved away, no longer reachable by phone".count)
        // Brought up to date again and again, a save at a time.
        for subject in ["101-0003", "101-0005", "101-0007", "101-0003"] {
            clock.tick(0.5)
            try edit(store, subject)
            usleep(100_000)
            let (updated, listed, fresh, index) = try updateAndFresh(fixture)
            #expect(updated != nil && ordered(updated) == ordered(index))
            let expectedRecords = try expected(fixture)
            #expect(listed == fresh && listed.records == expectedRecords && listed.problems == [])
        }
    }

    @Test func aRecordOlderThanTheLastOrderedMakesTheIndexAgain() throws {
        let (fixture, store, clock) = try interleavedStore()
        defer { fixture.remove() }
        clock.now = Date() + 86_400 // after the store's creation, on the real clock
        try edit(store, "101-0001")
        usleep(100_000)
        _ = try measuredListing(fixture)
        // A clock set back: the save's record sorts among those ordered, not after them.
        clock.tick(-30)
        try edit(store, "101-0002")
        usleep(100_000)
        let (updated, listed, fresh, _) = try updateAndFresh(fixture)
        #expect(updated == nil)
        let expectedRecords = try expected(fixture)
        #expect(listed == fresh && listed.problems == [] && listed.records == expectedRecords)
    }

    @Test func aTrailReplacedByAnotherHistoryMakesTheIndexAgain() throws {
        let (fixture, store, clock) = try interleavedStore()
        defer { fixture.remove() }
        clock.now = Date() + 86_400 // after the store's creation, on the real clock
        // Another copy of the store (another machine) goes on from here.
        let other = fixture.directory + "-other"
        try FileManager.default.copyItem(atPath: fixture.directory, toPath: other)
        defer { try? FileManager.default.removeItem(atPath: other) }
        try saveThenList(fixture, store, clock, "101-0002", "101-0001")
        // The other copy saves 101-0002 three times, later; its trail and data file replace ours (a sync's
        // renames): longer than the trail ordered, but from the record after the copy on another history.
        let otherStore = try JSONFileStore(directory: other, scales: StoreFixture.scales, user: "tester", clock: { clock.now })
        for _ in 0..<3 {
            clock.tick()
            try edit(otherStore, "101-0002", reason: "the other machine")
        }
        for file in ["audit/101-0002.jsonl", "participants/101-0002.json"] {
            try FileManager.default.copyItem(atPath: other + "/" + file, toPath: fixture.path(file + ".incoming"))
            #expect(rename(fixture.path(file + ".incoming"), fixture.path(file)) == 0)
        }
        usleep(100_000)
        let (updated, listed, fresh, _) = try updateAndFresh(fixture)
        #expect(updated == nil)
        let expectedRecords = try expected(fixture)
        #expect(listed == fresh && listed.problems == [] && listed.records == expectedRecords)
        #expect(listed.records.contains { $0.contains("the other machine") })
    }

    @Test func aTrailCutBackInPlaceMakesTheIndexAgain() throws {
        let (fixture, store, clock) = try interleavedStore()
        defer { fixture.remove() }
        clock.now = Date() + 86_400 // after the store's creation, on the real clock
        let trail = fixture.bytes("audit/101-0003.jsonl"), data = fixture.bytes("participants/101-0003.json")
        try saveThenList(fixture, store, clock, "101-0003", "101-0001")
        // 101-0003 put back as it was before its last save, the trail written over in place (same inode).
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture.path("audit/101-0003.jsonl")))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(trail))
        try handle.close()
        fixture.write("participants/101-0003.json", data)
        usleep(100_000)
        let (updated, listed, fresh, _) = try updateAndFresh(fixture)
        #expect(updated == nil)
        let expectedRecords = try expected(fixture)
        #expect(listed == fresh && listed.problems == [] && listed.records == expectedRecords)
    }

    @Test func auditTimesOrderAsTheirDigits() {
        #expect(JSONFileStore.timeNumber("2026-11-25T10:44:44.123Z") == 20261125104444123)
        #expect(JSONFileStore.timeNumber("2026-11-25T10:44:44Z") == nil)
        #expect(JSONFileStore.timeNumber("2026-11-25T10:44:44.12xZ") == nil)
        #expect(JSONFileStore.timeNumber("2026-11-25T10:44:44.123Z ") == nil)
    }
}
