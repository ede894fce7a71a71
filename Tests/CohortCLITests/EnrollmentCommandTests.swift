import Foundation
import Testing

/// `cohort unscheduled`, `cohort correct`, `cohort consent`, `enroll --icf-version` and enrollment outside
/// the age limits, through the real binary (docs/RULES.md, "Participant lifecycle").
struct EnrollmentCommandTests {
    /// 101-0001 with SCR completed on 11-12 and D1 on 11-18 (today is 11-25).
    static func storeWithBaselineDone() -> CLIHarness {
        let cli = CLIHarness.enrolledStore()
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        cli.ok(["complete", "101-0001", "D1", "--date", "2026-11-18"])
        return cli
    }

    /// A refused command: the exit status, what it says, and not one byte of the store changed.
    func refused(_ cli: CLIHarness, _ arguments: [String], status: Int32 = 1, saying fragment: String) {
        let before = cli.snapshot()
        let outcome = cli.run(arguments)
        #expect(outcome.status == status, "\(arguments): \(outcome.stderr)")
        #expect(outcome.stderr.contains(fragment), "\(arguments): \(outcome.stderr)")
        #expect(cli.snapshot() == before, "\(arguments) changed the store")
    }

    @Test func anUnscheduledVisitTakesAnyScaleAndMeasureAndExportsAsUnscheduled() throws {
        let cli = Self.storeWithBaselineDone()
        defer { cli.remove() }
        let added = cli.run(["unscheduled", "101-0001", "--date", "2026-11-20", "--reason", "repeat ALT"])
        #expect(added.status == 0 && added.stdout.contains("unscheduled visit U1 on 2026-11-20"), "\(added.stderr)")
        #expect(cli.run(["measure", "101-0001", "U1", "ALT", "130"]).status == 0)
        #expect(cli.run(["score", "101-0001", "U1", "CSSRS", "000000"]).status == 0)
        #expect(cli.run(["unscheduled", "101-0001", "--reason", "extra C-SSRS"]).status == 0) // today, U2
        let shown = cli.json(cli.ok(["show", "101-0001", "--format", "json"]).stdout)
        let visits = try #require(shown["visits"] as? [[String: Any]])
        #expect(visits.prefix(4).map { $0["visit"] as? String } == ["SCR", "D1", "U1", "W1"])
        let u1 = try #require(visits.first { $0["visit"] as? String == "U1" })
        #expect(u1["status"] as? String == "completed" && u1["completed"] as? String == "2026-11-20" && u1["reason"] as? String == "repeat ALT")
        #expect(u1["deviationDays"] == nil && u1["name"] as? String == "Unscheduled 1")
        #expect(visits.first { $0["visit"] as? String == "D1" }?["reason"] == nil)
        #expect(visits.last?["visit"] as? String == "U2" || visits.contains { $0["visit"] as? String == "U2" })
        // SDTM: VISIT `UNSCHEDULED n`, VISITNUM that of D1 (2) plus 0.01 × n.
        let qs = cli.ok(["export", "--format", "sdtm", "--domain", "QS"]).stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = try #require(qs.first)
        let visitNumber = try #require(header.firstIndex(of: "VISITNUM"))
        let unscheduled = qs.filter { $0.count > visitNumber + 1 && $0[visitNumber + 1] == "UNSCHEDULED 1" }
        #expect(!unscheduled.isEmpty && unscheduled.allSatisfy { $0[visitNumber] == "2.01" && !$0.contains("Y") }, "\(qs)")
        let lb = cli.ok(["export", "--format", "sdtm", "--domain", "LB"]).stdout
        #expect(lb.contains(",2.01,UNSCHEDULED 1,2026-11-20,"), "\(lb)")
        #expect(cli.run(["verify"]).status == 0)
        // The audit names it; the text page lists it among the visits.
        #expect(cli.ok(["show", "101-0001"]).stdout.contains("unscheduled: repeat ALT"))
        #expect(cli.ok(["audit", "101-0001"]).stdout.contains("U1"))
    }

