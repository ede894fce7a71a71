import CohortDomain

/// Resolving a sync conflict on the participant page, as `cohort resolve` does: which conflict, what to
/// take, and a reason, always (docs/RULES.md, "Merging and conflicts").
extension AppState {
    /// Asks which of `participant`'s open conflicts (the first by default), what to take, and why; nil when none is open.
    static func resolvePrompt(_ participant: Participant) -> Prompt? {
        guard let first = participant.conflicts.first else { return nil }
        let open = participant.conflicts.map(\.id).joined(separator: ", ")
        return Prompt(.resolveConflict(subject: participant.subject), title: "Resolve a sync conflict of \(participant.subject) (open: \(open))",
                      fields: [Prompt.Field(.conflict, "Conflict", first.id, hint: "its id, as listed on the page"),
                               Prompt.Field(.take, "Take", "mine", hint: "mine, theirs, or a value"),
                               Prompt.Field(.reason, "Reason", hint: "required")])
    }

    /// The change a resolve prompt asks for; the domain refuses an unknown id or a missing reason (shown inline).
    static func submitResolve(_ prompt: inout Prompt, subject: String) -> Submission {
        .change(.resolveConflict(subject: subject, id: prompt.value(.conflict).uppercased(), take: ConflictChoice(prompt.value(.take)),
                                 reason: prompt.value(.reason)))
    }
}
