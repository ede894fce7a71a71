import ArgumentParser
import CohortDomain
import CohortReports
import CohortStore
import CohortFileStore
import Foundation

/// `cohort ae`: adverse events and their reports to the sponsor (docs/RULES.md, "Adverse events and medications").
struct AdverseEventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ae", abstract: "Adverse events: record, update, report to the sponsor, list.",
        discussion: "A serious adverse event (any --serious criterion) or one of special interest (its term holds a protocol specialInterest term) needs an initial report to the sponsor within the protocol's saeReportHours (default 24) of the site becoming aware (--aware, default now).",
        subcommands: [AddAdverseEvent.self, UpdateAdverseEvent.self, ReportAdverseEvent.self, ListAdverseEvents.self])
}

/// The options `ae add` and `ae update` share.
struct AdverseEventOptions: ParsableArguments {
    @Option(help: "What happened, e.g. \"Nausea\".") var term: String?
    @Option(help: ArgumentHelp("First day of the event.", valueName: "DATE")) var onset: String?
    @Option(help: "mild, moderate or severe.") var severity: AdverseEvent.Severity?
    @Option(help: "CTCAE grade 1-5.") var grade: Int?
    @Option(help: ArgumentHelp("Seriousness criteria, comma-separated: \(AdverseEvent.SeriousnessCriterion.allCases.map(\.rawValue).joined(separator: ", ")) (none: not serious). On update, the full list.", valueName: "CRITERIA"))
    var serious: String?
    @Option(help: "Causality: not, unlikely, possible, probable or definite.") var related: AdverseEvent.Relatedness?
    @Option(help: "Action taken with the study drug: none, interrupted, reduced, withdrawn or not-applicable.") var action: AdverseEvent.DrugAction?
    @Option(help: ArgumentHelp("\(AdverseEvent.Outcome.allCases.map(\.rawValue).joined(separator: ", ")) (default not-recovered).", valueName: "OUTCOME"))
    var outcome: AdverseEvent.Outcome?
    @Option(help: ArgumentHelp("Last day of the event (with outcome recovered, recovered-with-sequelae or fatal); on update, none takes it away.", valueName: "DATE")) var end: String?
    @Option(help: ArgumentHelp("When the site learned it was serious or of special interest, local YYYY-MM-DDTHH:MM (default now).", valueName: "DATETIME"))
    var aware: String?
    @Option(help: ArgumentHelp("The visit at which it was reported.", valueName: "CODE")) var visit: String?

    /// The draft these options give.
    func draft(_ session: Session) throws -> AdverseEventDraft {
        var draft = AdverseEventDraft(term: term, onset: try session.date(onset, option: "--onset"), end: try session.endDate(end),
                                      severity: severity, grade: grade, criteria: try serious.map(Self.criteria), related: related, action: action,
                                      outcome: outcome, aware: try aware.map { try Moment($0, zone: session.zone, what: "--aware") }, visit: visit)
        draft.clearEnd = end?.lowercased() == "none"
        return draft
    }

    /// `death,hospitalization` as criteria; `none` or nothing is none.
    static func criteria(_ text: String) throws -> [AdverseEvent.SeriousnessCriterion] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty && $0 != "none" }
        return try names.map { name in
            guard let criterion = AdverseEvent.SeriousnessCriterion(rawValue: name) else {
                throw DomainError("--serious: '\(Text.shown(name))' is not a seriousness criterion; use \(AdverseEvent.SeriousnessCriterion.allCases.map(\.rawValue).joined(separator: ", ")), or none.")
            }
            return criterion
        }
    }
}

/// Says what a saved adverse event now asks of the lead: the report clock, a withdrawal for a death.
private func confirm(_ id: String, of participant: Participant, _ session: Session, store: JSONFileStore, saved: String) throws {
    guard let event = participant.adverseEvents.first(where: { $0.id == id }) else { return Session.confirm(saved) }
    let line = AdverseEventLine(subject: participant.subject, event: event, rules: SafetyRules(try store.context.studyProtocol(for: participant)),
                                now: session.now, zone: session.zone)
    var text = saved + " (\(event.term), \(event.severity.rawValue)" + (event.isSerious ? ", serious" : "") + (line.specialInterest ? ", of special interest" : "") + ")."
    if line.report == .due || line.report == .overdue {
        text += "\n\(line.reportText): once sent, `cohort ae report \(participant.subject) \(id)`."
    }
    if event.followUpPending { text += "\nA follow-up report is pending: once sent, `cohort ae report \(participant.subject) \(id) --follow-up`." }
    if event.outcome == .fatal && participant.exit == nil {
        text += "\nFatal: withdraw \(participant.subject) with `cohort withdraw \(participant.subject) --category death --ae \(id) --reason TEXT`."
    }
    Session.confirm(text)
}

