import CohortDomain
import CohortFileStore
import CohortIdentity
import Foundation

/// The demo PI's Part 11 signatures in `cohort demo --users` (docs/RULES.md, "The demo"): made with her
/// key over each scope's content, as `cohort sign` makes them, at the demo clock's times. Only a demo with
/// people signs; `cohort demo` stays as it was.
struct DemoSigner {
    /// The PI's unlocked key.
    let key: UnlockedKey

    /// A signature of `scope` of `subject` over `content`, at `time` (UTC).
    func record(_ scope: SignatureScope, subject: String, meaning: Signature.Meaning, content: Data, at time: Date) throws -> Signature {
        try key.signature(of: scope, subject: subject, meaning: meaning, content: content, at: Moment(time, zone: TimeZone(secondsFromGMT: 0)!))
    }

    /// Signs `scope` of `participant` as it stands, at `time`; returns the reason to record (none).
    func sign(_ scope: SignatureScope, meaning: Signature.Meaning, _ participant: inout Participant, studyProtocol: StudyProtocol,
              at time: Date) throws -> String? {
        let content = try participant.signedContent(scope, studyProtocol: studyProtocol)
        return try participant.sign(try record(scope, subject: participant.subject, meaning: meaning, content: content, at: time),
                                    content: content, lock: false, studyProtocol: studyProtocol)
    }

    /// The PI's review of one participant once their history is made, a few minutes after its last record
    /// and never later than the demo's now: serious AEs signed (one of them re-assessed afterwards, so its
    /// signature reads invalidated and it waits again), deviations classified (half of them signed, the rest
    /// waiting in the queue). Drawn from the subject number only, so the site is otherwise unchanged.
    func review(_ participant: inout Participant, history: inout [(participant: Participant, reason: String?, time: Date)],
                studyProtocol: StudyProtocol, context: StudyContext, today: CivilDate, clock: SimulatedClock) throws {
        guard var time = history.last?.time else { return }
        let number = Int(participant.subject.suffix(4)) ?? 0
        let limit = Date(timeIntervalSince1970: Double(clock.demoNow.minutes - 5) * 60)
        func next() -> Bool {
            time = time.addingTimeInterval(7 * 60)
            return time <= limit
        }
        for event in participant.adverseEvents where event.isSerious && event.aware.date < today {
            guard next() else { return }
            history.append((participant, try sign(.adverseEvent(event.id), meaning: .reviewed, &participant, studyProtocol: studyProtocol, at: time), time))
            // Every other one is re-assessed after the signature: the change names itself on the signature.
            guard number % 2 == 1, next() else { continue }
            let change = Change.updateAdverseEvent(subject: participant.subject, id: event.id, draft: AdverseEventDraft(related: .possible),
                                                   reason: "causality re-assessed after the discharge summary",
                                                   now: Moment(time, zone: TimeZone(secondsFromGMT: 0)!))
            let reason = try change.apply(to: &participant, in: ChangeEnvironment(context: context, today: today, user: key.userName, site: UnknownSite()))
            history.append((participant, reason, time))
        }
        let dayOne = participant.origin(studyProtocol)
        for visit in participant.visits where participant.deviation(at: visit.code, studyProtocol) != nil && participant.deviationClass(at: visit.code) == nil {
            guard participant.deviationDate(at: visit.code, dayOne: dayOne).map({ $0 < today }) == true, next() else { continue }
            let late = abs(participant.deviation(at: visit.code, studyProtocol)?.days ?? 0) > 3
            history.append((participant, try participant.classifyDeviation(visit: visit.code, as: late ? .major : .minor,
                                                                         note: late ? "outside the window by more than 3 days" : "a few days outside the window; no impact on assessments",
                                                                         reason: nil, studyProtocol: studyProtocol), time))
            guard number % 2 == 0, next() else { continue }
            history.append((participant, try sign(.deviation(visit.code), meaning: .reviewed, &participant, studyProtocol: studyProtocol, at: time), time))
        }
    }
}
