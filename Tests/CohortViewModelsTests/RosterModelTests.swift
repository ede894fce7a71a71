import CohortDomain
import CohortStore
@testable import CohortViewModels
import Testing

struct RosterModelTests {
    /// The fixture with 101-0011, consented today for a baseline in February: nothing of theirs is due.
    func fixtureWithSomeoneNotDue() throws -> ViewModelFixture {
        var fixture = try ViewModelFixture()
        _ = try fixture.store.enroll(EnrollmentRequest(subject: "101-0011", initials: "QZ", birthYear: "1990", sex: "M", study: "SCZ-5W-INPT",
                                                       arm: "", consentDate: "2026-11-25", baselineDate: "2027-02-01"),
                                     today: ViewModelFixture.today)
        fixture.run([.load])
        return fixture
    }

    func shownSubjects(_ state: AppState) -> [String] {
        guard let roster = state.roster else { return [] }
        return roster.shown.map { roster.rows[$0].subject }
    }

    @Test func reachesAParticipantWithNothingDueSearchesAndOpens() throws {
        var fixture = try fixtureWithSomeoneNotDue()
        #expect(!fixture.state.review.today.contains { $0.subject == "101-0011" })
        #expect(!fixture.state.review.overdue.contains { $0.subject == "101-0011" })

        fixture.press(.character("p"))
        #expect(fixture.state.keyContext == .roster)
        #expect(shownSubjects(fixture.state) == ["101-0001", "101-0002", "101-0011"])
        let counts = try #require(fixture.state.roster?.counts.first)
        #expect(counts.study == "SCZ-5W-INPT" && counts.byStatus[.active] == 2 && counts.byStatus[.screening] == 1)
        #expect(counts.byStatus[.withdrawn] == 0 && counts.randomized == 2)
        let row = try #require(fixture.state.roster?.rows.last)
        #expect(row.randomization == "not yet" && row.next == NextVisit(visit: "SCR", date: CivilDate("2027-01-25")!))

        // The search narrows as it is typed, on any word of the row, and Enter keeps it.
        fixture.press(.character("/"))
        fixture.type("qz screening")
        #expect(shownSubjects(fixture.state) == ["101-0011"])
        fixture.press(.enter)
        #expect(fixture.state.overlay == nil)
        fixture.press(.enter)
        guard case .participant(let page) = fixture.state.screen else { Issue.record("participant not opened"); return }
        #expect(page.subject == "101-0011" && fixture.state.data?.participants["101-0011"] != nil)

        // Back to the roster with its search, then back to the review.
        fixture.press(.escape)
        #expect(fixture.state.keyContext == .roster && shownSubjects(fixture.state) == ["101-0011"])
        fixture.press(.character("/"), .escape)
        #expect(shownSubjects(fixture.state).count == 3)
        fixture.press(.escape)
        #expect(fixture.state.keyContext == .review && fixture.state.roster == nil)
    }

    @Test func rowsSayWhatIsOpenAndFollowSaves() throws {
        var fixture = try ViewModelFixture()
        fixture.press(.character("p"), .character("j"), .enter)
        guard case .participant(let page) = fixture.state.screen, page.subject == "101-0002" else { Issue.record("not opened"); return }
        #expect(fixture.state.roster?.rows[1].open == "")
        // W1 of 101-0002 is overdue: marking it missed makes a deviation to classify.
        fixture.press(.character("j"), .character("j"), .character("m"))
        fixture.type("did not come")
        fixture.press(.enter)
        #expect(fixture.state.roster?.rows[1].open == "1 deviation")
        fixture.press(.character("n"))
        fixture.type("minor")
        fixture.press(.enter)
        #expect(fixture.state.roster?.rows[1].open == "")
        fixture.press(.escape)
        #expect(fixture.state.keyContext == .roster)
    }

    @Test func opensAnyParticipantByIDFromAnywhere() throws {
        var fixture = try fixtureWithSomeoneNotDue()
        fixture.press(.character("o"))
        fixture.type("1")
        fixture.press(.enter)
        guard case .prompt(let ambiguous)? = fixture.state.overlay else { Issue.record("prompt closed"); return }
        #expect(ambiguous.error == "2 subject IDs end in 1 (101-0001, 101-0011); type more of it.")
        fixture.press(.backspace)
        fixture.type("99")
        fixture.press(.enter)
        guard case .prompt(let unknown)? = fixture.state.overlay else { Issue.record("prompt closed"); return }
        #expect(unknown.error == "No participant 99; p lists them all.")
        fixture.press(.backspace, .backspace)
        fixture.type("11")
        fixture.press(.enter)
        guard case .participant(let first) = fixture.state.screen else { Issue.record("not opened"); return }
        #expect(first.subject == "101-0011")

        // From the participant view, and from the summary, another one by its full ID (any case).
        fixture.press(.character("o"))
        fixture.type("101-0002")
        fixture.press(.enter)
        guard case .participant(let second) = fixture.state.screen else { Issue.record("not opened"); return }
        #expect(second.subject == "101-0002" && fixture.state.screens.count == 3)
        fixture.press(.escape, .escape, .character("S"), .character("o"))
        fixture.type("101-0001")
        fixture.press(.enter)
        guard case .participant(let third) = fixture.state.screen else { Issue.record("not opened"); return }
        #expect(third.subject == "101-0001")
    }

    @Test func aParticipantThatCannotBeReadClosesItsViewSayingWhy() throws {
        var fixture = try fixtureWithSomeoneNotDue()
        fixture.press(.character("p"), .character("G"))
        _ = fixture.state.handle(key: .enter)
        guard case .participant(let page) = fixture.state.screen, page.subject == "101-0011" else { Issue.record("not opened"); return }
        // Keys other than the way out wait for the participant to be read.
        _ = fixture.state.handle(.intent(.completeVisit))
        #expect(fixture.state.status?.text == "Still reading 101-0011…")
        _ = fixture.state.handle(.failed("101-0011's file cannot be read."))
        #expect(fixture.state.keyContext == .roster && fixture.state.status?.kind == .error)
    }
}
