import CohortDemo
import CohortDomain
import CohortFileStore
@testable import CohortReports
import CohortStore
import CohortTestSupport
import Foundation
import Testing

/// The seeded demo site's participants, read once: what the reports are rendered from.
enum DemoParticipants {
    static let today = TestData.today
    static let now = Moment(minutes: today.dayNumber * 1440 + 720, offset: 0)
    static let zone = TimeZone(identifier: "UTC")!

    static let loaded: (site: String, context: StudyContext, participants: [Participant]) = {
        let directory = NSTemporaryDirectory() + "cohort-reports-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try! DemoSite.build(directory: directory, participants: 24, seed: 1, today: today, scales: TestData.scales)
        return (store.site.name, store.context, try! store.subjects().map { try store.participant($0) })
    }()

    static var context: StudyContext { loaded.context }
    static var participants: [Participant] { loaded.participants }

    static func participant(_ subject: String) -> Participant { participants.first { $0.subject == subject }! }

    /// The JSON of `value` as the CLI writes it, parsed back into dictionaries.
    static func json<T: Encodable>(_ value: T) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try #require(try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any])
    }
}

/// The documents of `CohortReports`: text, Markdown, JSON and CSV of the summary, roster, participant,
/// safety lists, score and measure exports, on the seeded demo site.
struct ReportsTests {
    typealias Demo = DemoParticipants

    // MARK: CSV fields

    @Test(arguments: [
        ("=1+2", "'=1+2"), ("+SUM(A1)", "'+SUM(A1)"), ("-cmd", "'-cmd"), ("@A1", "'@A1"),
        ("-5", "-5"), ("+3", "+3"), ("2026-11-25", "2026-11-25"), ("PANSS", "PANSS"), ("", ""),
        ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("=A1,B1", "\"'=A1,B1\""),
    ])
    func aCSVFieldIsQuotedAndAFormulaIsDisarmed(text: String, written: String) {
        #expect(ScoreExport.field(text) == written)
    }

    @Test func anAdverseEventTermThatLooksLikeAFormulaIsExportedAsText() throws {
        var participant = try #require(Demo.participants.first { !$0.adverseEvents.isEmpty })
        participant.adverseEvents[0].term = "=HYPERLINK(\"http://x\",\"y\")"
        let row = try #require(SafetyExport.rows(participant, domain: .adverseEvents, context: Demo.context).split(separator: "\n").first)
        #expect(row.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","), "\(row)")
    }

    // MARK: Summary

    @Test func theSummaryIsTheSameSectionsAsTextAndAsMarkdown() {
        let table = ReviewTable(participants: Demo.participants, context: Demo.context)
        let report = SummaryReport(summary: DaySummary(date: Demo.today, table: table, zone: Demo.zone), table: table,
                                   site: Demo.loaded.site, now: Demo.now)
        let text = report.text(), markdown = report.markdown()
        #expect(text.hasPrefix("End-of-day summary — Demo Research Site — 2026-11-25\n"))
        #expect(markdown.hasPrefix("# End-of-day summary — Demo Research Site — 2026-11-25\n"))
        let titles = report.sections.map(\.title)
        // Safety first: the urgent flag still open (101-0011 in the demo), then visits, then tomorrow last.
        #expect(titles.first == "URGENT — not yet acknowledged")
        #expect(titles.last == "Tomorrow")
        #expect(report.sections.prefix { $0.isSafety }.count >= 1)
        for section in report.sections {
            #expect(text.contains("\n\n" + section.title + "\n"), "\(section.title)")
            #expect(markdown.contains("\n\n## " + section.title + "\n\n"), "\(section.title)")
            for line in section.lines {
                #expect(text.contains("\n  " + line), "\(line)")
                // Names under a count are a nested list item in Markdown.
                #expect(markdown.contains(line.hasPrefix("  ") ? "  - " + line.dropFirst(2) : "- " + line), "\(line)")
            }
        }
    }

