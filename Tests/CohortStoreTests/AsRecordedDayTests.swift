import CohortDemo
import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import CohortTestSupport
import Foundation
import Testing

/// The summary as recorded reads what the day touched (docs/RULES.md, "The day's lists and the summary"),
/// and gives what a replay of every trail gives.
struct AsRecordedDayTests {
    let today = CivilDate("2026-11-25")!
    let utc = TimeZone(secondsFromGMT: 0)!

    /// What `summary --as-recorded` computed before it read only what the day touched and read trails
    /// backwards: every participant file read and every trail replayed from `{}`.
    func everyTrailReplayed(_ store: JSONFileStore, directory: String, on day: CivilDate) throws -> (ReviewTable, DaySummary.Records) {
        let context = store.context, (from, to, _) = JSONFileStore.minutes(of: day, zone: utc)
        var states: [Participant] = [], records = DaySummary.Records()
        for subject in try store.subjects() {
            let (file, _) = try JSONFileStore.readParticipant(subject, folder: directory + "/participants", context: context)
            let path = directory + "/audit/" + subject + ".jsonl"
            let replayed = try JSONFileStore.replayedDay(Array(FileManager.default.contents(atPath: path) ?? Data()), file: file, path: path,
                                                         from: from, to: to)
            guard let end = replayed.end else { continue }
            states.append(end)
            records.add(record: end, dayChange: replayed.onDay ? (replayed.start, end) : nil, on: day, context: context)
        }
        return (ReviewTable(participants: states, context: context), records)
    }

    /// A demo whose trails carry the time of their last record, as if written on the demo's own days.
    func demoWithTrailsDatedByTheirRecords() throws -> (String, JSONFileStore) {
        let directory = NSTemporaryDirectory() + "cohort-recorded-" + UUID().uuidString
        let store = try DemoSite.build(directory: directory, participants: 40, seed: 5, today: today, scales: TestData.scales)
        for subject in try store.subjects() {
            let path = directory + "/audit/" + subject + ".jsonl"
            let bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
            let last = try #require(AuditLog.minutes(bytes, lines: AuditLog.lineRanges(bytes)).compactMap { $0 }.last)
            let date = try #require(ISO8601DateFormatter().date(from: String(last) + ":30Z"))
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
        }
        return (directory, try JSONFileStore(directory: directory, scales: TestData.scales, user: "t"))
    }

    @Test func theDayAsRecordedIsWhatReplayingEveryTrailGivesOnEveryDay() throws {
        let (directory, store) = try demoWithTrailsDatedByTheirRecords()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var passedOverSomewhere = false, fewChangedSince = false
        // Every fifth day, then each of the last ten: on those few participants have records after the day, and
        // the day's table is the review table with them replaced.
        for offset in Array(stride(from: -70, to: -10, by: 5)) + Array(-10...0) {
            let day = today.adding(days: offset)
            let (table, records) = try everyTrailReplayed(store, directory: directory, on: day)
            let recorded = try JSONFileStore(directory: directory, scales: TestData.scales, user: "t").recordedDay(day, zone: utc)
            #expect(recorded.problems.isEmpty)
            #expect(recorded.table == table, "\(day)")
            #expect(recorded.records == records, "\(day)")
            var before = DaySummary(date: day, table: table, zone: utc), after = DaySummary(date: day, table: recorded.table, zone: utc)
            before.add(records)
            after.add(recorded.records)
            #expect(after == before, "\(day)")
            let passed = PassedOver()
            _ = try store.forEachParticipantDay(day, zone: utc, replayAll: true, wholeRecord: { _ in false }, passedOver: passed, making: { _ in }) { _ in }
            passedOverSomewhere = passedOverSomewhere || !passed.subjects.isEmpty
            var changedSince = 0
            _ = try store.forEachParticipantDay(day, zone: utc, replayAll: true, making: { $0.endOfDay != nil && !$0.endsAsItStands }) {
                if $0 { changedSince += 1 }
            }
            fewChangedSince = fewChangedSince || (changedSince >= 1 && changedSince <= table.count / 16)
        }
        #expect(passedOverSomewhere, "some days have participants whose trails were not written since: they come from the table")
        #expect(fewChangedSince, "some days have a few participants changed since: the review table with them replaced")
    }

