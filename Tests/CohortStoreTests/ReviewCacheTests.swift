import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import CohortTestSupport
import Foundation
import Testing

/// The review cache is derived data: it must always agree with the files, and anything wrong with it
/// must cost a rebuild, never a wrong answer or a crash.
struct ReviewCacheTests {
    let today = StoreFixture.today

    /// A store of `count` participants whose cache is written and old enough to be trusted.
    func cachedStore(_ count: Int = 3) throws -> StoreFixture {
        let fixture = try StoreFixture()
        for number in 1...count { try fixture.enroll("101-000\(number)") }
        try fixture.store.update("101-0001") { participant, studyProtocol in
            try participant.complete("SCR", on: CivilDate("2026-11-12")!, reason: nil, studyProtocol: studyProtocol, today: today)
        }
        settle()
        _ = try fixture.reopen().loadTable(.full)
        settle()
        return fixture
    }

    /// Waits past the margin within which a just-changed file's stamp is not trusted.
    func settle() { usleep(useconds_t(FileStamp.racyMargin / 1000 + 20_000)) }

    func tableFromFiles(_ fixture: StoreFixture) throws -> ReviewTable {
        let store = try fixture.reopen()
        var participants: [Participant] = []
        store.forEachParticipant({ $0 }) { participants.append($0) }
        return ReviewTable(participants: participants, context: store.context)
    }

    /// Rewrites a file in place (same inode, the folder untouched), as an editor or a disk fault might.
    func overwriteInPlace(_ fixture: StoreFixture, _ relative: String, _ bytes: [UInt8]) throws {
        let handle = try #require(FileHandle(forWritingAtPath: fixture.path(relative)))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    @Test func aQuickLoadComesFromTheCacheAndMatchesTheFiles() throws {
        let fixture = try cachedStore()
        defer { fixture.remove() }
        let quick = try fixture.reopen().loadTable(.quick)
        #expect(!quick.isFullyChecked)
        #expect(quick.problems.isEmpty)
        #expect(quick.table == (try tableFromFiles(fixture)))
        #expect(quick.table.digest("101-0001")?.visits.first?.status == .completed)
        let mode = (try FileManager.default.attributesOfItem(atPath: fixture.path(".cache/review-table"))[.posixPermissions] as? Int) ?? -1
        let folderMode = (try FileManager.default.attributesOfItem(atPath: fixture.path(".cache"))[.posixPermissions] as? Int) ?? -1
        #expect(mode == 0o600 && folderMode == 0o700)
    }

    @Test func aChangeMadeElsewhereIsSeenAtOnce() throws {
        let fixture = try cachedStore()
        defer { fixture.remove() }
        let other = try fixture.reopen()
        try other.update("101-0002") { participant, studyProtocol in
            try participant.reschedule("W1", to: CivilDate("2026-11-27")!, reason: nil, studyProtocol: studyProtocol)
        }
        try fixture.enroll("101-0009")
        // The folder changed, but the journal accounts for every change: the cache plus those two files.
        let loaded = try fixture.reopen().loadTable(.quick)
        #expect(!loaded.isFullyChecked)
        #expect(loaded.table == (try tableFromFiles(fixture)))
        #expect(loaded.table.digest("101-0002")?.visits.first { $0.code == "W1" }?.scheduled == CivilDate("2026-11-27"))
        #expect(loaded.table.subjects == ["101-0001", "101-0002", "101-0003", "101-0009"])
    }

    @Test func aChangeTheJournalDoesNotAccountForMeansEveryFileIsLookedAt() throws {
        let fixture = try cachedStore()
        defer { fixture.remove() }
        try fixture.reopen().update("101-0002") { participant, studyProtocol in
            try participant.reschedule("W1", to: CivilDate("2026-11-27")!, reason: nil, studyProtocol: studyProtocol)
        }
        // A file copied in by hand (a restore, another tool): the folder moved past the journal's last line.
        fixture.write("participants/101-0007.json", fixture.bytes("participants/101-0003.json"))
        let loaded = try fixture.reopen().loadTable(.quick)
        #expect(loaded.isFullyChecked)
        #expect(loaded.unreadable == ["101-0007"], "a copy under another name is refused")
        #expect(loaded.table.digest("101-0002")?.visits.first { $0.code == "W1" }?.scheduled == CivilDate("2026-11-27"))
    }

    @Test func theJournalStartsAfreshWithEachCacheAndADamagedOneOnlyCostsAFullCheck() throws {
        let fixture = try cachedStore()
        defer { fixture.remove() }
        #expect(fixture.bytes(".cache/saves").isEmpty, "the cache written last accounts for every save")
        try fixture.reopen().update("101-0003") { participant, studyProtocol in
            try participant.reschedule("W1", to: CivilDate("2026-11-26")!, reason: nil, studyProtocol: studyProtocol)
        }
        let journal = String(decoding: fixture.bytes(".cache/saves"), as: UTF8.self)
        #expect(journal.hasPrefix("101-0003 ") && journal.split(separator: "\n").count == 1)
        try overwriteInPlace(fixture, ".cache/saves", Array("101-0003 garbage\n".utf8))
        let loaded = try fixture.reopen().loadTable(.quick)
        #expect(loaded.isFullyChecked)
        #expect(loaded.table == (try tableFromFiles(fixture)))
    }

