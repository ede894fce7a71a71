import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The real binary in a real terminal: a private tmux server, keys in with send-keys, the screen out
/// with capture-pane. Size and locale are pinned so screens are the same on every machine.
final class TmuxSession {
    let socket = "cohort-test-" + UUID().uuidString.prefix(8)
    let name = "cohort"

    /// Starts `command` (a shell command line) in a `width` × `height` terminal; the pane stays after it
    /// exits and prints `EXIT=<status>` so tests can check how it ended.
    init(_ command: String, width: Int = 100, height: Int = 30, locale: String = "C.UTF-8", environment: [String: String]) throws {
        let exports = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        try tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height),
                  "env \(exports) LANG=\(locale) LC_ALL=\(locale) \(command); echo EXIT=$?; sleep 60"])
    }

    /// Pastes `text` as a terminal does (bracketed, when the program asked for it).
    func paste(_ text: String) {
        // Through a file: an argument is limited to 128 KiB, and the attack pastes megabytes.
        let file = NSTemporaryDirectory() + "tmux-paste-\(UUID().uuidString).txt"
        defer { unlink(file) }
        FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        _ = try? tmux(["load-buffer", file])
        _ = try? tmux(["paste-buffer", "-p", "-t", name])
    }

    /// Runs a tmux client command and returns what it printed. posix_spawn and waitpid rather than
    /// Foundation's Process: the tmux server daemonizes from the first client and would inherit
    /// Process's internal descriptors, so that waiting for the client never ends.
    @discardableResult
    func tmux(_ arguments: [String], capture: Bool = false) throws -> String {
        let output = NSTemporaryDirectory() + "tmux-\(socket)-\(UUID().uuidString).txt"
        defer { unlink(output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture ? output : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        // The tmux server and the program under test must not inherit this thread's blocked signals.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        guard posix_spawnp(&pid, "tmux", &actions, &attributes, &cArguments, environ) == 0 else { return "" }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return capture ? ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "") : ""
    }

    /// Sends keys (tmux key names: Enter, Escape, Down, C-c, or literal text with `literal`).
    func send(_ keys: String..., literal: Bool = false) {
        _ = try? tmux(["send-keys", "-t", name] + (literal ? ["-l"] : []) + keys)
    }

    /// The screen as text.
    func screen() -> String { (try? tmux(["capture-pane", "-p", "-t", name], capture: true)) ?? "" }

    /// Waits until the screen contains `text` (up to `timeout` seconds); returns whether it did.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10) -> Bool { wait(timeout) { $0.contains(text) } }

    /// Waits until the screen no longer contains `text` (up to `timeout` seconds); returns whether it went.
    @discardableResult
    func waitForGone(_ text: String, timeout: Double = 10) -> Bool { wait(timeout) { !$0.contains(text) } }

    private func wait(_ timeout: Double, until holds: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if holds(screen()) { return true }
            usleep(50_000)
        }
        return false
    }

    func resize(width: Int, height: Int) {
        _ = try? tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)])
    }

    deinit { _ = try? tmux(["kill-server"]) }
}
