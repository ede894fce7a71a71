import Foundation
import Testing

/// The real `cohort` binary in tmux: the daily jobs end to end, then the store and audit trail checked.
@Suite(.serialized)
struct TerminalEndToEndTests {
    /// A demo store (24 participants, seed 1, today 2026-11-25) and a tmux session running Cohort on it.
    func open(width: Int = 100, height: Int = 30) throws -> (CLIHarness, TmuxSession) {
        let cli = CLIHarness()
        cli.ok(["demo"])
        let session = try TmuxSession(CLIHarness.binary, width: width, height: height,
                                      environment: ["COHORT_STORE": cli.store, "COHORT_TODAY": "2026-11-25", "COHORT_USER": "lead", "TERM": "xterm-256color"])
        #expect(session.waitFor("Today (4)"), "\(session.screen())")
        return (cli, session)
    }

    @Test func moveCompleteScoreUndoQuit() throws {
        let (cli, session) = try open()
        defer { cli.remove() }
        session.send("j", "j", "c")
        #expect(session.waitFor("Complete 101-0010 W2 Week 2"), "\(session.screen())")
        session.send("Enter")
        #expect(session.waitFor("Saved: 101-0010 W2 completed on 2026-11-25."), "\(session.screen())")
        session.send("s")
        #expect(session.waitFor("Rater for 101-0010 W2"), "\(session.screen())")
        session.send("DM", literal: true)
        session.send("Enter")
        #expect(session.waitFor("PANSS (1/3)"))
        session.send(String(repeating: "4", count: 30), literal: true)
        #expect(session.waitFor("total 120 (positive 28, negative 28, general psychopathology 64)"), "\(session.screen())")
        session.send("Enter")
        #expect(session.waitFor("CGI-S (2/3)"), "\(session.screen())")
        session.send("Escape")
        #expect(session.waitFor("Left score entry"))
        session.send("u")
        #expect(session.waitFor("Undo 101-0010 W2 PANSS scores?"), "\(session.screen())")
        session.send("scored the wrong visit", literal: true)
        session.send("Enter")
        #expect(session.waitFor("Saved: undid 101-0010 W2 PANSS scores."), "\(session.screen())")
        session.send("q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")

        let shown = cli.json(cli.ok(["show", "101-0010", "--format", "json"]).stdout)
        let w2 = (shown["visits"] as? [[String: Any]])?.first { $0["visit"] as? String == "W2" }
        #expect(w2?["status"] as? String == "completed" && w2?["completed"] as? String == "2026-11-25")
        let scores = (shown["scores"] as? [[String: Any]]) ?? []
        #expect(!scores.contains { $0["visit"] as? String == "W2" })
        let audit = cli.ok(["audit", "101-0010"]).stdout
        #expect(audit.contains("lead") && audit.contains("undo: 101-0010 W2 PANSS scores: scored the wrong visit"))
        let trail = cli.ok(["audit", "101-0010", "--format", "json"]).stdout
        #expect(trail.contains("\"items\":[4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4]"))
        #expect(cli.ok(["verify"]).status == 0)
    }

    @Test func theRosterReachesAParticipantWithNothingDueAndAnyoneOpensByID() throws {
        let (cli, session) = try open(width: 80, height: 24)
        defer { cli.remove() }
        // 101-0003 completed the study: nothing of theirs is on any day's lists.
        #expect(!session.screen().contains("101-0003"))
        session.send("p")
        #expect(session.waitFor("Roster · 24 participants"), "\(session.screen())")
        #expect(session.waitFor("SCZ-5W-INPT (12)  screening 1 · active 7 · completed 3"), "\(session.screen())")
        session.send("/")
        session.send("0003", literal: true)
        #expect(session.waitFor("1 match \"0003\""), "\(session.screen())")
        session.send("Enter", "Enter")
        #expect(session.waitFor("101-0003 EH · born"), "\(session.screen())")
        session.send("Escape")
        #expect(session.waitFor("1 match \"0003\""), "\(session.screen())")
        session.send("o")
        #expect(session.waitFor("Open a participant"), "\(session.screen())")
        session.send("16", literal: true)
        session.send("Enter")
        #expect(session.waitFor("101-0016 FL · born"), "\(session.screen())")
        session.send("Escape", "Escape", "Escape")
        #expect(session.waitFor("Today (4)"), "\(session.screen())")
        session.send("q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")
    }

