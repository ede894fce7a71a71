/// A user's role on the site's delegation log (docs/RULES.md, "Users and roles"): what they may change.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// The principal investigator: every change, and the users.
    case pi
    /// A sub-investigator: the coordinator's work plus the clinical judgements and signing.
    case investigator
    /// Records visits, scores, measures, adverse events and medications.
    case coordinator
    /// Reads and exports only.
    case monitor
    /// Reads and exports; their one write is the sponsor's coding (`--decod`).
    case dataManager = "data-manager"

    /// How much a role may change: a role may make every change a lower rank may.
    var rank: Int {
        switch self {
        case .monitor, .dataManager: return 0
        case .coordinator: return 1
        case .investigator: return 2
        case .pi: return 3
        }
    }

    /// Orders roles by what they may change (read-only roles first).
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// Whether this role may do what `needed` may.
    public func covers(_ needed: Role) -> Bool { rank >= needed.rank }

    /// How the role reads in a sentence ("a coordinator", "the PI").
    public var title: String {
        switch self {
        case .pi: return "PI"
        case .investigator: return "investigator"
        case .coordinator: return "coordinator"
        case .monitor: return "monitor"
        case .dataManager: return "data manager"
        }
    }

    /// The role with its article, to begin a sentence: "A coordinator", "An investigator" (one rule for every
    /// message that starts with a role).
    public var titleWithArticle: String {
        (title.first.map { "aeiou".contains($0) } == true ? "An " : "A ") + title
    }

    /// The role named on the command line, or a message listing the roles.
    public static func parse(_ text: String) throws -> Role {
        guard let role = Role(rawValue: text) else {
            throw DomainError("Unknown role '\(text.prefix(24))': use one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return role
    }

    /// Refuses, naming the role needed, what this role may not do (`what` says what was tried, e.g.
    /// "assess causality"); `orDataManager` names the data manager too (the sponsor's coding).
    public func require(_ needed: Role, orDataManager: Bool = false, to what: String) throws {
        guard !allows(needed, orDataManager: orDataManager) else { return }
        throw DomainError("\(titleWithArticle) may not \(what): that needs \(Self.who(needed, orDataManager: orDataManager)) (see `cohort user list`). Nothing was changed.")
    }

    /// Whether this role may do what `needed` may; `orDataManager`: the data manager too (the sponsor's coding).
    public func allows(_ needed: Role, orDataManager: Bool = false) -> Bool {
        covers(needed) || (orDataManager && self == .dataManager)
    }

    /// Who may do what `needed` may, in words ("an investigator or the PI").
    public static func who(_ needed: Role, orDataManager: Bool = false) -> String {
        switch needed {
        case .pi: return "the PI"
        case .investigator: return orDataManager ? "a data manager, an investigator or the PI" : "an investigator or the PI"
        default: return "a coordinator, an investigator or the PI"
        }
    }
}

extension Change {
    /// The lowest role allowed to make this change (docs/RULES.md, "Users and roles"): the coordinator
    /// records; clinical judgements (causality, clinical significance, a deviation's class) are the
    /// investigator's; the sponsor's coding (`--decod`) is the investigator's or, alone, the data
    /// manager's (`dataManagerMay`); monitors change nothing.
    public var requiredRole: Role {
        switch self {
        case .assess, .classifyDeviation, .sign:
            return .investigator
        case .unlock:
            return .pi
        case .addAdverseEvent(_, let draft, _), .updateAdverseEvent(_, _, let draft, _, _):
            return draft.related == nil && draft.decod == nil ? .coordinator : .investigator
        case .updateMedication(_, _, let draft, _):
            return draft.decod == nil ? .coordinator : .investigator
        case .complete, .miss, .reschedule, .score, .withdraw, .randomize, .acknowledge, .reportAdverseEvent, .addMedication,
             .measure, .addUnscheduledVisit, .correct, .reconsent, .revert, .note, .answerEligibility:
            return .coordinator
        // Resolving needs, besides, the role of the change it re-applies (JSONFileStore.requireAllowed looks it up).
        case .recordConflict, .resolveConflict:
            return .coordinator
        }
    }

    /// Whether a data manager may make this change: it sets the sponsor's coded term (`--decod`) and
    /// nothing else, their one write (docs/RULES.md, "Users and roles").
    public var dataManagerMay: Bool {
        switch self {
        case .updateAdverseEvent(_, _, var draft, _, _):
            guard draft.decod != nil else { return false }
            draft.decod = nil
            return draft == AdverseEventDraft()
        case .updateMedication(_, _, var draft, _):
            guard draft.decod != nil else { return false }
            draft.decod = nil
            return draft == MedicationDraft()
        default:
            return false
        }
    }

    /// What the change does, for a refusal ("assess clinical significance").
    public var actionName: String {
        switch self {
        case .assess: return "assess clinical significance"
        case .classifyDeviation: return "classify a deviation"
        case .sign: return "sign records"
        case .unlock: return "unlock a casebook"
        case .addAdverseEvent(_, let draft, _), .updateAdverseEvent(_, _, let draft, _, _):
            if draft.related != nil { return "assess an adverse event's causality" }
            return draft.decod == nil ? "record adverse events" : "code an adverse event's term (--decod)"
        case .updateMedication(_, _, let draft, _) where draft.decod != nil:
            return "code a medication's name (--decod)"
        default: return "change participants' data"
        }
    }

    /// Refuses the change when `role` may not make it, naming the role needed.
    public func requireAllowed(for role: Role) throws {
        try role.require(requiredRole, orDataManager: dataManagerMay, to: actionName)
    }

    /// Whether `role` may make this change.
    public func isAllowed(for role: Role) -> Bool { role.allows(requiredRole, orDataManager: dataManagerMay) }

    /// Who may make this change, in words ("an investigator or the PI").
    public var whoMayMake: String { Role.who(requiredRole, orDataManager: dataManagerMay) }

    /// The changes whose roles a save of this one needs (docs/RULES.md, "Users and roles"): itself, and for a
    /// resolution the change it resolves, found among `conflicts` (the participant's open conflicts before it),
    /// since taking "theirs" applies it.
    public func changesToAllow(conflicts: [SyncConflict]) -> [Change] {
        guard case .resolveConflict(_, let id, _, _) = self, let underlying = conflicts.first(where: { $0.id == id })?.change else { return [self] }
        return [self, underlying]
    }
}
