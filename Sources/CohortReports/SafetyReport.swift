import CohortDomain
import Foundation

/// One adverse event as the lists show it at a moment: the event, who had it, and its report clock.
public struct AdverseEventLine: Sendable, Equatable {
    /// Subject ID.
    public let subject: String
    /// The adverse event.
    public let event: AdverseEvent
    /// Its term is of special interest to the protocol.
    public let specialInterest: Bool
    /// The initial report's deadline, on the local clock.
    public let reportDue: Moment?
    /// The initial report's status at the list's moment.
    public let report: AdverseEvent.ReportStatus
    /// Its Part 11 signatures (scope `AE<n>`), oldest first, as the participant holds them.
    public let signatures: [Signature]
    /// The moment and the clock the line is read at.
    let now: Moment, zone: TimeZone

    /// The line of `event` of `subject` under `rules`, at `now` on `zone`'s clock; `signatures` the
    /// participant's signatures (those of this event are kept).
    public init(subject: String, event: AdverseEvent, rules: SafetyRules, now: Moment, zone: TimeZone, signatures: [Signature] = []) {
        self.subject = subject; self.event = event; self.now = now; self.zone = zone
        self.signatures = signatures.filter { $0.scope == SignatureScope.adverseEvent(event.id).description }
        specialInterest = rules.isOfSpecialInterest(event.term)
        reportDue = rules.reportDue(event)?.shown(in: zone)
        report = rules.reportStatus(event, at: now)
    }

    /// Kept by `ae list --open`: not ended, or a report due, overdue or a follow-up pending.
    public var isOpen: Bool { event.end == nil || report == .due || report == .overdue || event.followUpPending }

    /// The status in words, with the time left or late for a report not yet sent (at the moment and on
    /// the clock the line was made for).
    public var reportText: String {
        switch report {
        case .notRequired: return "no report needed"
        case .due, .overdue: return "report " + (reportDue.map { ReportClock.words(due: $0, at: now, zone: zone) } ?? "")
        case .reported: return "reported \(event.initialReport?.at.description ?? "")"
        case .reportedLate: return "reported LATE \(event.initialReport?.at.description ?? "")"
        }
    }
}


/// The binding JSON of `cohort ae list --format json` (docs/RULES.md, "Adverse events and medications").
public struct AdverseEventsJSON: Encodable {
    struct Entry: Encodable {
        let line: AdverseEventLine

        enum CodingKeys: String, CodingKey {
            case subject, id, term, onset, end, severity, grade, serious, criteria, specialInterest, related, action, outcome, aware
            case reportDue, reportedAt, report, followUpPending, signatures
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let event = line.event
            try container.encode(line.subject, forKey: .subject)
            try container.encode(event.id, forKey: .id)
            try container.encode(event.term, forKey: .term)
            try container.encode(event.onset, forKey: .onset)
            try container.encode(event.end, forKey: .end)
            try container.encode(event.severity.rawValue, forKey: .severity)
            try container.encode(event.grade, forKey: .grade)
            try container.encode(event.isSerious, forKey: .serious)
            try container.encode(event.criteria.map(\.rawValue), forKey: .criteria)
            try container.encode(line.specialInterest, forKey: .specialInterest)
            try container.encode(event.related?.rawValue, forKey: .related)
            try container.encode(event.action.rawValue, forKey: .action)
            try container.encode(event.outcome.rawValue, forKey: .outcome)
            try container.encode(event.aware, forKey: .aware)
            try container.encode(line.reportDue, forKey: .reportDue)
            try container.encode(event.initialReport?.at, forKey: .reportedAt)
            try container.encode(line.report.rawValue, forKey: .report)
            try container.encode(event.followUpPending, forKey: .followUpPending)
            // Only when the event is signed: a store without users prints exactly the binding members.
            if !line.signatures.isEmpty {
                try container.encode(line.signatures.map { ShownSignature(SignatureEntry(subject: line.subject, signature: $0,
                                                                                          status: $0.isValid ? .valid : .invalidated)) },
                                     forKey: .signatures)
            }
        }
    }

    let now: Moment
    let adverseEvents: [Entry]

    /// The document for `lines` (in subject, then entry order) at `now`.
    public init(now: Moment, lines: [AdverseEventLine]) {
        self.now = now
        adverseEvents = lines.map(Entry.init)
    }
}

