import CohortDomain
import CohortIdentity
import CohortResources
import CohortStore
import CohortFileStore
import Foundation

/// A realistic demo site: staggered enrollments across three studies, completed and missed visits (some
/// out of window), score trajectories that improve for most and worsen for a few, a few C-SSRS findings.
/// Every participant is made through the same domain actions as real edits and fully audited.
/// The same seed, `today` and hour of `now` give the same store, byte for byte.
public enum DemoSite {
    /// Bumped whenever the demo's content changes (stores kept by the benchmark are then made anew).
    public static let generation = 4

    /// The studies of the demo, with the share of participants in each.
    static let studies: [(id: String, share: Double)] = [("SCZ-5W-INPT", 0.5), ("TRD-8W-OUTPT", 0.35), ("BPM-3W-ACUTE", 0.15)]

    /// The folder this process builds the demo of `directory` in, before it is moved into place.
    public static func buildingFolder(_ directory: String) -> String { directory + ".building-\(getpid())" }

    /// Creates a store at `directory` and fills it, as it stands at `now` (default noon UTC of `today`, the
    /// screens' own default): nothing in it, an AE's awareness or a report, is later than `now`
    /// (docs/RULES.md, "The demo's clock"). Refuses a directory that already holds a store.
    @discardableResult
    public static func build(directory: String, participants count: Int, seed: UInt64, today: CivilDate, now: Moment? = nil,
                             scales: ScaleCatalog, people: DemoPeople? = nil) throws -> JSONFileStore {
        // Built beside the destination and moved into place whole, so a failure never leaves half a demo.
        if FileManager.default.fileExists(atPath: directory + "/cohort-store.json") {
            throw DomainError("\(directory) already holds a Cohort store; choose another --store for the demo.")
        }
        let building = buildingFolder(directory)
        try? FileManager.default.removeItem(atPath: building)
        defer { try? FileManager.default.removeItem(atPath: building) }
        // Down to the hour, so the same seed and day give the same store, byte for byte, all the hour long.
        let hour = (now?.minutes).map { Moment(minutes: $0 - (($0 % 60) + 60) % 60, offset: 0) }
        try fill(building, participants: count, seed: seed, today: today, now: hour ?? Moment(minutes: today.dayNumber * 1440 + 720, offset: 0),
                 scales: scales, people: people)
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

    private static func fill(_ directory: String, participants count: Int, seed: UInt64, today: CivilDate, now: Moment,
                             scales: ScaleCatalog, people: DemoPeople?) throws {
        func protocols(_ id: String) throws -> StudyProtocol {
            guard let data = BundledResources.protocolData(named: id) else { throw DomainError("The bundled protocol \(id) is missing; reinstall Cohort.") }
            return try StudyProtocol.parse(data, scales: scales)
        }
        let clock = SimulatedClock(today: today, now: now)
        let store = try JSONFileStore.create(directory: directory, siteName: "Demo Research Site", siteNumber: "101",
                                             studyProtocol: try protocols(studies[0].id), scales: scales, user: "demo",
                                             clock: { clock.now })
        // With people, authentication is on before anything else is saved: every later save is the PI's, signed.
        if let people { try people.add(to: store, at: UTCTimestamp.string(from: clock.now)) }
        for study in studies.dropFirst() { try store.addProtocol(try protocols(study.id)) }
        var random = SplitMix64(seed: seed)
        for index in 1...count {
            let roll = random.unit()
            var cumulative = 0.0
            let studyID = studies.first { cumulative += $0.share; return roll < cumulative }?.id ?? studies[0].id
            let studyProtocol = try store.context.studyProtocol(studyID)
            var maker = ParticipantMaker(subject: "101-" + fourDigits(index),
                                         studyProtocol: studyProtocol, context: store.context, today: today, clock: clock,
                                         signer: people.map { DemoSigner(key: $0.pi) })
            try store.saveNew(history: try maker.make(&random))
        }
        if let people { try signYesterdaysSummary(store, signer: DemoSigner(key: people.pi), today: today, clock: clock) }
    }

    /// The PI's signed daily review of yesterday (`cohort sign - summary:DATE`), early this morning.
    private static func signYesterdaysSummary(_ store: JSONFileStore, signer: DemoSigner, today: CivilDate, clock: SimulatedClock) throws {
        let day = today.adding(days: -1)
        let recorded = try AsRecordedSummary(day, store: store, zone: TimeZone(secondsFromGMT: 0)!)
        clock.now = max(clock.now, clock.time(on: today, minutes: 15))
        try store.addSummarySignature(try signer.record(.summary(day), subject: "-", meaning: .reviewed, content: recorded.content, at: clock.now))
    }

    private static func fourDigits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}

/// The demo's notion of "now": audit times follow the simulated day, so a seed always gives the same bytes;
/// on its `today` every time is before the demo's `now` (docs/RULES.md, "The demo's clock").
final class SimulatedClock {
    var now: Date
    /// The moment the demo stands at: no awareness, report or record is later.
    let demoNow: Moment
    /// An hour before `demoNow`: more than the minutes a visit's entries (measures, safety) add after its time.
    private let cutoff: Date
    private let today: CivilDate

