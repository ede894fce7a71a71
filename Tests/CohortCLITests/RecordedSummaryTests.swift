import Foundation
import Testing

/// The summary's late entries and the summary as recorded, through the real binary on a real clock: each
/// command runs under `faketime` (Debian's `faketime`, installed by `.ci/run`), so the audit times are the
/// system clock's on the day the entry was made, as in use (docs/RULES.md, "The day's lists and the summary").
struct RecordedSummaryTests {
    static let faketime = "/usr/bin/faketime"

    /// A store on UTC's clock whose every command is run at a real (faked) system time.
    static func store() -> CLIHarness {
        var cli = CLIHarness()
        cli.environment["TZ"] = "UTC"
        cli.environment.removeValue(forKey: "COHORT_NOW")
        return cli
    }

    /// Runs `arguments` with the system clock at `time` (`YYYY-MM-DD HH:MM:SS`) and today its date. faketime
    /// also shifts the file times `stat` returns by its offset (a file just written looks just written);
    /// `realFileTimes` turns that off, for a test that sets file times itself.
    @discardableResult
    static func at(_ cli: CLIHarness, _ time: String, _ arguments: [String], realFileTimes: Bool = false) -> CLIHarness.Outcome {
        let outcome = cli.run([time, CLIHarness.binary] + arguments,
                              environment: ["COHORT_TODAY": String(time.prefix(10))].merging(realFileTimes ? ["NO_FAKE_STAT": "1"] : [:]) { a, _ in a },
                              executable: faketime)
        if outcome.status != 0 { try? FileHandle.standardError.write(contentsOf: Data("command \(arguments) failed: \(outcome.stderr)\n".utf8)) }
        return outcome
    }

    static func summary(_ cli: CLIHarness, at time: String, date: String, asRecorded: Bool = false, format: String = "json") -> String {
        at(cli, time, ["summary", "--date", date, "--format", format] + (asRecorded ? ["--as-recorded"] : [])).stdout
    }

    /// 101-0001 enrolled and randomized on 2026-11-18 (consent 11-08, Day 1 11-18) with screening and the
    /// baseline completed that day.
    static func enrolled() -> CLIHarness {
        let cli = store()
        at(cli, "2026-11-18 09:00:00", ["init", "--protocol", "SCZ-5W-INPT"])
        at(cli, "2026-11-18 09:01:00", ["enroll", "101-0001", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--consent", "2026-11-08",
                                        "--baseline", "2026-11-18"])
        for command in CLIHarness.eligibleCommands("101-0001") { at(cli, "2026-11-18 09:01:30", command) }
        at(cli, "2026-11-18 09:02:00", ["randomize", "101-0001", "R-0001", "--date", "2026-11-18"])
        at(cli, "2026-11-18 09:03:00", ["complete", "101-0001", "SCR", "--date", "2026-11-11"])
        at(cli, "2026-11-18 09:04:00", ["complete", "101-0001", "D1", "--date", "2026-11-18"])
        return cli
    }

    @Test func aPastDayAsRecordedIsUnchangedByALaterEntryThatItsPlainSummaryShows() throws {
        let cli = Self.enrolled()
        defer { cli.remove() }
        let before = Self.summary(cli, at: "2026-11-18 23:00:00", date: "2026-11-18", asRecorded: true)
        #expect(before.contains("\"completed\" : 1"))
        // Two days later, an AE with onset on the 18th.
        Self.at(cli, "2026-11-20 10:00:00", ["ae", "add", "101-0001", "--term", "Headache", "--onset", "2026-11-18", "--severity", "mild"])
        let after = Self.summary(cli, at: "2026-11-20 11:00:00", date: "2026-11-18", asRecorded: true)
        #expect(after == before)
        let plain = cli.json(Self.summary(cli, at: "2026-11-20 11:00:00", date: "2026-11-18"))
        let events = plain["adverseEvents"] as? [[String: Any]] ?? []
        #expect(events.map { $0["id"] as? String } == ["AE1"])
        #expect(!before.contains("Headache"))
    }

