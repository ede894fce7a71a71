@testable import CohortDomain
import Foundation
import Testing

/// Part 11 signatures on the domain values (docs/RULES.md, "Signatures", "The investigator's queue"):
/// every scope read and refused, its canonical content, signing, invalidation by a later change, the
/// casebook lock and unlock, and what awaits a signature.
@Suite struct SignatureTests {
    let scz = Fixture.schizophrenia
    let today = Fixture.date("2026-11-25")
    let now = Safety.at("2026-11-25T18:02")

    func environment(_ day: CivilDate? = nil) -> ChangeEnvironment {
        ChangeEnvironment(context: Fixture.context, today: day ?? today, user: "ana", site: UnknownSite())
    }

    /// 101-0001 with SCR, D1 (11-02) and W1 (11-09) done, C-SSRS urgent at W1 acknowledged, W2 missed, a serious
    /// AE1, a mild AE2 and a clinically significant heart rate at W1.
    func participant() throws -> Participant {
        var p = MeasureFixture.participant()
        _ = try p.score("W1", scale: Fixture.scales["CSSRS"]!, items: [1, 1, 0, 1, 0, 0], date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        _ = try p.acknowledge(flag: "cssrs-urgent", visit: "W1", action: "PI assessed; 1:1 observation", on: Fixture.date("2026-11-10"), user: "ana", context: Fixture.context)
        try Safety.add(&p, Safety.draft("Acute urinary retention", onset: "2026-11-20", severity: .severe, criteria: [.hospitalization], related: .possible))
        try Safety.add(&p, Safety.draft("Nausea", onset: "2026-11-21"))
        try MeasureFixture.record(&p, "W1", "HR", "130")
        try MeasureFixture.assess(&p, "W1", "HR", .cs, comment: "tachycardia")
        return p
    }

    /// A signature record of `scope` over `p`'s content as it stands (the Ed25519 part is the store's).
    func signature(_ p: Participant, _ scope: SignatureScope, meaning: Signature.Meaning = .approved, user: String = "ana") throws -> (Signature, Data) {
        let content = try p.signedContent(scope, studyProtocol: scz)
        return (Signature(scope: scope, meaning: meaning, user: user, fullName: "Dr Ana Ruiz", role: "pi", time: now,
                          contentHash: "h", signature: "s"), content)
    }

    func sign(_ p: inout Participant, _ scope: SignatureScope, lock: Bool = false) throws {
        let (record, content) = try signature(p, scope)
        _ = try Change.sign(subject: p.subject, signature: record, content: content, lock: lock).apply(to: &p, in: environment())
    }

    @Test func everyScopeReadsAndWritesBack() throws {
        let forms = ["AE1", "AE12", "deviation:W1", "deviation:CM2", "deviation:AE3", "flag:W1:cssrs-urgent", "measure:W1:HR",
                     "eligibility", "casebook", "summary:2026-11-17"]
        for form in forms { #expect(try SignatureScope(form).description == form) }
        #expect(try SignatureScope("flag:W1:cssrs-urgent") == .flag(visit: "W1", flag: "cssrs-urgent"))
        #expect(try SignatureScope("summary:2026-11-17") == .summary(Fixture.date("2026-11-17")))
        #expect(try SignatureScope("summary:2026-11-17").isSiteScope && !SignatureScope("casebook").isSiteScope)
    }

    @Test func aScopeThatIsNoneOfTheFormsIsRefusedNamingThem() {
        for bad in ["AE", "AE0", "AE01", "ae1", "deviation", "deviation:", "flag:W1", "measure:W1:HR:x", "summary:2026-13-01",
                    "summary:yesterday", "casebook:1", "everything", "", "flag:W1:a b"] {
            let message = MeasureFixture.refusal { _ = try SignatureScope(bad) }
            #expect(message?.contains("AE<n>") == true || message?.contains("summary:YYYY-MM-DD") == true, "\(bad): \(message ?? "accepted")")
        }
    }

    @Test func contentIsCanonicalJSONOfTheScopeAlone() throws {
        let p = try participant()
        let bytes = try p.signedContent(.adverseEvent("AE1"), studyProtocol: scz)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\"content\":{\"action\":"))
        #expect(!text.contains(": ") && !text.contains(", ") && !text.contains("\n"))
        #expect(text.hasSuffix("\"scope\":\"AE1\",\"subject\":\"101-0001\"}"))
        #expect(text.contains("Acute urinary retention") && !text.contains("Nausea"))
        // Sorted keys at every depth: decoding and encoding again with sorted keys gives the same bytes.
        let object = try JSONSerialization.jsonObject(with: bytes)
        #expect(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) == bytes)
    }