    @Test func aParticipantInScreeningHasNoVisitAfterTheBaselineOnTheReview() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        cli.ok(["demo"])
        // Screened, but the baseline (11-22) slipped: D4 (target 11-25) would be due today if it did not wait for Day 1.
        cli.ok(["enroll", "101-0099", "--study", "BPM-3W-ACUTE", "--initials", "QZ", "--birth-year", "1980", "--sex", "F",
                "--consent", "2026-11-16", "--baseline", "2026-11-22"])
        cli.ok(["complete", "101-0099", "SCR", "--date", "2026-11-17"])
        let session = try TmuxSession(CLIHarness.binary, width: 100, height: 30,
                                      environment: ["COHORT_STORE": cli.store, "COHORT_TODAY": "2026-11-25", "COHORT_USER": "lead", "TERM": "xterm-256color"])
        #expect(session.waitFor("Today (4)"), "\(session.screen())")
        session.send("/")
        session.send("0099", literal: true)
        session.send("Enter")
        #expect(session.waitFor("filter: 0099"), "\(session.screen())")
        #expect(session.waitFor("Overdue (1)"), "\(session.screen())")
        let review = session.screen()
        #expect(review.contains("Today (0)") && review.contains("101-0099  QZ   D1 Baseline") && review.contains("Window closing (0)"), "\(review)")
        for code in ["D4", "W1", "W2", "W3", "FU"] { #expect(!review.contains("QZ   \(code) "), "\(code) listed:\n\(review)") }
        // Its page still shows the dates, marked as waiting for Day 1.
        session.send("Enter")
        #expect(session.waitFor("101-0099 QZ · born"), "\(session.screen())")
        let page = session.screen().split(separator: "\n").map(String.init)
        let d4 = page.first { $0.contains(" D4 ") } ?? ""
        #expect(d4.contains("2026-11-25") && d4.contains("waiting"), "\(page.joined(separator: "\n"))")
        session.send("Escape")
        #expect(session.waitFor("filter: 0099"), "\(session.screen())")
        session.send("q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")
    }

    @Test func aSeriousAdverseEventStartsTheReportClockAndTMarksItSent() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        // The demo as it stands at the screen's now (docs/RULES.md, "The demo's clock").
        #expect(cli.run(["demo"], environment: ["COHORT_NOW": "2026-11-25T16:00", "TZ": "Europe/Berlin"]).status == 0)
        let session = try TmuxSession(CLIHarness.binary, width: 100, height: 30,
                                      environment: ["COHORT_STORE": cli.store, "COHORT_NOW": "2026-11-25T16:00", "COHORT_USER": "lead",
                                                    "TZ": "Europe/Berlin", "TERM": "xterm-256color"])
        #expect(session.waitFor("REPORT 101-0019 AE2 Syncope due in 22 h 41 min (11-26 14:41 +01:00)"), "\(session.screen())")
        // The form: a serious event for the selected participant (101-0010), Tab from field to field.
        session.send("j", "j", "A")
        #expect(session.waitFor("Adverse event for 101-0010"), "\(session.screen())")
        session.send("Hospitalized for pneumonia", literal: true)
        session.send("Tab", "Tab")
        session.send("severe", literal: true)
        session.send("Tab", "Tab")
        session.send("hospitalization", literal: true)
        session.send("Tab")
        session.send("unlikely", literal: true)
        session.send("Enter")
        #expect(session.waitFor("Report to the sponsor due in 24 h (11-26 16:00 +01:00): T when sent."), "\(session.screen())")
        #expect(session.waitFor("REPORT 101-0010 AE1 Hospitalized for pneumonia due in 24 h (11-26 16:00 +01:00)"), "\(session.screen())")
        // One prompt, the time filled in, naming the most pressing report of the banner (101-0019's, due
        // first), whichever row is selected; Ctrl-U clears it to name another. The report is sent and the
        // clock leaves the review.
        session.send("T")
        #expect(session.waitFor("Adverse event: 101-0019 AE2"), "\(session.screen())")
        session.send("C-u")
        session.send("101-0010 AE1", literal: true)
        #expect(session.waitFor("Adverse event: 101-0010 AE1"), "\(session.screen())")
        session.send("Enter")
        #expect(session.waitFor("Saved: 101-0010 AE1 initial report sent at 2026-11-25T16:00+01:00."), "\(session.screen())")
        #expect(!session.screen().contains("REPORT 101-0010"), "\(session.screen())")
        session.send("q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")

