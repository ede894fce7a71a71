import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 20 through the real binary: what the outside tester tried, tried again.
@Suite(.serialized)
struct ThirdAttackCommandTests {
    /// A bundled protocol's text with `replace` applied to it.
    func protocolFile(_ cli: CLIHarness, _ replace: (String) -> String) throws -> String {
        let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/protocols/TRD-8W-OUTPT.json")
        let path = cli.store + "-protocol.json"
        try replace(try String(contentsOf: bundled, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aFractionalVisitDaySaysWhichNumberMustBeWhole() throws {
        let cli = CLIHarness()
        defer { cli.remove(); unlink(cli.store + "-protocol.json") }
        let file = try protocolFile(cli) { $0.replacingOccurrences(of: "\"day\": 8,", with: "\"day\": 8.5,") }
        let outcome = cli.run(["init", "--protocol", file])
        #expect(outcome.status == 1 && outcome.stderr.contains("visit 3 day must be a whole number"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("not valid JSON"))
    }

    @Test func aPrimaryScaleCollectedAtNoVisitIsRefused() throws {
        let cli = CLIHarness()
        defer { cli.remove(); unlink(cli.store + "-protocol.json") }
        let file = try protocolFile(cli) { $0.replacingOccurrences(of: "        \"MADRS\",\n", with: "") }
        let outcome = cli.run(["init", "--protocol", file])
        #expect(outcome.status == 1 && outcome.stderr.contains("primary scale MADRS is collected at no visit"), "\(outcome.stderr)")
    }

    @Test func helpForACommandThatDoesNotExistIsAUsageError() {
        let cli = CLIHarness()
        let outcome = cli.run(["help", "bogus"])
        #expect(outcome.status == 64 && outcome.stderr.contains("no command 'bogus'"), "\(outcome.stderr)")
        #expect(cli.run(["help", "ae", "add"]).status == 0)
        #expect(cli.run(["help", "ae", "bogus"]).status == 64)
    }

    @Test func userNamesAreAPlainASCIISetSoNoLookAlikesPass() {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        // "lеad" with a Cyrillic е, an accent, a space, 33 characters.
        for name in ["l\u{0435}ad", "léad", "dr lead", String(repeating: "a", count: 33), ""] {
            let outcome = cli.run(["reschedule", "101-0001", "W1", "2026-11-26", "--reason", "x", "--user", name])
            #expect(outcome.status == 1 && outcome.stderr.contains("a-z A-Z"), "\(name): \(outcome.stderr)")
        }
        #expect(cli.snapshot() == before)
        #expect(cli.run(["reschedule", "101-0001", "W1", "2026-11-26", "--reason", "x", "--user", "dr.Lead_2-b"]).status == 0)
    }

    @Test func momentsPastYear9999AreRefusedAtInput() {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        for arguments in [["visits", "--now", "9999-12-31T23:59"], ["visits", "--now", "9999-12-30T00:00+14:00"], ["visits", "--today", "9999-12-31"]] {
            let outcome = cli.run(arguments)
            #expect(outcome.status == 1 && outcome.stderr.contains("too late"), "\(arguments): \(outcome.stderr)")
        }
        #expect(cli.run(["visits", "--now", "9979-12-20T12:00"]).status == 0)
    }

    @Test func anExportThroughALinkToTheStoreIsRefused() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let link = cli.store + "-link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: cli.store)
        defer { unlink(link) }
        let before = cli.snapshot()
        let outcome = cli.run(["export", "--out", link + "/participants/101-0001.json"])
        #expect(outcome.status == 1 && outcome.stderr.contains("an export never writes there"), "\(outcome.stderr)")
        #expect(cli.snapshot() == before)
    }

    /// A `--demo` copy killed outright (or hung up on, or terminated) leaves no demo folder behind.
    @Test(arguments: ["KILL", "TERM", "HUP"])
    func aDemoCopyEndedBySignalLeavesNoFolder(signal: String) throws {
        let temporary = NSTemporaryDirectory() + "cohort-demo-test-" + UUID().uuidString + "/"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let session = try TmuxSession(CLIHarness.binary + " --demo", environment: ["TMPDIR": temporary, "COHORT_TODAY": "2026-11-25",
                                                                                  "COHORT_USER": "lead", "TERM": "xterm-256color"])
        #expect(session.waitFor("Demo: logged in", timeout: 60), "\(session.screen())")
        let folders = try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("cohort-demo-") && !$0.contains(".") }
        let pid = try #require(folders.first.flatMap { Int32($0.dropFirst("cohort-demo-".count)) }, "\(folders)")
        let number = ["KILL": SIGKILL, "TERM": SIGTERM, "HUP": SIGHUP][signal]!
        kill(pid, number)
        var left = folders
        for _ in 0..<100 where !left.isEmpty {
            usleep(100_000)
            left = ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).filter { $0.hasPrefix("cohort-demo-") }
        }
        #expect(left.isEmpty, "\(signal) left \(left)")
    }

    /// A `--demo` copy ended while its store is still being built (its first seconds) leaves neither the
    /// folder it builds in nor the store (issue 24): the sweeper removes the building folder too.
    @Test(arguments: ["TERM", "HUP", "KILL"])
    func aDemoCopyEndedWhileBuildingLeavesNoFolder(signal: String) throws {
        let temporary = NSTemporaryDirectory() + "cohort-demo-test-" + UUID().uuidString + "/"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let session = try TmuxSession(CLIHarness.binary + " --demo", environment: ["TMPDIR": temporary, "COHORT_TODAY": "2026-11-25",
                                                                                  "COHORT_USER": "lead", "TERM": "xterm-256color"])
        defer { withExtendedLifetime(session) {} }
        // Waits for the folder the demo is built in, then ends the copy at once.
        var building: String?
        for _ in 0..<3000 where building == nil {
            building = ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).first { $0.contains(".building-") }
            if building == nil { usleep(20_000) }
        }
        let name = try #require(building, "the demo was never seen building")
        let pid = try #require(Int32(name.dropFirst("cohort-demo-".count).prefix { $0.isNumber }))
        kill(pid, ["KILL": SIGKILL, "TERM": SIGTERM, "HUP": SIGHUP][signal]!)
        var left = [name]
        for _ in 0..<100 where !left.isEmpty {
            usleep(100_000)
            left = ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).filter { $0.hasPrefix("cohort-demo-") }
        }
        #expect(left.isEmpty, "\(signal) while building left \(left)")
    }
}
