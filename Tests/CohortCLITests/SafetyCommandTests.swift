import Foundation
import Testing

/// Adverse events and concomitant medications through the real binary (docs/RULES.md, "Adverse events and medications"): the binding JSON of
/// `ae list`, `med list` and the summary, every refusal, `withdraw --ae`, and the SDTM AE and CM tables.
/// The clock is New York's (TZ set explicitly) and every command is given `--now`, so nothing depends on the
/// machine's zone or the time the tests run.
struct SafetyCommandTests {
    static let now = "2026-11-25T10:00"

    /// The enrolled store of the harness (101-0001: consent 2026-11-08, Day 1 2026-11-18), on New York's clock,
    /// with no `COHORT_TODAY` (each command says `--now`).
    static func store() -> CLIHarness {
        var cli = CLIHarness.enrolledStore()
        cli.environment["TZ"] = "America/New_York"
        cli.environment.removeValue(forKey: "COHORT_TODAY")
        cli.environment.removeValue(forKey: "COHORT_NOW")
        return cli
    }

    /// The keys of one AE of `ae list --format json` (docs/RULES.md, "Adverse events and medications").
    static let aeKeys: Set<String> = ["subject", "id", "term", "onset", "end", "severity", "grade", "serious", "criteria", "specialInterest",
                                      "related", "action", "outcome", "aware", "reportDue", "reportedAt", "report", "followUpPending"]

    static func adverseEvents(_ document: [String: Any]) -> [[String: Any]] { document["adverseEvents"] as? [[String: Any]] ?? [] }

    /// Every line of `text` that holds `"key" :` has a JSON boolean there.
    static func booleans(_ text: String, _ key: String) -> Bool {
        let lines = text.split(separator: "\n").filter { $0.contains("\"\(key)\" :") }
        return !lines.isEmpty && lines.allSatisfy { $0.hasSuffix(": true") || $0.hasSuffix(": false") || $0.hasSuffix(": true,") || $0.hasSuffix(": false,") }
    }

