// cohort-bench: how Cohort's speed and memory grow with the store. Run it release-built:
//   swift run -c release cohort-bench [--sizes 100,1000,10000] [--runs 7] [--rounds 5]
// For each size it makes (or reuses) a seeded demo store under $TMPDIR and measures each operation in a
// child process of its own (so peak memory is per size). Rounds take the sizes in turn, so a noisy spell
// on the machine falls on every size alike; the table shows the medians of all rounds' samples.
import CohortDemo
import CohortDomain
import CohortReports
import CohortResources
import CohortScreens
import CohortStore
import CohortFileStore
import CohortSync
import CohortViewModels
import Foundation

let today = CivilDate("2026-11-25")!
let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
let runs = max(1, Int(option("--runs") ?? "") ?? 7)
let rounds = max(1, Int(option("--rounds") ?? "") ?? 5)
let scales = try BundledResources.scales()

/// Seconds taken by `body`.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// The edit the benchmark saves: a scheduled visit's reschedule reason, alternating, so every save changes
/// one field of one participant.
func benchmarkEdit(_ participant: inout Participant, _ studyProtocol: StudyProtocol) -> String? {
    guard let index = participant.visits.firstIndex(where: { $0.status == .scheduled }) else { return nil }
    let old = participant.visits[index].rescheduleReason
    participant.visits[index].rescheduleReason = old == "bench a" ? "bench b" : "bench a"
    return "benchmark"
}

/// A demo store of `size` participants, made once and reused.
func storeDirectory(size: Int) throws -> String {
    let directory = NSTemporaryDirectory() + "cohort-bench-format\(JSONFileStore.formatVersion)-demo\(DemoSite.generation)-\(size)"
    if FileManager.default.fileExists(atPath: directory + "/cohort-store.json") { return directory }
    try? FileManager.default.removeItem(atPath: directory)
    FileHandle.standardError.write(Data("making a demo store of \(size) participants…\n".utf8))
    try DemoSite.build(directory: directory, participants: size, seed: 1, today: today, scales: scales)
    return directory
}

