import CohortDemo
import CohortDomain
import CohortFileStore
import CohortIdentity
import CohortStore
import CohortTestSupport
import Foundation
import Testing

/// `cohort demo --users` (docs/RULES.md, "The demo"): besides a PI and a coordinator, signed and pending
/// items, so the investigator's queue and the manifestations have something to show; the store verifies.
struct DemoPeopleTests {
    @Test func theDemoWithPeopleHoldsSignedInvalidatedAndPendingItemsAndVerifies() throws {
        let directory = NSTemporaryDirectory() + "cohort-demo-people-" + UUID().uuidString
        defer { for path in [directory, directory + ".keys"] { try? FileManager.default.removeItem(atPath: path) } }
        let people = DemoPeople(keys: KeyFolder(path: directory + ".keys"))
        let store = try DemoSite.build(directory: directory, participants: 40, seed: 1, today: TestData.today, scales: TestData.scales, people: people)
        let verified = store.verify()
        #expect(verified.problems.isEmpty, "\(verified.problems)")
        let check = try store.signatureVerifier()
        var statuses: [String: [SignatureStatus]] = [:], pending: [PendingSignature] = []
        for subject in try store.subjects() {
            let participant = try store.participant(subject)
            let studyProtocol = try store.context.studyProtocol(for: participant)
            for (signature, status) in zip(participant.signatures, check.statuses(of: participant, studyProtocol: studyProtocol)) {
                statuses[String(signature.scope.prefix(while: { $0 != ":" && !$0.isNumber })), default: []].append(status)
                #expect(signature.user == "ana" && signature.fullName == "Dr Ana Ruiz" && signature.role == "pi")
            }
            pending += participant.pendingSignatures(studyProtocol: studyProtocol)
            // The gate in a store with users: everyone randomized has a valid signature of their checklist.
            if participant.randomization != nil, participant.eligibilityChecklist(studyProtocol) != nil {
                #expect(participant.eligibilitySignature(required: true) == .signed, "\(subject)'s checklist is not signed")
            }
        }
        #expect(statuses["eligibility"]?.allSatisfy { $0 == .valid } == true)
        #expect(statuses["AE"]?.contains(.valid) == true, "\(statuses)")
        #expect(statuses["AE"]?.contains(.invalidated) == true, "\(statuses)")
        #expect(statuses["deviation"]?.contains(.valid) == true, "\(statuses)")
        #expect(!statuses.values.joined().contains(.broken))
        // The queue: the re-assessed AE waits again, and classified deviations wait for the PI.
        #expect(pending.contains { if case .adverseEvent = $0.scope { return true } else { return false } }, "\(pending)")
        #expect(pending.contains { if case .deviation = $0.scope { return true } else { return false } }, "\(pending)")
        // Yesterday's summary, signed by the PI, verifies against the summary as recorded.
        let summary = try #require(store.summarySignatures.first)
        #expect(summary.scope == "summary:\(TestData.today.adding(days: -1))")
        let recorded = try AsRecordedSummary(TestData.today.adding(days: -1), store: store, zone: TimeZone(secondsFromGMT: 0)!)
        #expect(check.status(of: summary, subject: "-", content: recorded.content, contentMoves: true) == .valid)
    }
}
