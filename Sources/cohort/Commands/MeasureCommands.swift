import ArgumentParser
import CohortDomain
import CohortReports
import Foundation

/// `cohort measure`: a vital sign, lab value or ECG measure at a completed visit (docs/RULES.md, "Vital signs, lab values and ECG measures").
struct MeasureCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure", abstract: "Record a vital sign, lab value or ECG measure at a visit.",
        discussion: "The value is in the measure's unit (cohort scales lists them); a value outside what is possible is refused as a typo. A value outside its normal range (the laboratory's --range, else the protocol's, else the measure's) waits for the investigator's assessment: cohort assess.")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "Visit code.") var visit: String
    @Argument(help: "Measure code, e.g. HR, ALT.") var test: String
    @Argument(help: "The value (omit with --not-done).") var value: String?
    @Option(name: .customLong("not-done"), help: ArgumentHelp("Not done, and why.", valueName: "REASON")) var notDone: String?
    @Option(help: "The unit (must be the measure's).") var unit: String?
    @Option(help: ArgumentHelp("The laboratory's normal range for this result.", valueName: "LOW-HIGH")) var range: String?
    @Option(help: ArgumentHelp("Date measured (default the visit's completion date; a correction keeps its date).", valueName: "DATE")) var date: String?
    @Option(help: "Reason (required to change a saved result).") var reason: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let quantity = try value.map { text -> Quantity in
            guard let quantity = Quantity(text) else {
                throw DomainError("'\(Text.shown(text))' is not a number; write it like 72 or 37.4 (a point for decimals).")
            }
            return quantity
        }
        if quantity == nil && notDone == nil { throw ValidationError("Give the value, or --not-done REASON.") }
        let normal = try range.map { text -> NormalRange in
            guard let range = NormalRange(text: text) else {
                if let reversed = NormalRange(text: text.split(separator: "-", maxSplits: 1).reversed().joined(separator: "-")), reversed.low != reversed.high {
                    throw DomainError("--range '\(Text.shown(text))' has its low end above its high end; write LOW-HIGH, e.g. \(reversed).")
                }
                throw DomainError("--range '\(Text.shown(text))' is not LOW-HIGH, e.g. 7-56 (a negative low end: --range=-2-2).")
            }
            return range
        }
        let entry = MeasureEntry(test: test.uppercased(), value: quantity, notDone: notDone, unit: unit, range: normal,
                                 date: try session.date(date, option: "--date"))
        let store = try session.openStore()
        let participant = try session.apply(.measure(subject: subject, visit: visit, entries: [entry], reason: reason), in: store)
        let studyProtocol = try store.context.studyProtocol(for: participant)
        guard let saved = participant.measurement(visit: visit, test: entry.test) else { return }
        let reading = participant.reading(saved, studyProtocol: studyProtocol, catalog: store.context.scales)
        Session.confirm("Saved: \(subject) \(visit) \(entry.test) \(saved.value.map { "\($0) \(saved.unit)" } ?? "not done") on \(saved.date): "
                        + MeasuresText.flagText(reading) + (reading.range.map { " (normal \($0))" } ?? "") + ".")
        if let value = saved.value, let warning = store.context.scales.measure(entry.test)?.precisionWarning(for: value) { Session.warn(warning) }
        if reading.awaitsAssessment {
            Session.warn("Out of range: the investigator assesses it with `cohort assess \(subject) \(visit) \(entry.test) cs|ncs --comment TEXT`.")
        }
        if reading.alert { Session.warn("ALERT: \(entry.test) \(saved.value?.description ?? "") holds one of \(studyProtocol.id)'s alerts. Tell the PI.") }
    }
}

/// `cohort assess`: the investigator's clinical-significance assessment of an out-of-range result.
struct AssessCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "assess", abstract: "Assess an out-of-range result: clinically significant (cs) or not (ncs).")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "Visit code.") var visit: String
    @Argument(help: "Measure code.") var test: String
    @Argument(help: "cs or ncs.") var significance: Significance
    @Option(help: "The investigator's comment.") var comment: String?
    @Option(help: "Reason (required to change an assessment already saved).") var reason: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        try session.apply(.assess(subject: subject, visit: visit, test: test.uppercased(), significance: significance, comment: comment, reason: reason))
        Session.confirm("Saved: \(subject) \(visit) \(test.uppercased()) assessed \(significance.rawValue) by \(session.user)."
                        + (significance == .cs ? "\nClinically significant: record it as an adverse event with `cohort ae add \(subject) --term TEXT --onset DATE --severity S`." : ""))
    }
}

/// `cohort measures`: every result with its range, flag, alert and assessment.
struct MeasuresCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "measures", abstract: "Vital signs, lab values and ECG measures with their flags.")
    @Argument(help: "Subject ID (default: every participant).") var subject: String?
    @Option(help: "text or json.") var format: ListFormat = .text
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        let catalog = store.context.scales
        var readings: [(subject: String, reading: MeasureReading)] = []
        let problems = try session.eachParticipant(subject, in: store) { participant, studyProtocol in
            readings += participant.measureReadings(studyProtocol, catalog: catalog).map { (participant.subject, $0) }
        }
        try Session.print(format, json: { MeasuresJSON(readings) }, text: { MeasuresText.render(readings) })
        try Session.refuseIfUnreadable(problems)
    }
}

extension Significance: ExpressibleByArgument {}
