import CohortDomain
import CohortFileStore
import CohortResources
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Two machines synced through a bare repository, made from the benchmark's unsigned store of one size
/// with real git, once, under $TMPDIR beside it and reused: machine A (`a`, `cohort sync setup`) and
/// machine B (`b`, `cohort clone`). B changes participants with ordinary saves and syncs; A then runs
/// `cohort sync` as a user would, in a process of its own, and that is what is measured (git's own time
/// included): a fast-forward, and a merge where A changed another participant too.
enum SyncMachines {
    /// Participants B changes in the large case.
    static let many = 100
    /// Bumped when how the machines are made changes (they are then made anew).
    static let generation = 1

    /// The folder holding `remote.git`, `a` and `b`.
    static func directory(size: Int) -> String {
        BenchStore.directory(size: size, signed: false) + "-sync\(generation)"
    }

    /// The `cohort` executable the syncs run: `--cohort PATH`, else the one built beside the benchmark.
    static var cohort: String {
        Bench.option("--cohort") ?? (URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path + "/cohort")
    }

    /// Runs `argv` (looked up on the PATH) in `folder` as the benchmark's user; refuses when it fails.
    static func run(_ argv: [String], in folder: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DomainError("cohort-bench: \(argv.joined(separator: " ")) failed (exit \(process.terminationStatus)).")
        }
    }

    /// The environment the machines' commands run in: the benchmark's user.
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["COHORT_USER"] = "bench"
        return environment
    }

    /// Makes the machines of `size` unless they were made before (a making that did not finish is redone).
    static func make(size: Int) throws {
        let root = directory(size: size), ready = root + ".ready"
        if access(ready, F_OK) == 0 { return }
        try? FileManager.default.removeItem(atPath: root)
        Bench.say("making two synced machines of \(size) participants (copy, sync setup, clone)…")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try run(["git", "init", "-q", "--bare", root + "/remote.git"])
        try run(["cp", "-a", BenchStore.directory(size: size, signed: false), root + "/a"])
        try run([cohort, "--store", root + "/a", "sync", "setup", root + "/remote.git"])
        try run([cohort, "clone", root + "/remote.git", root + "/b"])
        FileManager.default.createFile(atPath: ready, contents: Data())
    }

    /// Child mode (`--measure-sync SIZE`): `runs` of each case, printed as `--measure` prints its figures.
    /// A store of fewer than twice `many` participants is measured with 1 only (A's own change must be to
    /// another participant than B's).
    static func measure(size: Int, runs: Int, scales: ScaleCatalog) throws {
        setenv("COHORT_USER", "bench", 1)
        let root = directory(size: size), a = root + "/a", b = root + "/b"
        // B changes participants from the end of the store, A one from its start: never the same one, so
        // no merge here is a conflict. Each must have a scheduled visit for the edit to change.
        let store = try JSONFileStore(directory: b, scales: scales, user: "bench")
        let subjects = try store.subjects()
        func editable(_ subject: String) throws -> Bool { try store.participant(subject).visits.contains { $0.status == .scheduled } }
        let counts = subjects.count >= 2 * many ? [1, many] : [1]
        var theirs: [String] = []
        for subject in subjects.reversed() where theirs.count < counts.last! {
            if try editable(subject) { theirs.append(subject) }
        }
        guard let mine = try subjects.first(where: { try !theirs.contains($0) && editable($0) }), theirs.count == counts.last! else {
            throw DomainError("cohort-bench: too few participants with a scheduled visit in \(b).")
        }
        /// B takes in what A sent, saves `count` participants, and sends them.
        func bChanges(_ count: Int) throws {
            try run([cohort, "--store", b, "sync"])
            let machineB = try JSONFileStore(directory: b, scales: scales, user: "bench")
            for subject in theirs.prefix(count) { try machineB.update(subject, benchmarkEdit) }
            try run([cohort, "--store", b, "sync"])
        }
        /// A's `cohort sync`, timed as its user waits for it.
        func aSyncs() throws -> Double {
            let child = try ChildRun([cohort, "--store", a, "sync"])
            guard child.status == 0 else { throw DomainError("cohort-bench: cohort sync on machine A failed (exit \(child.status)).") }
            return child.total
        }
        var samples: [String: [Double]] = [:]
        for _ in 0..<runs {
            for count in counts {
                try bChanges(count)
                samples[Figures.sync(count), default: []].append(try aSyncs())
                try bChanges(count)
                try JSONFileStore(directory: a, scales: scales, user: "bench").update(mine, benchmarkEdit)
                samples[Figures.syncMerge(count), default: []].append(try aSyncs())
            }
        }
        for count in counts {
            for name in [Figures.sync(count), Figures.syncMerge(count)] {
                print(name + "\t" + (samples[name] ?? []).map { String($0) }.joined(separator: ","))
            }
        }
    }
}
