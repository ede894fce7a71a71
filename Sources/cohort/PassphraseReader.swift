import CohortDomain
import CohortIdentity
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads passphrases from the terminal without echo, or a line at a time from `--passphrase-fd N` for
/// scripts and tests; never from an argument or the environment (docs/RULES.md, "Users and roles").
struct PassphraseReader {
    /// The descriptor given with `--passphrase-fd`, or nil for the terminal.
    let descriptor: Int32?

    /// The next passphrase: the next line of the descriptor, or typed at the terminal after `prompt`.
    func read(_ prompt: String) throws -> String {
        if let descriptor { return try Self.line(from: descriptor) }
        return try Self.fromTerminal(prompt)
    }

    /// A new passphrase: checked against the rules, typed twice at a terminal.
    func readNew(_ prompt: String) throws -> String {
        let first = try read(prompt)
        if let problem = SealedKey.passphraseProblem(first) { throw DomainError(problem + " Nothing was changed.") }
        if descriptor == nil, try Self.fromTerminal("Type it again: ") != first {
            throw DomainError("The two passphrases differ. Nothing was changed.")
        }
        return first
    }

    /// One line from `descriptor`, read a byte at a time so the next line stays for the next passphrase.
    static func line(from descriptor: Int32) throws -> String {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = Glibc.read(descriptor, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count < 0 {
                throw DomainError("--passphrase-fd \(descriptor) cannot be read (\(String(cString: strerror(errno)))): give a descriptor that is open for reading, e.g. `3< file`.")
            }
            if count == 0 || byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
            guard bytes.count <= 1024 else { throw DomainError("The passphrase read from --passphrase-fd \(descriptor) is longer than 1,024 bytes.") }
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard !bytes.isEmpty else { throw DomainError("No passphrase on --passphrase-fd \(descriptor) (an empty line or the end of input).") }
        // Never decoded loosely: invalid bytes would all read as U+FFFD, so different byte strings would
        // open the same key (docs/RULES.md, "Users and roles").
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DomainError("The passphrase is not valid UTF-8 text (it holds bytes that are no character in UTF-8): set the terminal or the input to UTF-8 and type it again. Nothing was changed.")
        }
        return text
    }

    /// True when this process has a controlling terminal to ask a passphrase at.
    static var hasTerminal: Bool {
        let terminal = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard terminal >= 0 else { return false }
        close(terminal)
        return true
    }

    /// A line typed at the controlling terminal with echo on (a user name).
    static func typed(_ prompt: String) throws -> String {
        try fromTerminal(prompt, echo: true)
    }

    /// A line typed at the controlling terminal with echo off (unless `echo`); the terminal is put back as it was.
    static func fromTerminal(_ prompt: String, echo: Bool = false) throws -> String {
        let terminal = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard terminal >= 0 else {
            throw DomainError("A passphrase is needed and there is no terminal to type it at: give --passphrase-fd N (a descriptor to read it from), or `cohort login` first.")
        }
        defer { close(terminal) }
        var saved = termios()
        guard tcgetattr(terminal, &saved) == 0 else { throw DomainError("The terminal cannot be set to read a passphrase without echo: give --passphrase-fd N.") }
        var quiet = saved
        if !echo {
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
        }
        _ = prompt.withCString { write(terminal, $0, strlen($0)) }
        tcsetattr(terminal, TCSAFLUSH, &quiet)
        defer { tcsetattr(terminal, TCSAFLUSH, &saved) }
        let text = try line(from: terminal)
        return text
    }
}