    @Test func eachScopeHasContentOnlyWhenItsThingExists() throws {
        var p = try participant()
        for scope: SignatureScope in [.adverseEvent("AE1"), .flag(visit: "W1", flag: "cssrs-urgent"), .measure(visit: "W1", test: "HR"), .eligibility, .casebook] {
            #expect(try !p.signedContent(scope, studyProtocol: scz).isEmpty)
        }
        for scope: SignatureScope in [.adverseEvent("AE9"), .deviation("W1"), .deviation("CM1"), .flag(visit: "W2", flag: "cssrs-urgent"),
                                      .measure(visit: "W1", test: "SYSBP"), .summary(today)] {
            #expect(throws: DomainError.self, "\(scope)") { try p.signedContent(scope, studyProtocol: scz) }
        }
        let eligibility = String(decoding: try p.signedContent(.eligibility, studyProtocol: scz), as: UTF8.self)
        #expect(eligibility.hasPrefix(#"{"content":[{"answer":"met","id":"I1","kind":"inclusion","#))
        var unanswered = p
        unanswered.eligibility = [:]
        #expect(throws: DomainError.self) { try unanswered.signedContent(.eligibility, studyProtocol: scz) }
        #expect(!unanswered.pendingSignatures(studyProtocol: scz).contains { $0.scope == .eligibility })
        #expect(unanswered.eligibilitySignature(required: false) == .notRequired && p.eligibilitySignature(required: true) == .unsigned)
        _ = try p.miss("W3", on: Fixture.date("2026-11-23"), reason: "no show", studyProtocol: scz, today: today)
        _ = try p.classifyDeviation(visit: "W3", as: .major, note: nil, reason: nil, studyProtocol: scz)
        let deviation = String(decoding: try p.signedContent(.deviation("W3"), studyProtocol: scz), as: UTF8.self)
        #expect(deviation.contains("\"kind\":\"missed\"") && deviation.contains("\"classification\":\"major\""))
    }

    @Test func theCasebookCoversEverythingButItsSignatures() throws {
        var p = try participant()
        let before = try p.signedContent(.casebook, studyProtocol: scz)
        try sign(&p, .adverseEvent("AE1"))
        #expect(try p.signedContent(.casebook, studyProtocol: scz) == before)
        try Safety.report(&p, "AE1", at: "2026-11-25T11:00", now: "2026-11-25T12:00")
        #expect(try p.signedContent(.casebook, studyProtocol: scz) != before)
    }

    @Test func signingKeepsTheRecordAndRefusesStaleContentAndTheSameSignatureTwice() throws {
        var p = try participant()
        let (record, content) = try signature(p, .adverseEvent("AE1"))
        var stale = p
        try Safety.update(&stale, Safety.draft("Acute urinary retention", onset: "2026-11-20", severity: .moderate, criteria: [.hospitalization]))
        let refused = MeasureFixture.refusal { _ = try Change.sign(subject: p.subject, signature: record, content: content, lock: false).apply(to: &stale, in: environment()) }
        #expect(refused?.contains("changed after it was read for signing") == true)
        _ = try Change.sign(subject: p.subject, signature: record, content: content, lock: false).apply(to: &p, in: environment())
        #expect(p.signatures == [record] && p.validSignatures(of: .adverseEvent("AE1")) == [record])
        let twice = MeasureFixture.refusal { _ = try Change.sign(subject: p.subject, signature: record, content: content, lock: false).apply(to: &p, in: environment()) }
        #expect(twice == "101-0001 AE1 is already signed: Signed (approved) by Dr Ana Ruiz, PI, 2026-11-25 18:02 -05:00.")
        // Another meaning (the coordinator's authorship, say) is another signature.
        let (reviewed, _) = try signature(p, .adverseEvent("AE1"), meaning: .reviewed, user: "cole")
        _ = try Change.sign(subject: p.subject, signature: reviewed, content: content, lock: false).apply(to: &p, in: environment())
        #expect(p.signatures.count == 2)
        #expect(!Change.sign(subject: p.subject, signature: record, content: content, lock: false).isUndoable)
    }

