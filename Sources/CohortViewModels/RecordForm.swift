import CohortDomain
import Foundation

/// The one-screen form for an adverse event, a medication (docs/RULES.md, "Adverse events and medications") or a visit's measures (docs/RULES.md, "Vital signs, lab values and ECG measures"), like
/// enrollment: Tab through the fields, a field's problem shown beside it as you type, Enter saves, Esc
/// writes nothing. Editing an existing record asks a reason as well.
public struct RecordForm: Equatable, Sendable {
    /// What the form records.
    public enum Kind: Equatable, Sendable { case adverseEvent, medication, measures(visit: String) }

    /// What the form records.
    public let kind: Kind
    /// The participant.
    public let subject: String
    /// The record being changed (`AE2`, `CM1`); nil for a new one.
    public let editing: String?
    /// The fields in tab order (label, text, hint).
    public var fields: [Prompt.Field]
    /// The focused field.
    public var focus = 0
    /// Fields typed into or left: their problems show.
    public var touched: Set<Int> = []
    /// Why the last Enter was refused (a rule across fields, or the store).
    public var error: String?
    /// The fields' texts when the form opened (an edit sends only what changed).
    let initial: [String]

    /// Labels, in tab order.
    enum Label {
        static let term = "Term", onset = "Onset", severity = "Severity", grade = "CTCAE grade", serious = "Serious (criteria)"
        static let related = "Related", action = "Action (drug)", outcome = "Outcome", end = "End", aware = "Aware (date time)", visit = "Visit"
        static let name = "Name", start = "Start", dose = "Dose", route = "Route", frequency = "Frequency", indication = "Indication"
        static let rescue = "Rescue (y/n)", reason = "Reason"
    }

    /// A new adverse event for `subject`: onset today, awareness now.
    public static func newAdverseEvent(subject: String, today: CivilDate, now: Moment) -> RecordForm {
        RecordForm(kind: .adverseEvent, subject: subject, editing: nil, fields: adverseEventFields(
            term: "", onset: today.description, severity: "", grade: "", serious: "", related: "", action: AdverseEvent.DrugAction.none.rawValue,
            outcome: AdverseEvent.Outcome.notRecovered.rawValue, end: "", aware: now.description, visit: ""))
    }

    /// The form to change `event`, its values filled in, with a reason.
    public static func editing(_ event: AdverseEvent, subject: String) -> RecordForm {
        RecordForm(kind: .adverseEvent, subject: subject, editing: event.id, fields: adverseEventFields(
            term: event.term, onset: event.onset.description, severity: event.severity.rawValue, grade: event.grade.map(String.init) ?? "",
            serious: event.criteria.map(\.rawValue).joined(separator: ","), related: event.related?.rawValue ?? "", action: event.action.rawValue,
            outcome: event.outcome.rawValue, end: event.end?.description ?? "", aware: event.aware.description,
            visit: event.visit ?? "") + [Prompt.Field(Label.reason, hint: "why it changes (audited)")])
    }

    /// A new medication for `subject`, started today.
    public static func newMedication(subject: String, today: CivilDate) -> RecordForm {
        RecordForm(kind: .medication, subject: subject, editing: nil, fields: medicationFields(
            name: "", start: today.description, end: "", dose: "", route: "", frequency: "", indication: "", rescue: "n"))
    }