    init(today: CivilDate, now demoNow: Moment) {
        self.today = today
        self.demoNow = demoNow
        cutoff = Date(timeIntervalSince1970: Double(demoNow.minutes - 60) * 60)
        now = Self.morning(of: today)
    }

    /// How long a demo working day is: times are 09:00 UTC plus under this many minutes.
    static let workingMinutes = 480

    /// 09:00 UTC on `date`, plus `minutes`.
    static func morning(of date: CivilDate, minutes: Int = 0) -> Date {
        Date(timeIntervalSince1970: Double(date.dayNumber * 86_400 + 9 * 3_600 + minutes * 60))
    }

    /// A time of work on `date` (`minutes` under `workingMinutes` into the day): 09:00 UTC plus `minutes`,
    /// except on `today`, where what would come later than an hour before the demo's now is pressed into
    /// the hour before that, in the same order: no AE is learned of in the demo's future.
    func time(on date: CivilDate, minutes: Int) -> Date {
        let usual = Self.morning(of: date, minutes: minutes)
        guard date >= today else { return usual }
        let pressed = cutoff.addingTimeInterval(-Double(Self.workingMinutes - 1 - minutes) * 60 / 8)
        return min(usual, pressed)
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

/// The people of `cohort demo --users` (docs/RULES.md, "The demo"): a PI and a coordinator, each with a
/// new key pair sealed in `keys` under a passphrase made up for the demo, which `cohort demo` prints.
public struct DemoPeople {
    /// Each user with the passphrase that opens their key.
    public let users: [(user: User, passphrase: String)]
    /// The PI's key, unlocked (`cohort --demo` opens logged in as the PI).
    public var pi: UnlockedKey { unlocked[0] }
    /// Where their sealed private keys go.
    let keys: KeyFolder
    /// Their keys (the PI's first).
    let unlocked: [UnlockedKey]

    /// A PI (`ana`) and a coordinator (`cole`) with new keys and random passphrases.
    public init(keys: KeyFolder) {
        let added = ""
        func passphrase() -> String {
            (0..<4).map { _ in String((0..<4).map { _ in "abcdefghijkmnopqrstuvwxyz".randomElement()! }) }.joined(separator: "-")
        }
        var made: [(User, String)] = [], unlocked: [UnlockedKey] = []
        for (name, fullName, role, addedBy) in [("ana", "Dr Ana Ruiz", Role.pi, nil as String?), ("cole", "Cole Park", Role.coordinator, "ana")] {
            var user = User(name: name, fullName: fullName, role: role, publicKey: "", addedBy: addedBy, added: added)
            let key = UnlockedKey.generate(for: user)
            user.publicKey = key.publicKeyText
            made.append((user, passphrase()))
            unlocked.append(key)
        }
        users = made; self.keys = keys; self.unlocked = unlocked
    }

    /// Seals their keys in the key folder and adds them to `store` at `time` (the demo's clock), logged in
    /// as the PI from then on.
    func add(to store: JSONFileStore, at time: String) throws {
        for (index, entry) in users.enumerated() {
            try keys.save(try SealedKey.seal(unlocked[index], passphrase: entry.passphrase))
            var user = entry.user
            user.added = time
            try store.addUser(user, key: unlocked[index])
            if index == 0 { store.signer = unlocked[index] }
        }
    }
}
