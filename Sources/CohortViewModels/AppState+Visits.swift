import CohortDomain

/// What is done to one visit, alike from the review and the participant page: complete, missed,
/// reschedule, scores; and the answers to its flags and deviations (also from the summary): their prompts
/// and their submission (docs/RULES.md, "Visits, windows and window states").
extension AppState {
    /// A visit action asked in a prompt: its title and fields for a visit, and the change its answer makes
    /// (nil, the prompt saying why, when a field does not read).
    struct VisitAction: Sendable {
        /// The prompt's title and fields for `visit`, named `name` (`101-0001 W1 Week 1`).
        let ask: @Sendable (_ name: String, _ visit: PlannedVisit, _ today: CivilDate) -> (title: String, fields: [Prompt.Field])
        /// The change the answer makes.
        let change: @Sendable (_ subject: String, _ visit: String, _ prompt: inout Prompt) -> Change?
    }

    /// The visit actions asked in a prompt, by intent: a new one is an entry here, a key and its `Change`.
    static let visitActions: [Intent: VisitAction] = [
        .completeVisit: VisitAction(ask: { name, visit, today in
            ("Complete \(name) (window \(visit.window.shortDescription))",
             [Prompt.Field(.date, "Date", today.description, hint: "YYYY-MM-DD"), Prompt.Field(.reason, "Reason", hint: "only to change a saved date or a missed visit")])
        }, change: { subject, visit, prompt in
            let reason = prompt.optional(.reason)
            return prompt.date(.date).map { .complete(subject: subject, visit: visit, date: $0, reason: reason) }
        }),
        .markMissed: VisitAction(ask: { name, _, today in
            ("Mark \(name) missed", [Prompt.Field(.reason, "Reason"), Prompt.Field(.date, "Date", today.description, hint: "YYYY-MM-DD")])
        }, change: { subject, visit, prompt in
            let reason = prompt.value(.reason)
            return prompt.date(.date).map { .miss(subject: subject, visit: visit, date: $0, reason: reason) }
        }),
        .rescheduleVisit: VisitAction(ask: { name, visit, _ in
            ("Reschedule \(name) (window \(visit.window.shortDescription))",
             [Prompt.Field(.date, "New date", visit.scheduled.description, hint: "YYYY-MM-DD"), Prompt.Field(.reason, "Reason", hint: "required outside the window")])
        }, change: { subject, visit, prompt in
            let reason = prompt.optional(.reason)
            return prompt.date(.date).map { .reschedule(subject: subject, visit: visit, date: $0, reason: reason) }
        }),
        .noteVisit: VisitAction(ask: { name, visit, _ in
            ("Note on \(name)", [Prompt.Field(.note, "Note", visit.record.note ?? "", hint: "free text; replaces the last note")])
        }, change: { subject, visit, prompt in .note(subject: subject, visit: visit, text: prompt.value(.note)) }),
    ]

    /// Complete, missed, reschedule and scores work the same from the review and the participant view.
    mutating func visitIntent(_ intent: Intent, participant: Participant, visit: PlannedVisit) -> [Effect] {
        if intent == .enterScores { return enterScores(participant: participant, visit: visit) }
        guard let action = Self.visitActions[intent] else { return doesNothing(intent) }
        let asked = action.ask("\(participant.subject) \(visit.code) \(visit.definition.name)", visit, today)
        overlay = .prompt(Prompt(.visit(intent, subject: participant.subject, visit: visit.code), title: asked.title, fields: asked.fields))
        return []
    }

    /// The change a visit prompt (a visit action, acknowledge, classify) asks for.
    func submitVisitPrompt(_ prompt: inout Prompt) -> Submission {
        switch prompt.purpose {
        case .visit(let intent, let subject, let visit):
            return Submission(Self.visitActions[intent]?.change(subject, visit, &prompt))
        case .acknowledge(let subject, let visit, let flag):
            return .change(.acknowledge(subject: subject, visit: visit, flag: flag, action: prompt.value(.action)))
        case .classify(let subject, let visit):
            let classification = DeviationClass(rawValue: prompt.value(.classification).lowercased())
            guard let classification, classification != .unclassified else {
                prompt.error = "Class: minor or major."
                prompt.focus(on: .classification)
                return .refused
            }
            return .change(.classifyDeviation(subject: subject, visit: visit, classification: classification, note: prompt.optional(.note),
                                              reason: prompt.optional(.reason)))
        default:
            return .refused
        }
    }

    /// Asks what was done about an urgent flag: an acknowledgement is audited with the action taken.
    static func acknowledgePrompt(subject: String, flag: VisitFlag) -> Prompt {
        Prompt(.acknowledge(subject: subject, visit: flag.visit, flag: flag.flag),
               title: "Acknowledge \(flag.flag) for \(subject) at \(flag.visit): what was done?",
               fields: [Prompt.Field(.action, "Action taken", hint: "e.g. PI assessed; 1:1 observation")])
    }

    /// Asks the class (and a note) of a deviation; a reason too when it changes one already given.
    static func classifyPrompt(subject: String, visit: String, kind: DeviationKind, classified: DeviationClassification?) -> Prompt {
        Prompt(.classify(subject: subject, visit: visit), title: "Classify the \(kind.rawValue) deviation of \(subject) \(visit)",
               fields: [Prompt.Field(.classification, "Class", classified?.classification.rawValue ?? "", choices: DeviationClass.allCases.map(\.rawValue)),
                        Prompt.Field(.note, "Note", classified?.note ?? ""),
                        Prompt.Field(.reason, "Reason", hint: classified == nil ? "optional" : "needed to change a class or note")])
    }
}
