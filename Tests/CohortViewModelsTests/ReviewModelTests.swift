import CohortDomain
import CohortStore
@testable import CohortViewModels
import Foundation
import Testing

struct ReviewModelTests {
    func rows(_ entries: ReviewList) -> [String] { entries.map { "\($0.subject) \($0.visit.code)" } }

    @Test func loadsTheDaysLists() throws {
        let fixture = try ViewModelFixture()
        #expect(rows(fixture.state.review.today) == ["101-0001 W1", "101-0002 W3"])
        #expect(rows(fixture.state.review.overdue) == ["101-0002 W1", "101-0002 W2"])
        #expect(fixture.state.review.closing.isEmpty)
        #expect(fixture.state.selection == 0 && fixture.state.keyContext == .review)
    }

    @Test func movesWithVimKeysAndArrowsWithinBounds() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("k"))
        #expect(fixture.state.selection == 0)
        fixture.press(.character("j"), .down)
        #expect(fixture.state.selection == 2)
        fixture.press(.character("G"))
        #expect(fixture.state.selection == 3)
        fixture.press(.down)
        #expect(fixture.state.selection == 3)
        fixture.press(.up, .character("g"))
        #expect(fixture.state.selection == 0)
    }

    @Test func changesDayAndComesBackToToday() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("]"))
        #expect(fixture.state.day.description == "2026-11-26")
        #expect(fixture.state.review.today.isEmpty)
        #expect(rows(fixture.state.review.closing) == ["101-0001 W1", "101-0002 W3"])
        fixture.press(.character("["), .character("["))
        #expect(fixture.state.day.description == "2026-11-24")
        fixture.press(.character("t"))
        #expect(fixture.state.day == ViewModelFixture.today)
    }

    @Test func completeSavesThroughTheStoreAndUndoRevertsIt() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("c"))
        guard case .prompt(let prompt)? = fixture.state.overlay else { Issue.record("no prompt"); return }
        #expect(prompt.fields[0].text == "2026-11-25")
        fixture.press(.enter)
        #expect(fixture.state.overlay == nil)
        #expect(try fixture.store.participant("101-0001").visit("W1")?.status == .completed)
        #expect(fixture.state.status?.kind == .saved)
        #expect(fixture.state.undoStack.count == 1)
        // Completed today, still in today's list, now completed.
        #expect(fixture.state.review.today.first?.visit.status == .completed)

        fixture.press(.character("u"))
        // Undo says what it reverts and asks why, like any change to saved data; no reason, no undo.
        guard case .prompt(let asked)? = fixture.state.overlay, case .undo = asked.purpose else { Issue.record("no reason asked"); return }
        #expect(asked.title.contains("101-0001 W1 completed on 2026-11-25"))
        fixture.press(.enter)
        guard case .prompt(let refused)? = fixture.state.overlay else { Issue.record("undone without a reason"); return }
        #expect(refused.error?.contains("reason to undo") == true)
        #expect(try fixture.store.participant("101-0001").visit("W1")?.status == .completed)
        fixture.type("wrong participant")
        fixture.press(.enter)
        #expect(try fixture.store.participant("101-0001").visit("W1")?.status == .scheduled)
        #expect(fixture.state.undoStack.isEmpty)
        let last = try fixture.store.auditTrail(subject: "101-0001").records.last
        #expect(last?.reason == "undo: 101-0001 W1 completed on 2026-11-25: wrong participant")
        fixture.press(.character("u"))
        #expect(fixture.state.status == StatusLine("Nothing to undo.", .info))
    }

    @Test func aLateCompletionSaysItMadeADeviation() throws {
        var fixture = try ViewModelFixture()
        // Rows: today 101-0001 W1, 101-0002 W3; overdue first 101-0002 W1 (window ended 11-13).
        #expect(fixture.state.review.overdue.first.map { "\($0.subject) \($0.visit.code)" } == "101-0002 W1")
        fixture.press(.character("j"), .character("j"), .character("c"), .enter)
        #expect(try fixture.store.participant("101-0002").visit("W1")?.status == .completed)
        #expect(fixture.state.status?.kind == .error)
        #expect(fixture.state.status?.text.contains("Saved: 101-0002 W1 completed on 2026-11-25. Protocol deviation (unclassified): 101-0002 W1 12 days late") == true,
                "\(fixture.state.status?.text ?? "")")
        // In the window: saved, and nothing more to say.
        fixture.press(.character("g"))
        fixture.press(.character("c"), .enter)
        #expect(fixture.state.status == StatusLine("Saved: 101-0001 W1 completed on 2026-11-25.", .saved))
    }

    @Test func promptsRefuseBadInputInlineAndSaveNothing() throws {
        var fixture = try ViewModelFixture()
        let before = fixture.store.recordCount
        fixture.press(.character("c"), .backspace, .backspace)
        fixture.type("99")
        fixture.press(.enter)
        guard case .prompt(let prompt)? = fixture.state.overlay else { Issue.record("prompt closed"); return }
        #expect(prompt.error?.contains("not a real date") == true)
        fixture.press(.escape)
        fixture.press(.character("m"), .enter)
        guard case .prompt(let miss)? = fixture.state.overlay else { Issue.record("prompt closed"); return }
        #expect(miss.error?.contains("reason the visit was missed is required") == true)
        fixture.press(.escape, .character("r"), .tab)
        fixture.press(.backTab)
        for _ in 0..<10 { fixture.press(.backspace) }
        fixture.type("2026-12-20")
        fixture.press(.enter)
        guard case .prompt(let reschedule)? = fixture.state.overlay else { Issue.record("prompt closed"); return }
        #expect(reschedule.error?.contains("outside its window") == true)
        fixture.press(.tab)
        fixture.type("participant abroad")
        fixture.press(.enter)
        #expect(fixture.state.overlay == nil)
        #expect(try fixture.store.participant("101-0001").visit("W1")?.rescheduledDate?.description == "2026-12-20")
        #expect(fixture.store.recordCount == before + 2)
    }

    @Test func filterNarrowsTheListsLiveAndEscapeClearsIt() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("/"))
        fixture.type("0002")
        #expect(rows(fixture.state.review.today) == ["101-0002 W3"])
        fixture.press(.enter)
        #expect(fixture.state.filter == "0002" && fixture.state.overlay == nil)
        fixture.press(.character("/"), .escape)
        #expect(fixture.state.filter.isEmpty && fixture.state.review.today.count == 2)
    }

    @Test func helpQuitAndUnboundKeys() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("?"))
        #expect(fixture.state.overlay == .help(.review) && fixture.state.keyContext == .help)
        fixture.press(.character("z"))
        #expect(fixture.state.overlay == nil)
        fixture.press(.character("z"))
        #expect(fixture.state.status?.text.contains("does nothing here") == true)
        #expect(fixture.state.handle(key: .character("q")) == [.quit])
        #expect(fixture.state.handle(key: .control("c")) == [.quit])
    }

    @Test func aFailedSaveIsReportedAndChangesNothing() throws {
        var fixture = try ViewModelFixture()
        fixture.store.failNextChange = StoreError(.io, "Could not write: disk full. Nothing was saved.")
        fixture.press(.character("c"), .enter)
        #expect(fixture.state.status == StatusLine("Could not write: disk full. Nothing was saved.", .error))
        #expect(try fixture.store.participant("101-0001").visit("W1")?.status == .scheduled)
        #expect(fixture.state.review.today.first?.visit.status == .scheduled)
        #expect(fixture.state.undoStack.isEmpty)
    }

    @Test func participantViewOpensOnTheSelectedVisitWithItsAuditTrail() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.down, .enter)
        guard case .participant(let page) = fixture.state.screen else { Issue.record("not opened"); return }
        #expect(page.subject == "101-0002" && page.selection == 4) // W3
        #expect(page.audit?.isEmpty == false)
        fixture.press(.character("w"))
        fixture.type("consent")
        fixture.press(.enter)
        guard case .prompt(let refused)? = fixture.state.overlay else { Issue.record("no category asked"); return }
        #expect(refused.error?.contains("withdrawal-by-subject") == true)
        for _ in 0..<7 { fixture.press(.backspace) }
        fixture.type("withdrawal-by-subject")
        fixture.press(.tab)
        fixture.type("withdrew consent")
        fixture.press(.enter)
        #expect(try fixture.store.participant("101-0002").status == .withdrawn)
        #expect(try fixture.store.participant("101-0002").exit?.category == .withdrawalBySubject)
        fixture.press(.escape)
        #expect(fixture.state.screen == .review)
        // W3 is cancelled; the early-termination visit is due today.
        #expect(fixture.state.review.today.map { "\($0.subject) \($0.visit.code)" } == ["101-0001 W1", "101-0002 ET"])
    }
}

