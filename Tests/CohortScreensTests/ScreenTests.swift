import CohortTestSupport
import CohortDemo
import CohortDomain
import CohortResources
@testable import CohortScreens
import CohortStore
import CohortFileStore
import CohortViewModels
import Foundation
import Testing

/// Every screen as text, on the seeded demo site as of a pinned day.
struct ScreenTests {
    static let today = CivilDate("2026-11-25")!

    /// A demo store in a temporary folder, loaded into a fresh state.
    struct Scene {
        let directory: String
        let runner: EffectRunner
        var state: AppState

        init() throws {
            directory = NSTemporaryDirectory() + "cohort-screens-" + UUID().uuidString
            let store = try DemoSite.build(directory: directory, participants: 24, seed: 1, today: ScreenTests.today,
                                           scales: TestData.scales)
            runner = EffectRunner(store: store, today: ScreenTests.today, user: "tester")
            state = AppState(today: ScreenTests.today, user: "tester")
            run([.load])
        }

        mutating func run(_ effects: [Effect]) {
            var pending = effects
            while let effect = pending.first {
                pending.removeFirst()
                if let outcome = runner.run(effect) { pending += state.handle(outcome) }
            }
        }

        mutating func press(_ keys: Key...) { for key in keys { run(state.handle(key: key)) } }
        mutating func type(_ text: String) { for c in text { press(.character(c)) } }

