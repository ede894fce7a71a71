import Foundation
import Testing

/// The outsider's attacks on the store from the command line: links and special files in the store,
/// loose modes, names and text built to deceive, and copies racing for the next subject ID.
struct HostileStoreTests {
    func enrolledStore() -> CLIHarness {
        let cli = CLIHarness()
        cli.ok(["init", "--protocol", "SCZ-5W-INPT"])
        cli.ok(["enroll", "101-0001", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--consent", "2026-11-08", "--baseline", "2026-11-18"])
        cli.ok(["randomize", "101-0001", "R-0001", "--date", "2026-11-08"])
        return cli
    }

    /// Runs `cohort` with a 10-second limit: a command that hangs on a FIFO is a failure, not a stuck suite.
    func limited(_ cli: CLIHarness, _ arguments: [String]) -> CLIHarness.Outcome {
        cli.run(["10", CLIHarness.binary] + arguments, executable: "/usr/bin/timeout")
    }

    @Test func aSymlinkedLockIsRefusedAndItsTargetUntouched() throws {
        let cli = enrolledStore()
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
            let cli = enrolledStore()
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
        let cli = enrolledStore()
        defer { cli.remove() }
        unlink(cli.store + "/.lock")
        #expect(mkfifo(cli.store + "/.lock", 0o600) == 0)
        let outcome = limited(cli, ["reschedule", "101-0001", "W1", "2026-11-26"])
        #expect(outcome.status == 2 && outcome.stderr.contains("not a regular file"), "\(outcome.status) \(outcome.stderr)")
    }

    @Test func looseModesAreClosedOnOpenAndReportedByVerify() throws {
        let cli = enrolledStore()
        defer { cli.remove() }
        chmod(cli.store, 0o777)
        chmod(cli.store + "/participants", 0o755)
        cli.ok(["visits"])
        for folder in ["", "/participants"] {
            let mode = (try FileManager.default.attributesOfItem(atPath: cli.store + folder)[.posixPermissions] as? Int) ?? 0
            #expect(mode == 0o700, "\(folder): \(String(mode, radix: 8))")
        }
        chmod(cli.store + "/participants/101-0001.json", 0o644)
        let outcome = cli.run(["verify"])
        #expect(outcome.status == 2 && outcome.stdout.contains("101-0001.json is open to other users (mode 644)"), "\(outcome.stdout)")
    }

    @Test func namesAndTextBuiltToDeceiveAreRefusedAndWriteNothing() throws {
        let cli = enrolledStore()
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
        let cli = enrolledStore()
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
