import CohortDomain
import CohortIdentity
import CohortTestSupport
@testable import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

/// One participant changed on two machines, merged (docs/RULES.md, "Merging and conflicts"): both sides'
/// changes kept, a value set differently on both a conflict (never picked silently), the published side's
/// records never moved, the trail still the record and `verify` clean.
@Suite struct MergeTests {
    static let subject = MergeFixture.subject
    static let today = StoreFixture.today
    static let now = try! Moment("2026-11-25T18:02-05:00", zone: TimeZone(secondsFromGMT: 0)!, what: "test")

    /// Merges on b with a's version published, checks a's trail is kept byte for byte at its start (so a's
    /// machine takes the merge as it is), writes it into a as a's next sync would, and checks it there.
    @discardableResult
    static func mergeAndCheck(_ fixture: MergeFixture) throws -> (result: ParticipantMergeResult, merged: Participant) {
        let published = MergeFixture.files(fixture.dirA)
        let onB = try fixture.merge()
        #expect(onB.files.trail.starts(with: published.trail))
        try MergeFixture.write(onB, into: fixture.dirA)
        let reopened = try JSONFileStore(directory: fixture.dirA, scales: StoreFixture.scales, user: "amy")
        // The sync notes the merged heads in this machine's ledger.
        try reopened.adoptMerged(subjects: [subject])
        #expect(try reopened.ledger.lastHead(of: subject) == (try reopened.readParticipant(subject)).audit)
        let problems = reopened.verify().problems
        #expect(problems.isEmpty, "\(problems)")
        return (onB, try reopened.participant(subject))
    }

    /// A fixture where amy's copy noted `amy` (visit, text) and bob's `bob`, merged and checked; the caller
    /// removes it.
    static func merged(amy: (String, String), bob: (String, String)) throws -> (MergeFixture, ParticipantMergeResult, Participant) {
        let fixture = try MergeFixture()
        try note(fixture.a, amy.0, amy.1)
        try note(fixture.b, bob.0, bob.1)
        let (result, merged) = try mergeAndCheck(fixture)
        return (fixture, result, merged)
    }

    static func note(_ store: JSONFileStore, _ visit: String, _ text: String) throws {
        try store.apply(.note(subject: subject, visit: visit, text: text), today: today, user: "x")
    }

    @Test func changesToDifferentFieldsMergeWithoutAConflictTheSameOnBothMachines() throws {
        let fixture = try MergeFixture()
        defer { fixture.remove() }
        try Self.note(fixture.a, "SCR", "seen by amy")
        try Self.note(fixture.b, "W1", "phoned by bob")
        try Self.note(fixture.b, "W2", "second by bob")
        let (result, merged) = try Self.mergeAndCheck(fixture)
        #expect(result.conflicts.isEmpty)
        #expect(merged.visit("SCR")?.note == "seen by amy")
        #expect(merged.visit("W1")?.note == "phoned by bob")
        #expect(merged.visit("W2")?.note == "second by bob")
        // The second side's records keep their author and time, and name the save they apply again.
        let trail = try fixture.a.auditTrail(subject: Self.subject).records
        let reapplied = trail.filter { $0.origin != nil }
        #expect(reapplied.count == 2 && reapplied.allSatisfy { $0.user == "bob" && $0.time.hasPrefix("2026-11-25T16:00") })
        #expect(result.branch?.path.hasPrefix("audit/branches/\(Self.subject)/") == true)
        // The next save on the merged store goes on as usual, and still verifies.
        try Self.note(fixture.a, "W3", "after the merge")
        #expect(fixture.a.verify().problems.isEmpty)
    }

