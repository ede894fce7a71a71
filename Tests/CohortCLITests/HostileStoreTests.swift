import Foundation
import Testing

/// The outsider's attacks on the store from the command line: links and special files in the store,
/// loose modes, names and text built to deceive, and copies racing for the next subject ID.
struct HostileStoreTests {
    /// Runs `cohort` with a 10-second limit: a command that hangs on a FIFO is a failure, not a stuck suite.
    func limited(_ cli: CLIHarness, _ arguments: [String]) -> CLIHarness.Outcome {
        cli.run(["10", CLIHarness.binary] + arguments, executable: "/usr/bin/timeout")
    }

    @Test func aSymlinkedLockIsRefusedAndItsTargetUntouched() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let victim = cli.store + ".victim"
        defer { unlink(victim) }
        FileManager.default.createFile(atPath: victim, contents: Data("precious\n".utf8))
        unlink(cli.store + "/.lock")
        try FileManager.default.createSymbolicLink(atPath: cli.store + "/.lock", withDestinationPath: victim)
        let outcome = limited(cli, ["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        #expect(outcome.status == 2 && outcome.stderr.contains("symbolic link"), "\(outcome.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    }

    @Test func linksAndSpecialFilesInTheStoreAreNamedAndNeverFollowedOrWaitedOn() throws {
        for kind in ["symlink", "fifo", "folder-link"] {
            let cli = CLIHarness.enrolledStore()
            defer { cli.remove() }
            let file = cli.store + "/participants/101-0001.json"
            let elsewhere = cli.store + ".elsewhere"
            defer { try? FileManager.default.removeItem(atPath: elsewhere) }
            switch kind {
            case "symlink":
                try FileManager.default.moveItem(atPath: file, toPath: elsewhere)
                try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: elsewhere)
            case "fifo":
                unlink(file)
                #expect(mkfifo(file, 0o600) == 0)
            default:
                try FileManager.default.moveItem(atPath: cli.store + "/participants", toPath: elsewhere)
                try FileManager.default.createSymbolicLink(atPath: cli.store + "/participants", withDestinationPath: elsewhere)
            }
            for arguments in [["show", "101-0001"], ["visits"], ["verify"], ["reschedule", "101-0001", "W1", "2026-11-26"]] {
                let outcome = limited(cli, arguments)
                #expect(outcome.status == 2, "\(kind) \(arguments): status \(outcome.status) \(outcome.stderr)")
                #expect(outcome.stderr.contains("symbolic link") || outcome.stderr.contains("not a regular file")
                        || outcome.stdout.contains("symbolic link") || outcome.stdout.contains("not a regular file"),
                        "\(kind) \(arguments): \(outcome.stderr) \(outcome.stdout)")
            }
        }
    }

