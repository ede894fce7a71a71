import Foundation
import Testing

/// The real TUI against hostile input and other copies: a paste stays in its field, a change made by the
/// command line appears without a key, a change begun on a stale view is not saved over the newer data.
@Suite(.serialized)
struct TerminalFollowsTheDiskTests {
    func open(locale: String = "C.UTF-8") throws -> (CLIHarness, TmuxSession) {
        let cli = CLIHarness()
        cli.ok(["demo"])
        let session = try TmuxSession(CLIHarness.binary, width: 100, height: 30, locale: locale,
                                      environment: ["COHORT_STORE": cli.store, "COHORT_TODAY": "2026-11-25", "COHORT_USER": "lead", "TERM": "xterm-256color"])
        #expect(session.waitFor("Today (4)"), "\(session.screen())")
        return (cli, session)
    }

    func status(_ cli: CLIHarness, _ subject: String, _ visit: String) -> String? {
        let shown = cli.json(cli.ok(["show", subject, "--format", "json"]).stdout)
        return (shown["visits"] as? [[String: Any]])?.first { $0["visit"] as? String == visit }?["status"] as? String
    }

    @Test func aPasteGoesIntoTheFieldAndNeverRunsAsKeys() throws {
        let (cli, session) = try open()
        defer { cli.remove() }
        session.send("j", "m")
        #expect(session.waitFor("Mark 101-0009 D1 Baseline missed"), "\(session.screen())")
        // The attack: a reason, then Enter, "j" (down), "c" (complete), Enter.
        session.paste("transport fell through\njc\n")
        #expect(session.waitFor("Reason: transport fell through jc"), "\(session.screen())")
        #expect(status(cli, "101-0009", "D1") == "scheduled")
        session.send("Enter")
        #expect(session.waitFor("Saved: 101-0009 D1 marked missed"), "\(session.screen())")
        #expect(status(cli, "101-0010", "W2") == "scheduled", "the paste completed another participant's visit")
        // Outside a text field a paste does nothing.
        session.paste("jjc\n")
        #expect(session.waitFor("A paste goes only into a text field"), "\(session.screen())")
        #expect(status(cli, "101-0010", "W2") == "scheduled")
        session.send("q")
        #expect(session.waitFor("EXIT=0"))
    }

    @Test func anOverLongPasteIsDiscardedWholeAndNeverRunsAsKeys() throws {
        let (cli, session) = try open()
        defer { cli.remove() }
        let data = { cli.snapshot().filter { !$0.key.hasPrefix(".cache") } }
        let before = data()
        // Every line would complete the selected visit and confirm it, were it replayed as keys.
        let line = "jc\r\rjjc\r\rm\rq\r"
        let attack150 = String(repeating: line, count: 150 * 1024 / line.utf8.count + 1)
        let attack1M = String(repeating: line, count: 1024 * 1024 / line.utf8.count + 1)
        // On the review.
        var started = Date()
        session.paste(attack150)
        #expect(session.waitFor("Paste of 150 KB discarded"), "\(session.screen())")
        session.paste(attack1M)
        #expect(session.waitFor("Paste of 1.0 MB discarded", timeout: 5), "\(session.screen())")
        let onReview = Date().timeIntervalSince(started)
        // In a text field: the reason of a missed visit stays empty, and the prompt stays open.
        session.send("m")
        #expect(session.waitFor("Reason:"), "\(session.screen())")
        started = Date()
        session.paste(attack1M)
        #expect(session.waitFor("Paste of 1.0 MB discarded", timeout: 5), "\(session.screen())")
        let inField = Date().timeIntervalSince(started)
        session.paste(String(repeating: "x", count: 501))
        #expect(session.waitFor("Paste of 501 characters discarded"), "\(session.screen())")
        session.paste("fell ill")
        #expect(session.waitFor("Reason: fell ill"), "\(session.screen())")
        session.send("Escape")
        session.send("q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")
        #expect(data() == before, "a paste changed the store")
        print("paste timings: 150 KB + 1 MB on the review \(onReview) s; 1 MB in a field \(inField) s")
        #expect(inField < 2, "a 1 MB paste kept the screen busy for \(inField) s")
    }