    @Test func aeListJSONFollowsTheBindingShape() throws {
        let cli = Self.store()
        defer { cli.remove() }
        cli.okAt(Self.now, ["enroll", "101-0002", "--initials", "CD", "--birth-year", "1970", "--sex", "M", "--consent", "2026-11-09", "--baseline", "2026-11-19"])
        // Entered out of subject order: the list is by subject, then id.
        cli.okAt("2026-11-24T08:00", ["ae", "add", "101-0002", "--term", "Insomnia", "--onset", "2026-11-20", "--severity", "mild"])
        cli.okAt("2026-11-24T08:05", ["ae", "add", "101-0001", "--term", "Headache", "--onset", "2026-11-20", "--severity", "mild",
                                      "--outcome", "recovered", "--end", "2026-11-21"])
        cli.okAt("2026-11-24T12:00", ["ae", "add", "101-0001", "--term", "Fall with hip fracture", "--onset", "2026-11-23", "--severity", "severe",
                                      "--grade", "3", "--serious", "hospitalization,disability", "--related", "unlikely", "--action", "interrupted",
                                      "--aware", "2026-11-23T21:40"])
        cli.okAt("2026-11-24T12:30", ["ae", "report", "101-0001", "AE2", "--at", "2026-11-24T12:15"])
        cli.okAt("2026-11-24T13:00", ["ae", "add", "101-0001", "--term", "Acute urinary retention", "--onset", "2026-11-24", "--severity", "moderate"])

        let outcome = cli.runAt(Self.now, ["ae", "list", "--format", "json"])
        #expect(outcome.status == 0 && outcome.stderr.isEmpty, "\(outcome.stderr)")
        let document = cli.json(outcome.stdout)
        #expect(Set(document.keys) == ["now", "adverseEvents"])
        #expect(document["now"] as? String == "2026-11-25T10:00-05:00")
        let events = Self.adverseEvents(document)
        #expect(events.map { "\($0["subject"] as? String ?? "") \($0["id"] as? String ?? "")" } == ["101-0001 AE1", "101-0001 AE2", "101-0001 AE3", "101-0002 AE1"])
        for event in events { #expect(Set(event.keys) == Self.aeKeys, "\(event)") }
        for key in ["serious", "specialInterest", "followUpPending"] { #expect(Self.booleans(outcome.stdout, key), "\(key)") }

        // A non-serious AE that ended: the nulls the spec allows, no report needed.
        let headache = events[0]
        #expect(headache["term"] as? String == "Headache" && headache["onset"] as? String == "2026-11-20" && headache["end"] as? String == "2026-11-21")
        #expect(headache["grade"] is NSNull && headache["related"] is NSNull && headache["reportDue"] is NSNull && headache["reportedAt"] is NSNull)
        #expect(headache["severity"] as? String == "mild" && headache["action"] as? String == "none" && headache["outcome"] as? String == "recovered")
        #expect((headache["criteria"] as? [String]) == [] && headache["report"] as? String == "not-required")
        #expect(headache["aware"] as? String == "2026-11-24T08:05-05:00") // neither serious nor of special interest: when it was added

        // A serious AE reported on time, every field.
        let fall = events[1]
        #expect(fall["term"] as? String == "Fall with hip fracture" && fall["onset"] as? String == "2026-11-23" && fall["end"] is NSNull)
        #expect(fall["severity"] as? String == "severe" && fall["grade"] as? Int == 3)
        #expect((fall["criteria"] as? [String]) == ["hospitalization", "disability"])
        #expect(fall["related"] as? String == "unlikely" && fall["action"] as? String == "interrupted" && fall["outcome"] as? String == "not-recovered")
        #expect(fall["aware"] as? String == "2026-11-23T21:40-05:00" && fall["reportDue"] as? String == "2026-11-24T21:40-05:00")
        #expect(fall["reportedAt"] as? String == "2026-11-24T12:15-05:00" && fall["report"] as? String == "reported")
        #expect(outcome.stdout.contains("\"serious\" : true") && outcome.stdout.contains("\"followUpPending\" : false"))

        // Of special interest, not serious: aware defaults to now, a report is due.
        let retention = events[2]
        #expect(retention["aware"] as? String == "2026-11-24T13:00-05:00" && retention["reportDue"] as? String == "2026-11-25T13:00-05:00")
        #expect(retention["report"] as? String == "due")
        #expect(outcome.stdout.contains("\"specialInterest\" : true"))

        // Later, the due report is overdue; one subject only.
        let later = cli.json(cli.okAt("2026-11-25T13:01", ["ae", "list", "101-0001", "--format", "json"]).stdout)
        #expect(Self.adverseEvents(later).map { $0["report"] as? String ?? "" } == ["not-required", "reported", "overdue"])
        #expect(later["now"] as? String == "2026-11-25T13:01-05:00")

        // --open: not ended, or a report due or overdue or a follow-up pending.
        let open = cli.json(cli.okAt(Self.now, ["ae", "list", "--open", "--format", "json"]).stdout)
        #expect(Self.adverseEvents(open).map { "\($0["subject"] as? String ?? "") \($0["id"] as? String ?? "")" } == ["101-0001 AE2", "101-0001 AE3", "101-0002 AE1"])
        let single = cli.json(cli.okAt(Self.now, ["ae", "list", "101-0002", "--open", "--format", "json"]).stdout)
        #expect(Self.adverseEvents(single).map { $0["subject"] as? String } == ["101-0002"])
        let none = CLIHarness.enrolledStore()
        defer { none.remove() }
        let nothing = none.json(none.ok(["ae", "list", "--format", "json", "--now", Self.now]).stdout)
        #expect(Set(nothing.keys) == ["now", "adverseEvents"] && Self.adverseEvents(nothing).isEmpty)
    }

    @Test func openKeepsAnEndedEventWhileItsReportOrFollowUpIsOwed() throws {
        let cli = Self.store()
        defer { cli.remove() }
        cli.okAt("2026-11-24T09:00", ["ae", "add", "101-0001", "--term", "Syncope", "--onset", "2026-11-23", "--severity", "moderate",
                                      "--outcome", "recovered", "--end", "2026-11-23", "--related", "possible"])
        func openIDs(_ now: String) -> [String] {
            Self.adverseEvents(cli.json(cli.okAt(now, ["ae", "list", "--open", "--format", "json"]).stdout)).map { $0["id"] as? String ?? "" }
        }
        #expect(openIDs("2026-11-24T10:00") == ["AE1"])                                      // due
        #expect(openIDs("2026-11-25T09:01") == ["AE1"])                                      // overdue
        cli.okAt("2026-11-25T09:30", ["ae", "report", "101-0001", "AE1", "--at", "2026-11-25T09:00"]) // exactly at the due minute
        let reported = Self.adverseEvents(cli.json(cli.okAt("2026-11-25T09:30", ["ae", "list", "--format", "json"]).stdout))
        #expect(reported.first?["report"] as? String == "reported" && reported.first?["reportedAt"] as? String == "2026-11-25T09:00-05:00")
        #expect(openIDs("2026-11-25T09:30") == [])
        cli.okAt("2026-11-25T09:40", ["ae", "update", "101-0001", "AE1", "--severity", "severe", "--reason", "PI reassessed"])
        let changed = Self.adverseEvents(cli.json(cli.okAt("2026-11-25T09:45", ["ae", "list", "--format", "json"]).stdout))
        #expect(changed.first?["followUpPending"] as? Bool == true && changed.first?["report"] as? String == "reported")
        #expect(openIDs("2026-11-25T09:45") == ["AE1"])                                      // follow-up pending
        cli.okAt("2026-11-25T09:50", ["ae", "report", "101-0001", "AE1", "--follow-up"])
        let followed = Self.adverseEvents(cli.json(cli.okAt("2026-11-25T09:55", ["ae", "list", "--format", "json"]).stdout))
        #expect(followed.first?["followUpPending"] as? Bool == false && followed.first?["reportedAt"] as? String == "2026-11-25T09:00-05:00")
        #expect(openIDs("2026-11-25T09:55") == [])
    }

    @Test func reportedOneMinuteAfterTheDueMinuteIsLate() throws {
        let cli = Self.store()
        defer { cli.remove() }
        cli.okAt("2026-11-24T09:00", ["ae", "add", "101-0001", "--term", "Pneumonia", "--onset", "2026-11-23", "--severity", "severe",
                                      "--serious", "hospitalization", "--related", "not"])
        cli.okAt("2026-11-25T09:30", ["ae", "report", "101-0001", "AE1", "--at", "2026-11-25T09:01"])
        let list = Self.adverseEvents(cli.json(cli.okAt("2026-11-25T09:30", ["ae", "list", "--format", "json"]).stdout))
        #expect(list.first?["report"] as? String == "reported-late" && list.first?["reportDue"] as? String == "2026-11-25T09:00-05:00")
    }

    @Test func updateMakingANonSeriousEventSeriousRestartsTheClock() throws {
        let cli = Self.store()
        defer { cli.remove() }
        cli.okAt("2026-11-21T09:00", ["ae", "add", "101-0001", "--term", "Chest pain", "--onset", "2026-11-20", "--severity", "moderate"])
        cli.okAt("2026-11-25T08:00", ["ae", "update", "101-0001", "AE1", "--serious", "hospitalization", "--reason", "admitted overnight"])
        var event = Self.adverseEvents(cli.json(cli.okAt(Self.now, ["ae", "list", "--format", "json"]).stdout)).first
        #expect(event?["aware"] as? String == "2026-11-25T08:00-05:00" && event?["reportDue"] as? String == "2026-11-26T08:00-05:00")
        // Adding a criterion to a serious AE keeps the clock.
        cli.okAt(Self.now, ["ae", "update", "101-0001", "AE1", "--serious", "hospitalization,life-threatening", "--reason", "ICU"])
        event = Self.adverseEvents(cli.json(cli.okAt(Self.now, ["ae", "list", "--format", "json"]).stdout)).first
        #expect(event?["aware"] as? String == "2026-11-25T08:00-05:00")
        #expect((event?["criteria"] as? [String]) == ["hospitalization", "life-threatening"])
        // Its --aware when given.
        cli.okAt("2026-11-21T09:00", ["ae", "add", "101-0001", "--term", "Dyspnoea", "--onset", "2026-11-20", "--severity", "moderate"])
        cli.okAt(Self.now, ["ae", "update", "101-0001", "AE2", "--serious", "medically-important", "--aware", "2026-11-24T22:10", "--reason", "PI call"])
        event = Self.adverseEvents(cli.json(cli.okAt(Self.now, ["ae", "list", "--format", "json"]).stdout)).last
        #expect(event?["aware"] as? String == "2026-11-24T22:10-05:00" && event?["report"] as? String == "due")
    }

    @Test func theReportClockAcrossTheSpringChange() throws {
        var cli = CLIHarness()
        cli.environment["TZ"] = "America/New_York"
        cli.environment.removeValue(forKey: "COHORT_TODAY")
        defer { cli.remove() }
        cli.okAt("2026-03-01T09:00", ["init", "--protocol", "SCZ-5W-INPT"])
        cli.okAt("2026-03-01T09:00", ["enroll", "101-0001", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--consent", "2026-03-01", "--baseline", "2026-03-06"])
        cli.okAt("2026-03-07T10:05", ["ae", "add", "101-0001", "--term", "Seizure", "--onset", "2026-03-07", "--severity", "severe",
                                      "--serious", "medically-important", "--related", "possible", "--aware", "2026-03-07T10:00"])
        let before = Self.adverseEvents(cli.json(cli.okAt("2026-03-08T10:30", ["ae", "list", "--format", "json"]).stdout)).first
        #expect(before?["aware"] as? String == "2026-03-07T10:00-05:00")
        #expect(before?["reportDue"] as? String == "2026-03-08T11:00-04:00") // 24 real hours: the clock lost one
        #expect(before?["report"] as? String == "due")
        #expect(Self.adverseEvents(cli.json(cli.okAt("2026-03-08T11:01", ["ae", "list", "--format", "json"]).stdout)).first?["report"] as? String == "overdue")
        // A time in the gap does not exist.
        let snapshot = cli.snapshot()
        let gap = cli.runAt("2026-03-08T12:00", ["ae", "report", "101-0001", "AE1", "--at", "2026-03-08T02:30"])
        #expect(gap.status == 1 && gap.stderr.contains("does not exist"), "\(gap.stderr)")
        #expect(cli.snapshot() == snapshot)
        #expect(cli.runAt("2026-03-08T02:30", ["ae", "list"]).status == 1)
        cli.okAt("2026-03-08T12:00", ["ae", "report", "101-0001", "AE1", "--at", "2026-03-08T10:45"])
        let after = Self.adverseEvents(cli.json(cli.okAt("2026-03-08T12:00", ["ae", "list", "--format", "json"]).stdout)).first
        #expect(after?["report"] as? String == "reported" && after?["reportedAt"] as? String == "2026-03-08T10:45-04:00")
        let summary = cli.json(cli.okAt("2026-03-08T12:00", ["summary", "--date", "2026-03-07", "--format", "json"]).stdout)
        #expect((summary["saeReports"] as? [[String: String]]) == [["subject": "101-0001", "id": "AE1", "due": "2026-03-08T11:00-04:00"]])
    }

    @Test func theReportClockAcrossTheFallChange() throws {
        var cli = CLIHarness()
        cli.environment["TZ"] = "America/New_York"
        cli.environment.removeValue(forKey: "COHORT_TODAY")
        defer { cli.remove() }
        cli.okAt("2026-10-20T09:00", ["init", "--protocol", "SCZ-5W-INPT"])
        cli.okAt("2026-10-20T09:00", ["enroll", "101-0001", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--consent", "2026-10-20", "--baseline", "2026-10-27"])
        cli.okAt("2026-10-31T10:00", ["ae", "add", "101-0001", "--term", "Overdose", "--onset", "2026-10-31", "--severity", "severe",
                                      "--serious", "hospitalization", "--related", "not"])
        let due = Self.adverseEvents(cli.json(cli.okAt("2026-11-01T08:30", ["ae", "list", "--format", "json"]).stdout)).first
        #expect(due?["reportDue"] as? String == "2026-11-01T09:00-05:00" && due?["report"] as? String == "due")
        cli.okAt("2026-11-01T09:45", ["ae", "report", "101-0001", "AE1", "--at", "2026-11-01T09:30"])
        let late = Self.adverseEvents(cli.json(cli.okAt("2026-11-01T09:45", ["ae", "list", "--format", "json"]).stdout)).first
        #expect(late?["report"] as? String == "reported-late" && late?["reportedAt"] as? String == "2026-11-01T09:30-05:00")
    }

    @Test func medListJSONFollowsTheBindingShape() throws {
        let cli = Self.store()
        defer { cli.remove() }
        cli.okAt(Self.now, ["enroll", "101-0002", "--initials", "CD", "--birth-year", "1970", "--sex", "M", "--consent", "2026-11-09", "--baseline", "2026-11-19"])
        cli.okAt(Self.now, ["med", "add", "101-0002", "--name", "lorazepam", "--start", "2026-11-19", "--dose", "1 mg", "--frequency", "as needed", "--rescue"])
        cli.okAt(Self.now, ["med", "add", "101-0001", "--name", "olanzapine", "--start", "2026-10-01", "--end", "2026-11-17"])
        cli.okAt(Self.now, ["med", "add", "101-0001", "--name", "benztropine", "--start", "2026-10-01", "--end", "2026-11-17"])
        let added = cli.okAt(Self.now, ["med", "add", "101-0001", "--name", "Benztropine mesylate", "--start", "2026-11-20", "--route", "oral"])
        #expect(added.stderr.contains("PROHIBITED MEDICATION") && added.stdout.contains("CM3"))
        cli.okAt(Self.now, ["med", "add", "101-0001", "--name", "benztropines", "--start", "2026-11-20"])
        let outcome = cli.runAt(Self.now, ["med", "list", "--format", "json"])
        #expect(outcome.status == 0)
        let document = cli.json(outcome.stdout)
        #expect(Set(document.keys) == ["medications"])
        let medications = document["medications"] as? [[String: Any]] ?? []
        for medication in medications {
            #expect(Set(medication.keys) == ["subject", "id", "name", "start", "end", "category", "prohibited", "rescue"], "\(medication)")
        }
        for key in ["prohibited", "rescue"] { #expect(Self.booleans(outcome.stdout, key), "\(key)") }
        #expect(medications.map { "\($0["subject"] as? String ?? "") \($0["id"] as? String ?? "") \($0["category"] as? String ?? "") \($0["prohibited"] as? Bool ?? false)" }
                == ["101-0001 CM1 prior false", "101-0001 CM2 prior false", "101-0001 CM3 concomitant true", "101-0001 CM4 concomitant false",
                    "101-0002 CM1 concomitant false"])
        #expect(medications[0]["name"] as? String == "olanzapine" && medications[0]["start"] as? String == "2026-10-01" && medications[0]["end"] as? String == "2026-11-17")
        #expect(medications[2]["end"] is NSNull && medications[2]["rescue"] as? Bool == false)
        #expect(medications[4]["rescue"] as? Bool == true && medications[4]["name"] as? String == "lorazepam")
        let one = cli.json(cli.okAt(Self.now, ["med", "list", "101-0002", "--format", "json"]).stdout)
        #expect((one["medications"] as? [[String: Any]])?.count == 1)
    }

    @Test func summaryJSONListsTheDaysAdverseEventsOwedReportsAndProhibitedMedications() throws {
        let cli = Self.store()
        defer { cli.remove() }
        cli.okAt("2026-11-24T11:00", ["ae", "add", "101-0001", "--term", "Headache", "--onset", "2026-11-24", "--severity", "mild"])
        cli.okAt("2026-11-24T16:00", ["ae", "add", "101-0001", "--term", "Fall", "--onset", "2026-11-24", "--severity", "severe",
                                      "--serious", "hospitalization", "--related", "unlikely", "--aware", "2026-11-24T15:00"])
        cli.okAt("2026-11-24T16:00", ["ae", "add", "101-0001", "--term", "Nausea", "--onset", "2026-11-22", "--severity", "mild"])
        cli.okAt("2026-11-25T08:30", ["ae", "report", "101-0001", "AE2"]) // the next morning
        cli.okAt(Self.now, ["med", "add", "101-0001", "--name", "benztropine", "--start", "2026-11-10"])   // a deviation from Day 1 (11-18)
        cli.okAt(Self.now, ["med", "add", "101-0001", "--name", "oxybutynin", "--start", "2026-11-24"])   // from its start
        cli.okAt(Self.now, ["med", "add", "101-0001", "--name", "biperiden", "--start", "2026-11-01", "--end", "2026-11-17"]) // prior

        let day = cli.json(cli.okAt(Self.now, ["summary", "--date", "2026-11-24", "--format", "json"]).stdout)
        let events = day["adverseEvents"] as? [[String: Any]] ?? []
        #expect(events.map { Set($0.keys) } == [["subject", "id", "term", "serious"], ["subject", "id", "term", "serious"]])
        #expect(events.map { "\($0["subject"] as? String ?? "") \($0["id"] as? String ?? "") \($0["term"] as? String ?? "") \($0["serious"] as? Bool ?? false)" }
                == ["101-0001 AE1 Headache false", "101-0001 AE2 Fall true"])
        // Reported the next morning: still owed at the end of 11-24.
        #expect((day["saeReports"] as? [[String: String]]) == [["subject": "101-0001", "id": "AE2", "due": "2026-11-25T15:00-05:00"]])
        #expect((day["prohibitedMedications"] as? [[String: String]]) == [["subject": "101-0001", "id": "CM2", "name": "oxybutynin"]])
        #expect((day["deviations"] as? [Any])?.isEmpty == true) // a prohibited medication is not a visit deviation

        let next = cli.json(cli.okAt(Self.now, ["summary", "--date", "2026-11-25", "--format", "json"]).stdout)
        #expect((next["saeReports"] as? [Any])?.isEmpty == true && (next["adverseEvents"] as? [Any])?.isEmpty == true)
        let dayOne = cli.json(cli.okAt(Self.now, ["summary", "--date", "2026-11-18", "--format", "json"]).stdout)
        #expect((dayOne["prohibitedMedications"] as? [[String: String]]) == [["subject": "101-0001", "id": "CM1", "name": "benztropine"]])
        let started = cli.json(cli.okAt(Self.now, ["summary", "--date", "2026-11-10", "--format", "json"]).stdout)
        #expect((started["prohibitedMedications"] as? [Any])?.isEmpty == true)
        let text = cli.okAt(Self.now, ["summary", "--date", "2026-11-24"]).stdout
        #expect(text.contains("101-0001 AE2") && text.contains("101-0001 CM2"), "\(text)")
    }

    /// 101-0001 (consent 2026-11-08, Day 1 2026-11-18) with AE1 Headache (not serious), AE2 Fall (serious, no
    /// causality, aware 11-24T09:00), AE3 Seizure (serious, related, aware 11-24T09:00, not reported), CM1
    /// lorazepam from 11-20; now 2026-11-25T10:00.
    static func preparedStore() -> CLIHarness {
        let cli = store()
        cli.okAt("2026-11-24T09:00", ["ae", "add", "101-0001", "--term", "Headache", "--onset", "2026-11-20", "--severity", "mild", "--related", "not"])
        cli.okAt("2026-11-24T09:00", ["ae", "add", "101-0001", "--term", "Fall", "--onset", "2026-11-23", "--severity", "severe", "--serious", "hospitalization"])
        cli.okAt("2026-11-24T09:00", ["ae", "add", "101-0001", "--term", "Seizure", "--onset", "2026-11-23", "--severity", "severe",
                                      "--serious", "medically-important", "--related", "possible"])
        cli.okAt("2026-11-24T09:00", ["med", "add", "101-0001", "--name", "lorazepam", "--start", "2026-11-20"])
        return cli
    }

    static let add = ["ae", "add", "101-0001", "--term", "Rash", "--severity", "mild"]

    static let refusals: [(arguments: [String], status: Int32, message: String)] = [
        (add + ["--onset", "2026-11-26"], 1, "after today"),
        (add + ["--onset", "2026-11-07"], 1, "medical history"),
        (add + ["--onset", "2026-11-20", "--end", "2026-11-19", "--outcome", "recovered"], 1, "before the onset"),
        (add + ["--onset", "2026-11-20", "--end", "2026-11-26", "--outcome", "recovered"], 1, "after today"),
        (add + ["--onset", "2026-11-20", "--serious", "hospitalization", "--aware", "2026-11-19T23:59"], 1, "before the onset date"),
        (add + ["--onset", "2026-11-20", "--serious", "hospitalization", "--aware", "2026-11-25T10:01"], 1, "after now"),
        (add + ["--onset", "2026-11-20", "--end", "2026-11-21", "--outcome", "fatal"], 1, "needs the seriousness criterion death"),
        (add + ["--onset", "2026-11-20", "--serious", "death"], 1, "needs the outcome fatal"),
        (add + ["--onset", "2026-11-20", "--end", "2026-11-21"], 1, "An end date goes with"),
        (add + ["--onset", "2026-11-20", "--end", "2026-11-21", "--outcome", "recovering"], 1, "An end date goes with"),
        (add + ["--onset", "2026-11-20", "--outcome", "recovered"], 1, "needs its end date"),
        (add + ["--onset", "2026-11-20", "--outcome", "recovered-with-sequelae"], 1, "needs its end date"),
        (add + ["--onset", "2026-11-20", "--grade", "5"], 1, "Grade 5"),
        (add + ["--onset", "2026-11-20", "--grade", "5", "--end", "2026-11-21", "--outcome", "recovered"], 1, "Grade 5"),
        (add + ["--onset", "2026-11-20", "--grade", "6"], 1, "not 1 to 5"),
        (add + ["--onset", "2026-11-20", "--serious", "hospitalisation"], 1, "not a seriousness criterion"),
        (add + ["--onset", "2026-11-20", "--serious", "hospitalization", "--aware", "yesterday"], 1, "not a date and time"),
        (add + ["--onset", "2026-11-20", "--visit", "W9"], 1, "no visit"),
        (add + ["--onset", "20/11/2026"], 1, "not a real date"),
        (add, 1, "onset"),
        (["ae", "add", "101-0009", "--term", "Rash", "--severity", "mild", "--onset", "2026-11-20"], 1, "101-0009"),
        (["ae", "add", "101-0001", "--term", "", "--severity", "mild", "--onset", "2026-11-20"], 1, "term is required"),
        (["ae", "add", "101-0001", "--term", "Rash\u{1b}[2J", "--severity", "mild", "--onset", "2026-11-20"], 1, "control characters"),
        (["ae", "report", "101-0001", "AE1"], 1, "neither serious nor of special interest"),
        (["ae", "report", "101-0001", "AE1", "--follow-up"], 1, "neither serious nor of special interest"),
        (["ae", "report", "101-0001", "AE2"], 1, "causality"),
        (["ae", "report", "101-0001", "AE3", "--at", "2026-11-24T08:59"], 1, "before the site was aware"),
        (["ae", "report", "101-0001", "AE3", "--at", "2026-11-25T10:01"], 1, "after now"),
        (["ae", "report", "101-0001", "AE3", "--follow-up"], 1, "no initial report"),
        (["ae", "report", "101-0001", "AE9"], 1, "no adverse event AE9"),
        (["ae", "update", "101-0001", "AE1", "--severity", "severe", "--reason", ""], 1, "reason for changing an adverse event is required"),
        (["ae", "update", "101-0001", "AE1", "--severity", "mild", "--reason", "same"], 1, "nothing to change"),
        (["ae", "update", "101-0001", "AE9", "--severity", "severe", "--reason", "x"], 1, "no adverse event AE9"),
        (["ae", "update", "101-0001", "AE1", "--end", "2026-11-19", "--outcome", "recovered", "--reason", "x"], 1, "before the onset"),
        (["ae", "update", "101-0001", "AE1", "--outcome", "fatal", "--end", "2026-11-21", "--reason", "x"], 1, "death"),
        (["ae", "update", "101-0001", "AE2", "--serious", "death", "--reason", "x"], 1, "fatal"),
        (["ae", "update", "101-0001", "AE1", "--onset", "2026-11-26", "--reason", "x"], 1, "after today"),
        (["ae", "update", "101-0001", "AE1", "--serious", "disability", "--aware", "2026-11-25T11:00", "--reason", "x"], 1, "after now"),
        (["med", "add", "101-0001", "--name", "haloperidol", "--start", "2026-11-26"], 1, "after today"),
        (["med", "add", "101-0001", "--name", "haloperidol", "--start", "2026-11-20", "--end", "2026-11-19"], 1, "before the start"),
        (["med", "add", "101-0001", "--name", "haloperidol", "--start", "2026-11-20", "--end", "2026-11-26"], 1, "after today"),
        (["med", "add", "101-0001", "--name", "haloperidol"], 1, "start date"),
        (["med", "update", "101-0001", "CM1", "--dose", "2 mg", "--reason", " "], 1, "reason for changing a medication is required"),
        (["med", "update", "101-0001", "CM9", "--dose", "2 mg", "--reason", "x"], 1, "no medication CM9"),
        (["withdraw", "101-0001", "--category", "other", "--ae", "AE2", "--reason", "moved away"], 1, "only to a withdrawal for adverse-event or death"),
        (["withdraw", "101-0001", "--category", "withdrawal-by-subject", "--ae", "AE2", "--reason", "x"], 1, "only to a withdrawal for adverse-event or death"),
        (["withdraw", "101-0001", "--category", "adverse-event", "--ae", "AE9", "--reason", "x"], 1, "no adverse event AE9"),
        // Usage errors.
        (["ae", "update", "101-0001", "AE1", "--severity", "severe"], 64, "--reason"),
        (["med", "update", "101-0001", "CM1", "--dose", "2 mg"], 64, "--reason"),
        (["ae", "add", "101-0001", "--onset", "2026-11-20", "--severity", "mild"], 64, "--term"),
        (add + ["--onset", "2026-11-20", "--severity", "fatal"], 64, "severity"),
        (add + ["--onset", "2026-11-20", "--related", "maybe"], 64, "related"),
        (add + ["--onset", "2026-11-20", "--outcome", "dead"], 64, "outcome"),
        (add + ["--onset", "2026-11-20", "--grade", "three"], 64, "grade"),
        (["med", "add", "101-0001", "--start", "2026-11-20"], 64, "--name"),
        (["ae", "list", "--format", "xml"], 64, "format"),
        (["export", "--domain", "AE"], 64, "--domain goes with --format sdtm"),
        (["export", "--format", "csv", "--domain", "CM"], 64, "--domain goes with --format sdtm"),
        (["export", "--format", "screening-log", "--domain", "AE"], 64, "--domain goes with --format sdtm"),
        (["export", "--format", "sdtm", "--domain", "XX"], 64, "domain"),
    ]

    @Test func everyRefusalExitsSaysWhyAndWritesNothing() throws {
        let cli = Self.preparedStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        #expect(!before.isEmpty)
        for (arguments, status, message) in Self.refusals {
            let outcome = cli.runAt(Self.now, arguments)
            #expect(outcome.status == status, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
            #expect(outcome.stdout.isEmpty, "\(arguments): \(outcome.stdout)")
            #expect(cli.snapshot() == before, "\(arguments) changed the store")
        }
        // Onset before consent says it is medical history, with the consent date.
        let history = cli.runAt(Self.now, Self.add + ["--onset", "2026-11-01"])
        #expect(history.stderr.contains("before 101-0001's consent (2026-11-08): that is medical history"), "\(history.stderr)")
        // And the same commands, made right, are accepted (so the refusals above were for the reason named).
        cli.okAt(Self.now, ["ae", "update", "101-0001", "AE2", "--related", "possible", "--reason", "PI assessed"])
        cli.okAt(Self.now, ["ae", "report", "101-0001", "AE2"])
        cli.okAt(Self.now, ["ae", "report", "101-0001", "AE3", "--at", "2026-11-24T09:00"])
        cli.okAt(Self.now, Self.add + ["--onset", "2026-11-08", "--end", "2026-11-25", "--outcome", "recovered", "--grade", "1"])
        #expect(cli.snapshot() != before)
    }

    @Test func withdrawLinksTheAdverseEventThatLedToIt() throws {
        let cli = Self.store()
        defer { cli.remove() }
        let fatal = cli.okAt(Self.now, ["ae", "add", "101-0001", "--term", "Sudden cardiac death", "--onset", "2026-11-24", "--severity", "severe",
                                        "--grade", "5", "--serious", "death", "--outcome", "fatal", "--end", "2026-11-24", "--related", "unlikely"])
        #expect(fatal.stdout.contains("withdraw 101-0001 --category death --ae AE1"), "\(fatal.stdout)")
        cli.okAt(Self.now, ["withdraw", "101-0001", "--category", "death", "--ae", "AE1", "--reason", "died", "--date", "2026-11-24"])
        let shown = cli.json(cli.okAt(Self.now, ["show", "101-0001", "--format", "json"]).stdout)
        let exit = shown["exit"] as? [String: Any]
        #expect(exit?["adverseEvent"] as? String == "AE1" && exit?["category"] as? String == "death" && shown["status"] as? String == "withdrawn")
        #expect(cli.okAt(Self.now, ["verify"]).stdout.hasPrefix("OK"))

        let other = Self.store()
        defer { other.remove() }
        other.okAt(Self.now, ["ae", "add", "101-0001", "--term", "Akathisia", "--onset", "2026-11-24", "--severity", "severe", "--action", "withdrawn"])
        other.okAt(Self.now, ["withdraw", "101-0001", "--category", "adverse-event", "--ae", "AE1", "--reason", "akathisia"])
        let exitRecord = other.json(other.okAt(Self.now, ["show", "101-0001", "--format", "json"]).stdout)["exit"] as? [String: Any]
        #expect(exitRecord?["adverseEvent"] as? String == "AE1" && exitRecord?["category"] as? String == "adverse-event")
    }

    @Test func sdtmAETableFieldByField() throws {
        let cli = Self.store()
        defer { cli.remove() }
        let adds: [[String]] = [
            ["--term", "Headache", "--onset", "2026-11-17", "--severity", "mild", "--grade", "1", "--related", "not", "--outcome", "recovered", "--end", "2026-11-18"],
            ["--term", "Pneumonia", "--onset", "2026-11-20", "--severity", "moderate", "--serious", "hospitalization,life-threatening",
             "--related", "probable", "--action", "interrupted", "--outcome", "recovering"],
            ["--term", "Myocarditis", "--onset", "2026-11-21", "--severity", "severe", "--grade", "5", "--serious", "death", "--related", "definite",
             "--action", "withdrawn", "--outcome", "fatal", "--end", "2026-11-24"],  // the day of death: nothing is dated after it
            ["--term", "Stroke", "--onset", "2026-11-22", "--severity", "severe", "--serious", "disability", "--related", "unlikely",
             "--action", "reduced", "--outcome", "recovered-with-sequelae", "--end", "2026-11-24"],
            ["--term", "Neural tube defect (partner)", "--onset", "2026-11-22", "--severity", "moderate", "--serious", "congenital-anomaly,medically-important",
             "--related", "possible", "--action", "not-applicable", "--outcome", "unknown"],
            ["--term", "Akathisia – restless, pacing", "--onset", "2026-11-24", "--severity", "mild"],
        ]
        for options in adds { cli.okAt(Self.now, ["ae", "add", "101-0001"] + options) }
        // Study days count from the real Day 1 only (blank before it, as in the package).
        #expect(cli.okAt(Self.now, ["export", "--format", "sdtm", "--domain", "AE"]).stdout.split(separator: "\n").dropFirst()
            .allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[8...9] == ["", ""] })
        cli.okAt(Self.now, ["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        cli.okAt(Self.now, ["complete", "101-0001", "D1", "--date", "2026-11-18"])
        let lines = cli.okAt(Self.now, ["export", "--format", "sdtm", "--domain", "AE"]).stdout.split(separator: "\n").map(String.init)
        let header = "STUDYID,DOMAIN,USUBJID,AESEQ,AESPID,AETERM,AESTDTC,AEENDTC,AESTDY,AEENDY,AESEV,AETOXGR,AESER,AESDTH,AESLIFE,AESHOSP,AESDISAB,AESCONG,AESMIE,AEREL,AEACN,AEOUT"
        #expect(lines.first == header)
        #expect(lines.count == 7)
        // Checked by hand: Day 1 is 2026-11-18 (no Day 0: 11-17 is Day -1).
        let expected = [
            "SCZ-5W-INPT,AE,SCZ-5W-INPT-101-0001,1,AE1,Headache,2026-11-17,2026-11-18,-1,1,MILD,1,N,N,N,N,N,N,N,NOT RELATED,DOSE NOT CHANGED,RECOVERED/RESOLVED",
            "SCZ-5W-INPT,AE,SCZ-5W-INPT-101-0001,2,AE2,Pneumonia,2026-11-20,,3,,MODERATE,,Y,N,Y,Y,N,N,N,PROBABLY RELATED,DRUG INTERRUPTED,RECOVERING/RESOLVING",
            "SCZ-5W-INPT,AE,SCZ-5W-INPT-101-0001,3,AE3,Myocarditis,2026-11-21,2026-11-24,4,7,SEVERE,5,Y,Y,N,N,N,N,N,RELATED,DRUG WITHDRAWN,FATAL",
            "SCZ-5W-INPT,AE,SCZ-5W-INPT-101-0001,4,AE4,Stroke,2026-11-22,2026-11-24,5,7,SEVERE,,Y,N,N,N,Y,N,N,UNLIKELY RELATED,DOSE REDUCED,RECOVERED/RESOLVED WITH SEQUELAE",
            "SCZ-5W-INPT,AE,SCZ-5W-INPT-101-0001,5,AE5,Neural tube defect (partner),2026-11-22,,5,,MODERATE,,Y,N,N,N,N,Y,Y,POSSIBLY RELATED,NOT APPLICABLE,UNKNOWN",
            "SCZ-5W-INPT,AE,SCZ-5W-INPT-101-0001,6,AE6,\"Akathisia - restless, pacing\",2026-11-24,,7,,MILD,,N,N,N,N,N,N,N,,DOSE NOT CHANGED,NOT RECOVERED/NOT RESOLVED",
        ]
        for (line, want) in zip(lines.dropFirst(), expected) { #expect(line == want) }
        // Field by field for the serious one, by header name.
        let names = header.split(separator: ",").map(String.init)
        let fields = Dictionary(uniqueKeysWithValues: zip(names, lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        #expect(fields["AESER"] == "Y" && fields["AESLIFE"] == "Y" && fields["AESHOSP"] == "Y" && fields["AESDTH"] == "N" && fields["AESMIE"] == "N")
        #expect(fields["AESEV"] == "MODERATE" && fields["AEREL"] == "PROBABLY RELATED" && fields["AEACN"] == "DRUG INTERRUPTED" && fields["AEOUT"] == "RECOVERING/RESOLVING")
        #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
    }

    @Test func sdtmCMTableFieldByField() throws {
        let cli = Self.store()
        defer { cli.remove() }
        cli.okAt(Self.now, ["med", "add", "101-0001", "--name", "olanzapine", "--start", "2026-10-01", "--end", "2026-11-17", "--dose", "10 mg",
                            "--route", "oral", "--frequency", "once daily", "--indication", "schizophrenia"])
        cli.okAt(Self.now, ["med", "add", "101-0001", "--name", "lorazepam", "--start", "2026-11-01", "--end", "2026-11-18", "--dose", "1 mg",
                            "--route", "intramuscular", "--frequency", "as needed", "--indication", "agitation, anxiety", "--rescue"])
        cli.okAt(Self.now, ["med", "add", "101-0001", "--name", "paracetamol", "--start", "2026-11-20"])
        let lines = cli.okAt(Self.now, ["export", "--format", "sdtm", "--domain", "CM"]).stdout.split(separator: "\n").map(String.init)
        #expect(lines == [
            "STUDYID,DOMAIN,USUBJID,CMSEQ,CMSPID,CMTRT,CMCAT,CMINDC,CMDOSTXT,CMROUTE,CMDOSFRQ,CMSTDTC,CMENDTC",
            "SCZ-5W-INPT,CM,SCZ-5W-INPT-101-0001,1,CM1,olanzapine,PRIOR,schizophrenia,10 mg,ORAL,QD,2026-10-01,2026-11-17",
            "SCZ-5W-INPT,CM,SCZ-5W-INPT-101-0001,2,CM2,lorazepam,CONCOMITANT,\"agitation, anxiety\",1 mg,INTRAMUSCULAR,PRN,2026-11-01,2026-11-18",
            "SCZ-5W-INPT,CM,SCZ-5W-INPT-101-0001,3,CM3,paracetamol,CONCOMITANT,,,,,2026-11-20,",
        ])
        // Completing the baseline a day late moves Day 1 to 11-19: the medication that ended 11-18 becomes prior.
        cli.okAt(Self.now, ["complete", "101-0001", "SCR", "--date", "2026-11-12"])
        cli.okAt(Self.now, ["complete", "101-0001", "D1", "--date", "2026-11-19"])
        let moved = cli.okAt(Self.now, ["export", "--format", "sdtm", "--domain", "CM"]).stdout.split(separator: "\n").map(String.init)
        #expect(moved.count == 4 && moved[2].contains(",CM2,lorazepam,PRIOR,"))
        let listed = cli.json(cli.okAt(Self.now, ["med", "list", "--format", "json"]).stdout)["medications"] as? [[String: Any]]
        #expect(listed?.map { $0["category"] as? String ?? "" } == ["prior", "prior", "concomitant"])
    }

    /// docs/RULES.md, "Study days and dates": "when only `--today` is given, now is that date at the current local time of day". One of the two
    /// dates is on the other side of a daylight-saving change from the real date, whenever the test runs.
    @Test(arguments: ["2026-01-15", "2026-07-01"])
    func todayAloneIsThatDateAtTheCurrentLocalTimeOfDay(day: String) throws {
        let cli = Self.store()
        defer { cli.remove() }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "America/New_York")!
        formatter.dateFormat = "HH:mm"
        let before = formatter.string(from: Date())
        let now = cli.json(cli.ok(["ae", "list", "--format", "json", "--today", day]).stdout)["now"] as? String ?? ""
        let after = formatter.string(from: Date())
        // One of the two days is across a daylight-saving change from today: the time of day still reads the same.
        #expect(now.hasPrefix(day + "T"), "\(now)")
        #expect([before, after].contains(String(now.dropFirst(11).prefix(5))), "\(now) at \(before)")
    }

    @Test func theHarnessZoneDecidesTheOffsetPrinted() throws {
        var cli = Self.store()
        defer { cli.remove() }
        cli.environment["TZ"] = "UTC"
        let document = cli.json(cli.okAt(Self.now, ["ae", "list", "--format", "json"]).stdout)
        #expect(document["now"] as? String == "2026-11-25T10:00+00:00")
        cli.environment["TZ"] = "America/New_York"
        #expect(cli.json(cli.okAt(Self.now, ["ae", "list", "--format", "json"]).stdout)["now"] as? String == "2026-11-25T10:00-05:00")
        cli.environment["COHORT_NOW"] = "2026-07-01T09:30"
        #expect(cli.json(cli.ok(["ae", "list", "--format", "json"]).stdout)["now"] as? String == "2026-07-01T09:30-04:00")
    }
}

extension CLIHarness {
    /// Runs `arguments` with `--now now`.
    @discardableResult
    func runAt(_ now: String, _ arguments: [String]) -> Outcome { run(arguments + ["--now", now]) }

    /// Runs `arguments` with `--now now` and records an issue unless it succeeds.
    @discardableResult
    func okAt(_ now: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
        let outcome = runAt(now, arguments)
        if outcome.status != 0 { Issue.record("\(arguments) at \(now) failed (\(outcome.status)): \(outcome.stderr)", sourceLocation: sourceLocation) }
        return outcome
    }
}
