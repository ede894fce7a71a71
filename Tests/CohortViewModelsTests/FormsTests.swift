import CohortDomain
import CohortTestSupport
@testable import CohortViewModels
import Testing

struct FormsTests {
    var form: (ViewModelFixture) -> EnrollmentForm? {
        { if case .enrollment(let form) = $0.state.screen { return form } else { return nil } }
    }

    @Test func enrollsWithTypedDataTabAndEnterOnly() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("e"))
        #expect(form(fixture)?.values[.subject] == "101-0003")
        #expect(form(fixture)?.values[.consentDate] == "2026-11-25")
        #expect(form(fixture)?.values[.study] == "SCZ-5W-INPT" && form(fixture)?.values[.arm] == "") // blinded: no arm
        #expect(form(fixture)?.focus == .initials)
        fixture.type("cd")
        fixture.press(.tab)
        fixture.type("1990")
        fixture.press(.tab)
        fixture.type("m")
        for _ in 0..<4 { fixture.press(.tab) }
        #expect(form(fixture)?.focus == .icfVersion) // the ICF version follows the consent date
        fixture.type("2.1")
        fixture.press(.tab)
        fixture.type("2026-12-02")
        fixture.press(.enter)
        let enrolled = try fixture.store.participant("101-0003")
        #expect(enrolled.initials == "CD" && enrolled.sex == .male && enrolled.baselineDate.description == "2026-12-02")
        #expect(enrolled.icfVersion == "2.1" && enrolled.consents.map(\.description) == ["2026-11-25 ICF 2.1"])
        #expect(form(fixture)?.enrolled?.subject == "101-0003")
        fixture.press(.enter)
        #expect(fixture.state.screen == .review)
    }

    @Test func errorsShowPerFieldAndEscapeWritesNothing() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("e"))
        fixture.type("c")
        #expect(fixture.state.enrollmentProblems(form(fixture)!)[.initials] == "initials are 2 or 3 letters")
        fixture.press(.enter)
        #expect(form(fixture)?.focus == .initials)
        #expect(form(fixture)?.touched.count == EnrollmentRequest.Field.allCases.count)
        fixture.press(.escape)
        #expect(fixture.state.screen == .review)
        #expect(try fixture.store.subjects() == ["101-0001", "101-0002"])
        #expect(fixture.state.status?.text == "Enrollment cancelled; nothing was saved.")
    }

    @Test func theSummaryReadsAParticipantBeforeAcknowledgingItsFlag() throws {
        var fixture = try ViewModelFixture()
        try fixture.store.update("101-0001") { participant, studyProtocol in
            _ = try participant.complete("W1", on: ViewModelFixture.today, reason: nil, studyProtocol: studyProtocol, today: ViewModelFixture.today)
            return try participant.score("W1", scale: try fixture.store.context.scales.definition("CSSRS"), items: [1, 0, 0, 1, 0, 0], date: nil,
                                         rater: "DM", reason: nil, studyProtocol: studyProtocol, today: ViewModelFixture.today)
        }
        fixture.run([.load])
        #expect(fixture.state.data?.participants["101-0001"] == nil, "not read in full yet")
        fixture.press(.character("S"), .character("a"))
        fixture.type("PI assessed")
        fixture.press(.enter)
        #expect(try fixture.store.participant("101-0001").acknowledgements.map(\.flag) == ["cssrs-urgent"])
        // PgDn scrolls even with a flag selected; j brings the selection back into view.
        fixture.press(.pageDown)
        guard case .summary(let page) = fixture.state.screen else { Issue.record("no summary"); return }
        #expect(!page.followsSelection)
    }

    @Test func summaryAcknowledgesUrgentFlags() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("c"), .enter, .character("s"))
        fixture.type("dm")
        fixture.press(.enter, .tab, .tab)
        fixture.type("000010")
        fixture.press(.enter)
        fixture.press(.escape) // the visit's measures come next; left for now
        fixture.press(.character("S"))
        guard case .summary(let page) = fixture.state.screen else { Issue.record("no summary"); return }
        let (summary, items) = fixture.state.summary(for: page.day)!
        #expect(summary.flags.map(\.flag) == ["cssrs-urgent"])
        // Opening the summary asked the store for the lists read from the records (Effect.loadSummaryRecords).
        #expect(summary.openSafety.map(\.kind) == [.urgentFlag] && summary.acknowledged.isEmpty)
        #expect(items.count == 1)
        fixture.press(.character("a"))
        // What was done is asked, and required.
        guard case .prompt(let asked)? = fixture.state.overlay, case .acknowledge = asked.purpose else { Issue.record("no action asked"); return }
        fixture.press(.enter)
        guard case .prompt(let refused)? = fixture.state.overlay else { Issue.record("saved without an action"); return }
        #expect(refused.error?.contains("action taken") == true)
        fixture.type("PI assessed; 1:1 observation")
        fixture.press(.enter)
        let acknowledged = try fixture.store.participant("101-0001").acknowledgements
        #expect(acknowledged.map(\.flag) == ["cssrs-urgent"] && acknowledged.first?.action == "PI assessed; 1:1 observation")
        #expect(fixture.state.summary(for: page.day)!.1.isEmpty)
        // The save asked for them again: the flag left the open items and is listed as acknowledged today.
        let after = fixture.state.summary(for: page.day)!.0
        #expect(after.openSafety.isEmpty && after.acknowledged.map(\.action) == ["PI assessed; 1:1 observation"])
        fixture.press(.character("]"))
        guard case .summary(let next) = fixture.state.screen else { Issue.record("summary closed"); return }
        #expect(next.day == page.day.adding(days: 1))
        var expected = DaySummary(date: next.day, participants: try fixture.store.subjects().map(fixture.store.participant), context: fixture.store.context, zone: TimeZone(secondsFromGMT: 0)!)
        expected.add(try fixture.store.summaryRecords(on: next.day, zone: TimeZone(secondsFromGMT: 0)!, table: fixture.store.loadTable(.full).table).records)
        #expect(fixture.state.summary(for: next.day)?.0 == expected)
        fixture.press(.escape)
        #expect(fixture.state.screen == .review)
    }

    @Test func keyTableIsDataAndDrivesTheDocs() throws {
        let table = KeyTable.defaults
        #expect(table.intent(for: .character("j"), in: .review) == .moveDown)
        #expect(table.intent(for: .down, in: .review) == .moveDown)
        #expect(table.intent(for: .character("j"), in: .prompt) == nil)
        // No key is bound twice in one context.
        for context in KeyContext.allCases {
            let keys = table.bindings(in: context).flatMap(\.keys)
            #expect(Set(keys).count == keys.count, "\(context)")
        }
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/keybindings.md")
        let written = try? String(contentsOf: docs, encoding: .utf8)
        if written != table.markdown() && ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try table.markdown().write(to: docs, atomically: true, encoding: .utf8)
            Issue.record("Recorded docs/keybindings.md; review it and run the tests again without RECORD_SNAPSHOTS")
            return
        }
        #expect(written == table.markdown(), "docs/keybindings.md is stale: run RECORD_SNAPSHOTS=1 swift test")
    }
}