    @Test func aPasteHoldingTheEndMarkerIsDiscardedWholeAndTheRestNeverRunsAsKeys() throws {
        let (cli, session) = try open()
        defer { cli.remove() }
        let data = { cli.snapshot().filter { !$0.key.hasPrefix(".cache") } }
        let before = data()
        // Text that closes the paste early, then "c" and Enter (complete the selected visit) and "q".
        session.paste("ok\u{1b}[201~c\rq")
        #expect(session.waitFor("the paste held a paste-end marker"), "\(session.screen())")
        #expect(!session.screen().contains("EXIT="), "the rest of the paste quit")
        // Typed afterwards, keys are keys again.
        session.send("q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")
        #expect(data() == before, "the rest of the paste changed the store")
    }

    @Test func aChangeFromTheCommandLineAppearsWithoutAKey() throws {
        let (cli, session) = try open()
        defer { cli.remove() }
        #expect(session.screen().contains("101-0010  DO   W2 Week 2        D15  Nov 23–27    open"))
        cli.ok(["complete", "101-0010", "W2"])
        #expect(session.waitFor("101-0010  DO   W2 Week 2        D15  Nov 23–27    in-window", timeout: 4), "\(session.screen())")
        session.send("q")
        #expect(session.waitFor("EXIT=0"))
    }

    @Test func aChangeThatDoesNotMoveTheDigestAppearsOnTheOpenPageAndOnReopening() throws {
        let (cli, session) = try open()
        defer { cli.remove() }
        session.send("Enter")
        // The page's own header: "101-0004" alone is on the review too, before Enter has opened anything.
        #expect(session.waitFor("101-0004 FW · born"), "\(session.screen())")
        // A medication that is not prohibited changes nothing the day's lists show.
        cli.ok(["med", "add", "101-0004", "--name", "Paracetamol", "--start", "2026-11-20"])
        #expect(session.waitFor("Paracetamol", timeout: 4), "\(session.screen())")
        // Closed, changed elsewhere, opened again: the page reads the file anew.
        session.send("Escape")
        #expect(session.waitFor("Today (4)"), "\(session.screen())")
        cli.ok(["med", "add", "101-0004", "--name", "Ibuprofen", "--start", "2026-11-21"])
        session.send("Enter")
        #expect(session.waitFor("Ibuprofen", timeout: 4), "\(session.screen())")
        session.send("q")
    }

    @Test func scoresTypedOnAStaleViewAreNotSavedOverNewerOnes() throws {
        let (cli, session) = try open()
        defer { cli.remove() }
        // 101-0004 W2 is completed with its scores; correct YMRS from the screen...
        session.send("Enter")
        #expect(session.waitFor("101-0004 FW · born"), "\(session.screen())")
        session.send("s")
        #expect(session.waitFor("Rater for 101-0004"), "\(session.screen())")
        session.send("DM", literal: true)
        session.send("Enter")
        #expect(session.waitFor("YMRS"), "\(session.screen())")
        // ...while another copy corrects the same scores.
        let before = cli.ok(["audit", "101-0004", "--format", "json"]).stdout
        cli.ok(["score", "101-0004", "W2", "YMRS", "1 1 1 1 1 1 1 1 1 1 1", "--reason", "other copy"])
        session.send(String(repeating: "2", count: 11), literal: true)
        session.send("Enter")
        #expect(session.waitFor("changed elsewhere", timeout: 4), "\(session.screen())")
        let after = cli.json(cli.ok(["show", "101-0004", "--format", "json"]).stdout)
        let ymrs = (after["scores"] as? [[String: Any]])?.first { $0["visit"] as? String == "W2" && $0["scale"] as? String == "YMRS" }
        #expect("\(ymrs ?? [:])".contains("11111111111") || "\(ymrs ?? [:])".contains("1, 1, 1"), "\(ymrs ?? [:])")
        #expect(cli.ok(["audit", "101-0004", "--format", "json"]).stdout.count > before.count)
        #expect(cli.ok(["verify"]).status == 0)
        session.send("q")
    }

    @Test func withoutAUTF8LocaleTheScreenIsASCII() throws {
        let (cli, session) = try open(locale: "C")
        defer { cli.remove() }
        let screen = session.screen()
        #expect(screen.contains("Today (4)"))
        #expect(screen.unicodeScalars.allSatisfy { $0.isASCII }, "\(screen)")
        session.send("q")
        #expect(session.waitFor("EXIT=0"))
    }
}
