import Foundation
import Testing

/// Every refused command exits with its status (docs/RULES.md, "The command line"), says why on standard error, and leaves every file byte-identical.
struct RefusalTests {
    static let refusals: [(arguments: [String], status: Int32, message: String)] = [
        (["complete", "101-9999", "W1"], 1, "No participant 101-9999"),
        (["complete", "101-0001", "W9"], 1, "has no visit 'W9'"),
        (["complete", "101-0001", "W1", "--date", "2026-02-30"], 1, "not a real date"),
        (["complete", "101-0001", "W1", "--date", "yesterday"], 1, "not a real date"),
        (["complete", "101-0001", "SCR", "--date", "2026-12-01"], 1, "after today"),
        (["complete", "101-0001", "W1", "--today", "2026-13-01"], 1, "--today '2026-13-01' is not a real date"),
        (["score", "101-0001", "D1", "PANSS", "444444444444444444444444444444"], 1, "complete it before"),
        (["score", "101-0001", "SCR", "PANSS", "4444"], 1, "takes 30 item scores"),
        (["score", "101-0001", "SCR", "PANSS", "844444444444444444444444444444"], 1, "must be 1–7"),
        (["score", "101-0001", "SCR", "NOPE", "1"], 1, "Unknown scale 'NOPE'"),
        (["score", "101-0001", "SCR", "CSSRS", "000000"], 1, "already holds"),
        (["score", "101-0001", "SCR", "CSSRS", "100000"], 1, "reason to change CSSRS"),
        (["complete", "101-0002", "W1"], 1, "was cancelled"),
        (["enroll", "101-0001", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--baseline", "2026-11-30"], 1, "already used"),
        (["enroll", "101-0003", "--initials", "A", "--birth-year", "1980", "--sex", "Q", "--baseline", "2026-11-30"], 1, "initials: initials are 2 or 3 letters; sex: sex is F, M or X"),
        (["enroll", "bad/id", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--baseline", "2026-11-30"], 1, "not a coded ID"),
        (["miss", "101-0001", "SCR", "--reason", ""], 1, "reason the visit was missed is required"),
        (["miss", "101-0001", "SCR", "--reason", "bell\u{7}"], 1, "control characters"),
        (["miss", "101-0001", "SCR", "--reason", String(repeating: "x", count: 5000)], 1, "keep it to 500"),
        (["reschedule", "101-0001", "W1", "2026-12-20"], 1, "outside its window"),
        (["withdraw", "101-0002", "--category", "other", "--reason", "again"], 1, "already left"),
        (["withdraw", "101-0001", "--reason", "no category"], 64, "--category"),
        (["randomize", "101-0001", "R-0002"], 1, "already randomized"),
        (["randomize", "101-0002", "R-0009"], 1, "cannot be randomized"),
        (["acknowledge", "101-0001", "SCR", "cssrs-urgent", "--action", "PI called"], 1, "no unacknowledged urgent flag"),
        (["acknowledge", "101-0001", "SCR", "cssrs-urgent"], 64, "--action"),
        (["deviation", "101-0001", "D1", "--class", "minor"], 1, "no protocol deviation"),
        (["deviation", "101-0001", "D1", "--class", "severe"], 64, "--class"),
        (["init", "--protocol", "NOPE"], 1, "No bundled protocol or file named 'NOPE'"),
        (["init"], 1, "already holds a Cohort store"),
        (["show", "\u{1b}[31m"], 1, "Unknown subject"),
        (["complete", "101-0001"], 64, "Missing expected argument"),
        (["visits", "--format", "xml"], 64, "format"),
        (["visits", "--bogus"], 64, "Unknown option"),
        (["frobnicate"], 64, "Unexpected argument"),
        (["demo", "--participants", "0"], 64, "--participants"),
        // Empty, huge and control-character values.
        (["enroll", "", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--baseline", "2026-11-30"], 1, "subject ID is empty"),
        (["enroll", "101-0009", "--initials", String(repeating: "A", count: 100_000), "--birth-year", "1980", "--sex", "F", "--baseline", "2026-11-30"], 1, "2 or 3 letters"),
        (["enroll", "101-0009", "--initials", "AB", "--birth-year", "", "--sex", "F", "--baseline", "2026-11-30"], 1, "four digits"),
        (["enroll", "101-0009", "--initials", "AB", "--birth-year", "1980", "--sex", "", "--baseline", ""], 1, "sex is F, M or X"),
        (["score", "101-0001", "SCR", "CSSRS", ""], 1, "takes 6 item scores"),
        (["score", "101-0001", "SCR", "CSSRS", "0\u{0}0000"], 1, "CSSRS"),
        (["score", "101-0001", "SCR", "CSSRS", String(repeating: "0", count: 100_000)], 1, "takes 6 item scores"),
        (["reschedule", "101-0001", "W1", ""], 1, "not a real date"),
        (["miss", "101-0001", "SCR", "--reason", "\n\t "], 1, "is required"),
        (["visits", "--date", ""], 1, "not a real date"),
        (["summary", "--date", "2026-02-29"], 1, "not a real date"),
        (["show", ""], 1, "subject ID is empty"),
        (["show", String(repeating: "9", count: 100_000)], 1, "not a coded ID"),
        (["audit", "101-0404"], 1, "No participant 101-0404"),
        (["deviation", "101-0001", "SCR", "--class", "minor", "--note", "late because of snow"], 1, "no protocol deviation"),
        (["acknowledge", "101-0001", "SCR", "nonsense", "--action", "called"], 1, "no unacknowledged urgent flag"),
        (["complete", "101-0001", "D1", "--user", "bad\u{1b}name"], 1, "user name"),
        (["complete", "101-0001", "D1", "--today", ""], 1, "not a real date"),
        (["export", "--format", "pdf"], 64, "format"),
        (["score", "101-0001", "SCR"], 64, "Missing expected argument"),
    ]

    /// 101-0001: screening done with a CSSRS; 101-0002: withdrawn.
    func preparedStore() -> CLIHarness {
        let cli = CLIHarness()
        cli.ok(["init"])
        for subject in ["101-0001", "101-0002"] {
            cli.ok(["enroll", subject, "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--consent", "2026-11-08", "--baseline", "2026-11-18"])
            cli.recordEligible(subject)
            cli.ok(["randomize", subject, "R-" + subject, "--date", "2026-11-08"])
        }
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        cli.ok(["score", "101-0001", "SCR", "CSSRS", "000000"])
        cli.ok(["withdraw", "101-0002", "--category", "other", "--reason", "moved away"])
        return cli
    }

    @Test func refusedCommandsExplainAndTouchNothing() throws {
        let cli = preparedStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        for (arguments, status, message) in Self.refusals {
            let outcome = cli.run(arguments)
            #expect(outcome.status == status, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
            #expect(outcome.stdout.isEmpty || status == 64, "\(arguments)")
            #expect(cli.snapshot() == before, "\(arguments) changed the store")
        }
    }

    @Test func nonUTF8BytesAndBrokenProtocolFilesAreRefused() throws {
        let cli = preparedStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        for arguments in [["show", "\u{FF}\u{FE}"], ["complete", "101-0001", "D1", "--reason", "\u{FF}"]] {
            // printf turns \\xff into a raw byte that is not UTF-8.
            let script = "exec \"$0\" \(arguments[0]) " + arguments.dropFirst().map { "\"$(printf '\($0.unicodeScalars.map { $0.value > 0x7f ? "\\x" + String($0.value, radix: 16) : String($0) }.joined())')\"" }.joined(separator: " ")
            let outcome = cli.run(["-c", script, CLIHarness.binary], executable: "/bin/bash")
            let stderr = outcome.stderr
            #expect([1, 64].contains(outcome.status), "\(arguments): \(stderr)")
            #expect(!stderr.isEmpty)
        }
        #expect(cli.snapshot() == before)

        let fresh = CLIHarness()
        defer { fresh.remove() }
        let folder = NSTemporaryDirectory() + "protocols-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files: [(String, Data, String)] = [
            ("garbage.json", Data("not json".utf8), "not valid JSON"),
            ("binary.json", Data([0xFF, 0xFE, 0x00, 0x7B]), "not valid JSON"),
            ("empty.json", Data(), "not valid JSON"),
            ("huge.json", Data(("{\"id\": \"" + String(repeating: "x", count: 2_000_000) + "\"}").utf8), "at most 1 MiB"),
            ("cycle.json", Data(#"{"id":"C","title":"t","arms":["A"],"primaryScale":"PANSS","visits":[{"code":"D1","name":"B","day":1,"minus":0,"plus":0,"scales":[],"baseline":true},{"code":"X","name":"X","anchor":"Y","offset":1,"minus":0,"plus":0,"scales":[]},{"code":"Y","name":"Y","anchor":"X","offset":1,"minus":0,"plus":0,"scales":[]}]}"#.utf8), "anchors cannot form a cycle"),
        ]
        for (name, data, message) in files {
            FileManager.default.createFile(atPath: folder + "/" + name, contents: data)
            let outcome = fresh.run(["init", "--protocol", folder + "/" + name])
            #expect(outcome.status == 1 && outcome.stderr.contains(message), "\(name): \(outcome.stderr.prefix(300))")
            #expect(!FileManager.default.fileExists(atPath: fresh.store), "\(name) created a store")
        }
    }

    @Test func storeTroubleExitsTwo() throws {
        let missing = CLIHarness()
        let outcome = missing.run(["visits"])
        #expect(outcome.status == 2 && outcome.stderr.contains("No Cohort store at") && outcome.stderr.contains("cohort init"))

        let cli = preparedStore()
        defer { cli.remove() }
        let path = cli.store + "/participants/101-0002.json"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try original.replacingOccurrences(of: "\"initials\" : \"AB\"", with: "\"initials\" : \"ZZ\"").write(toFile: path, atomically: false, encoding: .utf8)
        let before = cli.snapshot()
        let damaged = cli.run(["complete", "101-0002", "W1"])
        #expect(damaged.status == 2 && damaged.stderr.contains("participants/101-0002.json"))
        let listing = cli.run(["visits", "--format", "json"])
        #expect(listing.status == 2 && listing.stderr.contains("101-0002.json") && !listing.stdout.isEmpty)
        let verify = cli.run(["verify"])
        #expect(verify.status == 2 && verify.stdout.contains("FAIL") && verify.stdout.contains("101-0002.json"))
        #expect(cli.run(["complete", "101-0001", "D1", "--date", "2026-11-18"]).status == 0) // other participants stay usable
        #expect(cli.snapshot().filter { $0.key.contains("0002") } == before.filter { $0.key.contains("0002") })
    }

    @Test func aLockedStoreIsRefusedNamingTheHolder() throws {
        let cli = preparedStore()
        defer { cli.remove() }
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", "import fcntl, os, sys, time; f = open(sys.argv[1], 'a+'); fcntl.flock(f, fcntl.LOCK_EX); f.truncate(0); f.write(str(os.getpid())); f.flush(); print('locked', flush=True); time.sleep(20)", cli.store + "/.lock"]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        _ = out.fileHandleForReading.availableData // "locked"
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        let outcome = cli.run(["complete", "101-0001", "D1", "--date", "2026-11-18"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("in use by PID \(holder.processIdentifier)"))
    }

    @Test func concurrentCopiesNeverLoseAnUpdate() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        cli.ok(["init"])
        cli.ok(["enroll", "101-0001", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--consent", "2026-11-01", "--baseline", "2026-11-04"])
        cli.recordEligible("101-0001")
        cli.ok(["randomize", "101-0001", "R-0001", "--date", "2026-11-01"])
        // Eight processes at once, each changing a different field of the same participant.
        // Day 1 first: the visits after the baseline can be marked missed only once it is done.
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-02"])
        cli.ok(["complete", "101-0001", "D1", "--date", "2026-11-04"])
        let visits = ["W1", "W2", "W3", "W4", "W5"]
        let group = DispatchGroup()
        let statuses = Statuses()
        for visit in visits {
            group.enter()
            DispatchQueue.global().async {
                statuses.add(cli.run(["miss", "101-0001", visit, "--reason", "test \(visit)", "--date", "2026-11-25"]).status)
                group.leave()
            }
        }
        group.wait()
        #expect(statuses.all == Array(repeating: 0, count: visits.count))
        let shown = cli.json(cli.ok(["show", "101-0001", "--format", "json"]).stdout)
        let missed = (shown["visits"] as? [[String: Any]])?.filter { $0["status"] as? String == "missed" }.count
        #expect(missed == visits.count)
        #expect(cli.ok(["verify"]).status == 0)
    }
}

/// Thread-safe collection of exit statuses.
final class Statuses: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int32] = []
    func add(_ value: Int32) { lock.lock(); values.append(value); lock.unlock() }
    var all: [Int32] { lock.lock(); defer { lock.unlock() }; return values }
}