/// Child mode: measure one size, print one tab-separated line of milliseconds and the peak RSS in MB.
func measure(size: Int) throws {
    let directory = try storeDirectory(size: size)
    let screen = AppScreen()
    var state = AppState(today: today, user: "bench")
    var store = try JSONFileStore(directory: directory, scales: scales, user: "bench")
    var runner = EffectRunner(store: store, today: today, user: "bench")
    var afterFrame: [Effect] = []
    /// Lets go of the last run's store and state before the clock starts: freeing them is not opening.
    func reset() throws {
        afterFrame = []
        state = AppState(today: today, user: "bench")
        store = try JSONFileStore(directory: directory, scales: scales, user: "bench")
        runner = EffectRunner(store: store, today: today, user: "bench")
    }
    /// What `cohort` does from its start to its first frame: read the bundled scales, open the store, load
    /// the review table, draw. The check of every file that follows the first frame is measured apart.
    func start() throws {
        store = try JSONFileStore(directory: directory, scales: try BundledResources.scales(), user: "bench")
        runner = EffectRunner(store: store, today: today, user: "bench")
        state = AppState(today: today, user: "bench")
        afterFrame = runner.run(.load).map { state.handle($0) } ?? []
        _ = screen.render(state, width: 120, height: 40)
    }
    func check() {
        for effect in afterFrame { if let outcome = runner.run(effect) { _ = state.handle(outcome) } }
        afterFrame = []
    }
    // Without a cache: the first start on a store, or after the protocols changed.
    let cacheFile = directory + "/.cache/review-table"
    let rebuild = try (0..<max(1, runs / 3)).map { _ in
        unlink(cacheFile)
        try reset()
        return try seconds { try start(); check() }
    }
    // After an edit made elsewhere (the command line, another copy): the cache plus the journal of saves.
    let afterEdit = try (0..<runs).map { _ in
        try JSONFileStore(directory: directory, scales: scales, user: "bench").update(try store.subjects()[1], benchmarkEdit)
        usleep(100_000) // past the racy-stamp margin, as a real restart would be
        try reset()
        return try seconds(start)
    }
    var fullCheck: [Double] = []
    let firstFrame = try (0..<runs).map { _ in
        try reset()
        let time = try seconds(start)
        fullCheck.append(seconds(check))
        return time
    }
    func press(_ key: Key) -> Double {
        seconds {
            _ = state.handle(key: key)
            _ = screen.render(state, width: 120, height: 40)
        }
    }
    let moveDown = (0..<runs * 5).map { _ in press(.down) }
    let changeDay = (0..<runs).flatMap { _ in [press(.character("]")), press(.character("["))] }
    // Opening the roster builds its rows from every digest once; keys on it then cost what a page shows.
    let roster = (0..<runs).map { _ in
        defer { _ = press(.escape) }
        return press(.character("p"))
    }
    let subject = try store.subjects()[0]
    // A durable save is mostly the disk's flush, whose time varies more than anything else here: take many.
    let save = try (0..<runs * 10).map { _ in try seconds { try store.update(subject, benchmarkEdit) } }
    // The commands check every file against the cache (as `cohort summary` and `cohort visits` do).
    let summary = try (0..<runs).map { _ in
        try seconds {
            let table = try JSONFileStore(directory: directory, scales: scales, user: "bench").loadTable(.full).table
            _ = SummaryReport(summary: DaySummary(date: today, table: table, zone: .current), table: table, site: "bench").text()
        }
    }
    let visits = try (0..<runs).map { _ in
        try seconds {
            let opened = try JSONFileStore(directory: directory, scales: scales, user: "bench")
            _ = ReviewText.render(opened.loadTable(.full).table.review(on: today), context: opened.context)
        }
    }
    // Whole-store reads: `cohort verify` (every file, chain, replay and ledger) against `sha256sum` over the
    // same files, the yardstick of reading and hashing them; and `cohort audit --format json`.
    let verify = try (0..<max(1, runs / 3)).map { _ in
        try seconds {
            let problems = try JSONFileStore(directory: directory, scales: scales, user: "bench").verify().problems
            if !problems.isEmpty { FileHandle.standardError.write(Data("verify: \(problems.prefix(3))\n".utf8)) }
        }
    }
    let sha256sum = try (0..<max(1, runs / 3)).map { _ in
        try seconds {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/bin/sh")
            child.arguments = ["-c", "find \"$0\" -type f -not -path '*/.cache/*' -print0 | xargs -0 sha256sum > /dev/null", directory]
            try child.run()
            child.waitUntilExit()
        }
    }
    let auditJSON = try (0..<max(1, runs / 3)).map { _ in
        try seconds {
            var bytes = 0
            try JSONFileStore(directory: directory, scales: scales, user: "bench").forEachAuditRecordInTimeOrder(observe: { _ in }) { record in
                bytes += record.exported.canonicalBytes().count
            }
        }
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    // One line per column of the table: its samples (milliseconds; megabytes for memory).
    for samples in [firstFrame, moveDown, changeDay, save, summary, visits, fullCheck, afterEdit, rebuild, verify, sha256sum, auditJSON, roster] {
        print(samples.map { String(format: "%.4f", $0 * 1000) }.joined(separator: ","))
    }
    print(String(format: "%.1f", Double(usage.ru_maxrss) / 1024))
}

if let size = option("--measure").flatMap(Int.init) {
    try measure(size: size)
    exit(0)
}

/// `--sync SIZE`: the time of a `cohort sync` that brings 100 participants changed on another machine
/// into a store of SIZE, against one that brings 1 (git's own time included; the same store each time).
func measureSync(size: Int) throws {
    let folder = NSTemporaryDirectory() + "cohort-bench-sync-\(getpid())"
    try? FileManager.default.removeItem(atPath: folder)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let first = folder + "/first", second = folder + "/second", remote = folder + "/site.git"
    try FileManager.default.copyItem(atPath: try storeDirectory(size: size), toPath: first)
    let setupTime = try seconds {
        try Git(directory: folder, user: "bench", machine: nil).checked(["init", "-q", "--bare", remote])
        _ = try StoreSync.setup(store: JSONFileStore(directory: first, scales: scales, user: "bench"), remote: remote, user: "bench", seed: 1, now: Date())
        _ = try StoreSync.clone(remote: remote, into: second, user: "bench", seed: 2, now: Date())
    }
    FileHandle.standardError.write(Data(String(format: "sync: setup and clone of %d participants took %.1f s\n", size, setupTime).utf8))
    let writer = try JSONFileStore(directory: first, scales: scales, user: "bench")
    let reader = try JSONFileStore(directory: second, scales: scales, user: "bench")
    // Participants the benchmark's edit changes (one with a visit still scheduled).
    let subjects = try writer.subjects().filter { try writer.participant($0).visits.contains { $0.status == .scheduled } }
    var results: [Int: [Double]] = [:]
    for _ in 0..<runs {
        for count in [1, 100] {
            for subject in subjects.prefix(count) { try writer.update(subject, benchmarkEdit) }
            _ = try StoreSync(directory: first, user: "bench", machine: writer.machine!).sync(store: writer, merger: RefusingMerger(), now: Date())
            let sync = try StoreSync(directory: second, user: "bench", machine: reader.machine!)
            var report: SyncReport?
            results[count, default: []].append(try seconds { report = try sync.sync(store: reader, merger: RefusingMerger(), now: Date()) })
            guard report?.received.count == count else { throw DomainError("the sync brought \(report?.received.count ?? 0) participants, not \(count)") }
        }
    }
    let one = median(results[1] ?? [0]), hundred = median(results[100] ?? [0])
    print(String(format: "sync into %d participants: 100 changed %.1f ms, 1 changed %.1f ms, ratio %.1f× (git's own time included)", size, hundred * 1000, one * 1000, hundred / max(0.0001, one)))
}

if let size = option("--sync").flatMap(Int.init) {
    try measureSync(size: size)
    exit(0)
}

// A site numbers its subjects 0001–9999, so the largest store is 9,999 participants ("10,000" below).
let sizes = (option("--sizes") ?? "100,1000,9999").split(separator: ",").compactMap { Int($0) }.filter { (1...9_999).contains($0) }
for size in sizes { _ = try storeDirectory(size: size) }
// A store just made is still being written back to disk, which would slow the first sizes' flushes.
sync()
/// Per size, per column, every round's samples.
var samples: [Int: [[Double]]] = [:]
for _ in 0..<rounds {
    for size in sizes {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["--measure", String(size), "--runs", String(runs)]
        let pipe = Pipe()
        child.standardOutput = pipe
        try child.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        let columns = output.split(separator: "\n").map { $0.split(separator: ",").compactMap { Double($0) } }
        samples[size] = zip(samples[size] ?? Array(repeating: [], count: columns.count), columns).map { $0 + $1 }
    }
}
let header = ["participants", "first frame ms", "key: move ms", "key: day ms", "save ms", "summary ms", "visits ms",
              "check after frame ms", "first frame after edit ms", "first frame, no cache ms", "verify ms", "sha256sum ms",
              "audit json ms", "open roster ms", "peak MB"]
let rows = sizes.map { size in
    [String(size)] + (samples[size] ?? []).enumerated().map { column, values in
        // Peak memory is the largest of the rounds; times are medians.
        column == header.count - 2 ? String(format: "%.1f", values.max() ?? 0) : String(format: "%.3f", values.isEmpty ? 0 : median(values))
    }
}
func cell(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
let widths = header.indices.map { column in ([header[column]] + rows.map { $0.indices.contains(column) ? $0[column] : "" }).map(\.count).max() ?? 0 }
print(header.enumerated().map { cell($0.element, widths[$0.offset]) }.joined(separator: "  "))
for row in rows { print(row.enumerated().map { cell($0.element, widths[$0.offset]) }.joined(separator: "  ")) }
if let small = rows.first, let large = rows.last, small.count == header.count, large.count == header.count, rows.count > 1 {
    func ratio(_ column: Int) -> String { String(format: "%.2f", (Double(large[column]) ?? 0) / max(0.001, Double(small[column]) ?? 1)) }
    print("ratios \(large[0]) vs \(small[0]): first frame \(ratio(1))× (target ≤ 3), move \(ratio(2))× and day \(ratio(3))× (target ≤ 1.5, under 5 ms), save \(ratio(4))× (target ≤ 1.3)")
    print(String(format: "verify at %@ takes %.2f× the time of sha256sum over the same files (target ≤ 4)", large[0],
                 (Double(large[10]) ?? 0) / max(0.001, Double(large[11]) ?? 1)))
    print("the roster opens in \(large[13]) ms at \(large[0]) participants")
}
