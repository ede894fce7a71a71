import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The command line's options and the measuring helpers every part of the benchmark shares.
enum Bench {
    /// The benchmark's command line.
    static let arguments = CommandLine.arguments

    /// The value after `name`, if given.
    static func option(_ name: String) -> String? {
        arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }

    /// The figures asked for with `--only A,B` (each a part of a figure's name, e.g. `audit`), or every figure.
    static let only = option("--only")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }

    /// Whether the figure `name` is measured.
    static func wanted(_ name: String) -> Bool { only.map { $0.contains { name.contains($0) } } ?? true }

    /// Whether `name` was given.
    static func flag(_ name: String) -> Bool { arguments.contains(name) }

    /// Seconds taken by `body`.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The median (the upper one of an even count).
    static func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[values.count / 2] }

    /// What a child's last line begins with when it reports its peak memory.
    static let peakPrefix = "#peak MB "

    /// This process's peak resident memory in MB (`VmHWM`, which an exec starts afresh).
    static func peakMB() -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }

    /// Writes a line to standard error (progress, problems).
    static func say(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}

/// One child process as a user waits for it: the time to its first line of output, to its end, and its
/// peak memory (from `wait4`'s rusage, so it is the child's own).
struct ChildRun {
    /// Seconds from the start to the first newline on its standard output (its end when it prints none).
    var firstLine: Double
    /// Seconds from the start to its exit.
    var total: Double
    /// Its peak resident memory, MB, as it reports it on its last line (`#peak MB`, see `Bench.peakLine`):
    /// `wait4`'s `ru_maxrss` will not do, as Linux starts a spawned child's at its parent's peak.
    var peakMB: Double?
    /// Its exit status (`waitpid`'s), 0 when it succeeded.
    var status: Int32

    /// Runs `argv` (an absolute path first), its output read and dropped.
    init(_ argv: [String]) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CocoaError(.fileWriteUnknown) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        posix_spawn_file_actions_destroy(&actions)
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            throw CocoaError(.executableNotLoadable, userInfo: [NSFilePathErrorKey: argv[0]])
        }
        var first: Double?
        var buffer = [UInt8](repeating: 0, count: 1 << 16), tail: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            if first == nil && buffer[..<count].contains(UInt8(ascii: "\n")) { first = elapsed() }
            tail = Array((tail + buffer[..<count]).suffix(200))
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        total = elapsed()
        // The exit code, or 128 + the signal that ended it (as a shell says).
        self.status = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + status & 0x7f
        firstLine = first ?? total
        let last = String(decoding: tail, as: UTF8.self).split(separator: "\n").last ?? ""
        peakMB = last.hasPrefix(Bench.peakPrefix) ? Double(last.dropFirst(Bench.peakPrefix.count)) : nil
    }
}
