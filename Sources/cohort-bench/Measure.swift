import CohortDomain
import CohortFileStore
import CohortIdentity
import CohortReports
import CohortResources
import CohortScreens
import CohortStore
import CohortViewModels
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The edit the benchmark saves: a scheduled visit's reschedule reason, alternating, so every save changes
/// one field of one participant.
func benchmarkEdit(_ participant: inout Participant, _ studyProtocol: StudyProtocol) -> String? {
    guard let index = participant.visits.firstIndex(where: { $0.status == .scheduled }) else { return nil }
    let old = participant.visits[index].rescheduleReason
    participant.visits[index].rescheduleReason = old == "bench a" ? "bench b" : "bench a"
    return "benchmark"
}

/// Child mode (`--measure SIZE`): measures one size in a process of its own and prints one line per
/// figure, `name<TAB>samples` (seconds; MB for the `MB` figures). `Figures` names them.
func measure(size: Int, runs: Int, scales: ScaleCatalog) throws {
    let today = BenchStore.today
    let directory = BenchStore.directory(size: size, signed: false)
    let signedDirectory = BenchStore.directory(size: size, signed: true)
    var samples: [(String, [Double])] = []
    func record(_ name: String, _ values: [Double]) { samples.append((name, values)) }
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
    /// What follows the first frame, to the end: the check of every file, or (with no cache) every step of
    /// the read, each of which asks for the next, the last writing the cache.
    func check() {
        while !afterFrame.isEmpty {
            let effects = afterFrame
            afterFrame = []
            for effect in effects { if let outcome = runner.run(effect) { afterFrame += state.handle(outcome) } }
        }
    }
    let few = max(1, runs / 3)
    let me = CommandLine.arguments[0]
    // The whole store's first listing ever (a store just made or cloned) makes `.cache/audit-order` from
    // every trail: measured first, with no goal; the later listings (after the saves below) bring it up to
    // date, which is what the goal's "first line" is about.
    let audits = wanted(Figures.auditIndexed, Figures.auditFirstLine, Figures.auditTotal, Figures.auditMB)
    if audits {
        unlink(directory + "/.cache/audit-order")
        record(Figures.auditIndexed, [try ChildRun([me, "--audit", directory]).firstLine])
    }
    /// Whether any of `names` is asked for (`--only`); `sha256sum` is the baseline of the figures measured
    /// against it, so it comes with them.
    func wanted(_ names: String...) -> Bool { names.contains(where: Bench.wanted) }
    let frames = wanted(Figures.coldStart, Figures.coldWhole, Figures.afterEdit, Figures.firstFrame, Figures.fullCheck, Figures.moveDown, Figures.changeDay, Figures.roster)
    // Without a cache: the first start on a store, or after the protocols changed.
    let cacheFile = directory + "/.cache/review-table"
    if frames {
        // To the first frame (the part of the store read in its first tenth of a second), then to every file
        // read and the cache written.
        var coldWhole: [Double] = []
        record(Figures.coldStart, try (0..<few).map { _ in
            unlink(cacheFile)
            try reset()
            let time = try Bench.seconds(start)
            coldWhole.append(Bench.seconds(check) + time)
            return time
        })
        record(Figures.coldWhole, coldWhole)
        // After an edit made elsewhere (the command line, another copy): the cache plus the journal of saves.
        record(Figures.afterEdit, try (0..<runs).map { _ in
            try JSONFileStore(directory: directory, scales: scales, user: "bench").update(try store.subjects()[1], benchmarkEdit)
            usleep(100_000) // past the racy-stamp margin, as a real restart would be
            try reset()
            return try Bench.seconds(start)
        })
        var fullCheck: [Double] = []
        record(Figures.firstFrame, try (0..<runs).map { _ in
            try reset()
            let time = try Bench.seconds(start)
            fullCheck.append(Bench.seconds(check))
            return time
        })
        record(Figures.fullCheck, fullCheck)
        func press(_ key: Key) -> Double {
            Bench.seconds {
                _ = state.handle(key: key)
                _ = screen.render(state, width: 120, height: 40)
            }
    }
    record(Figures.moveDown, (0..<runs * 5).map { _ in press(.down) })
    record(Figures.changeDay, (0..<runs).flatMap { _ in [press(.character("]")), press(.character("["))] })
    // Opening the roster builds its rows from every digest once; keys on it then cost what a page shows.
    record(Figures.roster, (0..<runs).map { _ in
        defer { _ = press(.escape) }
        return press(.character("p"))
    })
    }
    // The commands check every file against the cache (as `cohort summary` and `cohort visits` do).
    if wanted(Figures.summary, Figures.visits) {
        record(Figures.summary, try (0..<runs).map { _ in
            try Bench.seconds {
                let table = try JSONFileStore(directory: directory, scales: scales, user: "bench").loadTable(.full).table
                _ = SummaryReport(summary: DaySummary(date: today, table: table, zone: .current), table: table, site: "bench").text()
            }
        })
        record(Figures.visits, try (0..<runs).map { _ in
            try Bench.seconds {
                let opened = try JSONFileStore(directory: directory, scales: scales, user: "bench")
                _ = ReviewText.render(opened.loadTable(.full).table.review(on: today), context: opened.context)
            }
        })
    }
    // `summary --as-recorded` of the day the benchmark wrote 10 records of every participant on: every
    // participant as it stood at the end of that day, the trails read back from the data. Sampled as often as
    // its baseline, `sha256sum`: one sample of a few could fall on a noisy spell.
    if wanted(Figures.asRecorded) {
        record(Figures.asRecorded, try (0..<runs).map { _ in
            try Bench.seconds {
                let opened = try JSONFileStore(directory: directory, scales: scales, user: "bench")
                let recorded = try AsRecordedSummary(BenchStore.recordDay, store: opened, zone: BenchStore.zone)
                _ = SummaryReport(summary: recorded.summary, table: recorded.table, site: "bench", now: recorded.now).text()
            }
        })
    }
    // Saves, unsigned (a store without users) and signed (the PI's key, in a store with users), taken in
    // turn so a noisy spell falls on both; a durable save is mostly the disk's flush, whose time varies
    // more than anything else here: take many. The KDF (scrypt) unlocks the key once per session.
    if wanted(Figures.kdfUnlock, Figures.save, Figures.signedSave) {
        let signedStore = try JSONFileStore(directory: signedDirectory, scales: scales, user: "bench")
        var key: UnlockedKey?
        record(Figures.kdfUnlock, try (0..<few).map { _ in
            try Bench.seconds { key = try BenchStore.unlockSigner(signedDirectory, store: signedStore) }
        })
        signedStore.signer = key
        let subject = try store.subjects()[0]
        var unsigned: [Double] = [], signed: [Double] = []
        for _ in 0..<runs * 10 {
            unsigned.append(try Bench.seconds { try store.update(subject, benchmarkEdit) })
            signed.append(try Bench.seconds { try signedStore.update(subject, benchmarkEdit) })
    }
    record(Figures.save, unsigned)
    record(Figures.signedSave, signed)
    }
    // Whole-store reads, each in a process of its own as a user runs it: `verify` (every file, chain,
    // replay, signature and ledger) of both stores, against `sha256sum` over the same files (every file
    // verify reads: all but the derived `.cache/`), taken in turn; and `audit --format json`, to its first
    // line and to its end, with its peak memory.
    var verify: [Double] = [], verifySigned: [Double] = [], sha256sum: [Double] = []
    let verifying = wanted(Figures.verify, Figures.verifySigned), baseline = verifying || wanted(Figures.sha256sum, Figures.coldStart, Figures.asRecorded)
    // `sha256sum` and `verify` as often as the other runs (a pair of single samples swings the ratio by a
    // third on a shared machine); the signed store's, seconds each, a third as often.
    for run in 0..<(baseline ? runs : 0) {
        sha256sum.append(try ChildRun(["/bin/sh", "-c", "find \"$0\" -type f -not -path '*/.cache/*' -print0 | xargs -0 sha256sum", directory]).total)
        guard verifying else { continue }
        verify.append(try ChildRun([me, "--verify", directory]).total)
        if run < few { verifySigned.append(try ChildRun([me, "--verify", signedDirectory]).total) }
    }
    record(Figures.sha256sum, sha256sum)
    record(Figures.verify, verify)
    record(Figures.verifySigned, verifySigned)
    let listings = try (0..<(audits ? few : 0)).map { _ in try ChildRun([me, "--audit", directory]) }
    record(Figures.auditFirstLine, listings.map(\.firstLine))
    record(Figures.auditTotal, listings.map(\.total))
    record(Figures.auditMB, listings.compactMap(\.peakMB))
    record(Figures.peakMB, [Bench.peakMB()])
    for (name, values) in samples { print(name + "\t" + values.map { String($0) }.joined(separator: ",")) }
}

/// Child mode (`--verify DIR`): what `cohort verify` does; the problems, if any, to standard error.
func verifyChild(_ directory: String, scales: ScaleCatalog) throws {
    let problems = try JSONFileStore(directory: directory, scales: scales, user: "bench").verify().problems
    if !problems.isEmpty { Bench.say("verify \(directory): \(problems.count) problems, first: \(problems.prefix(3))") }
}

/// Child mode (`--audit DIR`): what `cohort audit --format json` prints, every record of the store in time
/// order, one JSON line each, through a buffer as standard output's is.
func auditChild(_ directory: String, scales: ScaleCatalog) throws {
    var buffer: [UInt8] = []
    func flush() {
        buffer.withUnsafeBytes { var done = 0; while done < $0.count { let n = write(1, $0.baseAddress! + done, $0.count - done); if n <= 0 { break }; done += n } }
        buffer.removeAll(keepingCapacity: true)
    }
    try JSONFileStore(directory: directory, scales: scales, user: "bench").forEachAuditRecordInTimeOrder { record, _ in
        buffer += record.exported.canonicalBytes()
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 4096 { flush() }
    }
    buffer += Array((Bench.peakPrefix + String(Bench.peakMB()) + "\n").utf8)
    flush()
}
