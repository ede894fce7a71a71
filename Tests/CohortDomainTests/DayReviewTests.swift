import Foundation
@testable import CohortDomain
import Testing

/// A hand-built site whose lists and summary figures are worked out by hand in the comments.
struct DayReviewTests {
    let scz = Fixture.schizophrenia
    let day = Fixture.date("2026-11-09")
    let today = Fixture.date("2026-11-09")

    /// Everyone but C and E has screening (on its target) and baseline done.
    /// - A (baseline 11-02): W1 target 11-09 [11-07..11-11] → today; completed today in window, PANSS + CSSRS urgent entered, CGI-S missing.
    /// - B (baseline 10-26): W1 target 11-02 [10-31..11-04] still scheduled → overdue; W2 target 11-09 → today, pending.
    /// - C (baseline 11-01) is still in screening: SCR completed today (late: window 10-22..10-31 → +9 days); D1
    ///   (11-01) still scheduled → overdue; W1 (target 11-08) waits for Day 1 → in no list, not tomorrow.
    /// - F (baseline 11-01): W1 target 11-08 [11-06..11-10] scheduled, not today → closing (ends 11-10).
    /// - D (baseline 11-03): W1 target 11-10 → tomorrow. Consent is 10 days before baseline, so nobody enrolled today.
    /// - E (baseline 11-02): withdrawn today; its W1 (scheduled today) is cancelled, so not in today's list.
    func started(_ subject: String, baseline: String, screening: Bool = true) throws -> Participant {
        var participant = Fixture.participant(subject, baseline: baseline, today: "2026-11-09")
        if screening {
            _ = try participant.complete("SCR", on: try participant.plannedVisit("SCR", scz).target, reason: nil, studyProtocol: scz, today: today)
        }
        _ = try participant.complete("D1", on: participant.baselineDate, reason: nil, studyProtocol: scz, today: today)
        return participant
    }