    @Test func aChangeToSignedContentNeedsAReasonAndInvalidatesTheSignature() throws {
        var p = try participant()
        try sign(&p, .adverseEvent("AE1"))
        try sign(&p, .adverseEvent("AE2"))
        var draft = Safety.draft("Acute urinary retention", onset: "2026-11-20", severity: .moderate, criteria: [.hospitalization])
        draft.related = .possible
        let untouched = p
        let change = Change.updateAdverseEvent(subject: p.subject, id: "AE1", draft: draft, reason: nil, now: now)
        #expect(MeasureFixture.refusal { _ = try change.apply(to: &p, in: environment()) } != nil)
        #expect(p == untouched)
        let reasoned = Change.updateAdverseEvent(subject: p.subject, id: "AE1", draft: draft, reason: "causality assessed", now: now)
        #expect(try reasoned.apply(to: &p, in: environment()) == "causality assessed")
        let invalidated = try #require(p.signatures.first { $0.scope == "AE1" }?.invalidated)
        #expect(invalidated == Signature.Invalidation(date: today, change: "101-0001 AE1 updated", reason: "causality assessed"))
        #expect(p.signatures.first { $0.scope == "AE2" }?.isValid == true)
        #expect(p.signatures.count == 2)
        #expect(p.signatures[0].manifestation == "Signed (approved) by Dr Ana Ruiz, PI, 2026-11-25 18:02 -05:00 — invalidated 2026-11-25 by 101-0001 AE1 updated (causality assessed)")
        // Back in the queue, waiting from the change.
        #expect(p.pendingSignatures(studyProtocol: scz).contains { $0.scope == .adverseEvent("AE1") && $0.since == today })
    }

    @Test func aChangeWhoseReasonIsOptionalNeedsOneWhenItAltersSignedContent() throws {
        var p = try participant()
        try sign(&p, .casebook)
        let untouched = p
        let refused = MeasureFixture.refusal { _ = try Change.complete(subject: p.subject, visit: "W3", date: today, reason: nil).apply(to: &p, in: environment()) }
        #expect(refused == "This changes 101-0001 casebook, which is signed: give a reason for the change (the signature will read invalidated).")
        #expect(p == untouched)
        _ = try Change.complete(subject: p.subject, visit: "W3", date: today, reason: "visit done late in the day").apply(to: &p, in: environment())
        #expect(p.signatures[0].invalidated?.reason == "visit done late in the day")
    }

    @Test func aReportToTheSponsorLeavesTheAESignatureStanding() throws {
        var p = try participant()
        try sign(&p, .adverseEvent("AE1"))
        _ = try Change.reportAdverseEvent(subject: p.subject, id: "AE1", at: Safety.at("2026-11-25T11:00"), followUp: false, now: now)
            .apply(to: &p, in: environment())
        #expect(p.signatures[0].isValid)
    }

    @Test func aChangeWithNoReasonOfItsOwnInvalidatesTheCasebookNamingIt() throws {
        var p = try participant()
        try sign(&p, .casebook)
        _ = try Change.addAdverseEvent(subject: p.subject, draft: Safety.draft("Headache", onset: "2026-11-24"), now: now).apply(to: &p, in: environment())
        #expect(p.signatures[0].invalidated?.change == "101-0001 adverse event Headache recorded")
        #expect(p.signatures[0].invalidated?.reason == nil)
    }

