import CohortDomain
import CohortReports
@testable import CohortScreens
import CohortViewModels
import Foundation
import Testing

/// The participant page shows each signature next to what it signs (docs/RULES.md, "Signatures"): a
/// signed AE, a deviation, the eligibility checklist and the casebook, an invalidated one with the change
/// that invalidated it, and a locked casebook at the top.
struct SignedParticipantScreenTests {
    static let zone = TimeZone(secondsFromGMT: -5 * 3600)!

    /// A signature record as the page reads it (the page draws records; `verify` checks their keys).
    static func signature(_ scope: SignatureScope, _ time: String, invalidated: Signature.Invalidation? = nil) throws -> Signature {
        var record = Signature(scope: scope, meaning: .approved, user: "ana", fullName: "Dr Ana Ruiz", role: "pi",
                               time: try Moment(time, zone: zone, what: "test"), contentHash: String(repeating: "0", count: 64), signature: "c2ln")
        record.invalidated = invalidated
        return record
    }

    @Test func signedAndInvalidatedItemsOnTheParticipantPage() throws {
        var scene = try ScreenTests.Scene()
        defer { scene.remove() }
        scene.press(.character("o"))
        scene.type("0008")
        scene.press(.enter)
        guard var participant = scene.state.data?.participants["101-0008"] else { Issue.record("101-0008 not read"); return }
        participant.signatures = [
            try Self.signature(.eligibility, "2026-10-29T17:40-05:00"),
            try Self.signature(.adverseEvent("AE1"), "2026-11-17T18:02-05:00",
                               invalidated: .init(date: CivilDate("2026-11-18")!, change: "101-0008 AE1 updated", reason: "re-graded")),
            try Self.signature(.adverseEvent("AE1"), "2026-11-19T09:15-05:00"),
            try Self.signature(.deviation("SCR"), "2026-11-20T10:00-05:00"),
            try Self.signature(.casebook, "2026-11-24T16:30-05:00"),
        ]
        participant.casebookLock = CasebookLock(user: "ana", time: try Moment("2026-11-24T16:30-05:00", zone: Self.zone, what: "test"))
        scene.state.data?.participants["101-0008"] = participant
        let frame = scene.frame(100, 40)
        let text = frame.text
        #expect(text.contains("Casebook locked by ana at 2026-11-24T16:30-05:00: read-only until a pi unlocks it"), "\(text)")
        #expect(text.contains("Casebook: Signed (approved) by Dr Ana Ruiz, PI, 2026-11-24 16:30 -05:00"), "\(text)")
        // The AE's first signature reads invalidated, with the change that did it, in the words of the queue.
        let lines = text.split(separator: "\n").map(String.init)
        guard let event = lines.firstIndex(where: { $0.hasPrefix(" AE1  Hypertension") }) else { Issue.record("\(text)"); return }
        #expect(lines[event + 1].trimmingCharacters(in: .whitespaces) == "Signed (approved) by Dr Ana Ruiz, PI, 2026-11-17 18:02 -05:00")
        #expect(lines[event + 2].trimmingCharacters(in: .whitespaces) == "invalidated 2026-11-18 by 101-0008 AE1 updated (re-graded)")
        #expect(lines[event + 3].trimmingCharacters(in: .whitespaces) == "Signed (approved) by Dr Ana Ruiz, PI, 2026-11-19 09:15 -05:00")
        #expect(SignatureLines.lines(of: .adverseEvent("AE1"), in: participant).map { $0.trimmingCharacters(in: .whitespaces) }
                == (1...3).map { lines[event + $0].trimmingCharacters(in: .whitespaces) })
        GoldenFile.check(frame, named: "participant-signed-100x40")
        // Further down: the signed deviation and the eligibility checklist with its signature.
        for _ in 0..<5 { scene.press(.pageDown) }
        let lower = scene.frame(100, 40).text
        #expect(lower.contains("Eligibility: complete, eligible, signed"), "\(lower)")
        #expect(lower.contains("Signed (approved) by Dr Ana Ruiz, PI, 2026-10-29 17:40 -05:00"), "\(lower)")
        GoldenFile.check(scene.frame(100, 40), named: "participant-signed-lower-100x40")
    }
}
