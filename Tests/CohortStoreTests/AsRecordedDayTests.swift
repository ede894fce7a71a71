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

    /// What `summary --as-recorded` computed before it read only what the day touched: every participant
    /// file read and every trail written since the day began replayed.
    func everyTrailReplayed(_ store: JSONFileStore, on day: CivilDate) throws -> (ReviewTable, DaySummary.Records, Int) {
        let context = store.context
        var states: [Participant] = [], records = DaySummary.Records()
        let problems = try store.forEachParticipantDay(day, zone: utc, replayAll: true) { record in
            guard let state = record.endOfDay else { return }
            states.append(state)
            records.add(record: state, dayChange: record.dayChange, on: day, context: context)
        }
        return (ReviewTable(participants: states, context: context), records, problems.count)
    }

    /// A demo whose trails carry the time of their last record, as if written on the demo's own days.
    func demoWithTrailsDatedByTheirRecords() throws -> (String, JSONFileStore) {
        let directory = NSTemporaryDirectory() + "cohort-recorded-" + UUID().uuidString
        let store = try DemoSite.build(directory: directory, participants: 40, seed: 5, today: today, scales: TestData.scales)
        for subject in try store.subjects() {
            let path = directory + "/audit/" + subject + ".jsonl"
            let bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
            let last = try #require(AuditLog.timesOf(bytes).last)
            let date = try #require(ISO8601DateFormatter().date(from: String(last) + ":30Z"))
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
        }
        return (directory, try JSONFileStore(directory: directory, scales: TestData.scales, user: "t"))
    }

    @Test func theDayAsRecordedIsWhatReplayingEveryTrailGivesOnEveryDay() throws {
        let (directory, store) = try demoWithTrailsDatedByTheirRecords()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var passedOverSomewhere = false
        for offset in stride(from: -70, through: 0, by: 5) {
            let day = today.adding(days: offset)
            let (table, records, problems) = try everyTrailReplayed(store, on: day)
            let recorded = try JSONFileStore(directory: directory, scales: TestData.scales, user: "t").recordedDay(day, zone: utc)
            #expect(problems == 0 && recorded.problems.isEmpty)
            #expect(recorded.table == table, "\(day)")
            #expect(recorded.records == records, "\(day)")
            var before = DaySummary(date: day, table: table, zone: utc), after = DaySummary(date: day, table: recorded.table, zone: utc)
            before.add(records)
            after.add(recorded.records)
            #expect(after == before, "\(day)")
            let passed = PassedOver()
            _ = try store.forEachParticipantDay(day, zone: utc, replayAll: true, wholeRecord: { _ in false }, passedOver: passed) { _ in }
            passedOverSomewhere = passedOverSomewhere || !passed.subjects.isEmpty
        }
        #expect(passedOverSomewhere, "some days have participants whose trails were not written since: they come from the table")
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
                let (from, to) = JSONFileStore.minutes(of: day, zone: utc)
                let replayed = try JSONFileStore.replayedDay(bytes, file: file, path: path, from: from, to: to)
                let undone = JSONFileStore.undoneDay(bytes, lines: lines, minutes: minutes, file: file, tree: tree, memo: memo, from: from, to: to)
                #expect(undone != nil, "\(subject) \(day): the tail undoes onto the data")
                let same = undone.map { $0.start == replayed.start && $0.end == replayed.end && $0.onDay == replayed.onDay } ?? false
                #expect(same, "\(subject) \(day)")
                if let end = undone?.end, end != file.participant { undoneAfterTheDay += 1 }
            }
        }
        #expect(undoneAfterTheDay > 100, "days with records after them: the day's end is undone too")
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