    /// Refused on 101-0001 with SCR and D1 done: arguments, exit status, what the message says.
    static let refusals: [([String], Int32, String)] = [
        (["unscheduled", "101-0001", "--date", "2026-11-26", "--reason", "x"], 1, "after today"),
        (["unscheduled", "101-0001", "--date", "2026-11-07", "--reason", "x"], 1, "before 101-0001's consent date"),
        (["unscheduled", "101-0001", "--date", "2026-11-20"], 64, "--reason"),
        (["unscheduled", "101-0001", "--reason", " "], 1, "reason"),
        (["complete", "101-0001", "U1"], 1, "has no visit 'U1'"),
        (["correct", "101-0001", "--consent", "2026-11-13", "--reason", "x"], 1, "the randomization is dated 2026-11-08, before it"),
        (["correct", "101-0001", "--baseline", "2026-11-20", "--reason", "x"], 1, "baseline visit D1 was completed on 2026-11-18"),
        (["correct", "101-0001", "--initials", "A1", "--reason", "x"], 1, "initials are 2 or 3 letters"),
        (["correct", "101-0001", "--sex", "F", "--reason", "x"], 1, "nothing to correct"),
        (["correct", "101-0001", "--reason", "x"], 64, "at least one fact"),
        (["correct", "101-0001", "--sex", "M"], 64, "--reason"),
        (["correct", "101-0001", "--consent", "soon", "--reason", "x"], 1, "--consent 'soon' is not a real date"),
        (["correct", "101-0099", "--sex", "M", "--reason", "x"], 1, "101-0099"),
    ]

    @Test func unscheduledAndCorrectRefusals() {
        let cli = Self.storeWithBaselineDone()
        defer { cli.remove() }
        for (arguments, status, fragment) in Self.refusals { refused(cli, arguments, status: status, saying: fragment) }
        cli.ok(["withdraw", "101-0001", "--category", "death", "--reason", "died", "--date", "2026-11-21"])
        refused(cli, ["unscheduled", "101-0001", "--date", "2026-11-22", "--reason", "x"], saying: "after 101-0001's death")
    }