    /// Every trail undone from the data along its tail gives, on every day, the states a replay of the whole
    /// trail onto `{}` gives; with records after the day (the demo's later days) and before any record.
    @Test func theTrailUndoneFromTheDataIsWhatReplayingItWholeGives() throws {
        let (directory, store) = try demoWithTrailsDatedByTheirRecords()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var undoneAfterTheDay = 0
        for subject in try store.subjects() {
            let memo = DecodedSubtrees()
            let (file, tree) = try JSONFileStore.readParticipant(subject, folder: directory + "/participants", context: store.context, memo: memo)
            let path = directory + "/audit/" + subject + ".jsonl"
            let bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
            let lines = AuditLog.lineRanges(bytes), minutes = AuditLog.minutes(bytes, lines: lines)
            for offset in stride(from: -75, through: 1, by: 2) {
                let day = today.adding(days: offset)
                let (from, to, _) = JSONFileStore.minutes(of: day, zone: utc)
                let replayed = try JSONFileStore.replayedDay(bytes, file: file, path: path, from: from, to: to)
                let undone = JSONFileStore.undoneDay(bytes, lines: lines, minutes: minutes, file: file, tree: tree, memo: memo, from: from, to: to)
                #expect(undone != nil, "\(subject) \(day): the tail undoes onto the data")
                let same = undone.map { $0.start == replayed.start && $0.end == replayed.end && $0.standing == replayed.standing
                    && $0.onDay == replayed.onDay } ?? false
                #expect(same, "\(subject) \(day)")
                if let end = undone?.end, end != file.participant { undoneAfterTheDay += 1 }
            }
        }
        #expect(undoneAfterTheDay > 100, "days with records after them: the day's end is undone too")
    }

    /// A record of the day altered in place (not the head, which every read checks): the tail does not check,
    /// so the trail is replayed whole, which names the line; the participant is left out and named.
    @Test func aTailThatDoesNotCheckSendsTheTrailToTheWholeReplayWhichNamesTheLine() throws {
        let (directory, store) = try demoWithTrailsDatedByTheirRecords()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let subject = try #require(try store.subjects().first)
        let path = directory + "/audit/" + subject + ".jsonl"
        var bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
        let lines = AuditLog.lineRanges(bytes)
        let minutes = AuditLog.minutes(bytes, lines: lines), altered = lines.count - 2
        let line = lines[altered], lastDay = try #require(minutes.last.flatMap { $0 })
        #expect(minutes[altered]?.prefix(10) == lastDay.prefix(10), "a record of the same day")
        // The first letter of the record's user.
        let marker = Array("\"user\":\"".utf8)
        let at = try #require(line.first { bytes[$0..<($0 + marker.count)].elementsEqual(marker) }) + marker.count
        bytes[at] = bytes[at] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        let stamp = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate]
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        try FileManager.default.setAttributes([.modificationDate: stamp as Any], ofItemAtPath: path)
        let (file, tree) = try JSONFileStore.readParticipant(subject, folder: directory + "/participants", context: store.context)
        let day = try #require(CivilDate(String(lastDay.prefix(10))))
        let (from, to, _) = JSONFileStore.minutes(of: day, zone: utc)
        #expect(JSONFileStore.undoneDay(bytes, lines: lines, minutes: minutes, file: file, tree: tree, from: from, to: to) == nil)
        let recorded = try JSONFileStore(directory: directory, scales: TestData.scales, user: "t").recordedDay(day, zone: utc)
        #expect(recorded.problems.count == 1)
        #expect(recorded.problems.first?.message.contains("\(path) line \(altered + 1): the record was altered") == true)
        #expect(recorded.table.digest(subject) == nil)
    }

    @Test func aParticipantPassedOverWhoseFileCannotBeReadIsStillReported() throws {
        let (directory, store) = try demoWithTrailsDatedByTheirRecords()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let subject = try #require(try store.subjects().first)
        let path = directory + "/participants/" + subject + ".json"
        var bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
        bytes[bytes.count - 3] ^= 1
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        let recorded = try JSONFileStore(directory: directory, scales: TestData.scales, user: "t").recordedDay(today.adding(days: 1), zone: utc)
        #expect(recorded.problems.count == 1)
        #expect(recorded.problems.first?.message.contains(subject + ".json") == true)
        #expect(recorded.table.digest(subject) == nil)
    }
}