        let listed = cli.json(cli.run(["ae", "list", "101-0010", "--format", "json", "--now", "2026-11-25T17:00"], environment: ["TZ": "Europe/Berlin"]).stdout)
        let event = (listed["adverseEvents"] as? [[String: Any]])?.first
        #expect(event?["report"] as? String == "reported" && event?["reportedAt"] as? String == "2026-11-25T16:00+01:00")
        #expect(event?["aware"] as? String == "2026-11-25T16:00+01:00" && event?["serious"] as? Bool == true)
        #expect(cli.ok(["verify"]).status == 0)
    }

    @Test func vitalsEnteredForAVisitAndAnOutOfRangeValueAssessed() throws {
        let (cli, session) = try open()
        defer { cli.remove() }
        session.send("j", "j", "Enter")
        #expect(session.waitFor("101-0010 DO · born"), "\(session.screen())")
        session.send("c", "Enter")
        #expect(session.waitFor("Saved: 101-0010 W2 completed on 2026-11-25."), "\(session.screen())")
        session.send("V")
        #expect(session.waitFor("Measures for 101-0010 W2"), "\(session.screen())")
        session.send("152", literal: true)
        #expect(session.waitFor("HIGH (normal 90–140), ALERT"), "\(session.screen())")
        session.send("Tab")
        session.send("88", literal: true)
        session.send("Tab")
        session.send("74", literal: true)
        session.send("Enter")
        #expect(session.waitFor("Saved. ALERT 101-0010 W2: SYSBP 152"), "\(session.screen())")
        #expect(session.waitFor("⚠ assess W2"), "\(session.screen())")
        session.send("C")
        #expect(session.waitFor("Result:     W2 SYSBP"), "\(session.screen())")
        session.send("Tab")
        session.send("ncs", literal: true)
        session.send("Tab")
        session.send("white-coat effect; repeat next visit", literal: true)
        session.send("Enter")
        #expect(session.waitFor("Saved: 101-0010 W2 SYSBP assessed ncs."), "\(session.screen())")
        #expect(!session.screen().contains("⚠ assess W2"), "\(session.screen())")
        session.send("Escape", "q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")

        let listed = cli.json(cli.ok(["measures", "101-0010", "--format", "json"]).stdout)
        let sysbp = (listed["measures"] as? [[String: Any]])?.first { $0["visit"] as? String == "W2" && $0["test"] as? String == "SYSBP" }
        #expect(sysbp?["value"] as? Int == 152 && sysbp?["flag"] as? String == "high" && sysbp?["alert"] as? Bool == true)
        #expect(sysbp?["assessment"] as? String == "ncs" && sysbp?["high"] as? Int == 140)
        #expect(cli.ok(["verify"]).status == 0)
    }

    @Test func aFileDamagedInPlaceBehindTheCacheIsReportedRightAfterTheFirstFrame() throws {
        let (cli, session) = try open()
        defer { cli.remove() }
        session.send("q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")
        #expect(FileManager.default.fileExists(atPath: cli.store + "/.cache/review-table"), "quitting leaves the cache up to date")
        usleep(200_000)
        // Flip one character inside 101-0010's file without touching the folder (no rename, same inode).
        let path = cli.store + "/participants/101-0010.json"
        var bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
        let at = try #require(bytes.indices.dropFirst(200).first { bytes[$0] == UInt8(ascii: "1") })
        bytes[at] = UInt8(ascii: "2")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
        let again = try TmuxSession(CLIHarness.binary, width: 100, height: 30,
                                    environment: ["COHORT_STORE": cli.store, "COHORT_TODAY": "2026-11-25", "TERM": "xterm-256color"])
        #expect(again.waitFor("their files could not be read: 101-0010."), "\(again.screen())")
        #expect(!again.screen().contains("101-0010 DO"), "the damaged participant's rows are not drawn from bad data: \(again.screen())")
        // It stays named at the top, key after key, until it is fixed: a filter typed, shown only once the
        // keys have been read, and the banner still there.
        #expect(again.waitFor("UNREADABLE, not in the lists: 101-0010"), "\(again.screen())")
        again.send("/")
        again.send("0019", literal: true)
        again.send("Enter")
        #expect(again.waitFor("filter: 0019"), "\(again.screen())")
        #expect(again.screen().contains("UNREADABLE, not in the lists: 101-0010"), "\(again.screen())")
        again.send("q")
        #expect(again.waitFor("EXIT=0"), "\(again.screen())")
        #expect(cli.run(["visits"]).status == 2)
    }

    @Test func enrollAParticipantWithTypedDataTabAndEnter() throws {
        let (cli, session) = try open()
        defer { cli.remove() }
        session.send("e")
        #expect(session.waitFor("Enroll a participant"))
        session.send("JD", literal: true)
        session.send("Tab")
        session.send("1979", literal: true)
        session.send("Tab")
        session.send("F", literal: true)
        session.send("Tab")
        session.send("TRD-8W-OUTPT", literal: true)
        session.send("Tab", "Tab", "Tab") // blinded: no arm is chosen; consent today
        session.send("4.2", literal: true) // the ICF version
        session.send("Tab")
        session.send("2026-12-07", literal: true)
        session.send("Enter")
        #expect(session.waitFor("Enrolled 101-0025 JD"), "\(session.screen())")
        #expect(session.waitFor("FU     Follow-up"), "\(session.screen())")
        session.send("Enter", "S")
        #expect(session.waitFor("End-of-day summary"), "\(session.screen())")
        session.send("PageDown", "PageDown", "PageDown")
        #expect(session.waitFor("enrolled 1"), "\(session.screen())")
        session.send("Escape", "q")
        #expect(session.waitFor("EXIT=0"))
        let shown = cli.json(cli.ok(["show", "101-0025", "--format", "json"]).stdout)
        #expect(shown["study"] as? String == "TRD-8W-OUTPT" && shown["arm"] == nil && shown["initials"] as? String == "JD")
        #expect(shown["randomization"] == nil)
        #expect((shown["consents"] as? [[String: String]])?.first?["icfVersion"] == "4.2")
    }

    @Test func controlCQuitsCleanlyAndResizeIsHandled() throws {
        let (cli, session) = try open()
        defer { cli.remove() }
        session.resize(width: 30, height: 10)
        #expect(session.waitFor("Terminal too small"), "\(session.screen()) \((try? session.tmux(["display", "-p", "-t", session.name, "#{window_width}x#{window_height}"], capture: true)) ?? "")")
        session.resize(width: 100, height: 30)
        #expect(session.waitFor("Today (4)"))
        session.send("C-c")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")
    }

    @Test func theDemoSaysItsStoreIsThrownAwayAndThrowsItAway() throws {
        let temporary = NSTemporaryDirectory() + "cohort-demo-test-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let session = try TmuxSession(CLIHarness.binary + " --demo", environment: ["TMPDIR": temporary, "COHORT_TODAY": "2026-11-25", "TERM": "xterm-256color"])
        // Wide enough for the whole first status line (who is logged in comes first).
        session.resize(width: 160, height: 30)
        // The demo is built before the first frame (a slow start on a loaded machine: a long wait).
        #expect(session.waitFor("thrown away when you quit", timeout: 90), "\(session.screen())")
        #expect(session.waitFor("Today (4)"))
        // The store and, beside it, its throw-away users' keys.
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).count == 2)
        session.send("q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty)
    }

    @Test func theDemoOpensLoggedInAsThePIAndSaysSo() throws {
        let temporary = NSTemporaryDirectory() + "cohort-demo-test-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let session = try TmuxSession(CLIHarness.binary + " --demo", environment: ["TMPDIR": temporary, "COHORT_TODAY": "2026-11-25", "TERM": "xterm-256color"])
        session.resize(width: 160, height: 30)
        #expect(session.waitFor("Demo: logged in as ana (PI), Dr Ana Ruiz; passphrase ", timeout: 90), "\(session.screen())")
        #expect(!session.screen().contains("Passphrase for"), "no login asked for")
        // Its queue holds what the demo's PI has still to sign (docs/RULES.md, "The demo").
        session.send("I")
        #expect(session.waitFor("items, oldest first", timeout: 30), "\(session.screen())")
        #expect(!session.screen().contains("Nothing awaits a signature"), "\(session.screen())")
        session.send("Escape", "q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")
    }

    @Test func aDemoFolderLeftHalfBuiltByAKilledCopyIsRemovedByTheNextDemo() throws {
        let temporary = NSTemporaryDirectory() + "cohort-demo-test-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        // The process id of a copy that is gone: one that has already ended.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let left = "cohort-demo-\(gone.processIdentifier).building-\(gone.processIdentifier)"
        try FileManager.default.createDirectory(atPath: temporary + left + "/participants", withIntermediateDirectories: true)
        let session = try TmuxSession(CLIHarness.binary + " --demo", environment: ["TMPDIR": temporary, "COHORT_TODAY": "2026-11-25", "TERM": "xterm-256color"])
        #expect(session.waitFor("Today (4)", timeout: 90), "\(session.screen())")
        #expect(try !FileManager.default.contentsOfDirectory(atPath: temporary).contains(left))
        session.send("q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")
    }

    @Test func dumbTerminalsAndPipesAreRefusedWithAPointerToThePlainCommands() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        cli.ok(["demo", "--participants", "3"])
        let session = try TmuxSession(CLIHarness.binary, environment: ["COHORT_STORE": cli.store, "TERM": "dumb"])
        #expect(session.waitFor("EXIT=64"), "\(session.screen())")
        #expect(session.screen().contains("cohort visits"))
        let piped = cli.run([])
        #expect(piped.status == 64 && piped.stderr.contains("interactive terminal") && piped.stderr.contains("cohort visits"))
        let missing = CLIHarness().run([])
        #expect(missing.status == 2 && missing.stderr.contains("cohort init"))
    }
}