import Foundation

/// Randomizing from the participant's page, as from `cohort randomize`.
struct RandomizeFromTheScreenTests {
    @Test func aBlindedParticipantIsRandomizedWithTheSponsorsNumberAndDuplicatesAreRefused() throws {
        var fixture = try ViewModelFixture()
        let request = EnrollmentRequest(subject: "101-0003", initials: "EF", birthYear: "1990", sex: "M", study: "SCZ-5W-INPT",
                                        arm: "", consentDate: "2026-11-20", baselineDate: "2026-11-27")
        _ = try fixture.store.enroll(request, today: ViewModelFixture.today)
        if let eligible = TestData.recordEligible("101-0003") { try fixture.store.apply(eligible, today: ViewModelFixture.today, user: "tester") }
        fixture.run([.load])
        fixture.state.filter = ""
        let participant = try fixture.store.participant("101-0003")
        fixture.run([.fetch(subject: "101-0003", then: nil)])
        fixture.state.screens.append(.participant(ParticipantPage(subject: participant.subject)))
        fixture.press(.character("R"))
        guard case .prompt(let asked)? = fixture.state.overlay, case .randomize = asked.purpose else { Issue.record("no prompt"); return }
        fixture.type("R-101-0001") // another participant's number: the store, which sees every participant, refuses it
        fixture.press(.enter)
        #expect(fixture.state.status?.kind == .error && fixture.state.status?.text.contains("already used") == true, "\(String(describing: fixture.state.status))")
        #expect(try fixture.store.participant("101-0003").randomization == nil)
        fixture.press(.character("R"))
        fixture.type("R-0042")
        fixture.press(.enter)
        #expect(fixture.state.overlay == nil)
        #expect(try fixture.store.participant("101-0003").randomization == Randomization(number: "R-0042", date: ViewModelFixture.today))
    }
}

/// Ctrl-U empties the focused text field, in forms and prompts alike.
struct ClearFieldTests {
    @Test func ctrlUClearsTheFocusedFieldOfTheEnrollmentFormTheRecordFormAndAPrompt() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("e"))
        fixture.type("cd")
        guard case .enrollment(let typed) = fixture.state.screen else { Issue.record("no enrollment form"); return }
        #expect(typed.values[.initials] == "cd")
        fixture.press(.control("u"))
        guard case .enrollment(let cleared) = fixture.state.screen else { Issue.record("form closed"); return }
        #expect(cleared.values[.initials] == "" && cleared.values[.subject] == "101-0003")
        fixture.press(.escape)

        fixture.press(.character("A"))
        fixture.type("Nausea")
        fixture.press(.control("u"))
        guard case .record(let record) = fixture.state.screen else { Issue.record("no record form"); return }
        #expect(record.fields[record.focus].text == "")

        fixture.press(.escape, .character("T"))
        fixture.type("101-0001 AE1")
        guard case .prompt(let prompt)? = fixture.state.overlay else { Issue.record("no prompt"); return }
        #expect(prompt.fields[0].text.hasSuffix("101-0001 AE1"))
        fixture.press(.control("u"))
        guard case .prompt(let emptied)? = fixture.state.overlay else { Issue.record("prompt closed"); return }
        #expect(emptied.fields[0].text == "")
    }
}