    @Test func aFIFOAsTheLockNeverHangs() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        unlink(cli.store + "/.lock")
        #expect(mkfifo(cli.store + "/.lock", 0o600) == 0)
        let outcome = limited(cli, ["reschedule", "101-0001", "W1", "2026-11-26"])
        #expect(outcome.status == 2 && outcome.stderr.contains("not a regular file"), "\(outcome.status) \(outcome.stderr)")
    }

    /// Issue 20: no command closes a loose mode silently, so `verify` still reports the exposure afterwards.
    @Test func looseModesAreLeftForVerifyToReportNeverClosedSilently() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        chmod(cli.store, 0o777)
        chmod(cli.store + "/participants", 0o755)
        chmod(cli.store + "/audit/101-0001.jsonl", 0o644)
        cli.ok(["visits"])
        cli.ok(["reschedule", "101-0001", "W1", "2026-11-26", "--reason", "asked"])
        let outcome = cli.run(["verify"])
        #expect(outcome.status == 2, "\(outcome.stdout)")
        for exposed in ["participants is open to other users (mode 755)", "101-0001.jsonl is open to other users (mode 644)", "(mode 777)"] {
            #expect(outcome.stdout.contains(exposed), "\(exposed): \(outcome.stdout)")
        }
    }

    @Test func namesAndTextBuiltToDeceiveAreRefusedAndWriteNothing() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        let combining = "a" + String(repeating: "\u{301}", count: 60_000)
        let cases: [([String], [String: String], String)] = [
            (["enroll", "JaneDoe-19840517", "--initials", "JD", "--birth-year", "1984", "--sex", "F", "--baseline", "2026-11-30"], [:], "not a coded ID"),
            (["enroll", "١٠١-0002", "--initials", "JD", "--birth-year", "1984", "--sex", "F", "--baseline", "2026-11-30"], [:], "not a coded ID"),
            (["miss", "101-0001", "SCR", "--reason", combining], [:], "2000 bytes"),
            (["miss", "101-0001", "SCR", "--reason", "no \u{202E}wohs"], [:], "control characters"),
            (["miss", "101-0001", "SCR", "--reason", "no show"], ["COHORT_USER": "ro\u{200B}ot"], "invisible"),
        ]
        for (arguments, environment, message) in cases {
            let outcome = cli.run(arguments, environment: environment)
            #expect(outcome.status == 1 && outcome.stderr.contains(message), "\(arguments.prefix(3)): \(outcome.stderr.prefix(300))")
        }
        #expect(cli.snapshot() == before)
        let fresh = CLIHarness()
        defer { fresh.remove() }
        let site = fresh.run(["init", "--protocol", "SCZ-5W-INPT", "--site-number", "١٠١"])
        #expect(site.status == 1 && site.stderr.contains("3 or 4 digits 0-9"), "\(site.stderr)")
    }

    @Test func concurrentEnrollNextGivesEveryCopyItsOwnID() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let copies = (0..<8).map { _ -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLIHarness.binary)
            process.arguments = ["enroll", "next", "--initials", "AB", "--birth-year", "1980", "--sex", "M", "--baseline", "2026-11-30"]
            process.environment = cli.environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for copy in copies { try copy.run() }
        for copy in copies { copy.waitUntilExit() }
        #expect(copies.allSatisfy { $0.terminationStatus == 0 })
        let roster = try FileManager.default.contentsOfDirectory(atPath: cli.store + "/participants").filter { $0.hasSuffix(".json") }
        #expect(roster.count == 9, "\(roster.sorted())")
        #expect(cli.run(["verify"]).status == 0)
    }
}

/// The second outside attack's findings, each kept as a test.
struct SecondAttackTests {
    func demo() -> CLIHarness {
        let cli = CLIHarness()
        cli.ok(["demo"])
        return cli
    }

    func traced(_ cli: CLIHarness, _ injection: String, _ arguments: [String]) {
        cli.run(["-f", "-qq", "-o", "/dev/null", "-e", "inject=\(injection)", CLIHarness.binary] + arguments, executable: "/usr/bin/strace")
    }