    @Test func anUndoKeepsTheSignaturesAndTheirInvalidation() throws {
        var p = try participant()
        try sign(&p, .measure(visit: "W1", test: "HR"))
        let earlier = p
        _ = try Change.assess(subject: p.subject, visit: "W1", test: "HR", significance: .ncs, comment: nil, reason: "re-read the ECG").apply(to: &p, in: environment())
        #expect(p.signatures[0].invalidated != nil)
        let undo = Change.revert(subject: p.subject, to: earlier, expected: p, description: "HR assessed ncs", reason: "wrong participant")
        _ = try undo.apply(to: &p, in: environment())
        #expect(p.signatures.count == 1 && p.signatures[0].invalidated?.reason == "re-read the ECG")
        #expect(p.measurement(visit: "W1", test: "HR")?.assessment?.significance == .cs)
    }

    @Test func aLockedCasebookRefusesEveryChangeUntilUnlockedWithAReason() throws {
        var p = try participant()
        let (onAE, aeContent) = try signature(p, .adverseEvent("AE1"))
        let notCasebook = MeasureFixture.refusal { _ = try Change.sign(subject: p.subject, signature: onAE, content: aeContent, lock: true).apply(to: &p, in: environment()) }
        #expect(notCasebook?.contains("--lock goes with the casebook only") == true)
        #expect(MeasureFixture.refusal { _ = try Change.unlock(subject: p.subject, reason: "x").apply(to: &p, in: environment()) } == "101-0001's casebook is not locked.")
        try sign(&p, .casebook, lock: true)
        #expect(p.casebookLock == CasebookLock(user: "ana", time: now))
        let locked = p
        let changes: [Change] = [
            .complete(subject: p.subject, visit: "W3", date: today, reason: nil),
            .addAdverseEvent(subject: p.subject, draft: Safety.draft("Headache", onset: "2026-11-24"), now: now),
            .sign(subject: p.subject, signature: onAE, content: aeContent, lock: false),
        ]
        for change in changes {
            let message = MeasureFixture.refusal { _ = try change.apply(to: &p, in: environment()) }
            #expect(message?.hasPrefix("101-0001's casebook is locked (by ana at 2026-11-25T18:02-05:00)") == true, "\(change)")
            #expect(p == locked)
        }
        #expect(throws: DomainError.self) { _ = try Change.unlock(subject: p.subject, reason: " ").apply(to: &p, in: environment()) }
        #expect(try Change.unlock(subject: p.subject, reason: "late lab result").apply(to: &p, in: environment()) == "late lab result")
        #expect(p.casebookLock == nil)
        #expect(p.signatures[0].invalidated == Signature.Invalidation(date: today, change: "101-0001 casebook unlocked", reason: "late lab result"))
        _ = try changes[1].apply(to: &p, in: environment())
    }

    @Test func aConflictRecordedOrKeptOnALockedCasebookLeavesItsSignatureValidAndAnUnlockPutsItBackInTheQueue() throws {
        var p = try participant()
        try sign(&p, .casebook, lock: true)
        let signed = try p.signedContent(.casebook, studyProtocol: scz)
        #expect(!p.pendingSignatures(studyProtocol: scz).contains { $0.scope == .casebook })
        // A sync records a conflict: bookkeeping, not what the investigator signed.
        let late = Change.addAdverseEvent(subject: p.subject, draft: Safety.draft("Headache", onset: "2026-11-24"), now: now)
        let conflict = SyncConflict(id: "", subject: p.subject, what: late.description, mine: nil, theirs: late.description,
                                    authors: ["ana", "cole"], change: late, refusal: "locked")
        _ = try Change.recordConflict(subject: p.subject, conflict: conflict).apply(to: &p, in: environment())
        #expect(try p.signedContent(.casebook, studyProtocol: scz) == signed)
        #expect(p.signatures[0].invalidated == nil)
        // Only keeping the value goes on while locked; applying theirs or a value waits for the unlock.
        for take in [ConflictChoice.theirs, .value("1")] {
            let message = MeasureFixture.refusal { _ = try Change.resolveConflict(subject: p.subject, id: "C1", take: take, reason: "r").apply(to: &p, in: environment()) }
            #expect(message?.contains("casebook is locked") == true, "\(take)")
        }
        _ = try Change.resolveConflict(subject: p.subject, id: "C1", take: .mine, reason: "casebook was locked").apply(to: &p, in: environment())
        #expect(p.conflicts.isEmpty && p.signatures[0].invalidated == nil && p.casebookLock != nil)
        #expect(try p.signedContent(.casebook, studyProtocol: scz) == signed)
        // A real invalidation (the unlock) puts the casebook back in the queue, whatever the status.
        _ = try Change.unlock(subject: p.subject, reason: "late lab result").apply(to: &p, in: environment())
        #expect(p.pendingSignatures(studyProtocol: scz).contains { $0.scope == .casebook && $0.since == today })
    }

