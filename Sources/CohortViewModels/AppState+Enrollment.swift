import CohortDomain

/// The participant page's prompts for enrollment facts and visits outside the schedule: an unscheduled
/// visit, a correction of the facts (prefilled with them), a re-consent (docs/RULES.md, "Participant lifecycle").
extension AppState {
    /// The prompt `intent` opens for `participant`.
    static func enrollmentPrompt(_ intent: Intent, _ participant: Participant, today: CivilDate) -> Prompt {
        switch intent {
        case .correctEnrollment:
            return Prompt(.correct(subject: participant.subject), title: "Correct \(participant.subject)'s enrollment facts (audited)",
                          fields: [Prompt.Field("Initials", participant.initials, hint: "2 or 3 letters"),
                                   Prompt.Field("Birth year", String(participant.birthYear), hint: "YYYY"),
                                   Prompt.Field("Sex", participant.sex.rawValue, choices: Sex.allCases.map(\.rawValue)),
                                   Prompt.Field("Consent date", participant.consentDate.description, hint: "YYYY-MM-DD, first consent"),
                                   Prompt.Field("Planned Day 1", participant.baselineDate.description, hint: "YYYY-MM-DD"),
                                   Prompt.Field("Reason", hint: "why, e.g. transcription error")])
        case .recordReconsent:
            return Prompt(.reconsent(subject: participant.subject), title: "Re-consent of \(participant.subject): the ICF version signed",
                          fields: [Prompt.Field("ICF version", hint: "1-20 of A-Z a-z 0-9 . _ -"),
                                   Prompt.Field("Date", today.description, hint: "YYYY-MM-DD")])
        default:
            let next = "U\(participant.unscheduledVisits.count + 1)"
            return Prompt(.unscheduled(subject: participant.subject), title: "Unscheduled visit \(next) for \(participant.subject) (completed when saved)",
                          fields: [Prompt.Field("Date", today.description, hint: "YYYY-MM-DD"),
                                   Prompt.Field("Reason", hint: "e.g. repeat ALT, extra C-SSRS")])
        }
    }

    /// Asks which scale to record at an unscheduled visit: any scale may be; the protocol's come first in the hint.
    static func unscheduledScalePrompt(subject: String, visit: String, participant: Participant, context: StudyContext?) -> Prompt {
        let studyScales = context?.protocols[participant.study].map { p in p.visits.flatMap(\.scales) } ?? []
        var seen = Set<String>()
        let hint = (studyScales + (context?.scales.all.map(\.code) ?? [])).filter { seen.insert($0).inserted }
        return Prompt(.unscheduledScale(subject: subject, visit: visit), title: "Which scale at \(subject) \(visit)?",
                      fields: [Prompt.Field("Scale", hint: hint.joined(separator: " "))])
    }

    /// What the status line says after an enrollment or a correction: the age warnings, if any.
    static func ageWarning(_ participant: Participant, context: StudyContext?) -> String? {
        guard let studyProtocol = context?.protocols[participant.study] else { return nil }
        return AgeAtConsent.warnings(birthYear: participant.birthYear, consent: participant.consentDate, studyProtocol: studyProtocol).first
    }
}
