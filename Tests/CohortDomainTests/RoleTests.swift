@testable import CohortDomain
import Testing

/// The one permission rule, `Change.requiredRole` (docs/RULES.md, "Users and roles").
struct RoleTests {
    static func codeEvent(_ decod: String?, severity: AdverseEvent.Severity? = nil) -> Change {
        var draft = AdverseEventDraft(severity: severity)
        draft.decod = decod
        return .updateAdverseEvent(subject: "101-0001", id: "AE1", draft: draft, reason: "coded", now: Moment(minutes: 0, offset: 0))
    }

    static func codeMedication(_ decod: String?) -> Change {
        var draft = MedicationDraft()
        draft.decod = decod
        return .updateMedication(subject: "101-0001", id: "CM1", draft: draft, reason: "coded")
    }

    /// The sponsor's coding (`--decod`) is the data manager's one write, and the investigator's.
    @Test func theSponsorsCodingIsTheDataManagersOrTheInvestigators() throws {
        for change in [Self.codeEvent("Nausea"), Self.codeMedication("OLANZAPINE")] {
            #expect(change.requiredRole == .investigator)
            #expect(change.dataManagerMay)
            try change.requireAllowed(for: .dataManager)
            try change.requireAllowed(for: .investigator)
            try change.requireAllowed(for: .pi)
            #expect(throws: DomainError.self) { try change.requireAllowed(for: .monitor) }
            let refusal = #expect(throws: DomainError.self) { try change.requireAllowed(for: .coordinator) }
            #expect(refusal?.description.contains("A coordinator may not code") == true)
            #expect(refusal?.description.contains("that needs a data manager, an investigator or the PI") == true)
        }
    }

    /// Anything else in the same update stays the coordinator's to record: the data manager may not.
    @Test func theDataManagerChangesNothingElse() {
        let mixed = Self.codeEvent("Nausea", severity: .mild)
        #expect(!mixed.dataManagerMay)
        #expect(throws: DomainError.self) { try mixed.requireAllowed(for: .dataManager) }
        #expect(throws: DomainError.self) { try mixed.requireAllowed(for: .coordinator) }
        let uncoded = Self.codeEvent(nil, severity: .mild)
        #expect(uncoded.requiredRole == .coordinator)
        #expect(throws: DomainError.self) { try uncoded.requireAllowed(for: .dataManager) }
        #expect(throws: DomainError.self) { try Self.codeMedication(nil).requireAllowed(for: .dataManager) }
    }
}

/// The lapse of a PI's signing lock (docs/RULES.md, "Users and roles"): only when no other active PI could
/// enable it, and only the time after the lock.
@Suite struct SigningLockLapseTests {
    static func user(_ name: String, _ role: Role) -> User {
        User(name: name, fullName: name, role: role, publicKey: "", addedBy: nil, added: "2026-11-01T00:00:00.000Z")
    }

    /// Attack 7, finding 8: the article agrees with the role ("An investigator", never "A investigator").
    @Test func aRefusalBeginsWithTheRightArticle() {
        #expect(Role.investigator.titleWithArticle == "An investigator" && Role.coordinator.titleWithArticle == "A coordinator")
        do { try Role.investigator.require(.pi, to: "add users"); Issue.record("an investigator may not add users") } catch {
            #expect((error as? DomainError)?.message.hasPrefix("An investigator may not add users") == true, "\(error)")
        }
    }

    @Test func onlyAPIWithoutAnotherActivePILapsesAndOnlyAfterTheTime() {
        var ana = Self.user("ana", .pi)
        for _ in 1...User.maxFailedUnlocks { _ = ana.noteFailedUnlock(at: "2026-11-25T10:05:00.000Z") }
        #expect(ana.signingLocked == true && ana.signingLockedAt == "2026-11-25T10:05:00.000Z")
        let cole = Self.user("cole", .coordinator)
        #expect(!ana.lockHasLapsed(cutoff: "2026-11-25T10:04:59.999Z", among: [ana, cole]))
        #expect(ana.lockHasLapsed(cutoff: "2026-11-25T10:05:00.000Z", among: [ana, cole]))
        #expect(!ana.lockHasLapsed(cutoff: "2026-11-25T12:00:00.000Z", among: [ana, cole, Self.user("zed", .pi)]))
        var locked = cole
        for _ in 1...User.maxFailedUnlocks { _ = locked.noteFailedUnlock(at: "2026-11-25T10:05:00.000Z") }
        #expect(!locked.lockHasLapsed(cutoff: "2026-11-25T12:00:00.000Z", among: [ana, locked]), "a coordinator's lock never lapses")
    }
}
