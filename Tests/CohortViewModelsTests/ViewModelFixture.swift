import CohortDomain
import CohortTestSupport
import CohortStore
@testable import CohortViewModels
import Foundation

/// A view model over an in-memory store: keys in, effects run, state out.
struct ViewModelFixture {
    static let scales = TestData.scales
    static let schizophrenia = TestData.schizophrenia
    static let today = TestData.today

    let store: InMemoryStore
    let runner: EffectRunner
    var state: AppState

    /// 101-0001 baseline 11-18 (W1 due today); 101-0002 baseline 11-04 (W3 due today; W2 overdue unless done).
    /// `unlock` checks passphrases at the idle lock (as the front end does with the sealed key).
    init(unlock: ((String, String) -> String?)? = nil) throws {
        store = InMemoryStore(protocols: [Self.schizophrenia], scales: Self.scales)
        for (subject, baseline) in [("101-0001", "2026-11-18"), ("101-0002", "2026-11-04")] {
            let request = EnrollmentRequest(subject: subject, initials: "AB", birthYear: "1980", sex: "F", study: "SCZ-5W-INPT",
                                            arm: "", consentDate: CivilDate(baseline)!.adding(days: -10).description, baselineDate: baseline)
            _ = try store.enroll(request, today: Self.today)
            if let eligible = TestData.recordEligible(subject) { try store.apply(eligible, today: Self.today, user: "tester") }
            try store.apply(.randomize(subject: subject, number: "R-" + subject, date: CivilDate(request.consentDate)!), today: Self.today, user: "tester")
            try store.update(subject) { participant, studyProtocol in
                _ = try participant.complete("SCR", on: try participant.plannedVisit("SCR", studyProtocol).target, reason: nil, studyProtocol: studyProtocol, today: Self.today)
                return try participant.complete("D1", on: participant.baselineDate, reason: nil, studyProtocol: studyProtocol, today: Self.today)
            }
        }
        runner = EffectRunner(store: store, today: Self.today, user: "tester", unlock: unlock)
        state = AppState(today: Self.today, user: "tester")
        run([.load])
    }

    /// Runs effects to completion, feeding outcomes back, as the run loop does.
    mutating func run(_ effects: [Effect]) {
        var pending = effects
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if let outcome = runner.run(effect) { pending += state.handle(outcome) }
        }
    }

    /// Presses keys.
    mutating func press(_ keys: Key...) {
        for key in keys { run(state.handle(key: key)) }
    }

    /// Types text, one key per character.
    mutating func type(_ text: String) {
        for character in text { press(.character(character)) }
    }
}