/// `cohort ae add`.
struct AddAdverseEvent: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Record an adverse event.")
    @Argument(help: "Subject ID.") var subject: String
    @OptionGroup var event: AdverseEventOptions
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        guard event.term != nil else { throw ValidationError("Missing expected argument '--term <term>'") }
        let store = try session.openStore()
        let participant = try session.apply(.addAdverseEvent(subject: subject, draft: try event.draft(session), now: session.now), in: store)
        let id = participant.adverseEvents.last?.id ?? "AE?"
        try confirm(id, of: participant, session, store: store, saved: "Saved: \(subject) \(id)")
    }
}

/// `cohort ae update`.
struct UpdateAdverseEvent: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change an adverse event, with a reason.")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "AE1, AE2, …") var id: String
    @OptionGroup var event: AdverseEventOptions
    @Option(help: ArgumentHelp("The sponsor's coded term (MedDRA preferred term, AEDECOD in SDTM); \"\" takes it away.", valueName: "TEXT"))
    var decod: String?
    @Option(help: "Why it changes.") var reason: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        var draft = try event.draft(session)
        draft.decod = decod
        let participant = try session.apply(.updateAdverseEvent(subject: subject, id: id, draft: draft, reason: reason, now: session.now),
                                            in: store)
        try confirm(id, of: participant, session, store: store, saved: "Saved: \(subject) \(id) updated")
    }
}

/// `cohort ae report`.
struct ReportAdverseEvent: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Record a report of an adverse event sent to the sponsor.")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "AE1, AE2, …") var id: String
    @Option(help: ArgumentHelp("When it was sent, local YYYY-MM-DDTHH:MM (default now).", valueName: "DATETIME")) var at: String?
    @Flag(name: .customLong("follow-up"), help: "A follow-up report (after the initial one).") var followUp = false
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        let sent = try at.map { try Moment($0, zone: session.zone, what: "--at") }
        let participant = try session.apply(.reportAdverseEvent(subject: subject, id: id, at: sent, followUp: followUp, now: session.now), in: store)
        guard let event = participant.adverseEvents.first(where: { $0.id == id }) else { return }
        let line = AdverseEventLine(subject: subject, event: event, rules: SafetyRules(try store.context.studyProtocol(for: participant)),
                                    now: session.now, zone: session.zone)
        Session.confirm("Saved: \(subject) \(id) \(followUp ? "follow-up" : "initial") report sent at \(sent ?? session.now)"
                        + (followUp ? "." : "; \(line.reportText)."))
    }
}

/// `cohort ae list`.
struct ListAdverseEvents: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Adverse events with their report status now.")
    @Argument(help: "Subject ID (default: every participant).") var subject: String?
    @Flag(help: "Only open ones: not ended, or a report due, overdue or a follow-up pending.") var open = false
    @Option(help: "text or json.") var format: ListFormat = .text
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStoreToRead()
        let now = session.now, zone = session.zone
        var lines: [AdverseEventLine] = []
        let problems = try session.eachParticipant(subject, in: store) { participant, _ in
            lines += SafetyLines(participant, context: store.context, now: now, zone: zone).events.filter { !open || $0.isOpen }
        }
        try Session.print(format, json: { AdverseEventsJSON(now: now, lines: lines) }, text: { AdverseEventsText.render(lines, now: now) })
        try Session.refuseIfUnreadable(problems)
    }
}

/// `cohort med`: prior and concomitant medications (docs/RULES.md, "Adverse events and medications").
struct MedicationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "med", abstract: "Prior and concomitant medications: record, update, list.",
        discussion: "A medication is prior when it ended before Day 1, else concomitant; a concomitant one whose name holds a protocol prohibitedMedications name is prohibited: flagged on the review and a protocol deviation.",
        subcommands: [AddMedication.self, UpdateMedication.self, ListMedications.self])
}

/// The options `med add` and `med update` share.
struct MedicationOptions: ParsableArguments {
    @Option(help: "The medication, e.g. \"lorazepam\".") var name: String?
    @Option(help: ArgumentHelp("First day taken.", valueName: "DATE")) var start: String?
    @Option(help: ArgumentHelp("Last day taken; on update, none takes it away.", valueName: "DATE")) var end: String?
    @Option(help: "Dose as written, e.g. \"1 mg\".") var dose: String?
    @Option(help: "Route, e.g. oral.") var route: String?
    @Option(help: "Frequency, e.g. \"as needed\".") var frequency: String?
    @Option(help: "What it is for.") var indication: String?
    @Flag(help: "Given as rescue medication under the protocol.") var rescue = false