    func site() throws -> [Participant] {
        var a = try started("101-0001", baseline: "2026-11-02")
        _ = try a.complete("W1", on: day, reason: nil, studyProtocol: scz, today: today)
        _ = try a.score("W1", scale: Fixture.scales["PANSS"]!, items: Fixture.panss(total: 80), date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        _ = try a.score("W1", scale: Fixture.scales["CSSRS"]!, items: [1, 1, 0, 1, 0, 0], date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        let b = try started("101-0002", baseline: "2026-10-26")
        var c = Fixture.participant("101-0003", baseline: "2026-11-01", today: "2026-11-09")
        _ = try c.complete("SCR", on: day, reason: nil, studyProtocol: scz, today: today)
        let f = try started("101-0006", baseline: "2026-11-01")
        let d = try started("101-0004", baseline: "2026-11-03")
        var e = Fixture.participant("101-0005", baseline: "2026-11-02", today: "2026-11-09")
        _ = try e.withdraw(on: day, category: .withdrawalBySubject, reason: "withdrew consent", screenFailure: false, studyProtocol: scz, today: today)
        return [a, b, c, d, e, f]
    }

    @Test func listsFollowTheRules() throws {
        let review = DayReview(date: day, participants: try site(), context: Fixture.context)
        // 101-0005 withdrew today: its early-termination visit is due today.
        #expect(review.today.map { "\($0.subject) \($0.visit.code)" } == ["101-0001 W1", "101-0002 W2", "101-0005 ET"])
        #expect(review.overdue.map { "\($0.subject) \($0.visit.code)" } == ["101-0003 D1", "101-0002 W1"])
        #expect(review.closing.map { "\($0.subject) \($0.visit.code)" } == ["101-0006 W1"])
    }

    @Test func summaryFiguresMatchTheHandCount() throws {
        let participants = try site()
        let summary = DaySummary(date: day, participants: participants, context: Fixture.context, zone: TimeZone(secondsFromGMT: 0)!)
        #expect(summary.planned == 3) // with E's early termination
        #expect(summary.completed == 2) // A W1, C SCR
        #expect(summary.completedOutOfWindow == 1)
        #expect(summary.deviations == [DaySummary.Deviation(subject: "101-0003", visit: "SCR", kind: .late, days: 9)])
        #expect(summary.missed == 0)
        #expect(summary.pending == 2) // B W2, E ET
        #expect(summary.overdue == 2) // B W1, C D1 (C's W1 waits for Day 1)
        #expect(summary.scoresEntered == 2)
        #expect(summary.incompleteVisits == 2) // A lacks CGI-S; C's SCR has no scales at all
        #expect(summary.flags == [DaySummary.Flag(subject: "101-0001", visit: "W1", flag: "cssrs-urgent")])
        #expect(summary.enrolled == 0)
        #expect(summary.withdrawn == 1)
        #expect(summary.tomorrow == 1) // D W1 on 11-10; F's W1 is scheduled 11-08
    }

    @Test func theTableGivesTheListsOfAPlainScanOnEveryDayAndAfterReplacements() throws {
        var participants = try site()
        var table = ReviewTable(participants: participants, context: Fixture.context)
        func same() {
            // The compacted table (as the cache writes it) must say the same, with no slot left behind.
            let compacted = table.compacted()
            #expect(compacted == table)
            #expect(compacted.parts.slots.count == participants.reduce(0) { $0 + $1.visits.count })
            for offset in -30...60 {
                let date = day.adding(days: offset)
                let expected = ReferenceLists(date: date, participants: participants, context: Fixture.context)
                for lists in [table.review(on: date), compacted.review(on: date)] {
                    #expect(lists.today.map(\.key) == expected.today, "\(date)")
                    #expect(lists.overdue.map(\.key) == expected.overdue, "\(date)")
                    #expect(lists.closing.map(\.key) == expected.closing, "\(date)")
                }
            }
        }
        same()
        _ = try participants[1].complete("W1", on: day, reason: nil, studyProtocol: scz, today: today)
        _ = try participants[1].reschedule("W2", to: day.adding(days: 2), reason: nil, studyProtocol: scz)
        // Planned after its window (11-14..11-18): overdue only once 11-25 has passed, never closing.
        _ = try participants[1].reschedule("W3", to: Fixture.date("2026-11-25"), reason: "away", studyProtocol: scz)
        table.replace(try #require(ParticipantDigest(participants[1], context: Fixture.context)))
        same()
        _ = try participants[0].withdraw(on: day, category: .other, reason: "moved away", screenFailure: false, studyProtocol: scz, today: today)
        table.replace(try #require(ParticipantDigest(participants[0], context: Fixture.context)))
        var late = Fixture.participant("101-0000", baseline: "2026-10-20", today: "2026-11-09")
        _ = try late.reschedule("W1", to: day, reason: "came back", studyProtocol: scz)
        participants.append(late)
        table.replace(try #require(ParticipantDigest(late, context: Fixture.context)))
        same()
        #expect(table.digest("101-0000")?.subject == "101-0000" && table.digest("101-0009") == nil)
    }

    @Test func urgentFlagsFollowScoresAndAcknowledgements() throws {
        var participants = try site()
        var table = ReviewTable(participants: participants, context: Fixture.context)
        #expect(table.urgentFlags.map { "\($0.subject) \($0.visit) \($0.flag)" } == ["101-0001 W1 cssrs-urgent"])
        _ = try participants[0].acknowledge(flag: "cssrs-urgent", visit: "W1", action: "PI assessed; 1:1 observation", on: day, user: "lead", context: Fixture.context)
        table.replace(try #require(ParticipantDigest(participants[0], context: Fixture.context)))
        #expect(table.urgentFlags.isEmpty)
    }

    @Test func urgentFlagsStayUntilAcknowledged() throws {
        var a = try site()[0]
        #expect(a.unacknowledgedUrgentFlags(context: Fixture.context).map(\.flag) == ["cssrs-urgent"])
        let later = DaySummary(date: day.adding(days: 3), participants: [a], context: Fixture.context, zone: TimeZone(secondsFromGMT: 0)!)
        #expect(later.flags.isEmpty) // the JSON list holds only the day's flags
        _ = try a.acknowledge(flag: "cssrs-urgent", visit: "W1", action: "PI assessed; 1:1 observation", on: day, user: "lead", context: Fixture.context)
        #expect(a.unacknowledgedUrgentFlags(context: Fixture.context).isEmpty)
        #expect(throws: DomainError.self) { try a.acknowledge(flag: "cssrs-urgent", visit: "W1", action: "PI assessed; 1:1 observation", on: day, user: "lead", context: Fixture.context) }
    }
}

/// The day's lists (docs/RULES.md, "The day's lists and the summary") worked out the plain way, straight from the rules, to check the table against.
struct ReferenceLists {
    var today: [String] = [], overdue: [String] = [], closing: [String] = []

    init(date: CivilDate, participants: [Participant], context: StudyContext) {
        var today: [(String, CivilDate, Int, String)] = [], overdue: [(CivilDate, String, CivilDate, Int, String)] = []
        var closing: [(CivilDate, String, CivilDate, Int, String)] = []
        for participant in participants {
            let studyProtocol = context.protocols[participant.study]!
            for visit in participant.plannedVisits(studyProtocol) where !visit.isWaitingForDayOne {
                let key = "\(participant.subject) \(visit.code)", order = studyProtocol.order(of: visit.code) ?? 0
                if visit.scheduled == date && visit.status != .cancelled { today.append((participant.subject, visit.target, order, key)) }
                guard visit.status == .scheduled else { continue }
                let dueBy = max(visit.window.end, visit.scheduled)
                if dueBy < date { overdue.append((dueBy, participant.subject, visit.target, order, key)) }
                if visit.scheduled != date && visit.scheduled <= visit.window.end && visit.window.contains(date) && visit.window.end <= date.adding(days: 2) {
                    closing.append((visit.window.end, participant.subject, visit.target, order, key))
                }
            }
        }
        self.today = today.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }.map(\.3)
        self.overdue = overdue.sorted { ($0.0, $0.1, $0.2, $0.3) < ($1.0, $1.1, $1.2, $1.3) }.map(\.4)
        self.closing = closing.sorted { ($0.0, $0.1, $0.2, $0.3) < ($1.0, $1.1, $1.2, $1.3) }.map(\.4)
    }
}

extension ReviewEntry {
    /// `SUBJECT VISIT`.
    var key: String { "\(subject) \(visit.code)" }
}
