import ArgumentParser
import CohortDomain
import CohortStore
import Foundation

/// `cohort unscheduled`: a completed visit outside the protocol's schedule (`U1`, `U2`, …).
struct UnscheduledCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "unscheduled", abstract: "Add a completed unscheduled visit (U1, U2, …) where any scale or measure may be recorded.",
        discussion: "A repeat lab or an extra C-SSRS goes to an unscheduled visit; the original result stays. An unscheduled visit is never a deviation and never a baseline.")
    @Argument(help: "Subject ID.") var subject: String
    @Option(help: ArgumentHelp("The day it took place (default today).", valueName: "DATE")) var date: String?
    @Option(help: "Why it took place, e.g. \"repeat ALT\".") var reason: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let when = try session.date(date, option: "--date") ?? session.today
        let participant = try session.apply(.addUnscheduledVisit(subject: subject, date: when, reason: reason))
        let code = participant.unscheduledVisits.last?.code ?? "U?"
        Session.confirm("Saved: \(subject) unscheduled visit \(code) on \(when); record results with `cohort score \(subject) \(code) SCALE …` or `cohort measure \(subject) \(code) TEST VALUE`.")
    }
}

/// `cohort correct`: enrollment facts corrected, with a reason.
struct CorrectCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct", abstract: "Correct a participant's enrollment facts (audited, with a reason).",
        discussion: "Every rule of enrollment still holds. A consent date after a recorded procedure is refused; a new planned baseline re-plans a schedule whose baseline visit is not completed.")
    @Argument(help: "Subject ID.") var subject: String
    @Option(help: "2 or 3 letters.") var initials: String?
    @Option(name: .customLong("birth-year"), help: "Year of birth.") var birthYear: String?
    @Option(help: "F, M or X.") var sex: String?
    @Option(help: ArgumentHelp("First consent date.", valueName: "DATE")) var consent: String?
    @Option(help: ArgumentHelp("Planned baseline (Day 1) date.", valueName: "DATE")) var baseline: String?
    @Option(help: "Why, e.g. \"transcription error, see the signed ICF\".") var reason: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let correction = EnrollmentCorrection(initials: initials, birthYear: birthYear, sex: sex,
                                              consent: try session.date(consent, option: "--consent"),
                                              baseline: try session.date(baseline, option: "--baseline"))
        guard correction != EnrollmentCorrection() else {
            throw ValidationError("Give at least one fact to correct: --initials, --birth-year, --sex, --consent or --baseline.")
        }
        let store = try session.openStore()
        let participant = try session.apply(.correct(subject: subject, correction: correction, reason: reason), in: store)
        let studyProtocol = try store.context.studyProtocol(for: participant)
        if correction.birthYear != nil || correction.consent != nil {
            for warning in AgeAtConsent.warnings(birthYear: participant.birthYear, consent: participant.consentDate, studyProtocol: studyProtocol) {
                Session.warn("warning: " + warning + ".")
            }
        }
        Session.confirm("Saved: \(subject) now reads \(participant.initials), born \(participant.birthYear), sex \(participant.sex.rawValue), consent \(participant.consentDate), planned baseline \(participant.baselineDate).")
    }
}

/// `cohort consent`: a re-consent to a new version of the informed-consent form.
struct ConsentCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "consent", abstract: "Record a re-consent: the version of the informed-consent form signed (audited).")
    @Argument(help: "Subject ID.") var subject: String
    @Option(name: .customLong("icf-version"), help: ArgumentHelp("Version of the form signed (1-20 of A-Z a-z 0-9 . _ -).", valueName: "V"))
    var icfVersion: String
    @Option(help: ArgumentHelp("The day it was signed (default today).", valueName: "DATE")) var date: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let when = try session.date(date, option: "--date") ?? session.today
        try session.apply(.reconsent(subject: subject, version: icfVersion, date: when))
        Session.confirm("Saved: \(subject) re-consented on \(when) to ICF version \(icfVersion).")
    }
}