/// The review opens on digests; whole participants are read only when an action needs one.
struct LazyParticipantTests {
    @Test func anActionOnAVisitFirstReadsItsParticipantThenCarriesOn() throws {
        var fixture = try ViewModelFixture()
        #expect(fixture.state.data?.participants.isEmpty == true, "the first frame needs no whole participant")
        let effects = fixture.state.handle(key: .character("c"))
        #expect(effects == [.fetch(subject: "101-0001", then: .completeVisit)])
        #expect(fixture.state.overlay == nil)
        fixture.run(effects)
        #expect(fixture.state.data?.participants["101-0001"] != nil)
        guard case .prompt(let prompt)? = fixture.state.overlay else { Issue.record("no prompt after the fetch"); return }
        #expect(prompt.title.hasPrefix("Complete 101-0001 W1"))
        // Read once: the next action on the same participant needs no fetch.
        fixture.press(.escape)
        #expect(fixture.state.handle(key: .character("m")).isEmpty)
    }

    @Test func aParticipantThatCannotBeReadIsReportedAndNothingOpens() throws {
        var fixture = try ViewModelFixture()
        fixture.run([.fetch(subject: "101-0077", then: .openParticipant)])
        #expect(fixture.state.screen == .review)
        #expect(fixture.state.status?.kind == .error)
        #expect(fixture.state.status?.text.contains("101-0077") == true)
    }

