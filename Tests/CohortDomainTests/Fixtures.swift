@testable import CohortDomain
import CohortTestSupport
import Foundation

/// The domain tests' fixtures: the shared test data, and a participant builder.
enum Fixture {
    static let scales = TestData.scales
    static func bundledProtocol(_ name: String) -> StudyProtocol { TestData.bundledProtocol(name) }
    static let schizophrenia = TestData.schizophrenia
    static let depression = TestData.depression
    static let context = TestData.context
    static func date(_ text: String) -> CivilDate { TestData.date(text) }

    /// A participant enrolled in `studyProtocol` with baseline `baseline`, consent 10 days before.
    static func participant(_ subject: String = "101-0001", studyProtocol: StudyProtocol = schizophrenia,
                            baseline: String = "2026-11-02", today: String = "2026-12-31") -> Participant {
        let baselineDate = date(baseline)
        let request = EnrollmentRequest(subject: subject, initials: "AB", birthYear: "1980", sex: "F", study: studyProtocol.id,
                                        arm: "", consentDate: baselineDate.adding(days: -10).description,
                                        baselineDate: baseline)
        var participant = try! request.enroll(protocols: [studyProtocol], takenSubjects: [], today: date(today))
        // Blinded studies randomize before the baseline visit: at consent here (the rules are tested apart).
        if studyProtocol.blinded { participant.randomization = Randomization(number: "R-" + subject, date: participant.consentDate) }
        // The entry criteria are met, so the baseline may be completed (the gate is tested apart).
        participant.recordEligible(studyProtocol)
        return participant
    }

    /// Completes every visit before the baseline (screening) on its scheduled date: the baseline waits for
    /// screening (docs/RULES.md, "Participant lifecycle").
    static func screen(_ participant: inout Participant, _ studyProtocol: StudyProtocol = schizophrenia, today: String = "2026-12-31") throws {
        for planned in participant.plannedVisits(studyProtocol) where studyProtocol.order(of: planned.code).map({ $0 < studyProtocol.order(of: studyProtocol.baselineVisit?.code ?? "") ?? 0 }) == true && planned.status == .scheduled {
            try participant.complete(planned.code, on: planned.scheduled, reason: nil, studyProtocol: studyProtocol, today: date(today))
        }
    }

    /// Screens the participant, then completes the baseline on `day`: Day 1 has happened.
    static func startDayOne(_ participant: inout Participant, on day: String = "2026-11-02", _ studyProtocol: StudyProtocol = schizophrenia,
                            today: String = "2026-12-31") throws {
        try screen(&participant, studyProtocol, today: today)
        try participant.complete(studyProtocol.baselineVisit?.code ?? "D1", on: date(day), reason: nil, studyProtocol: studyProtocol, today: date(today))
    }

    /// PANSS items summing to `total` (30 ≤ total ≤ 210), spread evenly.
    static func panss(total: Int) -> [Int?] {
        var items = [Int](repeating: 1, count: 30)
        var left = total - 30
        var index = 0
        while left > 0 {
            if items[index] < 7 { items[index] += 1; left -= 1 }
            index = (index + 1) % 30
        }
        return items.map(Optional.some)
    }
}