    @Test func aValueSetDifferentlyOnBothSidesIsAConflictAndThePublishedSideKeepsIt() throws {
        let (fixture, result, merged) = try Self.merged(amy: ("W1", "amy's words"), bob: ("W1", "bob's words"))
        defer { fixture.remove() }
        #expect(merged.visit("W1")?.note == "amy's words")
        #expect(result.conflicts.count == 1)
        let conflict = try #require(merged.conflicts.first)
        #expect(conflict.id == "C1" && conflict.subject == Self.subject)
        #expect(conflict.what.hasSuffix("/note") && conflict.mine == "\"amy's words\"" && conflict.theirs == "\"bob's words\"")
        #expect(conflict.authors == ["amy", "bob"])
    }

    @Test func theReviewTableCarriesTheConflictsAndItsCacheKeepsThem() throws {
        let (fixture, _, _) = try Self.merged(amy: ("W1", "amy's words"), bob: ("W1", "bob's words"))
        defer { fixture.remove() }
        let store = try JSONFileStore(directory: fixture.dirA, scales: StoreFixture.scales, user: "amy")
        let alerts = store.loadTable(.full).table.safetyAlerts.filter { $0.kind == .syncConflict }
        #expect(alerts.map { "\($0.subject) \($0.record)" } == ["\(Self.subject) C1"])
        // From the cache alone (a quick load by another copy), the same line.
        let again = try JSONFileStore(directory: fixture.dirA, scales: StoreFixture.scales, user: "amy").loadTable(.quick)
        #expect(again.table.safetyAlerts.filter { $0.kind == .syncConflict }.map(\.record) == ["C1"])
        #expect(again.table.personFacts(try #require(again.table.parts.subjects.firstIndex(of: Self.subject))).syncConflicts == ["C1"])
    }

    @Test func theSameValueSetOnBothSidesIsNoConflict() throws {
        let (fixture, result, merged) = try Self.merged(amy: ("W1", "same words"), bob: ("W1", "same words"))
        defer { fixture.remove() }
        #expect(result.conflicts.isEmpty && merged.conflicts.isEmpty)
        #expect(merged.visit("W1")?.note == "same words")
    }

    @Test func adverseEventsAddedOnBothSidesAreBothKeptWithDistinctIds() throws {
        let fixture = try MergeFixture()
        defer { fixture.remove() }
        let headache = AdverseEventDraft(term: "Headache", onset: CivilDate("2026-11-20")!, severity: .mild)
        let nausea = AdverseEventDraft(term: "Nausea", onset: CivilDate("2026-11-21")!, severity: .mild)
        try fixture.a.apply(.addAdverseEvent(subject: Self.subject, draft: headache, now: Self.now), today: Self.today, user: "x")
        try fixture.b.apply(.addAdverseEvent(subject: Self.subject, draft: nausea, now: Self.now), today: Self.today, user: "x")
        // Bob then changes his own AE1: the merge must change the event it became, not amy's AE1.
        var worse = nausea; worse.severity = .moderate
        try fixture.b.apply(.updateAdverseEvent(subject: Self.subject, id: "AE1", draft: worse, reason: "worse", now: Self.now), today: Self.today, user: "x")
        let (result, merged) = try Self.mergeAndCheck(fixture)
        #expect(result.conflicts.isEmpty)
        #expect(merged.adverseEvents.map(\.id) == ["AE1", "AE2"])
        #expect(merged.adverseEvents.map(\.term) == ["Headache", "Nausea"])
        #expect(merged.adverseEvents.map(\.severity) == [.mild, .moderate])
    }

    @Test func anUndoOnOneSideAgainstAChangeOnTheOther() throws {
        let fixture = try MergeFixture()
        defer { fixture.remove() }
        try Self.note(fixture.a, "SCR", "amy's")
        let (before, after) = try fixture.b.apply(.note(subject: Self.subject, visit: "W1", text: "bob's mistake"), today: Self.today, user: "x")
        try fixture.b.apply(.revert(subject: Self.subject, to: before, expected: after, description: "note", reason: "wrong visit"), today: Self.today, user: "x")
        let (result, merged) = try Self.mergeAndCheck(fixture)
        #expect(result.conflicts.isEmpty)
        #expect(merged.visit("SCR")?.note == "amy's")
        #expect(merged.visit("W1")?.note == nil)
    }

