import CohortDemo
import CohortDomain
import CohortStore
import CohortFileStore
import CohortTestSupport
import Foundation
import Testing

/// docs/RULES.md, "The demo's clock": the demo never dates an AE's awareness or a report in the future of its
/// now, so a report still due shows at most the protocol's hours left (the trial lead saw "due in 32 h" on
/// a 24-hour rule). Several seeds, several times of day, including the default (noon of today).
struct DemoClockTests {
    static let today = CivilDate("2026-11-25")!

    @Test(arguments: [(UInt64(1), nil), (2, 6 * 60), (3, 10 * 60), (5, 12 * 60 + 30), (7, 20 * 60)] as [(UInt64, Int?)])
    func noAwarenessOrReportIsAfterTheDemosNow(seed: UInt64, minutesIntoToday: Int?) throws {
        let directory = NSTemporaryDirectory() + "cohort-demo-clock-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let given = minutesIntoToday.map { Moment(minutes: Self.today.dayNumber * 1440 + $0, offset: 0) }
        let store = try DemoSite.build(directory: directory, participants: 60, seed: seed, today: Self.today, now: given, scales: TestData.scales)
        let now = given ?? Moment(minutes: Self.today.dayNumber * 1440 + 720, offset: 0)
        var events = 0
        for subject in try store.subjects() {
            let participant = try store.participant(subject)
            let rules = SafetyRules(try store.context.studyProtocol(for: participant))
            for event in participant.adverseEvents {
                events += 1
                #expect(event.aware <= now, "\(subject) \(event.id) aware \(event.aware), now \(now)")
                for report in event.reports { #expect(report.at <= now, "\(subject) \(event.id) reported \(report.at), now \(now)") }
                if event.initialReport == nil, let deadline = rules.reportDue(event) {
                    #expect(deadline.minutes - now.minutes <= rules.reportHours * 60, "\(subject) \(event.id) due \(deadline), now \(now)")
                }
            }
        }
        #expect(events > 0)
    }
}