    @Test func aTableFromTheCacheIsCheckedAfterTheFirstFrame() throws {
        let fixture = try ViewModelFixture()
        var state = AppState(today: ViewModelFixture.today, user: "tester")
        let table = try #require(fixture.state.data?.table)
        let cached = Snapshot(table: table, isFullyChecked: false, context: fixture.store.context, site: "S", siteNumber: "101")
        #expect(state.handle(.loaded(cached)) == [.checkFiles])
        #expect(state.data?.isFullyChecked == false)
        // The files agree: the table stays as it is.
        #expect(state.handle(.checked(nil, unreadable: [])).isEmpty)
        #expect(state.data?.isFullyChecked == true && state.review.count == 4)
        // The files disagree (someone else completed a visit): the lists follow them and a bad file is reported.
        try fixture.store.update("101-0001") { participant, studyProtocol in
            try participant.complete("W1", on: ViewModelFixture.today, reason: nil, studyProtocol: studyProtocol, today: ViewModelFixture.today)
        }
        let checked = fixture.store.loadTable(.full).table
        _ = state.handle(.checked(checked, unreadable: ["101-0003"]))
        #expect(state.review.today.first?.visit.status == .completed)
        #expect(state.status?.kind == .error && state.status?.text.contains("101-0003") == true)
    }

    @Test func aParticipantOnScreenFollowsAChangeItsDigestDoesNotCarry() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.enter)
        guard case .participant(let page) = fixture.state.screen else { Issue.record("no participant page"); return }
        let subject = page.subject
        // Another copy adds a medication that is not prohibited: the digest, and so the table, stay as they were.
        try fixture.store.apply(.addMedication(subject: subject, draft: MedicationDraft(name: "Paracetamol", start: ViewModelFixture.today)),
                                today: ViewModelFixture.today, user: "other")
        fixture.run(fixture.state.handle(.checked(nil, unreadable: [], reread: [subject])))
        #expect(fixture.state.data?.participants[subject]?.medications.map(\.name) == ["Paracetamol"])
        // Read again with nothing new (this copy's own save changes the file too): nothing is closed or said.
        fixture.state.status = nil
        fixture.run(fixture.state.handle(.checked(nil, unreadable: [], reread: [subject])))
        let shown: String? = { if case .participant(let now) = fixture.state.screen { return now.subject } else { return nil } }()
        #expect(fixture.state.status == nil && shown == subject)
        // No longer on screen, it is let go: opening it again reads the file.
        fixture.press(.escape)
        fixture.run(fixture.state.handle(.checked(nil, unreadable: [], reread: [subject])))
        #expect(fixture.state.data?.participants[subject] == nil)
    }

    @Test func aPasteLongerThanAFieldTakesIsDiscardedWhole() throws {
        var fixture = try ViewModelFixture()
        // On the review, what the terminal already discarded does nothing.
        #expect(fixture.state.handle(key: .pasteDiscarded(bytes: 150 * 1024)).isEmpty)
        #expect(fixture.state.status?.text.hasPrefix("Paste of 150 KB discarded: a field takes at most 500 characters") == true,
                "\(fixture.state.status?.text ?? "")")
        // In a text field, a paste over the field's limit is dropped whole: not one character of it is typed.
        fixture.press(.character("m"))
        guard case .prompt(let prompt)? = fixture.state.overlay else { Issue.record("no prompt"); return }
        #expect(fixture.state.handle(key: .paste(String(repeating: "jc\n", count: 167) + "x")).isEmpty)
        guard case .prompt(let after)? = fixture.state.overlay else { Issue.record("the prompt closed"); return }
        #expect(after.fields.map(\.text) == prompt.fields.map(\.text))
        #expect(fixture.state.status?.text.hasPrefix("Paste of 502 characters discarded") == true, "\(fixture.state.status?.text ?? "")")
        // One that fits is typed.
        _ = fixture.state.handle(key: .paste("fell ill"))
        guard case .prompt(let typed)? = fixture.state.overlay else { Issue.record("the prompt closed"); return }
        #expect(typed.fields[typed.focus].text == "fell ill")
    }
}