    @Test func anEmptyDayIsSaidNoneNotLeftBlank() throws {
        let table = ReviewTable(participants: [], context: Demo.context)
        let report = SummaryReport(summary: DaySummary(date: Demo.today, table: table, zone: Demo.zone), table: table, site: "Empty Site")
        let text = report.text()
        #expect(!text.contains("URGENT"), "no urgent section when nothing is urgent")
        for title in ["Adverse events with onset today", "Measures out of range or raising an alert", "Safety flags raised today", "Protocol deviations"] {
            #expect(text.contains(title + "\n  none"), "\(title)")
        }
        #expect(text.contains("Visits\n  planned 0\n  completed 0 (0 out of window)\n  missed 0"), "\(text)")
        #expect(text.contains("Tomorrow\n  scheduled 0"))
    }

    // MARK: Roster

    func roster(_ filter: Roster.Filter = Roster.Filter(), of participants: [Participant] = Demo.participants) throws -> Roster {
        var roster = try Roster(studies: Array(Demo.context.protocols.keys), filter: filter)
        for participant in participants { roster.add(RosterEntry(participant, studyProtocol: Demo.context.protocols[participant.study]!)) }
        return roster
    }

    @Test func theRosterTextCountsEachStudyThenListsEveryone() throws {
        let text = RosterText.render(try roster())
        let lines = text.components(separatedBy: "\n")
        #expect(lines[0].hasPrefix("STUDY") && lines[0].hasSuffix("TOTAL"), "\(lines[0])")
        #expect(text.contains("SCZ-5W-INPT ") && text.contains("TRD-8W-OUTPT ") && text.contains("BPM-3W-ACUTE "))
        let header = try #require(lines.first { $0.hasPrefix("SUBJECT") })
        #expect(header.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                == "SUBJECT INITIALS STUDY STATUS CONSENT DAY 1 ALLOCATION NEXT VISIT")
        #expect(lines.filter { $0.hasPrefix("101-00") }.count == 24)
        // A participant with no visit left says so with a dash.
        #expect(lines.contains { $0.hasPrefix("101-0003 ") && $0.hasSuffix("—") }, "\(text)")
    }

    @Test func anEmptyRosterSaysWhetherThereIsNobodyOrNobodyMatches() throws {
        #expect(RosterText.render(try roster(of: [])).hasSuffix("\n\nNo participants yet."))
        #expect(RosterText.render(try roster(Roster.Filter(study: "SCZ-5W-INPT", status: .withdrawn))).hasSuffix("\n\nNo participants match."))
    }