/// Score entry corrected with the arrow keys, and an urgent flag acknowledged with what was done, in the real TUI.
@Suite(.serialized)
struct TerminalSafetyEndToEndTests {
    @Test func aWrongItemFixedWithArrowsThenAnUrgentFlagAcknowledgedWithAnAction() throws {
        let cli = CLIHarness()
        cli.ok(["demo"])
        defer { cli.remove() }
        let session = try TmuxSession(CLIHarness.binary, width: 100, height: 30,
                                      environment: ["COHORT_STORE": cli.store, "COHORT_TODAY": "2026-11-25", "COHORT_USER": "lead", "TERM": "xterm-256color"])
        #expect(session.waitFor("Today (4)"), "\(session.screen())")
        session.send("j", "j", "c")
        #expect(session.waitFor("Complete 101-0010 W2"), "\(session.screen())")
        session.send("Enter")
        #expect(session.waitFor("Saved: 101-0010 W2 completed"), "\(session.screen())")
        session.send("s")
        #expect(session.waitFor("Rater for 101-0010 W2"), "\(session.screen())")
        session.send("JD", literal: true)
        session.send("Enter")
        // PANSS: item 1 typed 7 by mistake, noticed at the end; the arrows go back, one key fixes it.
        session.send("7" + String(repeating: "4", count: 29), literal: true)
        #expect(session.waitFor("total 123"), "\(session.screen())")
        for _ in 0..<30 { session.send("Left") }
        session.send("4", literal: true)
        #expect(session.waitFor("total 120"), "\(session.screen())")
        session.send("Enter")
        #expect(session.waitFor("CGI-S (2/3)"), "\(session.screen())")
        session.send("4", literal: true)
        session.send("Enter")
        #expect(session.waitFor("CSSRS (3/3)"), "\(session.screen())")
        session.send("000100", literal: true) // intent: yes
        // The score entry shows URGENT as soon as the item is typed: wait for the saved message.
        #expect(session.waitFor("URGENT cssrs-urgent"), "\(session.screen())")
        session.send("Enter")
        #expect(session.waitFor("Saved. URGENT: cssrs-urgent for 101-0010 at W2"), "\(session.screen())")
        session.send("Escape", "Enter")
        #expect(session.waitFor("a acknowledge"), "\(session.screen())")
        session.send("a")
        #expect(session.waitFor("what was done?"), "\(session.screen())")
        session.send("PI assessed; 1:1 observation", literal: true)
        session.send("Enter")
        // The saved message: "not yet acknowledged" on the screen before the key holds "acknowledged" too.
        #expect(session.waitFor("Saved: 101-0010 W2 cssrs-urgent acknowledged."), "\(session.screen())")
        session.send("q", "q")
        let shown = cli.json(cli.ok(["show", "101-0010", "--format", "json"]).stdout)
        let panss = (shown["scores"] as? [[String: Any]])?.first { $0["visit"] as? String == "W2" && $0["scale"] as? String == "PANSS" }
        #expect(panss?["scores"] as? String == String(repeating: "4", count: 30) && panss?["rater"] as? String == "JD")
        let trail = cli.ok(["audit", "101-0010", "--format", "json"]).stdout
        #expect(trail.contains("PI assessed; 1:1 observation"))
        #expect(cli.ok(["verify"]).status == 0)
    }
}
