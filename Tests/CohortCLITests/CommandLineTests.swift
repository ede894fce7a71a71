import Foundation
import Testing

/// The binding command line (docs/RULES.md, "The command line"), run as a user or a script would run it.
struct CommandLineTests {
    @Test func aFullDayThroughTheCommands() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        #expect(cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12"]).status == 0)
        #expect(cli.ok(["complete", "101-0001", "D1", "--date", "2026-11-18"]).status == 0)
        #expect(cli.ok(["score", "101-0001", "D1", "PANSS", "444444444444444444444444444444"]).status == 0)
        #expect(cli.ok(["complete", "101-0001", "W1"]).status == 0)
        let scored = cli.ok(["score", "101-0001", "W1", "PANSS", "3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3", "--rater", "dm"])
        #expect(scored.stdout.contains("total 90") && scored.stdout.contains("change −30") && scored.stdout.contains("33% improved, responder"))
        let urgent = cli.ok(["score", "101-0001", "W1", "CSSRS", "000100"])
        #expect(urgent.stderr.contains("URGENT SAFETY FLAG cssrs-urgent"))

        let summary = cli.json(cli.ok(["summary", "--format", "json"]).stdout)
        #expect(Set(summary.keys) == ["date", "planned", "completed", "completedOutOfWindow", "missed", "pending", "overdue",
                                      "scoresEntered", "incompleteVisits", "flags", "deviations", "enrolled", "randomized", "withdrawn",
                                      "screenFailed", "tomorrow", "adverseEvents", "saeReports", "prohibitedMedications", "measureFlags",
                                      "recordedLate", "openSafety", "acknowledged"])
        #expect(summary["date"] as? String == "2026-11-25")
        #expect(summary["completed"] as? Int == 1 && summary["planned"] as? Int == 1 && summary["scoresEntered"] as? Int == 2)
        #expect(summary["incompleteVisits"] as? Int == 1) // CGI-S not entered
        #expect((summary["flags"] as? [[String: String]]) == [["subject": "101-0001", "visit": "W1", "flag": "cssrs-urgent"]])

        let text = cli.ok(["summary"]).stdout
        #expect(text.contains("URGENT — not yet acknowledged") && text.contains("101-0001 W1: cssrs-urgent"))
        // Every count names its visits or subjects, under it.
        #expect(text.contains("  completed 1 (0 out of window)\n    101-0001 W1\n") && text.contains("  visits with incomplete forms 1\n    101-0001 W1\n"))
        #expect(text.contains("  overdue backlog 0\n") && text.contains("  missed 0\n"))
        #expect(cli.ok(["summary", "--date", "2026-11-08"]).stdout.contains("  enrolled 1\n    101-0001\n  randomized 1\n    101-0001\n"))
        let markdown = cli.ok(["summary", "--format", "markdown", "--date", "2026-12-01"]).stdout
        #expect(markdown.contains("- scheduled 1\n  - 101-0001 W2"), "\(markdown)")
        cli.ok(["acknowledge", "101-0001", "W1", "cssrs-urgent", "--action", "PI assessed; 1:1 observation"])
        #expect(!cli.ok(["summary", "--date", "2026-11-26"]).stdout.contains("URGENT"))
        #expect(cli.ok(["summary", "--format", "markdown"]).stdout.hasPrefix("# End-of-day summary"))
        #expect(cli.ok(["verify"]).stdout.hasPrefix("OK"))
    }

    @Test func protocolsListsTheTemplatesAndTheStoresOwn() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        let before = cli.ok(["protocols"]).stdout
        #expect(before.contains("BPM-3W-ACUTE  blinded") && before.contains("TRD-8W-OUTPT") && !before.contains("In the store"))
        cli.ok(["init", "--protocol", "SCZ-5W-INPT"])
        let after = cli.ok(["protocols"]).stdout.components(separatedBy: "In the store at ")
        #expect(after.count == 2 && after[1].contains("SCZ-5W-INPT  blinded  PANSS") && !after[1].contains("TRD-8W-OUTPT"))
    }

    @Test func scalesListsEveryCodeWithItemsAndRanges() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        let text = cli.ok(["scales"]).stdout
        #expect(text.contains("CSSRS — Columbia Suicide Severity Rating Scale (screener): 6 items\n  WISH      0–1  Wish to be dead"))
        #expect(text.contains("PANSS — ") && text.contains("30 items, total 30–210; subscales"))
    }

    @Test func participantsJSONFollowsTheBindingShape() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        cli.ok(["init", "--protocol", "TRD-8W-OUTPT"])
        cli.ok(["enroll", "101-0002", "--initials", "CD", "--birth-year", "1990", "--sex", "M", "--consent", "2026-11-20", "--baseline", "2026-11-27", "--study", "TRD-8W-OUTPT"])
        cli.ok(["withdraw", "101-0002", "--screen-fail", "--category", "other", "--reason", "exclusion 4", "--date", "2026-11-24"])
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        let roster = cli.json(cli.ok(["participants", "--format", "json"]).stdout)
        #expect(Set(roster.keys) == ["participants", "counts"])
        let first = (roster["participants"] as? [[String: Any]])?.first
        #expect(first?["subject"] as? String == "101-0001" && first?["randomization"] as? String == "R-0001"
                && first?["nextVisit"] as? String == "D1" && first?["nextDate"] as? String == "2026-11-18"
                && first?["baseline"] as? String == "2026-11-18" && first?["dayOne"] as? String == "2026-11-18")
        let second = (roster["participants"] as? [[String: Any]])?.last
        #expect(second?["status"] as? String == "screen-failed" && second?["randomization"] is NSNull && second?["nextVisit"] is NSNull)
        let counts = roster["counts"] as? [String: [String: Int]]
        #expect(counts?["SCZ-5W-INPT"] == ["screening": 1, "active": 0, "completed": 0, "withdrawn": 0, "screen-failed": 0])
        #expect(counts?["TRD-8W-OUTPT"]?["screen-failed"] == 1 && counts?["TRD-8W-OUTPT"]?.count == 5)
        let failed = cli.json(cli.ok(["participants", "--status", "screen-failed", "--format", "json"]).stdout)
        #expect((failed["participants"] as? [Any])?.count == 1 && failed["counts"] as? [String: [String: Int]] == ["SCZ-5W-INPT": ["screen-failed": 0], "TRD-8W-OUTPT": ["screen-failed": 1]])
        #expect(cli.run(["participants", "--study", "NOPE"]).status == 1)
        let log = cli.ok(["export", "--format", "screening-log"]).stdout.split(separator: "\n")
        #expect(log == ["subject,study,consent,status,category,date,consents,criteriaNotMet", "101-0001,SCZ-5W-INPT,2026-11-08,screening,,,2026-11-08,",
                        "101-0002,TRD-8W-OUTPT,2026-11-20,screen-failed,other,2026-11-24,2026-11-20,"])
    }

    @Test func visitsJSONFollowsTheBindingShape() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        // Before Day 1 only screening and the baseline are listed: W1 waits for Day 1.
        let waiting = cli.json(cli.ok(["visits", "--date", "2026-11-25", "--format", "json"]).stdout)
        #expect((waiting["today"] as? [Any])?.isEmpty == true)
        #expect((waiting["overdue"] as? [[String: String]])?.map { $0["visit"] ?? "" } == ["SCR", "D1"])
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        cli.ok(["complete", "101-0001", "D1", "--date", "2026-11-18"])
        let review = cli.json(cli.ok(["visits", "--date", "2026-11-25", "--format", "json"]).stdout)
        #expect(Set(review.keys) == ["date", "today", "overdue", "closing"])
        let today = review["today"] as? [[String: String]]
        #expect(today == [["subject": "101-0001", "visit": "W1", "target": "2026-11-25", "windowStart": "2026-11-23",
                           "windowEnd": "2026-11-27", "scheduled": "2026-11-25", "status": "scheduled"]])
        #expect((review["overdue"] as? [Any])?.isEmpty == true)
        let later = cli.json(cli.ok(["visits", "--date", "2026-11-26", "--format", "json"]).stdout)
        #expect((later["closing"] as? [[String: String]])?.map { $0["visit"] ?? "" } == ["W1"])
    }

    @Test func globalOptionsWorkBeforeAfterAndFromTheEnvironment() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let other = CLIHarness(today: "2026-01-01")
        for arguments in [["visits", "--format", "json", "--store", cli.store, "--today", "2026-11-25"],
                          ["--store", cli.store, "--today", "2026-11-25", "visits", "--format", "json"],
                          ["--store=\(cli.store)", "visits", "--today=2026-11-25", "--format", "json"]] {
            let outcome = other.run(arguments)
            #expect(outcome.status == 0, "\(arguments): \(outcome.stderr)")
            #expect((other.json(outcome.stdout)["overdue"] as? [Any])?.count == 2, "\(arguments)") // SCR and D1
        }
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12", "--user", "dr.who"])
        #expect(cli.ok(["audit", "101-0001"]).stdout.contains("dr.who"))
    }

    @Test func everyWriteIsAuditedAndWithdrawalCancelsVisits() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        cli.ok(["miss", "101-0001", "SCR", "--reason", "no show", "--date", "2026-11-17"])
        cli.ok(["reschedule", "101-0001", "W1", "2026-11-26"])
        cli.ok(["withdraw", "101-0001", "--category", "withdrawal-by-subject", "--reason", "withdrew consent"])
        let shown = cli.json(cli.ok(["show", "101-0001", "--format", "json"]).stdout)
        #expect(shown["status"] as? String == "withdrawn")
        let statuses = (shown["visits"] as? [[String: Any]])?.map { "\($0["visit"] as? String ?? "") \($0["status"] as? String ?? "")" }
        // Early termination joins the schedule; the safety follow-up stays; the rest is cancelled.
        #expect(statuses == ["SCR missed", "D1 cancelled", "W1 cancelled", "W2 cancelled", "W3 cancelled", "W4 cancelled", "W5 cancelled",
                             "ET scheduled", "FU scheduled"])
        #expect((shown["exit"] as? [String: Any])?["category"] as? String == "withdrawal-by-subject")
        let summary = cli.json(cli.ok(["summary", "--format", "json"]).stdout)
        #expect(summary["withdrawn"] as? Int == 1)
        let audit = cli.ok(["audit"]).stdout
        #expect(audit.contains("withdrew consent") && audit.contains("rescheduledDate") && audit.contains("no show"))
    }

    @Test func exportsOneRowPerItem() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        cli.ok(["complete", "101-0001", "D1", "--date", "2026-11-18"])
        cli.ok(["score", "101-0001", "D1", "CSSRS", "0x0000"])
        let csv = cli.ok(["export"]).stdout.split(separator: "\n")
        #expect(csv.first == "subject,visit,date,scale,item,score,status")
        #expect(csv.count == 7 && csv[2] == "101-0001,D1,2026-11-18,CSSRS,THOUGHTS,,not assessed" && csv[1] == "101-0001,D1,2026-11-18,CSSRS,WISH,0,")
        let sdtm = cli.ok(["export", "--format", "sdtm"]).stdout.split(separator: "\n").map(String.init)
        #expect(sdtm.first == "STUDYID,DOMAIN,USUBJID,QSSEQ,QSTESTCD,QSTEST,QSCAT,QSORRES,QSSTRESC,QSSTRESN,QSSTAT,QSREASND,VISITNUM,VISIT,QSDTC,QSDY,QSBLFL")
        // One participant checked by hand: C-SSRS at the baseline visit (visit 2, Day 1), the second item not assessed.
        // CDISC's C-SSRS codes, as in the package (`SDTMScaleCodes`).
        #expect(sdtm[1] == "SCZ-5W-INPT,QS,SCZ-5W-INPT-101-0001,1,CSS0201,CSS02-Wish to be Dead,C-SSRS SINCE LAST VISIT,0,0,0,,,2,Baseline,2026-11-18,1,Y")
        #expect(sdtm[2] == "SCZ-5W-INPT,QS,SCZ-5W-INPT-101-0001,2,CSS0202,CSS02-Non-Specific Suicidal Thought,C-SSRS SINCE LAST VISIT,,,,NOT DONE,NOT ASSESSED,2,Baseline,2026-11-18,1,")
        // ^ a NOT DONE record is never a baseline: no QSBLFL (docs/RULES.md, "Score exports").
        #expect(sdtm.allSatisfy { line in line.unicodeScalars.allSatisfy { $0.isASCII } })
        #expect(sdtm.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[5].count <= 40 })
        let file = cli.store + ".export.csv"
        defer { try? FileManager.default.removeItem(atPath: file) }
        cli.ok(["export", "--out", file])
        let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600)
    }

    @Test func exportWritesOnlyAPlainFileOutsideTheStore() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        let outside = NSTemporaryDirectory() + "cohort-out-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let target = outside + "/target.txt"
        FileManager.default.createFile(atPath: target, contents: Data("keep me".utf8))
        try FileManager.default.createSymbolicLink(atPath: outside + "/link.csv", withDestinationPath: target)
        try FileManager.default.createSymbolicLink(atPath: outside + "/store-link", withDestinationPath: cli.store)
        for (out, message) in [(cli.store + "/participants/101-0001.json", "inside the store"),
                               (outside + "/store-link/participants/101-0001.json", "inside the store"),
                               (cli.store + "/new.csv", "inside the store"),
                               (outside + "/link.csv", "symbolic link"), ("/dev/null", "not a regular file"),
                               (outside, "not a regular file"), (outside + "/none/x.csv", "does not exist")] {
            let outcome = cli.run(["export", "--out", out])
            #expect(outcome.status == 1 && outcome.stderr.contains(message), "\(out): \(outcome.stderr)")
        }
        #expect(cli.snapshot() == before)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me")
        // A one-character name in the working directory is an ordinary file.
        let outcome = cli.run(["export", "--out", "a"], directory: outside)
        #expect(outcome.status == 0 && FileManager.default.fileExists(atPath: outside + "/a"), "\(outcome.stderr)")
    }

    @Test func aProtocolFileWithAMemberTwiceOrAnInvisibleTermIsRefusedAndNothingWritten() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        let protocolFile = cli.store + "-protocol.json"
        defer { try? FileManager.default.removeItem(atPath: protocolFile) }
        for (extra, message) in [(#""saeReportHours": 168, "saeReportHours": 1,"#, "'saeReportHours' twice"),
                                 ("\"specialInterest\": [\"Syn\u{00AD}cope\"],", "invisible character U+00AD")] {
            let definition = #"{"id": "T-1", "title": "Test", "arms": ["A"], "primaryScale": "MADRS", "# + extra + #" "visits": ["#
                + #"{"code": "D1", "name": "Day 1", "day": 1, "minus": 0, "plus": 0, "scales": ["CGI-S"], "baseline": true}]}"#
            try Data(definition.utf8).write(to: URL(fileURLWithPath: protocolFile))
            let outcome = cli.run(["init", "--protocol", protocolFile])
            #expect(outcome.status == 1 && outcome.stderr.contains(message), "\(outcome.status) \(outcome.stderr)")
            #expect(!FileManager.default.fileExists(atPath: cli.store + "/cohort-store.json"))
        }
    }

    @Test func exportQuotesWhatASpreadsheetWouldMisreadAndStreamsEveryParticipantInOrder() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        let protocolFile = cli.store + "-protocol.json"
        defer { try? FileManager.default.removeItem(atPath: protocolFile) }
        let definition = """
        {"id": "T-1", "title": "Test", "arms": ["A"], "primaryScale": "MADRS", "responderPercent": 30, "visits": [
          {"code": "D1", "name": "=Day, \\"one\\"", "day": 1, "minus": 0, "plus": 0, "scales": ["CGI-S", "MADRS"], "baseline": true}]}
        """
        try Data(definition.utf8).write(to: URL(fileURLWithPath: protocolFile))
        cli.ok(["init", "--protocol", protocolFile])
        for subject in ["101-0003", "101-0001", "101-0002"] {
            cli.ok(["enroll", subject, "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--consent", "2026-11-18", "--baseline", "2026-11-18"])
            cli.ok(["complete", subject, "D1", "--date", "2026-11-18"])
            cli.ok(["score", subject, "D1", "CGI-S", "4"])
        }
        let sdtm = cli.ok(["export", "--format", "sdtm"]).stdout.split(separator: "\n").map(String.init)
        #expect(sdtm.count == 4)
        #expect(sdtm.dropFirst().map { $0.split(separator: ",")[2] } == ["T-1-101-0001", "T-1-101-0002", "T-1-101-0003"])
        #expect(sdtm[1].contains(",CGI0201,CGI02-Severity,CGI,4,4,4,,,1,\"'=Day, \"\"one\"\"\",2026-11-18,1,Y"), "\(sdtm[1])")
    }

    @Test func demoIsReproducibleAndHasSomethingToShow() throws {
        let first = CLIHarness(), second = CLIHarness()
        defer { first.remove(); second.remove() }
        first.ok(["demo", "--participants", "30", "--seed", "7"])
        second.ok(["demo", "--participants", "30", "--seed", "7"])
        let a = first.snapshot(), b = second.snapshot()
        #expect(a.count > 60)
        #expect(a == b) // same seed, same day: the same store, byte for byte
        let review = first.json(first.ok(["visits", "--format", "json"]).stdout)
        #expect(!((review["today"] as? [Any]) ?? []).isEmpty)
        #expect(!((review["overdue"] as? [Any]) ?? []).isEmpty)
        #expect(first.ok(["verify"]).status == 0)
        // Flags are derived, never stored: no record's full value (not the text listing, which cuts values)
        // names one.
        let records = (first.json(first.ok(["audit", "--format", "json"]).stdout)["records"] as? [[String: Any]]) ?? []
        #expect(records.count > 100)
        // (An acknowledgement names the flag it acknowledges: that is a record of what the lead did, not a flag.)
        let values = records.filter { !(($0["path"] as? String) ?? "").hasPrefix("/acknowledgements") }.map { record in
            String(decoding: (try? JSONSerialization.data(withJSONObject: [record["value"] ?? NSNull(), record["old"] ?? NSNull()], options: [.fragmentsAllowed])) ?? Data(), as: UTF8.self)
        }
        #expect(values.contains { $0.contains("CSSRS") }, "the demo records C-SSRS administrations")
        #expect(!values.contains { $0.contains("cssrs-urgent") || $0.contains("cssrs-positive") })
    }
}

