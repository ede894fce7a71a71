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
