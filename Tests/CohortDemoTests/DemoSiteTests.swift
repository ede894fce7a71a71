import CohortDemo
import CohortDomain
import CohortFileStore
import CohortStore
import CohortTestSupport
import Foundation
import Testing

/// The demo site (docs/RULES.md, "The demo"): reproducible from its seed, made through the audited engine,
/// never dated after its now. (That no adverse event's awareness or report is after the demo's now, at
/// several times of day, is DemoClockTests in CohortStoreTests.)
struct DemoSiteTests {
    static let today = TestData.today

    /// A demo built in a fresh temporary folder; the caller removes it.
    static func build(seed: UInt64, participants: Int = 30, now: Moment? = nil) throws -> (directory: String, store: JSONFileStore) {
        let directory = NSTemporaryDirectory() + "cohort-demo-tests-" + UUID().uuidString
        return (directory, try DemoSite.build(directory: directory, participants: participants, seed: seed, today: today, now: now, scales: TestData.scales))
    }

    /// Every file under `directory` by its path inside it, with its bytes.
    static func files(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: directory))
        while let path = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            files[path] = FileManager.default.contents(atPath: directory + "/" + path)
        }
        return files
    }

    @Test func theSameSeedGivesTheSameStoreByteForByte() throws {
        let first = try Self.build(seed: 42), second = try Self.build(seed: 42)
        defer { for directory in [first.directory, second.directory] { try? FileManager.default.removeItem(atPath: directory) } }
        let a = try Self.files(first.directory), b = try Self.files(second.directory)
        #expect(a.keys.filter { $0.hasPrefix("participants/") }.count == 30)
        #expect(a.keys.sorted() == b.keys.sorted())
        let differing = a.keys.filter { b[$0] != a[$0] }.sorted()
        #expect(differing.isEmpty, "\(differing.count) files differ between two builds of seed 42: \(differing.prefix(5))")
    }

    @Test func anotherSeedGivesAnotherSite() throws {
        let first = try Self.build(seed: 42), second = try Self.build(seed: 43)
        defer { for directory in [first.directory, second.directory] { try? FileManager.default.removeItem(atPath: directory) } }
        let a = try first.store.subjects().map { try first.store.participant($0) }
        let b = try second.store.subjects().map { try second.store.participant($0) }
        #expect(a.map(\.subject) == b.map(\.subject), "the same subjects")
        let differing = zip(a, b).filter { $0 != $1 }.count
        #expect(differing > a.count / 2, "only \(differing) of \(a.count) participants differ between seeds 42 and 43")
    }

    @Test func everyParticipantIsTheReplayOfItsTrailAndTheStoreVerifies() throws {
        let demo = try Self.build(seed: 7)
        defer { try? FileManager.default.removeItem(atPath: demo.directory) }
        let verified = demo.store.verify()
        #expect(verified.problems.isEmpty, "\(verified.problems)")
        for subject in try demo.store.subjects() {
            let trail = try demo.store.auditTrail(subject: subject)
            #expect(trail.problems.isEmpty, "\(subject): \(trail.problems)")
            #expect(trail.records.count > 1, "\(subject) was made by more than one audited change")
            // Replayed here, independently of verify: the patches from {} give the file's participant.
            var document = JSONValue.emptyObject
            for record in trail.records { try JSONPatch.apply(record.operation, to: &document) }
            let file = try JSONValue.parse(Array(try #require(FileManager.default.contents(atPath: demo.directory + "/participants/\(subject).json"))))
            #expect(document == file["content"]?["participant"], "\(subject)'s file is not the replay of its trail")
        }
    }

    @Test(arguments: [nil, 9 * 60 + 30, 15 * 60] as [Int?])
    func nothingIsDatedAfterTheDemosNow(minutesIntoToday: Int?) throws {
        let given = minutesIntoToday.map { Moment(minutes: Self.today.dayNumber * 1440 + $0, offset: 0) }
        let demo = try Self.build(seed: 11, participants: 40, now: given)
        defer { try? FileManager.default.removeItem(atPath: demo.directory) }
        let now = given ?? Moment(minutes: Self.today.dayNumber * 1440 + 720, offset: 0)
        let latestRecord = Self.isoUTC(now)
        for subject in try demo.store.subjects() {
            let participant = try demo.store.participant(subject)
            var dates = [participant.consentDate] + participant.administrations.map(\.date) + participant.measurements.map(\.date)
            dates += participant.visits.flatMap { [$0.completedDate, $0.missedDate].compactMap { $0 } }
            dates += participant.adverseEvents.map(\.onset) + participant.medications.map(\.start)
            for date in dates { #expect(date <= Self.today, "\(subject) has \(date), after the demo's today \(Self.today)") }
            for record in try demo.store.auditTrail(subject: subject).records {
                #expect(record.time.prefix(16) <= latestRecord, "\(subject) record \(record.seq) at \(record.time), after the demo's now \(latestRecord)")
            }
        }
    }

    /// `2026-11-25T12:00`: `moment` in UTC to the minute, as an audit record's time (`…T12:00:00.000Z`) begins.
    static func isoUTC(_ moment: Moment) -> String {
        let date = CivilDate(dayNumber: Int((Double(moment.minutes) / 1440).rounded(.down)))
        let inDay = moment.minutes - date.dayNumber * 1440
        return "\(date)T" + String(format: "%02d:%02d", inDay / 60, inDay % 60)
    }
}