    @Test func theRosterJSONHasEveryKeyNullWhenEmpty() throws {
        let document = try Demo.json(RosterJSON(try roster()))
        #expect(Set(document.keys) == ["participants", "counts"])
        let people = try #require(document["participants"] as? [[String: Any]])
        #expect(people.count == 24)
        let keys: Set<String> = ["subject", "initials", "study", "status", "consent", "baseline", "dayOne", "randomization", "nextVisit", "nextDate"]
        for person in people { #expect(Set(person.keys) == keys, "\(person)") }
        let completed = try #require(people.first { $0["subject"] as? String == "101-0003" })
        #expect(completed["nextVisit"] is NSNull && completed["nextDate"] is NSNull)
        let counts = try #require(document["counts"] as? [String: [String: Int]])
        #expect(counts["SCZ-5W-INPT"]?.values.reduce(0, +) == 12)
    }

    @Test func theScreeningLogHasItsHeaderAndOneRowAParticipant() throws {
        #expect(ScoreExport.Format.screeningLog.header == "subject,study,consent,status,category,date,consents,criteriaNotMet\n")
        let row = ScoreExport.rows(Demo.participant("101-0003"), format: .screeningLog, context: Demo.context)
        #expect(row.hasPrefix("101-0003,BPM-3W-ACUTE,") && row.hasSuffix("\n") && row.split(separator: ",", omittingEmptySubsequences: false).count == 8, "\(row)")
    }

    // MARK: Participant

    @Test func theParticipantTextHasDetailsTimelineAndScores() {
        let participant = Demo.participant("101-0010")
        let text = ParticipantText.render(participant, context: Demo.context, today: Demo.today, now: Demo.now, zone: Demo.zone)
        let lines = text.components(separatedBy: "\n")
        #expect(lines[0].hasPrefix("101-0010  DO  born \(participant.birthYear)  sex \(participant.sex.rawValue)  SCZ-5W-INPT"), "\(lines[0])")
        #expect(lines[1].hasPrefix("Consent \(participant.consentDate)  Baseline \(participant.baselineDate)"))
        #expect(lines.contains { $0.hasPrefix("VISIT") && $0.contains("SCHEDULED") && $0.hasSuffix("FORMS") })
        #expect(lines.contains { $0.hasPrefix("W2 ") && $0.contains("Week 2") }, "\(text)")
        #expect(lines.contains("Scores"))
    }

    @Test func aParticipantWhoseStudyIsNotInTheStoreSaysSoInsteadOfATimeline() {
        let context = StudyContext(protocols: [], scales: TestData.scales)
        let text = ParticipantText.render(Demo.participant("101-0010"), context: context, today: Demo.today, now: Demo.now, zone: Demo.zone)
        #expect(text.hasSuffix("\nStudy SCZ-5W-INPT is not in this store."))
        #expect(!text.contains("VISIT"))
    }

    @Test func theParticipantJSONKeepsStoredKeysAndAddsWhatIsDerived() throws {
        let document = try Demo.json(ParticipantJSON(Demo.participant("101-0010"), context: Demo.context, today: Demo.today, now: Demo.now,
                                                     zone: Demo.zone))
        for key in ["subject", "initials", "study", "status", "visits", "scores"] { #expect(document[key] != nil, "\(key): \(document.keys.sorted())") }
        let visits = try #require(document["visits"] as? [[String: Any]])
        let w2 = try #require(visits.first { $0["visit"] as? String == "W2" })
        #expect(w2["windowStart"] as? String == "2026-11-23" && w2["windowEnd"] as? String == "2026-11-27", "\(w2)")
        #expect(w2["windowState"] != nil && w2["name"] as? String == "Week 2")
    }

    // MARK: Safety

    @Test func emptySafetyListsSaySo() {
        #expect(AdverseEventsText.render([], now: Demo.now) == "No adverse events.")
        #expect(MedicationsText.render([]) == "No medications.")
        #expect(MeasuresText.render([]) == "No measures recorded.")
    }

    func adverseEventLines() throws -> [AdverseEventLine] {
        try Demo.participants.flatMap { participant in
            let rules = SafetyRules(try Demo.context.studyProtocol(for: participant))
            return participant.adverseEvents.map { AdverseEventLine(subject: participant.subject, event: $0, rules: rules, now: Demo.now, zone: Demo.zone) }
        }
    }

    @Test func theAdverseEventListShowsEveryEventWithItsReportClock() throws {
        let lines = try adverseEventLines()
        #expect(!lines.isEmpty)
        let text = AdverseEventsText.render(lines, now: Demo.now)
        #expect(text.hasPrefix("SUBJECT") && text.components(separatedBy: "\n").count == lines.count + 1)
        // The serious event still to report in the demo (101-0019 AE2) shows its clock in words.
        #expect(text.components(separatedBy: "\n").contains { $0.hasPrefix("101-0019 ") && $0.contains("AE2") && $0.contains("report due in 22 h 41 min") },
                "\(text)")
        let document = try Demo.json(AdverseEventsJSON(now: Demo.now, lines: lines))
        let events = try #require(document["adverseEvents"] as? [[String: Any]])
        let keys: Set<String> = ["subject", "id", "term", "onset", "end", "severity", "grade", "serious", "criteria", "specialInterest", "related",
                                 "action", "outcome", "aware", "reportDue", "reportedAt", "report", "followUpPending"]
        for event in events { #expect(Set(event.keys) == keys, "\(event.keys.sorted())") }
        #expect(document["now"] != nil)
    }

    @Test func theSafetyExportsHaveTheirSDTMHeaders() {
        #expect(SafetyExport.Domain.adverseEvents.header.hasPrefix("STUDYID,DOMAIN,USUBJID,AESEQ,AESPID,AETERM,"))
        #expect(SafetyExport.Domain.medications.header.hasPrefix("STUDYID,DOMAIN,USUBJID,CMSEQ,CMSPID,CMTRT,"))
        for domain in SafetyExport.Domain.allCases {
            let columns = domain.header.split(separator: ",").count
            for participant in Demo.participants {
                for row in SafetyExport.rows(participant, domain: domain, context: Demo.context).split(separator: "\n") {
                    #expect(row.hasPrefix("\(participant.study),\(domain.rawValue),\(participant.study)-\(participant.subject),"))
                    #expect(row.split(separator: ",", omittingEmptySubsequences: false).count >= columns, "\(row)")
                }
            }
        }
    }

    // MARK: Scores

    @Test func theScoreCSVHasARowPerItemAndSaysWhatWasNotAssessed() throws {
        #expect(ScoreExport.Format.csv.header == "subject,visit,date,scale,item,score,status\n")
        var participant = Demo.participant("101-0010")
        let administration = try #require(participant.administrations.first)
        let items = try #require(Demo.context.scales[administration.scale]).items.count
        participant.administrations = [administration]
        participant.administrations[0].items[0] = nil
        let rows = ScoreExport.rows(participant, format: .csv, context: Demo.context).split(separator: "\n")
        #expect(rows.count == items)
        #expect(rows[0].hasPrefix("101-0010,\(administration.visit),\(administration.date),\(administration.scale),"))
        #expect(rows[0].hasSuffix(",,not assessed"), "\(rows[0])")
        #expect(rows[1].hasSuffix(",\(administration.items[1]!),"), "\(rows[1])")
    }

    @Test func theQSExportNumbersRecordsPerSubjectAndFlagsTheBaseline() throws {
        let participant = Demo.participant("101-0010")
        let rows = ScoreExport.rows(participant, format: .sdtm, context: Demo.context).split(separator: "\n")
        #expect(!rows.isEmpty)
        for (index, row) in rows.enumerated() {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields[0] == "SCZ-5W-INPT" && fields[2] == "SCZ-5W-INPT-101-0010" && fields[3] == "\(index + 1)", "\(row)")
            #expect(["QS", "RS"].contains(fields[1]), "\(row)") // RS for the instruments CDISC places there (PANSS)
        }
        #expect(rows.contains { $0.contains(",Baseline,") && $0.hasSuffix(",Y") })
        #expect(ScoreExport.Format.sdtm.header.hasPrefix("STUDYID,DOMAIN,USUBJID,QSSEQ,QSTESTCD,"))
    }

    // MARK: Measures

    @Test func theMeasureExportHeadersAreNamedForTheirDomain() {
        #expect(MeasureExport.header("LB") == "STUDYID,DOMAIN,USUBJID,LBSEQ,LBTESTCD,LBTEST,LBORRES,LBORRESU,LBSTRESC,LBSTRESN,LBSTRESU,LBSTAT,LBREASND,LBORNRLO,LBORNRHI,LBNRIND,VISITNUM,VISIT,LBDTC,LBDY,LBBLFL\n")
        #expect(MeasureExport.header("EG").hasPrefix("STUDYID,DOMAIN,USUBJID,EGSEQ,"))
    }

    @Test func measuresAreListedWithTheirFlagsAndTheJSONHasEveryKey() throws {
        let readings = try Demo.participants.flatMap { participant in
            try participant.measureReadings(Demo.context.studyProtocol(for: participant), catalog: Demo.context.scales).map { (participant.subject, $0) }
        }
        #expect(!readings.isEmpty)
        let text = MeasuresText.render(readings)
        #expect(text.hasPrefix("SUBJECT") && text.components(separatedBy: "\n").count == readings.count + 1)
        // The demo's alert (docs/RULES.md, "Vital signs, lab values and ECG measures"): a rise from baseline.
        #expect(text.components(separatedBy: "\n").contains { $0.hasPrefix("101-0006 ") && $0.contains("SYSBP") && $0.contains("ALERT") }, "\(text)")
        let document = try Demo.json(MeasuresJSON(readings))
        let measures = try #require(document["measures"] as? [[String: Any]])
        #expect(measures.count == readings.count)
        let keys: Set<String> = ["subject", "visit", "test", "value", "unit", "date", "low", "high", "flag", "alert", "assessment"]
        for measure in measures { #expect(Set(measure.keys) == keys, "\(measure.keys.sorted())") }
    }
}