    /// The measures of `visit`: one field a test (the saved value filled in; `x` for not done), then a
    /// reason, needed only to change a saved value or to say why one was not done.
    public static func measures(subject: String, visit: String, tests: [String], participant: Participant?, catalog: ScaleCatalog) -> RecordForm {
        let fields = tests.map { test -> Prompt.Field in
            let saved = participant?.measurement(visit: visit, test: test)
            let definition = catalog.measure(test)
            let hint = [definition?.unit ?? "", definition?.normal.map { "normal \($0)" } ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")
            return Prompt.Field(test, saved.map { $0.value?.description ?? "x" } ?? "", hint: hint + "; x: not done")
        }
        return RecordForm(kind: .measures(visit: visit), subject: subject, editing: nil,
                          fields: fields + [Prompt.Field(Label.reason, hint: "to change a saved value, or why one was not done")])
    }

    /// The form to change `medication`, with a reason.
    public static func editing(_ medication: Medication, subject: String) -> RecordForm {
        RecordForm(kind: .medication, subject: subject, editing: medication.id, fields: medicationFields(
            name: medication.name, start: medication.start.description, end: medication.end?.description ?? "", dose: medication.dose ?? "",
            route: medication.route ?? "", frequency: medication.frequency ?? "", indication: medication.indication ?? "",
            rescue: medication.rescue ? "y" : "n") + [Prompt.Field(Label.reason, hint: "why it changes (audited)")])
    }

    private init(kind: Kind, subject: String, editing: String?, fields: [Prompt.Field]) {
        self.kind = kind; self.subject = subject; self.editing = editing; self.fields = fields
        initial = fields.map(\.text)
    }

    private static func adverseEventFields(term: String, onset: String, severity: String, grade: String, serious: String, related: String,
                                           action: String, outcome: String, end: String, aware: String, visit: String) -> [Prompt.Field] {
        [Prompt.Field(Label.term, term, hint: "what happened, e.g. Nausea"),
         Prompt.Field(Label.onset, onset, hint: "YYYY-MM-DD"),
         Prompt.Field(Label.severity, severity, choices: names(AdverseEvent.Severity.allCases)),
         Prompt.Field(Label.grade, grade, hint: "1-5, optional"),
         Prompt.Field(Label.serious, serious, hint: "empty if not serious; several: a comma between",
                      choices: names(AdverseEvent.SeriousnessCriterion.allCases)),
         Prompt.Field(Label.related, related, hint: "needed to report", choices: names(AdverseEvent.Relatedness.allCases)),
         Prompt.Field(Label.action, action, choices: names(AdverseEvent.DrugAction.allCases)),
         Prompt.Field(Label.outcome, outcome, choices: names(AdverseEvent.Outcome.allCases)),
         Prompt.Field(Label.end, end, hint: "YYYY-MM-DD, with recovered or fatal"),
         Prompt.Field(Label.aware, aware, hint: "when the site learned it was serious: YYYY-MM-DDTHH:MM+HH:MM (offset optional)"),
         Prompt.Field(Label.visit, visit, hint: "visit code, optional")]
    }

    private static func medicationFields(name: String, start: String, end: String, dose: String, route: String, frequency: String,
                                         indication: String, rescue: String) -> [Prompt.Field] {
        [Prompt.Field(Label.name, name, hint: "e.g. lorazepam"), Prompt.Field(Label.start, start, hint: "YYYY-MM-DD"),
         Prompt.Field(Label.end, end, hint: "YYYY-MM-DD, empty while taken"), Prompt.Field(Label.dose, dose, hint: "e.g. 1 mg"),
         Prompt.Field(Label.route, route, hint: "e.g. oral"), Prompt.Field(Label.frequency, frequency, hint: "e.g. as needed"),
         Prompt.Field(Label.indication, indication), Prompt.Field(Label.rescue, rescue, hint: "y: rescue medication under the protocol")]
    }

    private static func names<T: RawRepresentable>(_ all: [T]) -> [String] where T.RawValue == String { all.map(\.rawValue) }

    /// The title of the form.
    public var title: String {
        switch (kind, editing) {
        case (.adverseEvent, nil): return "Adverse event for \(subject)"
        case (.medication, nil): return "Medication for \(subject)"
        case (.measures(let visit), _): return "Measures for \(subject) \(visit)"
        case (_, let id?): return "Change \(subject) \(id)"
        }
    }

    // MARK: - Reading the fields

    /// Fills in the field labelled `label` (a form offered with what is known).
    mutating func set(_ label: String, to text: String) {
        if let index = fields.firstIndex(where: { $0.label == label }) { fields[index].text = text }
    }

    private func text(_ label: String) -> String {
        fields.first { $0.label == label }?.text.trimmingCharacters(in: .whitespaces) ?? ""
    }

    private func changed(_ label: String) -> Bool {
        guard let index = fields.firstIndex(where: { $0.label == label }) else { return false }
        return editing == nil || fields[index].text != initial[index]
    }

    /// Whether the field reads other than it was filled in (for a new record too).
    private func edited(_ label: String) -> Bool {
        guard let index = fields.firstIndex(where: { $0.label == label }) else { return false }
        return fields[index].text != initial[index]
    }

    /// An edit that empties the end date takes it away.
    private var clearsEnd: Bool { editing != nil && changed(Label.end) && text(Label.end).isEmpty }

    /// Each field's problem as typed (format and known values), by field index.
    public func problems(zone: TimeZone) -> [Int: String] {
        var found: [Int: String] = [:]
        for (index, field) in fields.enumerated() {
            let text = field.text.trimmingCharacters(in: .whitespaces)
            if field.label == Label.reason {
                // A change to a saved record needs its reason; a measure not done, why.
                let notDone = fields.indices.contains {
                    fields[$0].label != Label.reason && fields[$0].text != initial[$0] && fields[$0].text.trimmingCharacters(in: .whitespaces).lowercased() == "x"
                }
                if text.isEmpty && (editing != nil || (notDone && kind != .adverseEvent && kind != .medication)) { found[index] = "required" }
            } else if case .measures = kind {
                // A measure's field: a number, `x` (not done) or nothing.
                if !(text.isEmpty || text.lowercased() == "x" || Quantity(text) != nil) { found[index] = "a number like 72 or 37.4, or x" }
            } else if let problem = Self.problem(field.label, text: text, zone: zone) {
                found[index] = problem
            }
        }
        return found
    }

    private static func problem(_ label: String, text: String, zone: TimeZone) -> String? {
        func member<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> String? where T.RawValue == String {
            T(rawValue: text.lowercased()) == nil ? "one of " + names(Array(T.allCases)).joined(separator: " ") : nil
        }
        switch label {
        case Label.term, Label.name: return text.isEmpty ? "required" : nil
        case Label.reason: return nil
        case Label.onset, Label.start: return CivilDate(text) == nil ? "a date, YYYY-MM-DD" : nil
        case Label.end: return text.isEmpty || CivilDate(text) != nil ? nil : "a date, YYYY-MM-DD, or empty"
        case Label.severity: return member(AdverseEvent.Severity.self)
        case Label.grade: return text.isEmpty || (Int(text).map { (1...5).contains($0) } ?? false) ? nil : "1 to 5, or empty"
        case Label.serious:
            let wrong = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .first { !$0.isEmpty && AdverseEvent.SeriousnessCriterion(rawValue: $0) == nil }
            return wrong.map { "'\(Text.shown($0, longest: 20))' is not a criterion" }
        case Label.related: return text.isEmpty ? nil : member(AdverseEvent.Relatedness.self)
        case Label.action: return member(AdverseEvent.DrugAction.self)
        case Label.outcome: return member(AdverseEvent.Outcome.self)
        case Label.aware:
            do { _ = try Moment(text, zone: zone, what: "Aware"); return nil } catch let error as DomainError { return error.message } catch { return "\(error)" }
        case Label.rescue: return ["y", "n", "yes", "no", ""].contains(text.lowercased()) ? nil : "y or n"
        default: return nil
        }
    }

    /// The change the form asks for, once every field reads; nil while a field has a problem.
    public func change(zone: TimeZone, now: Moment) -> Change? {
        guard problems(zone: zone).isEmpty else { return nil }
        if case .measures(let visit) = kind {
            let reason = text(Label.reason).isEmpty ? nil : text(Label.reason)
            let entries = fields.indices.dropLast().compactMap { index -> MeasureEntry? in
                let typed = fields[index].text.trimmingCharacters(in: .whitespaces)
                guard !typed.isEmpty, typed != initial[index] else { return nil }
                if typed.lowercased() == "x" { return MeasureEntry(test: fields[index].label, value: nil, notDone: reason ?? "") }
                return Quantity(typed).map { MeasureEntry(test: fields[index].label, value: $0) }
            }
            return .measure(subject: subject, visit: visit, entries: entries, reason: reason)
        }
        func date(_ label: String) -> CivilDate? { CivilDate(text(label)) }
        func given<T>(_ label: String, _ value: @autoclosure () -> T?) -> T? { changed(label) ? value() : nil }
        let reason = editing == nil ? nil : text(Label.reason)
        switch kind {
        case .adverseEvent:
            let criteria = text(Label.serious).split(separator: ",").compactMap {
                AdverseEvent.SeriousnessCriterion(rawValue: $0.trimmingCharacters(in: .whitespaces).lowercased())
            }
            let draft = AdverseEventDraft(
                term: given(Label.term, text(Label.term)), onset: given(Label.onset, date(Label.onset)), end: given(Label.end, date(Label.end)),
                severity: given(Label.severity, AdverseEvent.Severity(rawValue: text(Label.severity).lowercased())),
                grade: given(Label.grade, Int(text(Label.grade))), criteria: given(Label.serious, criteria),
                related: given(Label.related, AdverseEvent.Relatedness(rawValue: text(Label.related).lowercased())),
                action: given(Label.action, AdverseEvent.DrugAction(rawValue: text(Label.action).lowercased())),
                outcome: given(Label.outcome, AdverseEvent.Outcome(rawValue: text(Label.outcome).lowercased())),
                // Awareness is sent only when the field was changed: a new event left as filled in is aware
                // when recorded (and one neither serious nor of special interest refuses a given awareness),
                // and an edit's becoming serious starts the clock now (docs/RULES.md, "Adverse events and medications").
                aware: edited(Label.aware) ? try? Moment(text(Label.aware), zone: zone, what: "Aware") : nil,
                visit: given(Label.visit, text(Label.visit).isEmpty ? nil : text(Label.visit).uppercased()), clearEnd: clearsEnd)
            if let id = editing { return .updateAdverseEvent(subject: subject, id: id, draft: draft, reason: reason, now: now) }
            return .addAdverseEvent(subject: subject, draft: draft, now: now)
        case .medication:
            func optional(_ label: String) -> String? { given(label, text(label)) }
            let draft = MedicationDraft(name: optional(Label.name), start: given(Label.start, date(Label.start)), end: given(Label.end, date(Label.end)),
                                        dose: optional(Label.dose), route: optional(Label.route), frequency: optional(Label.frequency),
                                        indication: optional(Label.indication), rescue: given(Label.rescue, text(Label.rescue).lowercased().hasPrefix("y")),
                                        clearEnd: clearsEnd)
            if let id = editing { return .updateMedication(subject: subject, id: id, draft: draft, reason: reason) }
            return .addMedication(subject: subject, draft: draft)
        case .measures:
            return nil // read above
        }
    }
}
