@testable import CohortDomain
import Testing

struct CivilDateTests {
    @Test(arguments: ["2026-11-25", "2024-02-29", "2000-02-29", "1970-01-01", "1969-12-31", "9999-12-31"])
    func parsesAndPrintsRealDates(_ text: String) {
        #expect(CivilDate(text)?.description == text)
    }

    @Test(arguments: ["2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01", "26-01-01",
                      "2026/01/01", "2026-01-01 ", "", "tomorrow", "２０２６-01-01", "2026-01-0x"])
    func refusesAnythingElse(_ text: String) {
        #expect(CivilDate(text) == nil)
    }

    @Test func dayArithmeticCrossesMonthsYearsAndLeapDays() {
        #expect(Fixture.date("2026-11-25").adding(days: 7).description == "2026-12-02")
        #expect(Fixture.date("2024-02-28").adding(days: 1).description == "2024-02-29")
        #expect(Fixture.date("2026-12-31").adding(days: 1).description == "2027-01-01")
        #expect(Fixture.date("2026-03-01").days(since: Fixture.date("2026-02-01")) == 28)
    }

    @Test func everyDayOfFourCenturiesRoundTrips() {
        var date = Fixture.date("1900-01-01")
        for _ in 0..<146_097 {
            let (y, m, d) = date.parts
            #expect(CivilDate(year: y, month: m, day: d) == date)
            date = date.adding(days: 1)
        }
        #expect(date.description == "2300-01-01")
    }

    @Test func studyDaysFollowCDISCWithNoDayZero() {
        let baseline = Fixture.date("2026-11-10")
        #expect(StudyDay.date(ofDay: 1, baseline: baseline) == baseline)
        #expect(StudyDay.date(ofDay: 8, baseline: baseline).description == "2026-11-17")
        #expect(StudyDay.date(ofDay: -1, baseline: baseline).description == "2026-11-09")
        #expect(StudyDay.date(ofDay: -7, baseline: baseline).description == "2026-11-03")
        #expect(StudyDay.day(of: baseline, baseline: baseline) == 1)
        #expect(StudyDay.day(of: Fixture.date("2026-11-09"), baseline: baseline) == -1)
        #expect(StudyDay.day(of: Fixture.date("2026-11-17"), baseline: baseline) == 8)
    }

    @Test func windowsAreInclusiveAndMeasureDistance() {
        let window = VisitWindow(target: Fixture.date("2026-11-25"), minus: 2, plus: 2)
        #expect(window.contains(Fixture.date("2026-11-23")) && window.contains(Fixture.date("2026-11-27")))
        #expect(!window.contains(Fixture.date("2026-11-22")) && !window.contains(Fixture.date("2026-11-28")))
        #expect(window.distance(to: Fixture.date("2026-11-20")) == -3)
        #expect(window.distance(to: Fixture.date("2026-11-29")) == 2)
        #expect(window.shortDescription == "Nov 23–27")
        #expect(VisitWindow(target: Fixture.date("2026-11-30"), minus: 1, plus: 2).shortDescription == "Nov 29–Dec 2")
    }
}