    /// The draft these options give (`rescue` only when set: an update never clears it by leaving it out).
    func draft(_ session: Session) throws -> MedicationDraft {
        var draft = MedicationDraft(name: name, start: try session.date(start, option: "--start"), end: try session.endDate(end), dose: dose,
                                    route: route, frequency: frequency, indication: indication, rescue: rescue ? true : nil)
        draft.clearEnd = end?.lowercased() == "none"
        return draft
    }
}

/// Says whether a saved medication is prohibited.
private func confirm(_ id: String, of participant: Participant, _ store: JSONFileStore, saved: String) throws {
    let studyProtocol = try store.context.studyProtocol(for: participant)
    guard let medication = participant.medications.first(where: { $0.id == id }) else { return Session.confirm(saved) }
    let line = MedicationLine(subject: participant.subject, medication: medication, dayOne: participant.origin(studyProtocol), rules: SafetyRules(studyProtocol))
    Session.confirm(saved + " (\(medication.name), \(line.category.rawValue)).")
    if line.prohibited {
        Session.warn("PROHIBITED MEDICATION: \(medication.name) is on \(studyProtocol.id)'s prohibited list; a protocol deviation is recorded from \(medication.deviationDate(dayOne: participant.origin(studyProtocol))). Tell the PI.")
    }
}

/// `cohort med add`.
struct AddMedication: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Record a medication.")
    @Argument(help: "Subject ID.") var subject: String
    @OptionGroup var medication: MedicationOptions
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        guard medication.name != nil else { throw ValidationError("Missing expected argument '--name <name>'") }
        let store = try session.openStore()
        let participant = try session.apply(.addMedication(subject: subject, draft: try medication.draft(session)), in: store)
        let id = participant.medications.last?.id ?? "CM?"
        try confirm(id, of: participant, store, saved: "Saved: \(subject) \(id)")
    }
}

/// `cohort med update`.
struct UpdateMedication: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a medication, with a reason.")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "CM1, CM2, …") var id: String
    @OptionGroup var medication: MedicationOptions
    @Option(help: ArgumentHelp("The sponsor's coded name (WHODrug, CMDECOD in SDTM); \"\" takes it away.", valueName: "TEXT"))
    var decod: String?
    @Option(help: "Why it changes.") var reason: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        var draft = try medication.draft(session)
        draft.decod = decod
        let participant = try session.apply(.updateMedication(subject: subject, id: id, draft: draft, reason: reason), in: store)
        try confirm(id, of: participant, store, saved: "Saved: \(subject) \(id) updated")
    }
}

/// `cohort med list`.
struct ListMedications: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Medications, prior or concomitant, prohibited ones marked.")
    @Argument(help: "Subject ID (default: every participant).") var subject: String?
    @Option(help: "text or json.") var format: ListFormat = .text
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStoreToRead()
        var lines: [MedicationLine] = []
        let problems = try session.eachParticipant(subject, in: store) { participant, _ in
            lines += SafetyLines(participant, context: store.context, now: session.now, zone: session.zone).medications
        }
        try Session.print(format, json: { MedicationsJSON(lines) }, text: { MedicationsText.render(lines) })
        try Session.refuseIfUnreadable(problems)
    }
}

extension AdverseEvent.Severity: ExpressibleByArgument {}
extension AdverseEvent.Relatedness: ExpressibleByArgument {}
extension AdverseEvent.DrugAction: ExpressibleByArgument {}
extension AdverseEvent.Outcome: ExpressibleByArgument {}

extension Session {
    /// `--end`: a date, or `none` (no date: an update takes the end away).
    func endDate(_ text: String?) throws -> CivilDate? {
        text?.lowercased() == "none" ? nil : try date(text, option: "--end")
    }

    /// Runs `body` on one participant (`subject`) or on every participant in subject order, with its
    /// protocol; returns the files that could not be read (all of them only when no subject is named).
    func eachParticipant(_ subject: String?, in store: JSONFileStore, _ body: (Participant, StudyProtocol) throws -> Void) throws -> [StoreError] {
        let context = store.context
        if let subject {
            let participant = try store.participant(subject)
            try body(participant, try context.studyProtocol(for: participant))
            return []
        }
        return try store.forEachParticipant({ $0 }) { participant in
            if let studyProtocol = context.protocols[participant.study] { try body(participant, studyProtocol) }
        }
    }
}