/// Not-done administrations from the command line (docs/RULES.md, "Scores").
struct NotDoneTests {
    @Test func everyItemNotAssessedIsNotDoneWithAReasonAndNeverAllNo() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        let refused = cli.run(["score", "101-0001", "SCR", "CSSRS", "xxxxxx"])
        #expect(refused.status == 1 && refused.stderr.contains("not done"), "\(refused.stderr)")
        let saved = cli.run(["score", "101-0001", "SCR", "CSSRS", "xxxxxx", "--reason", "participant sedated"])
        #expect(saved.status == 0 && saved.stdout.contains("not done") && !saved.stdout.contains("all no"), "\(saved.stdout)")
        let shown = cli.ok(["show", "101-0001"]).stdout
        #expect(shown.contains("not done (participant sedated)") && !shown.contains("all no"), "\(shown)")
        let summary = cli.json(cli.ok(["summary", "--date", "2026-11-12", "--format", "json"]).stdout)
        #expect(summary["scoresEntered"] as? Int == 0 && summary["incompleteVisits"] as? Int == 1)
        #expect(cli.ok(["export"]).stdout.contains("101-0001,SCR,2026-11-12,CSSRS,WISH,,not done: participant sedated"))
    }
}

/// A flag found by correcting an old administration is seen on the day it was found (docs/RULES.md, "The day's lists and the summary").
struct CorrectedFlagTests {
    @Test func aCorrectionThatRaisesAFlagShowsOnTheDayOfTheCorrection() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        cli.ok(["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        cli.ok(["score", "101-0001", "SCR", "CSSRS", "000000"])
        let corrected = cli.run(["score", "101-0001", "SCR", "CSSRS", "000100", "--reason", "intent was yes on the paper form"])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        let today = cli.json(cli.ok(["summary", "--format", "json"]).stdout)
        let flags = today["flags"] as? [[String: Any]] ?? []
        #expect(flags.count == 1 && flags[0]["flag"] as? String == "cssrs-urgent" && flags[0]["corrected"] as? Bool == true, "\(flags)")
        // A second correction on another day: each day it was found keeps the flag.
        cli.ok(["score", "101-0001", "SCR", "CSSRS", "000110", "--reason", "plan also endorsed", "--today", "2026-11-26"])
        for day in ["2026-11-25", "2026-11-26"] {
            let found = cli.json(cli.ok(["summary", "--date", day, "--format", "json", "--today", "2026-11-26"]).stdout)["flags"] as? [[String: Any]] ?? []
            #expect(found.contains { $0["corrected"] as? Bool == true && $0["flag"] as? String == "cssrs-urgent" }, "\(day): \(found)")
        }
        // The administration keeps its date: the day it was given shows the flag too, as the data now stands.
        let then = cli.json(cli.ok(["summary", "--date", "2026-11-12", "--format", "json"]).stdout)
        let raised = then["flags"] as? [[String: Any]] ?? []
        #expect(raised.count == 1 && raised[0]["corrected"] == nil, "\(raised)")
    }
}
