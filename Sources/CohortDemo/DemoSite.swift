import CohortDomain
import CohortResources
import CohortStore
import Foundation

/// A realistic demo site: staggered enrollments across three studies, completed and missed visits (some
/// out of window), score trajectories that improve for most and worsen for a few, a few C-SSRS findings.
/// Every participant is made through the same domain actions as real edits and fully audited.
/// The same seed and `today` give the same store, byte for byte.
public enum DemoSite {
    /// Bumped whenever the demo's content changes (stores kept by the benchmark are then made anew).
    public static let generation = 3

    /// The studies of the demo, with the share of participants in each.
    static let studies: [(id: String, share: Double)] = [("SCZ-5W-INPT", 0.5), ("TRD-8W-OUTPT", 0.35), ("BPM-3W-ACUTE", 0.15)]

    /// Creates a store at `directory` and fills it. Refuses a directory that already holds a store.
    @discardableResult
    public static func build(directory: String, participants count: Int, seed: UInt64, today: CivilDate,
                             scales: ScaleCatalog) throws -> JSONFileStore {
        // Built beside the destination and moved into place whole, so a failure never leaves half a demo.
        if FileManager.default.fileExists(atPath: directory + "/cohort-store.json") {
            throw DomainError("\(directory) already holds a Cohort store; choose another --store for the demo.")
        }
        let building = directory + ".building-\(getpid())"
        try? FileManager.default.removeItem(atPath: building)
        defer { try? FileManager.default.removeItem(atPath: building) }
        try fill(building, participants: count, seed: seed, today: today, scales: scales)
        if FileManager.default.fileExists(atPath: directory) {
            // An empty folder (e.g. made by mktemp) is replaced; anything else is left alone.
            guard (try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty == true else {
                throw DomainError("\(directory) exists and is not empty; choose another --store for the demo.")
            }
            try FileManager.default.removeItem(atPath: directory)
        }
        try FileManager.default.moveItem(atPath: building, toPath: directory)
        return try JSONFileStore(directory: directory, scales: scales, user: "demo")
    }

    private static func fill(_ directory: String, participants count: Int, seed: UInt64, today: CivilDate,
                             scales: ScaleCatalog) throws {
        func protocols(_ id: String) throws -> StudyProtocol {
            guard let data = BundledResources.protocolData(named: id) else { throw DomainError("The bundled protocol \(id) is missing; reinstall Cohort.") }
            return try StudyProtocol.parse(data, scales: scales)
        }
        let clock = SimulatedClock(today: today)
        let store = try JSONFileStore.create(directory: directory, siteName: "Demo Research Site", siteNumber: "101",
                                             studyProtocol: try protocols(studies[0].id), scales: scales, user: "demo",
                                             clock: { clock.now })
        for study in studies.dropFirst() { try store.addProtocol(try protocols(study.id)) }
        var random = SplitMix64(seed: seed)
        for index in 1...count {
            let roll = random.unit()
            var cumulative = 0.0
            let studyID = studies.first { cumulative += $0.share; return roll < cumulative }?.id ?? studies[0].id
            let studyProtocol = try store.context.studyProtocol(studyID)
            var maker = ParticipantMaker(subject: "101-" + fourDigits(index),
                                         studyProtocol: studyProtocol, context: store.context, today: today, clock: clock)
            try store.saveNew(history: try maker.make(&random))
        }
    }

    private static func fourDigits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}

/// The demo's notion of "now": audit times follow the simulated day, so a seed always gives the same bytes.
final class SimulatedClock {
    var now: Date
    init(today: CivilDate) { now = SimulatedClock.morning(of: today) }

    /// 09:00 UTC on `date`, plus `minutes`.
    static func morning(of date: CivilDate, minutes: Int = 0) -> Date {
        Date(timeIntervalSince1970: Double(date.dayNumber * 86_400 + 9 * 3_600 + minutes * 60))
    }
}

/// A small, fast, seedable generator (SplitMix64), so demo stores are reproducible on every platform.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Uniform in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }
}
