import Foundation
import Testing

/// `cohort eligibility`, the gate before randomization and the baseline, and where the checklist shows
/// (docs/RULES.md, "Eligibility").
struct EligibilityCommandTests {
    /// 101-0001 in the schizophrenia study with screening done, nothing answered, not randomized.
    static func screenedStore() -> CLIHarness {
        let cli = CLIHarness()
        cli.ok(["init", "--protocol", "SCZ-5W-INPT"])
        cli.ok(["enroll", "101-0001", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--consent", "2026-11-08", "--baseline", "2026-11-18"])
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        return cli
    }

    @Test func randomizationAndTheBaselineAreRefusedUntilTheChecklistIsCompleteAndEligible() throws {
        let cli = Self.screenedStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        let refused = cli.run(["randomize", "101-0001", "R-0001", "--date", "2026-11-18"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("101-0001 cannot be randomized yet: Eligibility: I1, I2, I3, I4, I5, I6, E1, E2, E3, E4, E5, E6, E7 not answered. Record each with `cohort eligibility 101-0001 ID met|not-met [--source TEXT]`."), "\(refused.stderr)")
        let baseline = cli.run(["complete", "101-0001", "D1", "--date", "2026-11-18"])
        #expect(baseline.status == 1 && baseline.stderr.contains("cannot complete the baseline D1 yet: Eligibility: I1"), "\(baseline.stderr)")
        #expect(cli.snapshot() == before, "a refused change writes nothing")
        for command in CLIHarness.eligibleCommands("101-0001").dropLast() { #expect(cli.run(command).status == 0) }
        let one = cli.run(["randomize", "101-0001", "R-0001", "--date", "2026-11-18"])
        #expect(one.status == 1 && one.stderr.contains("Eligibility: E7 not answered"), "\(one.stderr)")
        let last = cli.run(["eligibility", "101-0001", "e7", "not-met", "--source", "urine pregnancy test negative"])
        #expect(last.status == 0)
        #expect(last.stdout.hasPrefix("Saved: 101-0001 E7 not met. Eligibility: complete, eligible.\nNot signed"), "\(last.stdout)")
        #expect(cli.run(["randomize", "101-0001", "R-0001", "--date", "2026-11-18"]).status == 0)
        #expect(cli.run(["complete", "101-0001", "D1", "--date", "2026-11-18"]).status == 0)
        #expect(cli.run(["verify"]).status == 0)
    }

    @Test func enrollmentSaysTheChecklistComesNext() {
        let cli = CLIHarness()
        defer { cli.remove() }
        cli.ok(["init", "--protocol", "BPM-3W-ACUTE"])
        let enrolled = cli.ok(["enroll", "next", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--baseline", "2026-12-01"])
        #expect(enrolled.stdout.hasSuffix("\nNext: the eligibility checklist, 10 criteria (I1, I2, I3, I4, E1, E2, E3, E4, E5, E6): `cohort eligibility 101-0001 ID met|not-met`; randomization and the baseline wait for it.\n"), "\(enrolled.stdout)")
    }

    @Test func answersAreCheckedAndAChangedAnswerNeedsAReason() throws {
        let cli = Self.screenedStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        for (arguments, status, fragment) in [
            (["eligibility", "101-0001", "I1", "maybe"], Int32(64), "one of 'met' and 'not-met'"),
            (["eligibility", "101-0001", "I1"], 64, "Missing expected argument"),
            (["eligibility", "101-0001", "I99", "met"], 1, "SCZ-5W-INPT has no eligibility criterion 'I99'; its criteria are I1, I2, I3, I4, I5, I6, E1"),
            (["eligibility", "101-0001", "I1", "met", "--source", "chart\u{1B}[2J"], 1, "source of I1 contains control characters"),
            (["eligibility", "101-0009", "I1", "met"], 1, "101-0009"),
        ] {
            let outcome = cli.run(arguments)
            #expect(outcome.status == status, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains(fragment), "\(arguments): \(outcome.stderr)")
        }
        #expect(cli.snapshot() == before)
        #expect(cli.run(["eligibility", "101-0001", "I1", "met", "--source", "chart"]).status == 0)
        let again = cli.run(["eligibility", "101-0001", "I1", "met", "--source", "chart"])
        #expect(again.status == 1 && again.stderr.contains("101-0001 I1 already reads met (chart)"), "\(again.stderr)")
        let unexplained = cli.run(["eligibility", "101-0001", "I1", "not-met"])
        #expect(unexplained.status == 1 && unexplained.stderr.contains("reason to change the saved answer to I1 is required"), "\(unexplained.stderr)")
        #expect(cli.run(["eligibility", "101-0001", "I1", "not-met", "--reason", "born 2009: aged 17"]).status == 0)
        // The trail is the record: the answers are in it (who and when with them), and it replays to the data.
        let records = try #require(cli.json(cli.ok(["audit", "101-0001", "--format", "json"]).stdout)["records"] as? [[String: Any]])
        let answers = records.filter { ($0["path"] as? String)?.hasPrefix("/eligibility") == true }
        #expect(answers.map { $0["path"] as? String } == ["/eligibility", "/eligibility/I1/answer", "/eligibility/I1/source"])
        #expect(answers.last?["reason"] as? String == "born 2009: aged 17" && answers.last?["user"] as? String == "tester")
        #expect(cli.run(["verify"]).status == 0)
    }

    @Test func anIneligibleChecklistOffersTheScreenFailureAndTheLogListsTheCriteriaNotMet() throws {
        let cli = Self.screenedStore()
        defer { cli.remove() }
        let commands = CLIHarness.eligibleCommands("101-0001").map { command in
            command[2] == "I2" ? ["eligibility", "101-0001", "I2", "not-met", "--source", "MINI: schizoaffective disorder"]
                : command[2] == "E2" ? ["eligibility", "101-0001", "E2", "met", "--source", "screening ALT 3.1 x ULN"] : command
        }
        var last = CLIHarness.Outcome(status: -1, stdout: "", stderr: "")
        for command in commands { last = cli.run(command) }
        let offer = "Record the screen failure: cohort withdraw 101-0001 --screen-fail --category eligibility-not-met --reason 'Not eligible: I2 not met, E2 met'"
        #expect(last.status == 0 && last.stdout.contains("Eligibility: not eligible: I2 not met, E2 met.\n" + offer), "\(last.stdout)")
        let refused = cli.run(["randomize", "101-0001", "R-0001"])
        #expect(refused.status == 1 && refused.stderr.contains("cannot be randomized yet: not eligible: I2 not met, E2 met."), "\(refused.stderr)")
        // The command offered runs as printed.
        let command = String(offer.dropFirst("Record the screen failure: cohort ".count))
        let failed = cli.run(["-c", "\"$0\" " + command, CLIHarness.binary], executable: "/bin/bash")
        #expect(failed.status == 0, "\(failed.stderr)")
        let shown = cli.json(cli.ok(["show", "101-0001", "--format", "json"]).stdout)
        #expect(shown["status"] as? String == "screen-failed")
        #expect((shown["exit"] as? [String: Any])?["reason"] as? String == "Not eligible: I2 not met, E2 met")
        let log = cli.ok(["export", "--format", "screening-log"]).stdout.split(separator: "\n")
        #expect(log == ["subject,study,consent,status,category,date,consents,criteriaNotMet",
                        "101-0001,SCZ-5W-INPT,2026-11-08,screen-failed,eligibility-not-met,2026-11-25,2026-11-08,I2 not met;E2 met"])
    }

    @Test func showListsTheChecklistNotSignedInAStoreWithoutUsers() throws {
        let cli = Self.screenedStore()
        defer { cli.remove() }
        #expect(cli.run(["eligibility", "101-0001", "I1", "met", "--source", "birth year on the ID card"]).status == 0)
        let shown = cli.json(cli.ok(["show", "101-0001", "--format", "json"]).stdout)
        let eligibility = try #require(shown["eligibility"] as? [String: Any])
        #expect(eligibility["complete"] as? Bool == false && eligibility["eligible"] as? Bool == false && eligibility["signed"] as? Bool == false)
        let criteria = try #require(eligibility["criteria"] as? [[String: Any]])
        #expect(criteria.count == 13 && criteria.map { $0["kind"] as? String }.filter { $0 == "exclusion" }.count == 7)
        #expect(criteria[0]["id"] as? String == "I1" && criteria[0]["kind"] as? String == "inclusion" && criteria[0]["answer"] as? String == "met"
                && criteria[0]["source"] as? String == "birth year on the ID card" && criteria[0]["text"] as? String == "Aged 18 to 65 years at consent")
        #expect(criteria[1]["answer"] is NSNull && criteria[1]["source"] is NSNull)
        #expect(Set(criteria[0].keys) == ["id", "kind", "text", "answer", "source"])
        let text = cli.ok(["show", "101-0001"]).stdout
        #expect(text.contains("Eligibility: 1 of 13 answered, not signed"), "\(text)")
        #expect(text.contains("I1  inclusion  met  Aged 18 to 65 years at consent  (source: birth year on the ID card)"), "\(text)")
    }

    @Test func aProtocolWithoutCriteriaIsNotGated() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        let file = cli.store + "-open.json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(#"""
        {"id": "OPEN-1", "title": "Open", "arms": ["A"], "primaryScale": "PANSS",
         "visits": [{"code": "D1", "name": "Baseline", "day": 1, "minus": 0, "plus": 0, "scales": ["PANSS"], "baseline": true},
                    {"code": "W1", "name": "Week 1", "day": 8, "minus": 2, "plus": 2, "scales": ["PANSS"]}]}
        """#.utf8).write(to: URL(fileURLWithPath: file))
        cli.ok(["init", "--protocol", file])
        let enrolled = cli.ok(["enroll", "101-0001", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--consent", "2026-11-08", "--baseline", "2026-11-18"])
        #expect(enrolled.status == 0 && !enrolled.stdout.contains("eligibility"), "\(enrolled.stdout)")
        let answer = cli.run(["eligibility", "101-0001", "I1", "met"])
        #expect(answer.status == 1 && answer.stderr.contains("OPEN-1 lists no eligibility criteria"), "\(answer.stderr)")
        #expect(cli.run(["complete", "101-0001", "D1", "--date", "2026-11-18"]).status == 0)
        #expect(cli.json(cli.ok(["show", "101-0001", "--format", "json"]).stdout)["eligibility"] is NSNull)
    }
}