    @Test func aFileEditedInPlaceIsCaughtByTheFullCheckAndRefused() throws {
        let fixture = try cachedStore()
        defer { fixture.remove() }
        var edited = fixture.bytes("participants/101-0002.json")
        let text = String(decoding: edited, as: UTF8.self).replacingOccurrences(of: "\"AB\"", with: "\"ZZ\"")
        edited = Array(text.utf8)
        try overwriteInPlace(fixture, "participants/101-0002.json", edited)
        let store = try fixture.reopen()
        // The folder did not change, so the quick load answers from the cache (the first frame)…
        #expect(!store.loadTable(.quick).isFullyChecked)
        // …and the check that follows it looks at every file.
        let full = store.loadTable(.full)
        #expect(full.problems.count == 1)
        #expect(full.problems.first?.message.contains("101-0002.json") == true)
        #expect(full.table.digest("101-0002") == nil, "a damaged file is left out, never shown from the cache")
        #expect(full.differsFromLastLoad)
        // Unreadable files are reported again on every start, never hidden behind the folder's stamp.
        settle()
        let next = try fixture.reopen().loadTable(.quick)
        #expect(next.isFullyChecked && next.problems.count == 1)
    }

    @Test func aRemovedParticipantFileLeavesTheTable() throws {
        let fixture = try cachedStore()
        defer { fixture.remove() }
        try FileManager.default.removeItem(atPath: fixture.path("participants/101-0003.json"))
        let loaded = try fixture.reopen().loadTable(.quick)
        #expect(loaded.table.subjects == ["101-0001", "101-0002"])
    }

    @Test func aSaveThroughTheStoreIsReadAgainAtTheNextCheck() throws {
        let fixture = try cachedStore()
        defer { fixture.remove() }
        let store = try fixture.reopen()
        let first = store.loadTable(.quick)
        #expect(!first.isFullyChecked)
        try store.update("101-0003") { participant, studyProtocol in
            try participant.complete("SCR", on: CivilDate("2026-11-12")!, reason: nil, studyProtocol: studyProtocol, today: today)
        }
        let checked = store.loadTable(.full)
        #expect(checked.differsFromLastLoad)
        #expect(checked.table == (try tableFromFiles(fixture)))
        settle()
        #expect(!store.loadTable(.full).differsFromLastLoad, "nothing changed since")
    }

    @Test func aDamagedCacheIsRebuiltAtEveryLengthAndEveryFlippedByte() throws {
        let fixture = try cachedStore(2)
        defer { fixture.remove() }
        let expected = try tableFromFiles(fixture)
        let good = fixture.bytes(".cache/review-table")
        var random = SeededGenerator(seed: 20261205)
        var damaged: [[UInt8]] = [[], Array("not a cache\n".utf8)]
        for length in stride(from: 0, to: good.count, by: max(1, good.count / 300)) { damaged.append(Array(good[..<length])) }
        for _ in 0..<300 {
            var flipped = good
            flipped[Int.random(in: 0..<good.count, using: &random)] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            damaged.append(flipped)
        }
        for bytes in damaged {
            try overwriteInPlace(fixture, ".cache/review-table", bytes)
            #expect(ReviewTableCodec.decode(bytes) == nil, "\(random)")
            let loaded = try fixture.reopen().loadTable(.quick)
            #expect(loaded.isFullyChecked && loaded.problems.isEmpty, "\(random)")
            #expect(loaded.table == expected, "\(random)")
        }
    }

    @Test func aCacheMadeForOtherProtocolsIsRebuilt() throws {
        let fixture = try cachedStore(2)
        defer { fixture.remove() }
        let store = try fixture.reopen()
        var other = StoreFixture.schizophrenia
        other.id = "SCZ-OTHER"
        try store.addProtocol(other)
        let loaded = try fixture.reopen().loadTable(.quick)
        #expect(loaded.isFullyChecked, "new protocols: the digests were derived with others")
        #expect(loaded.table == (try tableFromFiles(fixture)))
    }

    @Test func theCacheIsNotData() throws {
        let fixture = try cachedStore(2)
        defer { fixture.remove() }
        let store = try fixture.reopen()
        #expect(try store.subjects() == ["101-0001", "101-0002"])
        #expect(store.verify().problems.isEmpty)
        try FileManager.default.removeItem(atPath: fixture.path(".cache"))
        #expect(try fixture.reopen().loadTable(.quick).table == (try tableFromFiles(fixture)))
    }

    @Test func cacheFilesAbandonedByAKilledCopyAreRemovedWhenTheCacheIsNextWritten() throws {
        let fixture = try cachedStore(2)
        defer { fixture.remove() }
        fixture.write(".cache/.review-table.99999.tmp", Array("half a cache".utf8))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -120)], ofItemAtPath: fixture.path(".cache/.review-table.99999.tmp"))
        fixture.write(".cache/.review-table.99998.tmp", Array("being written now".utf8))
        try fixture.enroll("101-0005")
        _ = try fixture.reopen().loadTable(.full)
        let left = try FileManager.default.contentsOfDirectory(atPath: fixture.path(".cache")).sorted()
        #expect(left == [".review-table.99998.tmp", "review-table", "saves"])
    }

    @Test func aStampTakenTooSoonAfterAChangeIsNotTrusted() {
        let stamp = FileStamp(inode: 7, size: 100, modified: 1_000_000_000, changed: 1_000_000_000)
        #expect(stamp.trusted(lookedAt: 1_000_000_000 + FileStamp.racyMargin + 1) == stamp)
        #expect(stamp.trusted(lookedAt: 1_000_000_000 + FileStamp.racyMargin - 1) == .unknown)
        #expect(FileStamp.unknown != stamp)
    }
}