    @Test func lateEntriesReachTheSummaryOfTheDayTheyWereRecorded() throws {
        let cli = Self.enrolled()
        defer { cli.remove() }
        Self.at(cli, "2026-11-20 10:00:00", ["ae", "add", "101-0001", "--term", "Headache", "--onset", "2026-11-18", "--severity", "mild"])
        Self.at(cli, "2026-11-20 10:05:00", ["med", "add", "101-0001", "--name", "lorazepam", "--start", "2026-11-19"])
        // Dated the day itself: not late.
        Self.at(cli, "2026-11-20 10:10:00", ["ae", "add", "101-0001", "--term", "Nausea", "--onset", "2026-11-20", "--severity", "mild"])
        let document = cli.json(Self.summary(cli, at: "2026-11-20 18:00:00", date: "2026-11-20"))
        let late = document["recordedLate"] as? [[String: Any]] ?? []
        #expect(late.map { Set($0.keys) } == Array(repeating: ["subject", "what", "id", "date", "recorded"], count: 2))
        #expect(late.map { "\($0["what"] ?? "") \($0["id"] ?? "") \($0["date"] ?? "") \($0["recorded"] ?? "")" }
                == ["adverse-event AE1 2026-11-18 2026-11-20", "medication CM1 2026-11-19 2026-11-20"])
        // Recorded on the 20th, not the 18th (its clinical date) nor the 21st; on the 18th, screening was entered for the 11th.
        let eighteenth = cli.json(Self.summary(cli, at: "2026-11-21 09:00:00", date: "2026-11-18"))["recordedLate"] as? [[String: Any]] ?? []
        #expect(eighteenth.map { "\($0["what"] ?? "") \($0["id"] ?? "") \($0["date"] ?? "")" } == ["visit-completed SCR 2026-11-11"])
        #expect((cli.json(Self.summary(cli, at: "2026-11-21 09:00:00", date: "2026-11-21"))["recordedLate"] as? [Any])?.isEmpty == true)
        // `--today` moves the clinical day, never the recorded one: an entry made on the 21st with --today 20 is recorded on the 21st.
        cli.run(["2026-11-21 09:00:00", CLIHarness.binary, "ae", "add", "101-0001", "--term", "Rash", "--onset", "2026-11-19", "--severity", "mild",
                 "--today", "2026-11-20"], executable: Self.faketime)
        let twentyFirst = cli.json(Self.summary(cli, at: "2026-11-21 10:00:00", date: "2026-11-21"))["recordedLate"] as? [[String: Any]] ?? []
        #expect(twentyFirst.map { $0["id"] as? String } == ["AE3"])
        let text = Self.summary(cli, at: "2026-11-20 18:00:00", date: "2026-11-20", format: "text")
        #expect(text.contains("Entered today for earlier days\n  101-0001 AE1: adverse-event dated 2026-11-18\n  101-0001 CM1: medication dated 2026-11-19"))
        #expect(Self.summary(cli, at: "2026-11-20 18:00:00", date: "2026-11-20", format: "markdown").contains("## Entered today for earlier days"))
    }

    @Test func openSafetyAndAcknowledgementsAreInTheSummary() throws {
        let cli = Self.enrolled()
        defer { cli.remove() }
        Self.at(cli, "2026-11-20 10:00:00", ["ae", "add", "101-0001", "--term", "Pneumonia", "--onset", "2026-11-19", "--severity", "severe",
                                             "--serious", "hospitalization", "--related", "unlikely"])
        Self.at(cli, "2026-11-20 10:05:00", ["complete", "101-0001", "W1", "--date", "2026-11-20"])
        Self.at(cli, "2026-11-20 10:06:00", ["score", "101-0001", "W1", "CSSRS", "110100"])
        let open = cli.json(Self.summary(cli, at: "2026-11-20 18:00:00", date: "2026-11-20"))["openSafety"] as? [[String: Any]] ?? []
        #expect(open.map { "\($0["subject"] ?? "") \($0["kind"] ?? "") \($0["id"] ?? "")" }
                == ["101-0001 serious-ae-ongoing AE1", "101-0001 urgent-flag-unacknowledged W1/cssrs-urgent"])
        Self.at(cli, "2026-11-21 08:00:00", ["acknowledge", "101-0001", "W1", "cssrs-urgent", "--action", "PI assessed; 1:1 observation"])
        let document = cli.json(Self.summary(cli, at: "2026-11-21 18:00:00", date: "2026-11-21"))
        let acknowledged = document["acknowledged"] as? [[String: Any]] ?? []
        #expect(acknowledged.map { "\($0["subject"] ?? "") \($0["visit"] ?? "") \($0["flag"] ?? "") \($0["user"] ?? "") \($0["action"] ?? "")" }
                == ["101-0001 W1 cssrs-urgent tester PI assessed; 1:1 observation"])
        #expect((document["openSafety"] as? [[String: Any]] ?? []).map { $0["kind"] as? String } == ["serious-ae-ongoing"])
        // The summary of the 20th as recorded still shows the flag open: it was acknowledged the next day.
        let then = cli.json(Self.summary(cli, at: "2026-11-21 18:00:00", date: "2026-11-20", asRecorded: true))
        #expect((then["openSafety"] as? [[String: Any]] ?? []).map { $0["kind"] as? String } == ["serious-ae-ongoing", "urgent-flag-unacknowledged"])
    }

    @Test func showSaysWhoAcknowledgedAFlagWhenAndWhatWasDone() throws {
        let cli = Self.enrolled()
        defer { cli.remove() }
        Self.at(cli, "2026-11-20 10:05:00", ["complete", "101-0001", "W1", "--date", "2026-11-20"])
        Self.at(cli, "2026-11-20 10:06:00", ["score", "101-0001", "W1", "CSSRS", "110100"])
        func flags() -> [[String: Any]] {
            let scores = cli.json(Self.at(cli, "2026-11-21 12:00:00", ["show", "101-0001", "--format", "json"]).stdout)["scores"] as? [[String: Any]] ?? []
            return scores.first { $0["scale"] as? String == "CSSRS" }?["flags"] as? [[String: Any]] ?? []
        }
        #expect(flags().count == 1 && flags().first?["flag"] as? String == "cssrs-urgent" && flags().first?["acknowledged"] is NSNull)
        // Acknowledged at 08:00 by the system clock, whatever --today says.
        Self.at(cli, "2026-11-21 08:00:00", ["acknowledge", "101-0001", "W1", "cssrs-urgent", "--action", "PI assessed; 1:1 observation"])
        let acknowledged = flags().first?["acknowledged"] as? [String: Any] ?? [:]
        #expect(Set(acknowledged.keys) == ["user", "time", "action"])
        #expect(acknowledged["user"] as? String == "tester" && acknowledged["action"] as? String == "PI assessed; 1:1 observation")
        #expect(acknowledged["time"] as? String == "2026-11-21T08:00+00:00")
        let text = Self.at(cli, "2026-11-21 12:00:00", ["show", "101-0001"]).stdout
        #expect(text.contains("✓ cssrs-urgent at W1 acknowledged by tester 2026-11-21T08:00+00:00: PI assessed; 1:1 observation"))
    }

    @Test func aReportSentLateIsADeviationInTheSummaryClassifiedLikeAny() throws {
        let cli = Self.enrolled()
        defer { cli.remove() }
        Self.at(cli, "2026-11-19 09:00:00", ["ae", "add", "101-0001", "--term", "Pneumonia", "--onset", "2026-11-19", "--severity", "severe",
                                             "--serious", "hospitalization", "--related", "unlikely", "--aware", "2026-11-19T09:00"])
        Self.at(cli, "2026-11-20 11:00:00", ["ae", "report", "101-0001", "AE1"])
        let deviations = cli.json(Self.summary(cli, at: "2026-11-20 18:00:00", date: "2026-11-20"))["deviations"] as? [[String: Any]] ?? []
        #expect(deviations.map { "\($0["subject"] ?? "") \($0["visit"] ?? "") \($0["kind"] ?? "") \($0["days"] is NSNull)" }
                == ["101-0001 AE1 late-report true"])
        let text = Self.summary(cli, at: "2026-11-20 18:00:00", date: "2026-11-20", format: "text")
        #expect(text.contains("101-0001 AE1: initial report sent late — unclassified"))
        // Classified like any deviation (the TUI roster counts it unclassified until then: ParticipantDigest.unclassifiedDeviations).
        #expect(Self.at(cli, "2026-11-20 18:05:00", ["deviation", "101-0001", "AE1", "--class", "minor", "--note", "weekend"]).status == 0)
        #expect(Self.summary(cli, at: "2026-11-20 18:10:00", date: "2026-11-20", format: "text").contains("101-0001 AE1: initial report sent late — minor (weekend)"))
    }

    /// A trail last written before the day began cannot hold a record made on the day, so the summary does
    /// not read it (only its file time and, as on every read, its last record): here 101-0002's first record is
    /// redated to the day after its last write, so reading the whole trail would fail the summary. Late entries in the trail
    /// written that day are still found, and the skipped participant's open safety item is still listed
    /// (its digest says it may have one, so its file is read).
    @Test func aTrailNotWrittenSinceTheDayBeganIsNotReadAndLateEntriesAreStillFound() throws {
        let cli = Self.enrolled()
        defer { cli.remove() }
        Self.at(cli, "2026-11-18 09:05:00", ["enroll", "101-0002", "--initials", "CD", "--birth-year", "1975", "--sex", "M", "--consent", "2026-11-10",
                                            "--baseline", "2026-11-18"])
        Self.at(cli, "2026-11-18 09:06:00", ["ae", "add", "101-0002", "--term", "Pneumonia", "--onset", "2026-11-18", "--severity", "severe",
                                            "--serious", "hospitalization", "--related", "unlikely"])
        Self.at(cli, "2026-11-20 10:00:00", ["ae", "add", "101-0001", "--term", "Headache", "--onset", "2026-11-18", "--severity", "mild"])
        // The kernel writes real file times under faketime: give each trail the time of its last write.
        let trail = cli.store + "/audit/101-0002.jsonl"
        // Its first record is moved to the day (same length; the saved head at its end still reads): a read of
        // the whole trail finds a record of the day and its hash chain broken.
        var lines = try String(contentsOfFile: trail, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].contains("\"time\":\"2026-11-18T09:05"))
        lines[0] = lines[0].replacingOccurrences(of: "\"time\":\"2026-11-18T09:05", with: "\"time\":\"2026-11-20T09:05")
        try lines.joined(separator: "\n").write(toFile: trail, atomically: false, encoding: .utf8)
        func stamp(_ path: String, _ iso: String) throws {
            try FileManager.default.setAttributes([.modificationDate: ISO8601DateFormatter().date(from: iso)!], ofItemAtPath: path)
        }
        try stamp(trail, "2026-11-18T09:06:00Z")
        try stamp(cli.store + "/audit/101-0001.jsonl", "2026-11-20T10:00:00Z")
        let outcome = Self.at(cli, "2026-11-20 18:00:00", ["summary", "--date", "2026-11-20", "--format", "json"], realFileTimes: true)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let document = cli.json(outcome.stdout)
        #expect((document["recordedLate"] as? [[String: Any]] ?? []).map { "\($0["subject"] ?? "") \($0["id"] ?? "")" } == ["101-0001 AE1"])
        #expect((document["openSafety"] as? [[String: Any]] ?? []).map { "\($0["subject"] ?? "") \($0["kind"] ?? "")" } == ["101-0002 serious-ae-ongoing"])
        // As recorded, the untouched participant stands as it is now, with no replay.
        let recorded = Self.at(cli, "2026-11-20 18:00:00", ["summary", "--date", "2026-11-20", "--format", "json", "--as-recorded"], realFileTimes: true)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect((cli.json(recorded.stdout)["openSafety"] as? [[String: Any]] ?? []).map { $0["subject"] as? String } == ["101-0002"])
        // The day the trail was written, it is read: the forged line is found and refused.
        try stamp(trail, "2026-11-20T12:00:00Z")
        #expect(Self.at(cli, "2026-11-20 18:00:00", ["summary", "--date", "2026-11-20", "--format", "json"], realFileTimes: true).status != 0)
    }
}

