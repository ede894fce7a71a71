import ArgumentParser
import CohortDomain
import CohortStore
import CohortReports
import Foundation

/// `cohort enroll`: a new participant with the full schedule generated from the protocol.
struct EnrollCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "enroll", abstract: "Enroll a participant and generate the visit schedule.")

    @Argument(help: "Subject ID, e.g. 101-0007 (`cohort enroll next` takes the next free ID).")
    var subject: String
    @Option(help: "2 or 3 letters.") var initials: String
    @Option(name: .customLong("birth-year"), help: "Year of birth (never the full date).") var birthYear: String
    @Option(help: "F, M or X.") var sex: String
    @Option(help: ArgumentHelp("Consent date (default today).", valueName: "DATE")) var consent: String?
    @Option(help: ArgumentHelp("Baseline (Day 1) date.", valueName: "DATE")) var baseline: String
    @Option(help: "Treatment arm (default the protocol's only arm).") var arm: String?
    @Option(help: ArgumentHelp("Protocol id (default the store's only protocol).", valueName: "ID")) var study: String?
    @Option(name: .customLong("icf-version"), help: ArgumentHelp("Version of the informed-consent form signed (1-20 of A-Z a-z 0-9 . _ -).", valueName: "V"))
    var icfVersion: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        let studies = store.context.sortedProtocols
        guard let studyID = study ?? (studies.count == 1 ? studies[0].id : nil) else {
            throw DomainError("This store has several studies; choose one with --study (\(studies.map(\.id).joined(separator: ", "))).")
        }
        // `next` is taken under the store's lock, so concurrent enrollments never collide.
        var request = EnrollmentRequest(subject: subject, initials: initials, birthYear: birthYear, sex: sex, study: studyID,
                                        arm: arm ?? "", consentDate: consent ?? session.today.description, baselineDate: baseline)
        request.icfVersion = icfVersion ?? ""
        let participant = try store.enroll(request, today: session.today)
        for warning in request.warnings(protocols: studies) { Session.warn("warning: " + warning + ".") }
        let studyProtocol = try store.context.studyProtocol(for: participant)
        var rows = [["VISIT", "NAME", "DAY", "TARGET", "WINDOW"]]
        for visit in participant.plannedVisits(studyProtocol) {
            let day = visit.definition.day.map(String.init) ?? "\(visit.definition.anchor ?? "")+\(visit.definition.offset ?? 0)"
            rows.append([visit.code, visit.definition.name, day, visit.target.description,
                         "\(visit.window.start)..\(visit.window.end)"])
        }
        var next = ""
        if let criteria = studyProtocol.eligibility?.all.map(\.criterion.id) {
            // Randomization and the baseline wait for the checklist (docs/RULES.md, "Eligibility"): say so now.
            next = "\nNext: the eligibility checklist, \(Text.count(criteria.count, "criterion", plural: "criteria")) (\(criteria.joined(separator: ", "))): "
                + "`cohort eligibility \(participant.subject) ID met|not-met`; randomization and the baseline wait for it."
        }
        Session.confirm("Enrolled \(participant.subject) (\(participant.initials)) in \(participant.study), \(participant.allocation). Schedule:\n" + Columns.render(rows) + next)
    }
}

/// `cohort complete`.
struct CompleteCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "complete", abstract: "Complete a visit (today by default).")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "Visit code, e.g. W1.") var visit: String
    @Option(help: ArgumentHelp("Completion date (default today).", valueName: "DATE")) var date: String?
    @Option(help: "Reason (required to change a saved completion or complete a missed visit).") var reason: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let when = try session.date(date, option: "--date") ?? session.today
        let store = try session.openStore()
        let participant = try session.apply(.complete(subject: subject, visit: visit, date: when, reason: reason), in: store)
        let planned = try participant.plannedVisit(visit, try store.context.studyProtocol(for: participant))
        var line = "Saved: \(subject) \(visit) completed on \(when) (\(planned.windowState(on: when).rawValue))."
        if let words = planned.deviationWords {
            line += " Protocol deviation (unclassified): \(words); classify it with `cohort deviation \(subject) \(visit) --class minor|major`."
        }
        Session.confirm(line)
    }
}

/// `cohort miss`.
struct MissCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "miss", abstract: "Mark a visit missed, with the reason.")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "Visit code.") var visit: String
    @Option(help: "Why the visit was missed.") var reason: String
    @Option(help: ArgumentHelp("Date (default today).", valueName: "DATE")) var date: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let when = try session.date(date, option: "--date") ?? session.today
        try session.apply(.miss(subject: subject, visit: visit, date: when, reason: reason))
        Session.confirm("Saved: \(subject) \(visit) marked missed on \(when).")
    }
}

/// `cohort reschedule`.
struct RescheduleCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "reschedule", abstract: "Move a scheduled visit to another date.")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "Visit code.") var visit: String
    @Argument(help: "The new date, YYYY-MM-DD.") var newDate: String
    @Option(help: "Reason (required outside the visit window).") var reason: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        guard let when = try session.date(newDate, option: "DATE") else { return }
        try session.apply(.reschedule(subject: subject, visit: visit, date: when, reason: reason))
        Session.confirm("Saved: \(subject) \(visit) rescheduled to \(when).")
    }
}

