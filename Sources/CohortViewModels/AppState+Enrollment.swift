import CohortDomain

/// The participant page's prompts for enrollment facts and visits outside the schedule: an unscheduled
/// visit, a correction of the facts (prefilled with them), a re-consent (docs/RULES.md, "Participant lifecycle").
extension AppState {
    /// The prompt `intent` opens for `participant`.
    static func enrollmentPrompt(_ intent: Intent, _ participant: Participant, today: CivilDate) -> Prompt {
        switch intent {
        case .correctEnrollment:
            return Prompt(.correct(subject: participant.subject), title: "Correct \(participant.subject)'s enrollment facts (audited)",
                          fields: [Prompt.Field(.initials, "Initials", participant.initials, hint: "2 or 3 letters"),
                                   Prompt.Field(.birthYear, "Birth year", String(participant.birthYear), hint: "YYYY"),
                                   Prompt.Field(.sex, "Sex", participant.sex.rawValue, choices: Sex.allCases.map(\.rawValue)),
                                   Prompt.Field(.consentDate, "Consent date", participant.consentDate.description, hint: "YYYY-MM-DD, first consent"),
                                   Prompt.Field(.baseline, "Planned Day 1", participant.baselineDate.description, hint: "YYYY-MM-DD"),
                                   Prompt.Field(.reason, "Reason", hint: "why, e.g. transcription error")])
        case .recordReconsent:
            return Prompt(.reconsent(subject: participant.subject), title: "Re-consent of \(participant.subject): the ICF version signed",
                          fields: [Prompt.Field(.version, "ICF version", hint: "1-20 of A-Z a-z 0-9 . _ -"),
                                   Prompt.Field(.date, "Date", today.description, hint: "YYYY-MM-DD")])
        default:
            let next = "U\(participant.unscheduledVisits.count + 1)"
            return Prompt(.unscheduled(subject: participant.subject), title: "Unscheduled visit \(next) for \(participant.subject) (completed when saved)",
                          fields: [Prompt.Field(.date, "Date", today.description, hint: "YYYY-MM-DD"),
                                   Prompt.Field(.reason, "Reason", hint: "e.g. repeat ALT, extra C-SSRS")])
        }
    }

    /// What the status line says after an enrollment or a correction: the age warnings, if any.
    static func ageWarning(_ participant: Participant, context: StudyContext?) -> String? {
        guard let studyProtocol = context?.protocols[participant.study] else { return nil }
        return AgeAtConsent.warnings(birthYear: participant.birthYear, consent: participant.consentDate, studyProtocol: studyProtocol).first
    }
    /// Asks for a withdrawal, with the adverse events that could be linked offered in the hint.
    static func withdrawPrompt(_ participant: Participant, category: WithdrawalCategory? = nil, adverseEvent: String? = nil,
                               today: CivilDate) -> Prompt {
        let offered = participant.adverseEvents.map { "\($0.id) \($0.term)" }.joined(separator: ", ")
        return Prompt(.withdraw(subject: participant.subject),
                      title: "Withdraw \(participant.subject): scheduled visits are cancelled (the safety follow-up stays); early termination is scheduled",
                      fields: [Prompt.Field(.category, "Category", category?.rawValue ?? "", choices: WithdrawalCategory.allCases.map(\.rawValue)),
                               Prompt.Field(.reason, "Reason"), Prompt.Field(.date, "Date", today.description, hint: "YYYY-MM-DD"),
                               Prompt.Field(.screenFailure, "Screen failure", "n", hint: "y: a screen failure (in screening only)"),
                               Prompt.Field(.adverseEvent, "Adverse event", adverseEvent ?? "",
                                            hint: offered.isEmpty ? "none recorded" : "for adverse-event or death: " + Text.shown(offered, longest: 50))])
    }

    /// Asks the randomization number from the sponsor's system (a blinded study).
    static func randomizePrompt(_ participant: Participant, today: CivilDate) -> Prompt {
        Prompt(.randomize(subject: participant.subject), title: "Randomize \(participant.subject): the number from the sponsor's system",
               fields: [Prompt.Field(.number, "Number", hint: "1-20 of A-Z a-z 0-9 -"), Prompt.Field(.date, "Date", today.description, hint: "YYYY-MM-DD")])
    }

    /// The change a lifecycle prompt (withdraw, randomize, unscheduled visit, re-consent, correction) asks for.
    func submitLifecycle(_ prompt: inout Prompt) -> Submission {
        switch prompt.purpose {
        case .withdraw(let subject):
            guard let category = WithdrawalCategory(rawValue: prompt.value(.category).lowercased()) else {
                prompt.error = "Category: one of " + WithdrawalCategory.allCases.map(\.rawValue).joined(separator: ", ") + "."
                prompt.focus(on: .category)
                return .refused
            }
            let reason = prompt.value(.reason), screenFailure = prompt.value(.screenFailure).lowercased().hasPrefix("y")
            let adverseEvent = prompt.optional(.adverseEvent)?.uppercased()
            return Submission(prompt.date(.date).map { .withdraw(subject: subject, date: $0, category: category, reason: reason, screenFailure: screenFailure,
                                                                 adverseEvent: adverseEvent) })
        case .randomize(let subject):
            let number = prompt.value(.number)
            return Submission(prompt.date(.date).map { .randomize(subject: subject, number: number, date: $0) })
        case .unscheduled(let subject):
            let reason = prompt.value(.reason)
            return Submission(prompt.date(.date).map { .addUnscheduledVisit(subject: subject, date: $0, reason: reason) })
        case .reconsent(let subject):
            let version = prompt.value(.version)
            return Submission(prompt.date(.date).map { .reconsent(subject: subject, version: version, date: $0) })
        case .correct(let subject):
            guard let participant = data?.participants[subject], let consent = prompt.date(.consentDate), let baseline = prompt.date(.baseline) else {
                return data?.participants[subject] == nil ? .effects([]) : .refused
            }
            return .change(.correct(subject: subject, correction: EnrollmentCorrection.from(participant, initials: prompt.value(.initials),
                                                                                           birthYear: prompt.value(.birthYear), sex: prompt.value(.sex),
                                                                                           consent: consent, baseline: baseline),
                                    reason: prompt.value(.reason)))
        default:
            return .refused
        }
    }
}
