import CohortDomain
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Git {
    /// Starts `executable ARGUMENTS` with `environment` through `posix_spawn`, feeds it `input` (standard
    /// input is empty without), and returns its status and both outputs once it has exited. Not
    /// Foundation's `Process`: on Linux each of its runs costs tens of milliseconds of waiting on its run
    /// loop, which a sync pays once per git command. The child gets only standard input, output and error
    /// (every other descriptor of this process closed: the store lock stays here) and the default handling
    /// of every signal Cohort changes. It starts in this process's folder: git is told its own (`-C`).
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                      input: Data?) throws -> (status: Int32, stdout: Data, stderr: Data) {
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        func closeAll() { for fd in inPipe + outPipe + errPipe where fd >= 0 { close(fd) } }
        guard input == nil || pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            let reason = String(cString: strerror(errno))
            closeAll()
            throw DomainError("git could not be started (\(executable)): \(reason). Sync again in a moment.")
        }
        // Another git started meanwhile (a thread of this process) must not hold these pipes open.
        for fd in inPipe + outPipe + errPipe where fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if input != nil {
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        closeOthers(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), none = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH, SIGALRM, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0.key + "=" + $0.value) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        // The child's ends, and nothing of ours, stay open in the child only.
        for fd in [inPipe[0], outPipe[1], errPipe[1]] where fd >= 0 { close(fd) }
        guard spawned == 0 else {
            for fd in [inPipe[1], outPipe[0], errPipe[0]] where fd >= 0 { close(fd) }
            throw DomainError("git could not be started (\(executable)): \(String(cString: strerror(spawned))). Install git (apt install git) and sync again.")
        }
        // The input is written, and standard error read, on other threads, so that no pipe fills while
        // another is waited on (`cat-file --batch` answers while it is still being asked).
        let errorBox = Box()
        let group = DispatchGroup()
        if let input {
            let writer = inPipe[1]
            group.enter()
            DispatchQueue.global().async {
                // A git that stops reading (killed, or failed) must not take Cohort down with SIGPIPE: on
                // this thread it stays pending, and the write says EPIPE.
                var pipeSignal = sigset_t()
                sigemptyset(&pipeSignal)
                sigaddset(&pipeSignal, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
                input.withUnsafeBytes { bytes in
                    var done = 0
                    while done < bytes.count {
                        let count = write(writer, bytes.baseAddress! + done, bytes.count - done)
                        if count < 0 && errno == EINTR { continue }
                        if count <= 0 { break }
                        done += count
                    }
                }
                close(writer)
                group.leave()
            }
        }
        let errorReader = errPipe[0]
        group.enter()
        DispatchQueue.global().async {
            errorBox.data = readAll(errorReader)
            group.leave()
        }
        let stdout = readAll(outPipe[0])
        group.wait()
        close(outPipe[0])
        close(errorReader)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // The exit code, or 128 + the signal that ended it (as a shell says).
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + status & 0x7f
        return (code, stdout, errorBox.data)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), looked up at run time: Swift's
    /// Glibc module leaves out what needs `_GNU_SOURCE`.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Adds to `actions` the closing of every descriptor from 3 up in the child: at once where glibc can,
    /// else each one this process holds open without close-on-exec now.
    private static func closeOthers(_ actions: inout posix_spawn_file_actions_t) {
        if let addCloseFrom, addCloseFrom(&actions, 3) == 0 { return }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init).sorted() where fd > 2 {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 { posix_spawn_file_actions_addclose(&actions, fd) }
        }
    }

    /// Everything `fd` gives until its end.
    private static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            data.append(buffer, count: count)
        }
        return data
    }
}

/// A value filled by another thread, read after it is joined.
final class Box: @unchecked Sendable {
    var data = Data()
}