/// `cohort ae list` as text: one line per adverse event, open ones' clocks in words.
public enum AdverseEventsText {
    /// The text of `lines` at `now`, then each signed event's signatures (`withSignatures`; `cohort show`
    /// lists every signature of the participant itself).
    public static func render(_ lines: [AdverseEventLine], now: Moment, withSignatures: Bool = true) -> String {
        guard !lines.isEmpty else { return "No adverse events." }
        let signed = withSignatures ? lines.flatMap { line in SignatureLines.lines(line.signatures).map { "  \(line.subject)  \(line.event.id)  " + $0 } } : []
        return table(lines) + (signed.isEmpty ? "" : "\n\nSignatures\n" + signed.joined(separator: "\n"))
    }

    private static func table(_ lines: [AdverseEventLine]) -> String {
        Columns.render([["SUBJECT", "AE", "TERM", "ONSET", "END", "SEVERITY", "SERIOUS", "RELATED", "OUTCOME", "REPORT"]] + lines.map { line in
            let event = line.event
            return [line.subject, event.id, Text.shown(event.term), event.onset.description, event.end?.description ?? "—",
                    event.severity.rawValue + (event.grade.map { " (grade \($0))" } ?? ""),
                    event.isSerious ? event.criteria.map(\.rawValue).joined(separator: ",") : (line.specialInterest ? "special interest" : "no"),
                    event.related?.rawValue ?? "not assessed", event.outcome.rawValue,
                    line.reportText + (event.followUpPending ? "; follow-up pending" : "")]
        })
    }
}

/// One medication as the lists show it.
public struct MedicationLine: Sendable, Equatable {
    /// Subject ID.
    public let subject: String
    /// The medication.
    public let medication: Medication
    /// Prior or concomitant.
    public let category: Medication.Category
    /// On the protocol's prohibited list while concomitant.
    public let prohibited: Bool

    /// The line of `medication` of `subject`, whose Day 1 is `dayOne`, under `rules`.
    public init(subject: String, medication: Medication, dayOne: CivilDate, rules: SafetyRules) {
        self.subject = subject; self.medication = medication
        category = medication.category(dayOne: dayOne)
        prohibited = rules.isProhibited(medication, dayOne: dayOne)
    }
}

/// The binding JSON of `cohort med list --format json` (docs/RULES.md, "Adverse events and medications").
public struct MedicationsJSON: Encodable {
    struct Entry: Encodable {
        let line: MedicationLine

        enum CodingKeys: String, CodingKey { case subject, id, name, start, end, category, prohibited, rescue }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(line.subject, forKey: .subject)
            try container.encode(line.medication.id, forKey: .id)
            try container.encode(line.medication.name, forKey: .name)
            try container.encode(line.medication.start, forKey: .start)
            try container.encode(line.medication.end, forKey: .end)
            try container.encode(line.category.rawValue, forKey: .category)
            try container.encode(line.prohibited, forKey: .prohibited)
            try container.encode(line.medication.rescue, forKey: .rescue)
        }
    }

    let medications: [Entry]

    /// The document for `lines` (in subject, then entry order).
    public init(_ lines: [MedicationLine]) { medications = lines.map(Entry.init) }
}

/// `cohort med list` as text.
public enum MedicationsText {
    /// The text of `lines`.
    public static func render(_ lines: [MedicationLine]) -> String {
        guard !lines.isEmpty else { return "No medications." }
        return Columns.render([["SUBJECT", "CM", "NAME", "DOSE", "ROUTE", "FREQUENCY", "START", "END", "CATEGORY", "NOTE"]] + lines.map { line in
            let medication = line.medication
            return [line.subject, medication.id, Text.shown(medication.name), medication.dose.map { Text.shown($0) } ?? "",
                    medication.route.map { Text.shown($0) } ?? "", medication.frequency.map { Text.shown($0) } ?? "",
                    medication.start.description, medication.end?.description ?? "ongoing", line.category.rawValue,
                    [line.prohibited ? "PROHIBITED" : "", medication.rescue ? "rescue" : ""].filter { !$0.isEmpty }.joined(separator: ", ")]
        })
    }
}