    @Test func recordsOfASaveKilledBeforeItsCommitAreListedNowhere() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"))
        let cli = demo()
        defer { cli.remove() }
        traced(cli, "rename:signal=SIGKILL:when=1", ["complete", "101-0010", "W2"])
        let whole = cli.run(["audit", "--format", "json"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let records = cli.json(whole.stdout)["records"] as? [[String: Any]] ?? []
        #expect(!records.isEmpty)
        #expect(!records.contains { $0["subject"] as? String == "101-0010" && ($0["path"] as? String)?.hasSuffix("/status") == true
                                    && $0["value"] as? String == "completed" && $0["user"] as? String == "tester" })
        // An enrollment killed before its data file: no participant, no records, and audit and verify agree.
        traced(cli, "rename:signal=SIGKILL:when=1", ["enroll", "next", "--initials", "ZZ", "--birth-year", "1984", "--sex", "F",
                                                     "--baseline", "2026-12-01", "--study", "SCZ-5W-INPT"])
        let audit = cli.run(["audit", "101-0025", "--format", "json"])
        #expect(audit.status == 1 && audit.stdout.isEmpty && audit.stderr.contains("did not finish"), "\(audit.stderr)")
        #expect(cli.run(["verify"]).status == 0)
    }

    @Test func aStoreCreationKilledHalfWayCanBeCreatedAgain() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"))
        for injection in ["write:signal=SIGKILL:when=1", "mkdir:signal=SIGKILL:when=3", "fsync:signal=SIGKILL:when=2"] {
            let cli = CLIHarness()
            defer { cli.remove() }
            traced(cli, injection, ["init", "--protocol", "SCZ-5W-INPT"])
            let again = cli.run(["init", "--protocol", "SCZ-5W-INPT"])
            #expect(again.status == 0, "\(injection): \(again.stderr)")
            #expect(cli.run(["verify"]).status == 0, "\(injection)")
        }
    }

    @Test func aHandEditedResealedFileIsRefusedNotSavedOver() throws {
        let cli = demo()
        defer { cli.remove() }
        let path = cli.store + "/participants/101-0002.json"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let range = try #require(text.range(of: #""initials" : "[A-Z]+""#, options: .regularExpression))
        text.replaceSubrange(range, with: #""initials" : "ZZ""#)
        var bytes = Array(text.utf8)
        let prefix = Array("{\n  \"checksum\" : \"sha256:".utf8)
        var blanked = bytes
        blanked.replaceSubrange(prefix.count..<(prefix.count + 64), with: repeatElement(UInt8(ascii: "0"), count: 64))
        bytes.replaceSubrange(prefix.count..<(prefix.count + 64), with: Array(sha256Hex(blanked).utf8))
        FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        let before = cli.snapshot()
        let outcome = cli.run(["reschedule", "101-0002", "W8", "2026-12-01"])
        #expect(outcome.status == 2 && outcome.stderr.contains("not what its audit trail records"), "\(outcome.stderr)")
        #expect(cli.snapshot() == before)
    }

    @Test func verifyNamesFoldersThatWereOpenToOthers() throws {
        let cli = demo()
        defer { cli.remove() }
        chmod(cli.store + "/audit", 0o777)
        let outcome = cli.run(["verify"])
        #expect(outcome.status == 2 && outcome.stdout.contains("audit is open to other users (mode 777)"), "\(outcome.stdout)")
        #expect(cli.run(["verify"]).status == 2) // until someone closes it
        chmod(cli.store + "/audit", 0o700)
        #expect(cli.run(["verify"]).status == 0)
    }

    @Test func badBytesAndFolderNamesAreRefusedNotRepaired() throws {
        let cli = demo()
        defer { cli.remove() }
        let before = cli.snapshot()
        #expect(cli.run(["miss", "101-0010", "W2", "--reason", "bad\u{FFFD}bytes"]).status == 0) // a real U+FFFD is text
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\"$0\" visits --user \"$(printf '\\377\\376')\"", CLIHarness.binary]
        process.environment = cli.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 64)
        for out in [".", "..", cli.store + "/."] {
            let outcome = cli.run(["export", "--out", out])
            #expect(outcome.status == 1 && outcome.stderr.contains("names a folder"), "\(out): \(outcome.stderr)")
        }
        _ = before
    }

    @Test func theNextSubjectIDAfter9999IsTheLowestNeverUsed() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        cli.ok(["init", "--protocol", "SCZ-5W-INPT"])
        cli.ok(["enroll", "101-9999", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--baseline", "2026-12-01"])
        let next = cli.run(["enroll", "next", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--baseline", "2026-12-01"])
        #expect(next.status == 0 && next.stdout.contains("Enrolled 101-0001"), "\(next.stderr)")
        let far = cli.run(["enroll", "101-0005", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--baseline", "9999-12-31"])
        #expect(far.status == 1 && far.stderr.contains("more than a year after consent"), "\(far.stderr)")
    }
}

/// SHA-256 hex by the system tool (the tests' own, independent of Cohort's).
func sha256Hex(_ bytes: [UInt8]) -> String {
    let path = NSTemporaryDirectory() + "sha-" + UUID().uuidString
    defer { unlink(path) }
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    let process = Process()
    let pipe = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    process.standardOutput = pipe
    try? process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return String(output.prefix(64))
}
