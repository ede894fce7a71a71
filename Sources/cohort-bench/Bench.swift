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
    /// Its peak resident memory, MB.
    var peakMB: Double

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
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            if first == nil && buffer[..<count].contains(UInt8(ascii: "\n")) { first = elapsed() }
        }
        close(fds[0])
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        total = elapsed()
        firstLine = first ?? total
        peakMB = Double(usage.ru_maxrss) / 1024
    }
}