    @Test func correctChangesTheFactsWithAReasonAndWarnsOfTheAge() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let corrected = cli.run(["correct", "101-0001", "--birth-year", "2008", "--initials", "xy", "--sex", "M", "--baseline", "2026-11-19",
                                 "--consent", "2026-11-07", "--reason", "transcription error"])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(corrected.stderr.contains("born 2008, aged 17 or 18 at consent on 2026-11-07: check the date of birth against the 18–65 limit"), "\(corrected.stderr)")
        let shown = cli.json(cli.ok(["show", "101-0001", "--format", "json"]).stdout)
        #expect(shown["birthYear"] as? Int == 2008 && shown["initials"] as? String == "XY" && shown["sex"] as? String == "M")
        #expect(shown["consentDate"] as? String == "2026-11-07" && shown["baselineDate"] as? String == "2026-11-19")
        // The schedule followed the new planned baseline.
        let w1 = (shown["visits"] as? [[String: Any]])?.first { $0["visit"] as? String == "W1" }
        #expect(w1?["target"] as? String == "2026-11-26")
        let audit = cli.ok(["audit", "101-0001", "--format", "json"]).stdout
        #expect(audit.contains("transcription error"))
        #expect(cli.run(["verify"]).status == 0)
    }

    @Test func consentsHaveVersionsAndTheScreeningLogListsThem() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let old = cli.run(["enroll", "101-0002", "--initials", "CD", "--birth-year", "1959", "--sex", "F", "--consent", "2026-11-20",
                           "--baseline", "2026-11-27", "--icf-version", "1.0"])
        #expect(old.status == 0, "\(old.stderr)")
        #expect(old.stderr.contains("born 1959, aged 66 or 67 at consent on 2026-11-20: above the 18–65 limit"), "\(old.stderr)")
        #expect(cli.run(["consent", "101-0002", "--icf-version", "2.0_DE", "--date", "2026-11-24"]).status == 0)
        #expect(cli.run(["withdraw", "101-0002", "--screen-fail", "--category", "eligibility-not-met", "--reason", "aged 67",
                         "--date", "2026-11-25"]).status == 0)
        let shown = cli.json(cli.ok(["show", "101-0002", "--format", "json"]).stdout)
        let consents = try #require(shown["consents"] as? [[String: String]])
        #expect(consents == [["date": "2026-11-20", "icfVersion": "1.0"], ["date": "2026-11-24", "icfVersion": "2.0_DE"]])
        #expect(cli.ok(["show", "101-0002"]).stdout.contains("Consents 2026-11-20 ICF 1.0, 2026-11-24 ICF 2.0_DE"))
        let log = cli.ok(["export", "--format", "screening-log"]).stdout.split(separator: "\n")
        #expect(log == ["subject,study,consent,status,category,date,consents,criteriaNotMet",
                        "101-0001,SCZ-5W-INPT,2026-11-08,screening,,,2026-11-08,",
                        "101-0002,SCZ-5W-INPT,2026-11-20,screen-failed,eligibility-not-met,2026-11-25,2026-11-20 ICF 1.0;2026-11-24 ICF 2.0_DE,"])
        #expect(cli.ok(["withdraw", "--help"]).stdout.contains("eligibility-not-met"))
        #expect(cli.run(["verify"]).status == 0)
    }

    @Test func consentRefusals() {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        refused(cli, ["consent", "101-0001", "--icf-version", "2 0"], saying: "1 to 20 of A-Z a-z 0-9 . _ -")
        refused(cli, ["consent", "101-0001", "--icf-version", "2", "--date", "2026-11-07"], saying: "before 101-0001's first consent")
        refused(cli, ["consent", "101-0001", "--icf-version", "2", "--date", "2026-11-26"], saying: "after today")
        refused(cli, ["consent", "101-0001"], status: 64, saying: "--icf-version")
        refused(cli, ["enroll", "101-0002", "--initials", "CD", "--birth-year", "1990", "--sex", "F", "--baseline", "2026-11-27",
                      "--icf-version", "ü"], saying: "icfVersion: ICF version")
    }

    @Test func theReadmesPythonReplayRebuildsEveryParticipantWithTheNewRecords() throws {
        let cli = Self.storeWithBaselineDone()
        defer { cli.remove() }
        cli.ok(["unscheduled", "101-0001", "--date", "2026-11-20", "--reason", "repeat ALT"])
        cli.ok(["measure", "101-0001", "U1", "ALT", "130"])
        cli.ok(["correct", "101-0001", "--initials", "XY", "--reason", "typo"])
        cli.ok(["consent", "101-0001", "--icf-version", "2.0"])
        let readme = try String(contentsOf: ReadmeProcedureTests.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "### The audit trail").dropFirst().first)
        let python = try #require(section.components(separatedBy: "```python\n").dropFirst().first?.components(separatedBy: "\n```").first)
        let trail = cli.store + "/trail.json"
        try cli.ok(["audit", "101-0001", "--format", "json"]).stdout.write(toFile: trail, atomically: true, encoding: .utf8)
        let check = python.replacingOccurrences(of: "open(\"trail.json\")", with: "open(sys.argv[1])")
            + "\nstored = json.load(open(sys.argv[2]))[\"content\"][\"participant\"]\nprint(\"same\" if doc == stored else \"differs\")\n"
        let outcome = cli.run(["-c", "import sys\n" + check, trail, cli.store + "/participants/101-0001.json"], executable: "/usr/bin/python3")
        #expect(outcome.stdout == "same\n", "\(outcome.stderr)")
    }
}
