import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import CohortTestSupport
import Foundation
import Testing

/// A store opened without its cache (docs/RULES.md, "Opening a store"): the screens read it a step at a
/// time and say how far they got; what a step shows has been verified, and the last step is the whole table.
struct ColdStartTests {
    /// A store of five participants with no `.cache/`, whose reads take two files a step.
    func storeWithoutCache() throws -> (StoreFixture, JSONFileStore) {
        let fixture = try StoreFixture()
        for number in 1...5 { try fixture.enroll("101-000\(number)") }
        try FileManager.default.removeItem(atPath: fixture.path(".cache"))
        let store = try fixture.reopen()
        store.readStep = ReadStep(files: 2, firstSeconds: 0, seconds: 0)
        return (fixture, store)
    }

    func tableFromFiles(_ fixture: StoreFixture) throws -> ReviewTable {
        let store = try fixture.reopen()
        var participants: [Participant] = []
        store.forEachParticipant({ $0 }) { participants.append($0) }
        return ReviewTable(participants: participants, context: store.context)
    }

    @Test func aStoreWithoutItsCacheIsReadAStepAtATimeAndSaysHowFar() throws {
        let (fixture, store) = try storeWithoutCache()
        defer { fixture.remove() }
        let first = store.loadTable(.stepwise)
        #expect(first.reading == ReadingProgress(read: 2, total: 5))
        #expect(!first.isFullyChecked)
        #expect(first.table.subjects == ["101-0001", "101-0002"])
        let second = store.loadTable(.stepwise)
        #expect(second.reading == ReadingProgress(read: 4, total: 5))
        #expect(second.table.subjects == ["101-0001", "101-0002", "101-0003", "101-0004"])
        #expect(!FileManager.default.fileExists(atPath: fixture.path(".cache/review-table")), "no cache from a part")
        let last = store.loadTable(.stepwise)
        #expect(last.reading == nil)
        #expect(last.isFullyChecked)
        #expect(last.table == (try tableFromFiles(fixture)))
        // The read wrote the cache anew: the next start takes its first frame from it, whole.
        usleep(useconds_t(FileStamp.racyMargin / 1000 + 20_000))
        _ = try fixture.reopen().loadTable(.full)
        let next = try fixture.reopen()
        next.readStep = ReadStep(files: 2, firstSeconds: 0, seconds: 0)
        let cached = next.loadTable(.stepwise)
        #expect(cached.reading == nil && !cached.isFullyChecked)
        #expect(cached.table == last.table)
    }

    @Test func aFileForgedAndSealedAgainIsNamedWhenMetAndNeverShown() throws {
        let (fixture, store) = try storeWithoutCache()
        defer { fixture.remove() }
        // The initials changed and the file sealed again with a correct checksum: only the trail's head tells.
        let path = fixture.path("participants/101-0002.json")
        var file = try CanonicalJSON.unseal(fixture.bytes("participants/101-0002.json"), as: ParticipantFile.self, path: path,
                                            version: JSONFileStore.formatVersion)
        file.participant.initials = "ZZ"
        fixture.write("participants/101-0002.json", try CanonicalJSON.seal(file, formatVersion: JSONFileStore.formatVersion))
        let first = store.loadTable(.stepwise)
        #expect(first.reading == ReadingProgress(read: 2, total: 5))
        #expect(first.unreadable == ["101-0002"])
        #expect(first.problems.first?.message.contains("101-0002.json") == true)
        #expect(first.table.subjects == ["101-0001"], "a forged file is never shown, not even in a part")
        var last = first
        while last.reading != nil { last = store.loadTable(.stepwise) }
        #expect(last.unreadable == ["101-0002"])
        #expect(last.table.digest("101-0002") == nil)
        #expect(last.table.subjects == ["101-0001", "101-0003", "101-0004", "101-0005"])
    }

    @Test func aFullLoadFinishesAStepwiseReadUnderWay() throws {
        let (fixture, store) = try storeWithoutCache()
        defer { fixture.remove() }
        #expect(store.loadTable(.stepwise).reading?.read == 2)
        let full = store.loadTable(.full)
        #expect(full.reading == nil && full.isFullyChecked)
        #expect(full.table == (try tableFromFiles(fixture)))
        // Nothing is left under way: a later stepwise load is a new look, from the first file.
        #expect(store.unfinishedRead == nil)
    }

    @Test func theCommandLinesLoadsNeverStopHalfWay() throws {
        let (fixture, store) = try storeWithoutCache()
        defer { fixture.remove() }
        let quick = store.loadTable(.quick)
        #expect(quick.reading == nil && quick.isFullyChecked)
        #expect(quick.table.count == 5)
    }
}