    @Test func anUndoOfAValueTheOtherSideChangedIsAConflict() throws {
        let fixture = try MergeFixture(prepare: { base in
            try base.enroll(MergeFixture.subject)
            try base.store.apply(.note(subject: MergeFixture.subject, visit: "W1", text: "original"), today: Self.today, user: "x")
        })
        defer { fixture.remove() }
        try Self.note(fixture.a, "W1", "amy's correction")
        let (before, after) = try fixture.b.apply(.note(subject: Self.subject, visit: "SCR", text: "bob's"), today: Self.today, user: "x")
        _ = (before, after)
        let base = try fixture.b.participant(Self.subject)
        var undone = base
        undone.visits[undone.visits.firstIndex { $0.code == "W1" }!].note = nil
        // Bob's undo takes W1's note away: amy changed it meanwhile, so it is not taken away silently.
        try fixture.b.apply(.revert(subject: Self.subject, to: undone, expected: base, description: "W1 note", reason: "undo"), today: Self.today, user: "x")
        let (result, merged) = try Self.mergeAndCheck(fixture)
        #expect(merged.visit("W1")?.note == "amy's correction")
        #expect(merged.visit("SCR")?.note == "bob's")
        #expect(result.conflicts.count == 1)
    }

    @Test func resolvingMineTheirsOrAValueIsAnAuditedChangeWithAReason() throws {
        for take in [ConflictChoice.mine, .theirs, .value("\"agreed words\"")] {
            let (fixture, _, _) = try Self.merged(amy: ("W1", "amy's words"), bob: ("W1", "bob's words"))
            defer { fixture.remove() }
            let store = try JSONFileStore(directory: fixture.dirA, scales: StoreFixture.scales, user: "amy")
            #expect(throws: DomainError.self) {
                try store.apply(.resolveConflict(subject: Self.subject, id: "C1", take: take, reason: ""), today: Self.today, user: "amy")
            }
            let resolved = try store.apply(.resolveConflict(subject: Self.subject, id: "C1", take: take, reason: "agreed by phone"),
                                           today: Self.today, user: "amy").after
            #expect(resolved.conflicts.isEmpty)
            let expected = ["amy's words", "bob's words", "agreed words"][[ConflictChoice.mine, .theirs, .value("\"agreed words\"")].firstIndex(of: take)!]
            #expect(resolved.visit("W1")?.note == expected)
            #expect(try store.auditTrail(subject: Self.subject).records.last?.reason == "agreed by phone")
            #expect(store.verify().problems.isEmpty)
            // Its id is never given again.
            #expect(throws: DomainError.self) {
                try store.apply(.resolveConflict(subject: Self.subject, id: "C1", take: .mine, reason: "again"), today: Self.today, user: "amy")
            }
        }
    }

    /// Both machines hold conflict C1 (amy's and bob's W1 notes), then each resolves it: `first` on amy's
    /// machine (published), `second` on bob's; merged on bob's, written into amy's and checked there.
    static func resolvedOnBoth(_ first: ConflictChoice, _ second: ConflictChoice) throws
        -> (fixture: MergeFixture, result: ParticipantMergeResult, merged: Participant, store: JSONFileStore) {
        let fixture = try MergeFixture()
        try Self.note(fixture.a, "W1", "amy's words")
        try Self.note(fixture.b, "W1", "bob's words")
        let held = try fixture.merge()
        try MergeFixture.write(held, into: fixture.dirA)
        try MergeFixture.write(held, into: fixture.dirB)
        let common = try MergeFixture.copy(fixture.dirA)
        defer { try? FileManager.default.removeItem(atPath: common) }
        let onA = try JSONFileStore(directory: fixture.dirA, scales: StoreFixture.scales, user: "amy", clock: { Date(timeIntervalSince1970: 1_795_626_000) })
        let onB = try JSONFileStore(directory: fixture.dirB, scales: StoreFixture.scales, user: "bob", clock: { Date(timeIntervalSince1970: 1_795_629_600) })
        try onA.adoptMerged(subjects: [subject]); try onB.adoptMerged(subjects: [subject])
        try onA.apply(.resolveConflict(subject: subject, id: "C1", take: first, reason: "amy decides"), today: today, user: "amy")
        try onB.apply(.resolveConflict(subject: subject, id: "C1", take: second, reason: "bob decides"), today: today, user: "bob")
        let result = try onB.mergeParticipant(subject: subject, base: MergeFixture.files(common), mine: MergeFixture.files(fixture.dirB),
                                              theirs: MergeFixture.files(fixture.dirA))
        try MergeFixture.write(result, into: fixture.dirA)
        let store = try JSONFileStore(directory: fixture.dirA, scales: StoreFixture.scales, user: "amy")
        try store.adoptMerged(subjects: [subject])
        let problems = store.verify().problems
        #expect(problems.isEmpty, "\(problems)")
        return (fixture, result, try store.participant(subject), store)
    }

    @Test func theSameResolutionMadeOnBothMachinesMergesAsNothingNew() throws {
        for (take, note) in [(ConflictChoice.mine, "amy's words"), (.theirs, "bob's words"), (.value("agreed"), "agreed")] {
            let (fixture, result, merged, _) = try Self.resolvedOnBoth(take, take)
            defer { fixture.remove() }
            #expect(result.conflicts.isEmpty, "\(take)")
            #expect(merged.conflicts.isEmpty && merged.visit("W1")?.note == note, "\(take)")
        }
    }

    @Test func twoDifferentResolutionsOfOneConflictAreOneConflictOnTheValueThatEveryChoiceResolves() throws {
        for (take, note) in [(ConflictChoice.mine, "amy's words"), (.theirs, "bob typed"), (.value("third words"), "third words")] {
            let (fixture, result, merged, store) = try Self.resolvedOnBoth(.mine, .value("bob typed"))
            defer { fixture.remove() }
            let conflict = try #require(result.conflicts.first)
            #expect(result.conflicts.count == 1 && merged.conflicts.count == 1)
            #expect(conflict.id == "C2" && conflict.what.hasSuffix("/note") && conflict.refusal == nil)
            #expect(conflict.mine == "\"amy's words\"" && conflict.theirs == "\"bob typed\"")
            let resolved = try store.apply(.resolveConflict(subject: Self.subject, id: "C2", take: take, reason: "settled"), today: Self.today, user: "amy").after
            #expect(resolved.conflicts.isEmpty && resolved.visit("W1")?.note == note, "\(take)")
            #expect(store.verify().problems.isEmpty)
        }
    }

    /// Two copies of a store with users (every save signed by the PI) whose participant has a serious AE1.
    static func signedWithSeriousAE() throws -> (MergeFixture, pi: UnlockedKey) {
        let (base, pi, _) = try SignedSaveTests.storeWithUsers()
        let fixture = try MergeFixture(signer: pi, base: base, prepare: { base in
            try base.enroll(MergeFixture.subject)
            let draft = AdverseEventDraft(term: "Syncope", onset: CivilDate("2026-11-20")!, severity: .moderate, criteria: [.hospitalization], related: .possible)
            try base.store.apply(.addAdverseEvent(subject: MergeFixture.subject, draft: draft, now: Self.now), today: Self.today, user: "ana")
        })
        return (fixture, pi)
    }

    @Test func aSignatureOnOneSideReadsInvalidatedByAChangeOnTheOtherAndEverySaveSignatureVerifies() throws {
        let (fixture, pi) = try Self.signedWithSeriousAE()
        defer { fixture.remove() }
        // Amy's machine signs AE1; bob's changes it (with a reason).
        let onA = StoreFixture(reusing: fixture.base, store: fixture.a)
        try onA.sign(.adverseEvent("AE1"), of: Self.subject, with: pi)
        let draft = AdverseEventDraft(term: "Syncope", onset: CivilDate("2026-11-20")!, severity: .severe, criteria: [.hospitalization], related: .possible)
        try fixture.b.apply(.updateAdverseEvent(subject: Self.subject, id: "AE1", draft: draft, reason: "worse", now: Self.now), today: Self.today, user: "ana")
        let (result, merged) = try Self.mergeAndCheck(fixture)
        #expect(result.conflicts.isEmpty)
        #expect(merged.adverseEvents.first?.severity == .severe)
        let signature = try #require(merged.signatures.last { $0.scope == SignatureScope.adverseEvent("AE1").description })
        #expect(signature.invalidated?.reason == "worse")
        // Bob's signed save is kept verbatim in the branch file: tampering with it is caught.
        let branch = try #require(result.branch)
        var bytes = [UInt8](branch.bytes)
        let sig = Array("\"sig\":\"".utf8)
        let at = try #require((0..<(bytes.count - sig.count)).first { bytes[$0..<($0 + sig.count)].elementsEqual(sig) })
        bytes[at + sig.count] = bytes[at + sig.count] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        _ = FileManager.default.createFile(atPath: fixture.dirA + "/" + branch.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        #expect(!fixture.a.verify().problems.isEmpty)
    }

    @Test func aSignatureMadeOnTheMergingMachineOverContentTheOtherChangedIsAConflictNeverAValidSignature() throws {
        let (fixture, pi) = try Self.signedWithSeriousAE()
        defer { fixture.remove() }
        // Amy's machine (published) makes AE1 severe; bob's machine signed AE1 as it was, moderate.
        let draft = AdverseEventDraft(term: "Syncope", onset: CivilDate("2026-11-20")!, severity: .severe, criteria: [.hospitalization], related: .possible)
        try fixture.a.apply(.updateAdverseEvent(subject: Self.subject, id: "AE1", draft: draft, reason: "worse", now: Self.now), today: Self.today, user: "ana")
        try StoreFixture(reusing: fixture.base, store: fixture.b).sign(.adverseEvent("AE1"), of: Self.subject, with: pi)
        let (result, merged) = try Self.mergeAndCheck(fixture)
        #expect(merged.adverseEvents.first?.severity == .severe)
        #expect(merged.signatures.filter { $0.scope == SignatureScope.adverseEvent("AE1").description && $0.invalidated == nil }.isEmpty)
        #expect(result.conflicts.count == 1 && result.conflicts.first?.refusal?.contains("changed after it was read for signing") == true)
    }

    @Test func aReappliedSaveWithoutItsBranchFileIsCaught() throws {
        let (fixture, result, _) = try Self.merged(amy: ("SCR", "amy's"), bob: ("W1", "bob's"))
        defer { fixture.remove() }
        try FileManager.default.removeItem(atPath: fixture.dirA + "/" + (try #require(result.branch)).path)
        #expect(fixture.a.verify().problems.contains { $0.contains("no branch file holds") })
    }

    /// Appends to a's merged trail an unsigned save claiming to re-apply bob's first original save (its
    /// author, time and `origin`), carrying `change` as its change value and making `edit` to the data, with
    /// the chain, the data file and its seal all consistent: what someone with file access but no key can do.
    static func forgeReappliedSave(_ fixture: MergeFixture, result: ParticipantMergeResult, change: Change?, edit: (inout Participant) -> Void) throws {
        let branch = try #require(result.branch)
        let original = try #require(branch.bytes.split(separator: UInt8(ascii: "\n")).compactMap { try? AuditRecord(line: ArraySlice($0)) }.first { $0.state != nil })
        let store = fixture.a
        let before = try store.participant(Self.subject)
        var after = before
        edit(&after)
        let head = try store.readParticipant(Self.subject).audit
        let afterValue = try JSONValue(encoding: after)
        let recorded = try change.map { try RecordedChange(change: $0, today: Self.today).value }
        let (lines, newHead) = try AuditLog.lines(JSONPatch.diff(from: try JSONValue(encoding: before), to: afterValue), subject: Self.subject, user: original.user,
                                                  reason: nil, time: original.time, after: head, state: afterValue.stateHash, sign: nil,
                                                  change: recorded, origin: original.hash)
        let trailPath = fixture.dirA + "/" + ParticipantFiles.trailPath(Self.subject)
        let handle = try #require(FileHandle(forWritingAtPath: trailPath))
        handle.seekToEndOfFile(); handle.write(Data(lines)); handle.closeFile()
        let sealed = try CanonicalJSON.seal(ParticipantFile(participant: after, audit: newHead), formatVersion: JSONFileStore.formatVersion)
        _ = FileManager.default.createFile(atPath: fixture.dirA + "/" + ParticipantFiles.dataPath(Self.subject), contents: Data(sealed),
                                           attributes: [.posixPermissions: 0o600])
    }

    @Test func verifyReRunsASaveAMergeAppliedAgainAndNamesOneThatIsNotWhatItsOriginalGives() throws {
        let forgeries: [(change: Change?, edit: (inout Participant) -> Void, named: String)] = [
            // Bob's note words, changed, with a change value to match.
            (.note(subject: Self.subject, visit: "W1", text: "forged words"), { $0.visits[$0.visits.firstIndex { $0.code == "W1" }!].note = "forged words" },
             "its change is not the original's"),
            // Bob's own change value, but other data.
            (.note(subject: Self.subject, visit: "W1", text: "phoned by bob"), { $0.visits[$0.visits.firstIndex { $0.code == "W2" }!].note = "forged words" },
             "its records are not what its change gives"),
            // No change value at all, as an older save would have.
            (nil, { $0.visits[$0.visits.firstIndex { $0.code == "W2" }!].note = "forged words" }, "carries no change value while the original does"),
        ]
        for forgery in forgeries {
            let (fixture, result, _) = try Self.merged(amy: ("SCR", "seen by amy"), bob: ("W1", "phoned by bob"))
            defer { fixture.remove() }
            try Self.forgeReappliedSave(fixture, result: result, change: forgery.change, edit: forgery.edit)
            let problems = fixture.a.verify().problems
            #expect(problems.contains { $0.contains("says a merge applied again the save") && $0.contains(forgery.named) }, "\(problems)")
        }
    }

    /// Many random pairs of changes on one participant, merged: the published side kept, verify-clean, every
    /// change of the other side present or listed as a conflict.
    @Test func randomChangePairsMergeAndVerify() throws {
        var random = SeededGenerator(seed: 20261203)
        let visits = ["SCR", "D1", "W1", "W2", "W3"]
        for round in 0..<12 {
            let fixture = try MergeFixture()
            defer { fixture.remove() }
            for (index, store) in [fixture.a, fixture.b].enumerated() {
                for step in 0..<(1 + random.next(4)) {
                    let visit = visits[random.next(visits.count)]
                    let change: Change
                    switch random.next(4) {
                    case 0: change = .note(subject: Self.subject, visit: visit, text: random.next(2) == 0 ? "same" : "side \(index) step \(step)")
                    case 1: change = .addAdverseEvent(subject: Self.subject, draft: AdverseEventDraft(term: "Event \(index)-\(step)", onset: CivilDate("2026-11-20")!, severity: .mild), now: Self.now)
                    case 2: change = .addMedication(subject: Self.subject, draft: MedicationDraft(name: "Drug \(index)-\(step)", start: CivilDate("2026-11-19")!))
                    default: change = .complete(subject: Self.subject, visit: "SCR", date: CivilDate("2026-11-1\(random.next(8))")!, reason: "round \(round)")
                    }
                    _ = try? store.apply(change, today: Self.today, user: "x")
                }
            }
            let (result, merged) = try Self.mergeAndCheck(fixture)
            #expect(Set(merged.adverseEvents.map(\.id)).count == merged.adverseEvents.count)
            #expect(Set(merged.medications.map(\.id)).count == merged.medications.count)
            #expect(merged.conflicts.count == result.conflicts.count)
        }
    }
}