/// `cohort score`.
struct ScoreCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Enter a scale's item scores for a completed visit.",
        discussion: "SCORES are the items in entry order: one digit per item (3425…) or space-separated; x marks an item not assessed.")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "Visit code.") var visit: String
    @Argument(help: "Scale code, e.g. PANSS.") var scale: String
    @Argument(help: "Item scores.") var scores: [String]
    @Option(help: ArgumentHelp("Administration date (default the visit's completion date).", valueName: "DATE")) var date: String?
    @Option(help: "Rater initials.") var rater: String?
    @Option(help: "Reason (required to change saved scores).") var reason: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let when = try session.date(date, option: "--date")
        let definition = try session.scales.definition(scale)
        let items = try Scoring.parseScores(scores.joined(separator: " "), scale: definition)
        let store = try session.openStore()
        let participant = try session.apply(.score(subject: subject, visit: visit, scale: definition.code, items: items, date: when,
                                                   rater: rater, reason: reason), in: store)
        guard let administration = participant.administration(visit: visit, scale: definition.code),
              let result = participant.result(of: administration, context: store.context) else { return }
        Session.confirm("Saved: \(subject) \(visit) \(definition.code) \(ScoreText.summary(items: items, result: result, scale: definition))")
        for flag in result.flags {
            Session.warn(flag.urgent ? "URGENT SAFETY FLAG \(flag.flag) for \(subject) at \(visit): act now and acknowledge it with `cohort acknowledge \(subject) \(visit) \(flag.flag)`."
                                     : "flag \(flag.flag) raised for \(subject) at \(visit).")
        }
    }
}

/// `cohort withdraw`.
struct WithdrawCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw", abstract: "Withdraw a participant (or record a screen failure), with a category and a reason.",
        discussion: "A withdrawal schedules the protocol's early-termination visit and cancels every scheduled visit except those kept after withdrawal (the safety follow-up); a screen failure cancels every scheduled visit.")
    @Argument(help: "Subject ID.") var subject: String
    @Option(help: ArgumentHelp("Why, as a category: \(WithdrawalCategory.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "CATEGORY"))
    var category: WithdrawalCategory
    @Option(help: "Why the participant leaves, in words.") var reason: String
    @Option(help: ArgumentHelp("Date (default today).", valueName: "DATE")) var date: String?
    @Flag(name: .customLong("screen-fail"), help: "Record a screen failure instead (participants still in screening).")
    var screenFail = false
    @Option(name: .customLong("ae"), help: ArgumentHelp("The adverse event that led to it (category adverse-event or death).", valueName: "AE-ID"))
    var adverseEvent: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let when = try session.date(date, option: "--date") ?? session.today
        let participant = try session.apply(.withdraw(subject: subject, date: when, category: category, reason: reason, screenFailure: screenFail,
                                                      adverseEvent: adverseEvent))
        let cancelled = participant.visits.filter { $0.status == .cancelled }.map(\.code)
        let open = participant.visits.filter { $0.status == .scheduled }.map(\.code)
        Session.confirm("Saved: \(subject) \(participant.status.rawValue) on \(when) (\(category.rawValue)); cancelled: "
                        + (cancelled.isEmpty ? "none" : cancelled.joined(separator: ", "))
                        + (open.isEmpty ? "." : "; still to do: " + open.joined(separator: ", ") + "."))
    }
}

/// `cohort randomize`: the number the sponsor's system gave (blinded studies).
struct RandomizeCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "randomize", abstract: "Record a participant's randomization number (blinded studies).")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "The randomization number from the sponsor's system (1-20 of A-Z a-z 0-9 -).") var number: String
    @Option(help: ArgumentHelp("Date of randomization (default today).", valueName: "DATE")) var date: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let when = try session.date(date, option: "--date") ?? session.today
        try session.apply(.randomize(subject: subject, number: number, date: when))
        Session.confirm("Saved: \(subject) randomized on \(when) with number \(number).")
    }
}

/// `cohort note`: a free-text note on a visit (audited; a new note replaces the last).
struct NoteCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Write a free-text note on a visit (audited).")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "Visit code, e.g. W1.") var visit: String
    @Argument(help: "The note (at most 500 characters).") var text: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        try session.apply(.note(subject: subject, visit: visit, text: text))
        Session.confirm("Saved: \(subject) \(visit) note.")
    }
}

/// `cohort acknowledge`: the lead has seen an urgent safety flag, and says what was done.
struct AcknowledgeCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "acknowledge", abstract: "Acknowledge an urgent safety flag with the action taken (audited).")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "Visit code.") var visit: String
    @Argument(help: "Flag name, e.g. cssrs-urgent.") var flag: String
    @Option(help: "What was done, e.g. \"PI assessed; 1:1 observation\".") var action: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        try session.apply(.acknowledge(subject: subject, visit: visit, flag: flag, action: action))
        Session.confirm("Saved: \(subject) \(visit) \(flag) acknowledged by \(session.user).")
    }
}

/// `cohort deviation`: the lead classifies a protocol deviation.
struct DeviationCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "deviation", abstract: "Classify a protocol deviation (a visit's, a prohibited medication's or an AE report sent late) as minor or major, with a note.")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "Visit code, the medication id (CM2) of a prohibited medication, or the AE id (AE3) of a report sent late.") var visit: String
    @Option(name: .customLong("class"), help: "minor or major.") var classification: DeviationClass
    @Option(help: "A note for the PI and the monitor.") var note: String?
    @Option(help: "Reason (required to change a class or note already given).") var reason: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        try session.apply(.classifyDeviation(subject: subject, visit: visit, classification: classification, note: note, reason: reason))
        Session.confirm("Saved: \(subject) \(visit) deviation classified \(classification.rawValue).")
    }
}

extension WithdrawalCategory: ExpressibleByArgument {}
extension DeviationClass: ExpressibleByArgument {}