        func frame(_ width: Int = 100, _ height: Int = 30, glyphs: Glyphs = .unicode) -> CellGrid {
            AppScreen(glyphs: glyphs).render(state, width: width, height: height)
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test func reviewAtCommonSizes() throws {
        let scene = try Scene()
        defer { scene.remove() }
        GoldenFile.check(scene.frame(100, 30), named: "review-100x30")
        GoldenFile.check(scene.frame(80, 24), named: "review-80x24")
        GoldenFile.check(scene.frame(40, 12), named: "review-40x12")
        GoldenFile.check(scene.frame(80, 24, glyphs: .ascii), named: "review-80x24-ascii")
    }

    @Test func tooSmallSaysSo() throws {
        let scene = try Scene()
        defer { scene.remove() }
        let text = scene.frame(39, 12).text
        #expect(text.contains("Terminal too small: 39×12."))
        #expect(text.contains("at least 40×12"))
        #expect(scene.frame(20, 5).lines.count == 5)
    }

    @Test func aMissedVisitShowsAsADeviationUntilClassified() throws {
        var scene = try Scene()
        defer { scene.remove() }
        // 101-0002's W2 is overdue in the demo: marked missed, it becomes a deviation.
        scene.run([.apply(.miss(subject: "101-0002", visit: "W2", date: ScreenTests.today, reason: "unreachable"), basis: nil),
                   .fetch(subject: "101-0002", then: nil)])
        var opened = ParticipantPage(subject: "101-0002")
        opened.selection = 3 // W2
        scene.state.screens.append(.participant(opened))
        guard case .participant(let page) = scene.state.screen else { Issue.record("participant not opened"); return }
        #expect(scene.frame(100, 34).text.contains("missed     0/5    unclassified"), "\(scene.frame(100, 34).text)")
        scene.press(.character("n"))
        scene.type("minor")
        scene.press(.tab)
        scene.type("transport strike")
        scene.press(.enter)
        #expect(scene.frame(100, 34).text.contains("missed     0/5    minor"), "\(page.subject): \(scene.frame(100, 34).text)")
    }

    @Test func waitingVisitsOnThePageAndAVisitPlannedAfterItsWindowOnTheReview() throws {
        var scene = try Scene()
        defer { scene.remove() }
        // 101-0002's W2 (window Oct 16–22) planned for today: listed today, saying how far outside its window.
        scene.run([.apply(.reschedule(subject: "101-0002", visit: "W2", date: ScreenTests.today, reason: "back from abroad"), basis: nil)])
        let review = scene.frame(110, 30).text
        #expect(review.contains("planned 34 days after its window"), "\(review)")
        GoldenFile.check(scene.frame(110, 30), named: "review-planned-outside-110x30")
        // 101-0009 is in screening (baseline today): every visit after the baseline waits for Day 1.
        scene.run([.fetch(subject: "101-0009", then: nil)])
        scene.state.screens.append(.participant(ParticipantPage(subject: "101-0009")))
        let page = scene.frame(110, 30).text
        #expect(page.contains("W1     Week 1") && page.contains("waiting for Day 1"), "\(page)")
        GoldenFile.check(scene.frame(110, 30), named: "participant-screening-110x30")
    }

    @Test func anUnscheduledVisitAndConsentsOnTheParticipantView() throws {
        var scene = try Scene()
        defer { scene.remove() }
        scene.run([.apply(.addUnscheduledVisit(subject: "101-0002", date: ScreenTests.today.adding(days: -1), reason: "repeat ALT"), basis: nil),
                   .apply(.reconsent(subject: "101-0002", version: "2.0", date: ScreenTests.today), basis: nil),
                   .fetch(subject: "101-0002", then: nil)])
        scene.state.screens.append(.participant(ParticipantPage(subject: "101-0002")))
        let text = scene.frame(100, 34).text
        #expect(text.contains("U1     Unscheduled 1") && text.contains("ICF 2.0"), "\(text)")
        GoldenFile.check(scene.frame(100, 34), named: "participant-unscheduled-100x34")
    }

    @Test func participantView() throws {
        var scene = try Scene()
        defer { scene.remove() }
        scene.press(.down, .down, .enter)
        GoldenFile.check(scene.frame(100, 34), named: "participant-100x34")
    }

    @Test func scoreEntryWithLiveTotalsAndUrgentFlag() throws {
        var scene = try Scene()
        defer { scene.remove() }
        scene.press(.down, .down, .character("c"), .enter, .character("s"))
        GoldenFile.check(scene.frame(100, 30), named: "score-entry-rater")
        scene.type("dm")
        scene.press(.enter)
        scene.type("3425")
        GoldenFile.check(scene.frame(100, 30), named: "score-entry-partial")
        scene.type(String(repeating: "3", count: 26))
        GoldenFile.check(scene.frame(100, 30), named: "score-entry-complete")
        scene.press(.enter, .enter, .tab)
        scene.type("00010")
        #expect(scene.frame(100, 30).text.contains("URGENT cssrs-urgent"))
        GoldenFile.check(scene.frame(100, 30), named: "score-entry-cssrs-urgent")
    }

    @Test func promptAndHelpOverlays() throws {
        var scene = try Scene()
        defer { scene.remove() }
        scene.press(.character("m"))
        scene.press(.enter)
        GoldenFile.check(scene.frame(100, 30), named: "prompt-missed-error")
        scene.press(.escape, .character("?"))
        let help = scene.frame(100, 30).text
        for binding in KeyTable.defaults.bindings(in: .review) { #expect(help.contains(binding.help), "\(binding.help)") }
        GoldenFile.check(scene.frame(100, 30), named: "help-review")
    }

    @Test func enrollmentFormAndSchedule() throws {
        var scene = try Scene()
        defer { scene.remove() }
        scene.press(.character("e"))
        scene.type("a")
        scene.press(.tab)
        scene.type("19")
        GoldenFile.check(scene.frame(100, 24), named: "enrollment-errors")
        scene.press(.backTab)
        scene.type("b")
        scene.press(.tab)
        scene.type("84")
        scene.press(.tab)
        scene.type("F")
        scene.press(.tab)
        scene.type("SCZ-5W-INPT")
        scene.press(.tab, .tab, .tab)
        scene.type("3.0")
        scene.press(.tab)
        scene.type("2026-12-01")
        scene.press(.enter)
        GoldenFile.check(scene.frame(100, 24), named: "enrollment-schedule")
    }

    @Test func endOfDaySummary() throws {
        var scene = try Scene()
        defer { scene.remove() }
        scene.press(.character("S"))
        GoldenFile.check(scene.frame(80, 24), named: "summary-80x24")
        GoldenFile.check(scene.frame(100, 30), named: "summary-100x30")
        GoldenFile.check(scene.frame(120, 24), named: "summary-120x24")
        // Every name is there, three to a line: the rest of the day is a page down.
        scene.press(.pageDown, .pageDown)
        GoldenFile.check(scene.frame(80, 24), named: "summary-80x24-scrolled")
    }

    /// The lists the summary reads from the records, brought by the store pass `cohort summary` makes
    /// (`Effect.loadSummaryRecords`): open safety items, what was entered today for earlier days, and an
    /// acknowledgement made on the screen, which leaves the open items at once.
    @Test func endOfDaySummaryReadsTheRecords() throws {
        var scene = try Scene()
        defer { scene.remove() }
        scene.press(.character("S"))
        #expect(scene.frame(100, 30).text.contains("101-0011 W2/depressive-switch: urgent-flag-unacknowledged"))
        scene.press(.character("a"))
        scene.type("PI assessed; 1:1 observation")
        scene.press(.enter)
        let acknowledged = scene.frame(100, 30).text
        #expect(!acknowledged.contains("urgent-flag-unacknowledged"), "\(acknowledged)")
        GoldenFile.check(scene.frame(100, 30), named: "summary-acknowledged-100x30")
        for _ in 0..<6 { scene.press(.pageDown) }
        let end = scene.frame(80, 24).text
        #expect(end.contains("Entered today for earlier days"), "\(end)")
        GoldenFile.check(scene.frame(80, 24), named: "summary-end-80x24")
    }

    @Test func rosterWithCountsSearchAndNoMatch() throws {
        var scene = try Scene()
        defer { scene.remove() }
        scene.press(.character("p"))
        GoldenFile.check(scene.frame(80, 24), named: "roster-80x24")
        GoldenFile.check(scene.frame(120, 30), named: "roster-120x30")
        scene.press(.character("/"))
        scene.type("scz active")
        GoldenFile.check(scene.frame(100, 24), named: "roster-search-prompt")
        scene.press(.enter, .character("j"))
        GoldenFile.check(scene.frame(100, 24), named: "roster-search")
        scene.press(.character("/"))
        scene.type("zz")
        scene.press(.enter)
        #expect(scene.frame(100, 24).text.contains("No participant matches \"scz activezz\"; / and Esc clear the search."))
    }

    @Test func wordsOnScreenNameTheKeysOfTheTableInUse() throws {
        // The same table with the roster on P, its search on f and its way back on x, the summary on Z:
        // the footer, the help, the empty search and the review's banners follow it.
        let moved = KeyTable.defaults.rebinding(.showRoster, in: .review, to: [.character("P")])
            .rebinding(.showSummary, in: .review, to: [.character("Z")])
            .rebinding(.filterSubjects, in: .roster, to: [.character("f")])
            .rebinding(.back, in: .roster, to: [.character("x")])
            .rebinding(.back, in: .help, to: [.character("x")])
        var scene = try Scene()
        defer { scene.remove() }
        scene.state = AppState(today: ScreenTests.today, user: "tester", keys: moved)
        scene.run([.load])
        let review = scene.frame(120, 30).text
        #expect(review.contains("Z summary"), "\(review)")
        #expect(!review.contains("S summary"), "\(review)")
        scene.press(.character("P"), .character("f"))
        scene.type("zz")
        scene.press(.enter)
        let roster = scene.frame(100, 24).text
        #expect(roster.contains("No participant matches \"zz\"; f and x clear the search."), "\(roster)")
        #expect(roster.contains("x back"), "\(roster)")
        scene.press(.character("?"))
        #expect(scene.frame(100, 24).text.contains("(x closes)"))
    }

    @Test func adverseEventsAndMedicationsOnTheParticipantViewAndTheForm() throws {
        var scene = try Scene()
        defer { scene.remove() }
        scene.press(.character("o"))
        scene.type("0008")
        scene.press(.enter)
        GoldenFile.check(scene.frame(100, 40), named: "participant-safety-100x40")
        scene.press(.character("A"))
        scene.type("Dizziness")
        scene.press(.tab, .tab)
        scene.type("bad")
        scene.press(.enter)
        GoldenFile.check(scene.frame(100, 24), named: "adverse-event-form-error")
        // docs/RULES.md, "Words a monitor reads": a focused category field names what may be typed, under it.
        scene.press(.escape)
        scene.press(.character("A"))
        scene.press(.tab, .tab)
        #expect(scene.frame(100, 24).text.contains("one of: mild · moderate · severe"), "\(scene.frame(100, 24).text)")
        scene.press(.tab, .tab, .tab, .tab, .tab)
        let outcome = scene.frame(100, 24).text
        #expect(outcome.contains("one of: recovered · recovered-with-sequelae · recovering · not-recovered"), "\(outcome)")
        #expect(outcome.contains("fatal · unknown"), "\(outcome)")
        #expect(!outcome.contains("one of: mild"))
        GoldenFile.check(scene.frame(100, 24), named: "adverse-event-form-choices")
    }

    // docs/RULES.md, "Words a monitor reads": a prompt taking a category (the withdrawal's) lists what it takes.
    @Test func theWithdrawPromptListsItsCategories() throws {
        var scene = try Scene()
        defer { scene.remove() }
        scene.press(.character("o"))
        scene.type("0008")
        scene.press(.enter)
        scene.press(.character("w"))
        let frame = scene.frame(100, 30).text
        #expect(frame.contains("one of: adverse-event · lack-of-efficacy"), "\(frame)")
        #expect(frame.contains("death"), "\(frame)")
    }

    @Test func everyCSSRSAdministrationHasARowAndAnAcknowledgementSaysWhoAndWhat() throws {
        var scene = try Scene()
        defer { scene.remove() }
        // 101-0010's Week 2, completed today with an urgent C-SSRS (intent), then acknowledged.
        scene.run([.apply(.complete(subject: "101-0010", visit: "W2", date: ScreenTests.today, reason: nil), basis: nil),
                   .apply(.score(subject: "101-0010", visit: "W2", scale: "CSSRS", items: [1, 1, 0, 1, 0, 0], date: nil, rater: "dm", reason: nil), basis: nil),
                   .apply(.acknowledge(subject: "101-0010", visit: "W2", flag: "cssrs-urgent", action: "PI assessed; 1:1 observation"), basis: nil),
                   .fetch(subject: "101-0010", then: nil)])
        scene.state.screens.append(.participant(ParticipantPage(subject: "101-0010")))
        scene.press(.pageDown)
        let text = scene.frame(100, 40).text
        #expect(text.contains("W2     \(ScreenTests.today)  Y Y N Y N N  cssrs-urgent"), "\(text)")
        #expect(text.contains("W2 cssrs-urgent · \(ScreenTests.today) by"), "\(text)")
        GoldenFile.check(scene.frame(100, 40), named: "participant-cssrs-100x40")
    }

    @Test func measuresEnteredWithEachFlagAsTypedAndChartedAcrossVisits() throws {
        var scene = try Scene()
        defer { scene.remove() }
        // 101-0010's Week 2 is due today: completed, then its measures (the scales left for later).
        scene.press(.down, .down, .enter)
        scene.press(.character("c"), .enter)
        scene.press(.character("V"))
        scene.type("152")
        scene.press(.tab)
        scene.type("88")
        scene.press(.tab)
        scene.type("7o")
        GoldenFile.check(scene.frame(100, 24), named: "measures-entry")
        scene.press(.backspace)
        scene.type("4")
        scene.press(.enter)
        GoldenFile.check(scene.frame(100, 40), named: "participant-measures-100x40")
    }

    @Test func aLongMessageTakesTwoLinesSoItIsReadWhole() throws {
        var scene = try Scene()
        defer { scene.remove() }
        let message = "Not saved: 101-0010 was changed elsewhere (another copy or the command line) while you were entering this. It now shows what is saved; look again."
        scene.state.status = StatusLine(message, .error)
        let lines = scene.frame(100, 30).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[27].hasPrefix(" Not saved: 101-0010 was changed elsewhere"), "\(lines[27])")
        #expect(lines[28].trimmingCharacters(in: .whitespaces).hasSuffix("It now shows what is saved; look again."), "\(lines[28])")
    }

    @Test func withoutUTF8EveryCellIsASCIIColumnForColumn() {
        var grid = CellGrid(width: 24, height: 1)
        grid.put("Nov 23–27 −5 → 東é…", x: 0, y: 0)
        #expect(grid.inASCII().lines == ["Nov 23-27 -5 > ???~"])
        #expect(grid.inASCII().lines[0].count == grid.lines[0].count + 1, "東 takes two columns, so two marks")
    }

    @Test func wideCharactersTakeTwoColumns() {
        var grid = CellGrid(width: 10, height: 1)
        #expect(grid.put("東京ab", x: 0, y: 0) == 6)
        #expect(grid.lines == ["東京ab"])
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.truncate("Lack of spontaneity", to: 8) == "Lack of…")
        var narrow = CellGrid(width: 3, height: 1)
        narrow.put("a東京", x: 0, y: 0)
        #expect(narrow.lines == ["a東"])
    }
}

/// The review cache against the files, on a realistic site.
struct ReviewCacheOnDemoTests {
    @Test func theCachedTableIsTheTableOfTheFilesAndGivesTheSameListsEveryDay() throws {
        let directory = NSTemporaryDirectory() + "cohort-index-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scales = TestData.scales
        let store = try DemoSite.build(directory: directory, participants: 80, seed: 3, today: ScreenTests.today, scales: scales)
        var participants: [Participant] = []
        store.forEachParticipant({ $0 }) { participants.append($0) }
        let fromFiles = ReviewTable(participants: participants, context: store.context)
        _ = store.loadTable(.full) // writes the cache
        usleep(100_000) // past the margin within which a file's stamp is not trusted
        _ = try JSONFileStore(directory: directory, scales: scales, user: "t").loadTable(.full)
        let cached = try JSONFileStore(directory: directory, scales: scales, user: "t").loadTable(.quick)
        #expect(!cached.isFullyChecked, "the second start should come from the cache")
        #expect(cached.table == fromFiles)
        let utc = TimeZone(secondsFromGMT: 0)!
        for offset in -60...60 {
            let date = ScreenTests.today.adding(days: offset)
            #expect(cached.table.review(on: date) == fromFiles.review(on: date), "\(date)")
            #expect(DaySummary(date: date, table: cached.table, zone: utc) == DaySummary(date: date, participants: participants, context: store.context, zone: utc))
        }
    }
}

/// Item labels that share their first words stay told apart when cut to fit.
struct ItemLabelTests {
    @Test func cSSRSIdeationItemsShowTheirDistinguishingWords() throws {
        let cssrs = try #require(TestData.scales["CSSRS"])
        let labels = cssrs.items.map { ScoreEntryScreen.label($0, in: cssrs, width: 32, ellipsis: "…") }
        #expect(labels[2] == "METHOD …any methods")
        #expect(labels[3] == "INTENT …some intent to act")
        #expect(labels[4] == "PLAN …specific plan and intent")
        #expect(labels[0] == "WISH Wish to be dead") // fits: whole
        #expect(Set(labels).count == labels.count)
    }
}