    @Test func theQueueListsWhatAwaitsASignatureOldestFirst() throws {
        var p = try participant()
        _ = try p.miss("W3", on: Fixture.date("2026-11-23"), reason: "no show", studyProtocol: scz, today: today)
        #expect(!p.pendingSignatures(studyProtocol: scz).contains { $0.scope == .deviation("W3") }) // unclassified: not yet
        _ = try p.classifyDeviation(visit: "W3", as: .major, note: nil, reason: nil, studyProtocol: scz)
        try Safety.add(&p, Safety.draft("Syncope", onset: "2026-11-22")) // special interest, not serious
        try sign(&p, .eligibility)
        #expect(p.eligibilitySignature(required: true) == .signed)
        let queue = p.pendingSignatures(studyProtocol: scz)
        #expect(queue.map(\.scope.description) == ["flag:W1:cssrs-urgent", "deviation:W3", "AE1", "AE3", "measure:W1:HR"])
        #expect(queue.map(\.since.description) == ["2026-11-10", "2026-11-23", "2026-11-25", "2026-11-25", "2026-11-25"])
        #expect(queue[0].daysWaited(today) == 15 && queue[1].what == "major deviation missed")
        #expect(queue[2].what == "serious AE Acute urinary retention" && queue[3].what == "special-interest AE Syncope")
        #expect(queue[4].what == "clinically significant HR")
        try sign(&p, .adverseEvent("AE1"))
        #expect(!p.pendingSignatures(studyProtocol: scz).contains { $0.scope == .adverseEvent("AE1") })
        // The casebook of a participant who left waits from the day they left.
        _ = try p.withdraw(on: Fixture.date("2026-11-23"), category: .withdrawalBySubject, reason: "moved", screenFailure: false, studyProtocol: scz, today: today)
        #expect(p.pendingSignatures(studyProtocol: scz).contains { $0.scope == .casebook && $0.since == Fixture.date("2026-11-23") })
    }

    @Test func aParticipantNeverSignedIsWrittenAsBefore() throws {
        let p = try participant()
        let text = String(decoding: CompactJSON.bytes(p), as: UTF8.self)
        #expect(!text.contains("signatures") && !text.contains("casebookLock"))
        var signed = p
        try sign(&signed, .casebook, lock: true)
        let back = try JSONDecoder().decode(Participant.self, from: CompactJSON.bytes(signed))
        #expect(back == signed)
    }

    @Test func theSignedBytesCoverEveryMemberButTheSignature() throws {
        let (record, _) = try signature(try participant(), .adverseEvent("AE1"))
        let text = String(decoding: record.signedBytes(subject: "101-0001"), as: UTF8.self)
        #expect(text == #"{"contentHash":"h","fullName":"Dr Ana Ruiz","meaning":"approved","role":"pi","scope":"AE1","subject":"101-0001","time":"2026-11-25T18:02-05:00","user":"ana"}"#)
        var moved = record
        moved.invalidated = Signature.Invalidation(date: today, change: "x", reason: nil)
        #expect(moved.signedBytes(subject: "101-0001") == record.signedBytes(subject: "101-0001"))
        #expect(record.signedBytes(subject: "101-0002") != record.signedBytes(subject: "101-0001"))
        #expect(Signature.roleTitle("data-manager") == "Data manager" && Signature.roleTitle("investigator") == "Investigator")
    }
}
