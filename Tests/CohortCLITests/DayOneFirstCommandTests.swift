import Foundation
import Testing

/// Nothing after Day 1 happens before Day 1, the baseline waits for screening, and a visit planned outside
/// its window says so: through the real binary (docs/RULES.md, "Visits, windows and window states").
struct DayOneFirstCommandTests {
    @Test func beforeDayOneNoListCountOrNextVisitNamesAVisitAfterTheBaseline() throws {
        // 101-0001: consent 11-08, baseline 11-18 not done, so W1 (target 11-25) waits for Day 1.
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        for day in ["2026-11-24", "2026-11-25", "2026-11-26"] {
            let review = cli.json(cli.ok(["visits", "--date", day, "--format", "json"]).stdout)
            let listed = ["today", "overdue", "closing"].flatMap { (review[$0] as? [[String: String]] ?? []).map { $0["visit"] ?? "" } }
            #expect(listed == ["SCR", "D1"], "\(day)")
        }
        let eve = cli.json(cli.ok(["summary", "--date", "2026-11-24", "--format", "json"]).stdout)
        #expect(eve["tomorrow"] as? Int == 0 && eve["overdue"] as? Int == 2)
        let day = cli.json(cli.ok(["summary", "--date", "2026-11-25", "--format", "json"]).stdout)
        #expect(day["planned"] as? Int == 0 && day["pending"] as? Int == 0)
        func next() -> String? {
            ((cli.json(cli.ok(["participants", "--format", "json"]).stdout)["participants"] as? [[String: Any]])?.first?["nextVisit"]) as? String
        }
        #expect(next() == "SCR")
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        #expect(next() == "D1")
        // The page still shows the waiting visit's dates, marked.
        let shown = cli.ok(["show", "101-0001"]).stdout
        #expect(shown.contains("W1") && shown.contains("2026-11-25") && shown.contains("waiting for Day 1"))
        let json = cli.json(cli.ok(["show", "101-0001", "--format", "json"]).stdout)
        let w1 = (json["visits"] as? [[String: Any]])?.first { $0["visit"] as? String == "W1" }
        #expect(w1?["windowState"] as? String == "waiting" && w1?["plan"] as? String == "waiting for Day 1" && w1?["scheduled"] as? String == "2026-11-25")
        // Day 1: W1 comes into the lists and becomes next.
        cli.ok(["complete", "101-0001", "D1", "--date", "2026-11-18"])
        #expect(next() == "W1")
        let after = cli.json(cli.ok(["summary", "--date", "2026-11-24", "--format", "json"]).stdout)
        #expect(after["tomorrow"] as? Int == 1)
    }

    @Test func workOnAWaitingVisitAndABaselineBeforeScreeningIsRefusedAndTouchesNothing() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        let refusals: [([String], String)] = [
            (["complete", "101-0001", "W1"], "Day 1 has not happened"),
            (["miss", "101-0001", "W1", "--reason", "no show"], "Day 1 has not happened"),
            (["score", "101-0001", "W1", "CSSRS", "000000"], "Day 1 has not happened"),
            (["measure", "101-0001", "W1", "HR", "72"], "Day 1 has not happened"),
            (["complete", "101-0001", "D1", "--date", "2026-11-18"], "Complete SCR or mark it missed first"),
        ]
        for (arguments, message) in refusals {
            let outcome = cli.run(arguments)
            #expect(outcome.status == 1, "\(arguments)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
            #expect(cli.snapshot() == before, "\(arguments) changed the store")
        }
        #expect(cli.run(["complete", "101-0001", "W1"]).stderr.contains("complete the baseline visit D1 first"))
        // Rescheduling a waiting visit is a plan, and allowed.
        #expect(cli.run(["reschedule", "101-0001", "W1", "2026-11-26"]).status == 0)
    }

    @Test func aVisitPlannedAfterItsWindowSaysSoAndItsLateCompletionIsADeviation() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        cli.ok(["complete", "101-0001", "D1", "--date", "2026-11-18"])
        // W1's window is 11-23..11-27.
        #expect(cli.run(["reschedule", "101-0001", "W1", "2026-11-29", "--reason", "participant away"]).status == 0)
        #expect(cli.ok(["visits", "--date", "2026-11-29"]).stdout.contains("planned 2 days after its window"))
        #expect(cli.ok(["show", "101-0001"]).stdout.contains("planned 2 days after its window"))
        let eve = cli.json(cli.ok(["visits", "--date", "2026-11-28", "--format", "json"]).stdout)
        #expect((eve["overdue"] as? [Any])?.isEmpty == true && (eve["closing"] as? [Any])?.isEmpty == true)
        let onTheDay = cli.json(cli.ok(["visits", "--date", "2026-11-29", "--format", "json"]).stdout)
        #expect((onTheDay["today"] as? [[String: String]])?.map { $0["visit"] ?? "" } == ["W1"])
        let dayAfter = cli.json(cli.ok(["visits", "--date", "2026-11-30", "--format", "json"]).stdout)
        #expect((dayAfter["overdue"] as? [[String: String]])?.map { $0["visit"] ?? "" } == ["W1"])
        let done = cli.run(["complete", "101-0001", "W1", "--date", "2026-11-29", "--today", "2026-11-29"])
        #expect(done.status == 0 && done.stdout.contains("Protocol deviation (unclassified): 2 days late"), "\(done.stdout)")
    }
}
