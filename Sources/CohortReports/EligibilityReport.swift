import CohortDomain

/// The eligibility checklist in `cohort show --format json` (docs/RULES.md, "Eligibility"):
/// `{"complete", "eligible", "signed", "criteria": [{"id", "kind", "text", "answer", "source"}]}`.
public struct EligibilityJSON: Encodable, Equatable {
    /// True when every criterion is answered.
    let complete: Bool
    /// True when complete, every inclusion met and every exclusion not met.
    let eligible: Bool
    /// True when an investigator's signature covers the checklist as it stands (never in a store without users).
    let signed: Bool
    /// Every criterion, inclusion first, with its answer and source (`null` until answered).
    let criteria: [EligibilityChecklist.Item]

    /// The document for `checklist`.
    public init(_ checklist: EligibilityChecklist, signed: Bool) {
        complete = checklist.isComplete; eligible = checklist.isEligible; self.signed = signed; criteria = checklist.items
    }
}

/// The eligibility checklist as `cohort show` prints it.
public enum EligibilityText {
    /// A heading with the checklist's state and whether it is signed, then one line per criterion; for
    /// `participant` still in screening with an ineligible checklist, the screen failure to record.
    public static func lines(_ checklist: EligibilityChecklist, signed: Bool, participant: Participant) -> [String] {
        var lines = ["Eligibility: \(checklist.state), \(signed ? "signed" : "not signed")"]
        for item in checklist.items {
            let answer = item.answer.map { item.fails ? $0.words.uppercased() : $0.words } ?? "—"
            lines.append("  \(item.id)  \(item.kind.rawValue)  \(answer)  \(Text.shown(item.text, longest: 80))"
                         + (item.source.map { "  (source: \(Text.shown($0, longest: 60)))" } ?? ""))
        }
        if checklist.isComplete && !checklist.isEligible && participant.status == .screening {
            lines.append("  Not eligible: record the screen failure with `\(Participant.screenFailureCommand(participant.subject, checklist))`.")
        }
        return lines
    }
}
