import CohortDomain

/// What is done to one visit, alike from the review and the participant page: complete, missed,
/// reschedule, scores; and the answers to its flags and deviations (also from the summary): their prompts
/// and their submission (docs/RULES.md, "Visits, windows and window states").
extension AppState {
    /// Complete, missed, reschedule and scores work the same from the review and the participant view.
    mutating func visitIntent(_ intent: Intent, participant: Participant, visit: PlannedVisit) -> [Effect] {
        let subject = participant.subject
        let name = "\(subject) \(visit.code) \(visit.definition.name)"
        switch intent {
        case .completeVisit:
            overlay = .prompt(Prompt(.complete(subject: subject, visit: visit.code), title: "Complete \(name) (window \(visit.window.shortDescription))",
                                     fields: [Prompt.Field(.date, "Date", today.description, hint: "YYYY-MM-DD"),
                                              Prompt.Field(.reason, "Reason", hint: "only to change a saved date or a missed visit")]))
        case .markMissed:
            overlay = .prompt(Prompt(.miss(subject: subject, visit: visit.code), title: "Mark \(name) missed",
                                     fields: [Prompt.Field(.reason, "Reason"), Prompt.Field(.date, "Date", today.description, hint: "YYYY-MM-DD")]))
        case .rescheduleVisit:
            overlay = .prompt(Prompt(.reschedule(subject: subject, visit: visit.code), title: "Reschedule \(name) (window \(visit.window.shortDescription))",
                                     fields: [Prompt.Field(.date, "New date", visit.scheduled.description, hint: "YYYY-MM-DD"),
                                              Prompt.Field(.reason, "Reason", hint: "required outside the window")]))
        case .enterScores:
            return enterScores(participant: participant, visit: visit)
        default:
            return doesNothing(intent)
        }
        return []
    }

    /// The change a visit prompt (complete, missed, reschedule, acknowledge, classify) asks for.
    func submitVisitPrompt(_ prompt: inout Prompt) -> Submission {
        switch prompt.purpose {
        case .complete(let subject, let visit):
            let reason = prompt.optional(.reason)
            return Submission(prompt.date(.date).map { .complete(subject: subject, visit: visit, date: $0, reason: reason) })
        case .miss(let subject, let visit):
            let reason = prompt.value(.reason)
            return Submission(prompt.date(.date).map { .miss(subject: subject, visit: visit, date: $0, reason: reason) })
        case .reschedule(let subject, let visit):
            let reason = prompt.optional(.reason)
            return Submission(prompt.date(.date).map { .reschedule(subject: subject, visit: visit, date: $0, reason: reason) })
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
