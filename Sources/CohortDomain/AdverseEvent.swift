/// An adverse event as the site records it (docs/RULES.md, "Adverse events and medications"): what happened, how bad, whether serious, what
/// the investigator thinks caused it, and the reports sent to the sponsor.
public struct AdverseEvent: Codable, Sendable, Equatable {
    /// `AE1`, `AE2`, … per participant, in order of entry.
    public var id: String
    /// The event as the investigator names it ("Nausea", "Acute urinary retention").
    public var term: String
    /// The day it began.
    public var onset: CivilDate
    /// The day it ended (resolved, or the day of death), once it has.
    public var end: CivilDate?
    /// Intensity.
    public var severity: Severity
    /// CTCAE grade 1–5, when the protocol grades.
    public var grade: Int?
    /// Seriousness criteria met (any makes it serious).
    public var criteria: [SeriousnessCriterion]
    /// The investigator's causality assessment (required before the initial report).
    public var related: Relatedness?
    /// What was done with the study drug.
    public var action: DrugAction
    /// Where the event stands.
    public var outcome: Outcome
    /// When the site learned it was serious or of special interest (else when it was recorded).
    public var aware: Moment
    /// The visit at which it was reported, if any.
    public var visit: String?
    /// Reports sent to the sponsor: the initial one first, then follow-ups.
    public var reports: [Report]
    /// True when the AE changed after its initial report and no follow-up has been sent since.
    public var followUpPending: Bool
    /// The sponsor's coded term (MedDRA preferred term, SDTM AEDECOD), once the sponsor has coded it;
    /// absent from the file until recorded, so older files read and replay byte for byte.
    public var decod: String? = nil

    /// The seriousness criteria of ICH E2A.
    public enum SeriousnessCriterion: String, Codable, Sendable, CaseIterable {
        case death, lifeThreatening = "life-threatening", hospitalization, disability
        case congenitalAnomaly = "congenital-anomaly", medicallyImportant = "medically-important"
    }

    /// Intensity, as the investigator judges it.
    public enum Severity: String, Codable, Sendable, CaseIterable { case mild, moderate, severe }

    /// Causality.
    public enum Relatedness: String, Codable, Sendable, CaseIterable { case not, unlikely, possible, probable, definite }

    /// Action taken with the study drug.
    public enum DrugAction: String, Codable, Sendable, CaseIterable {
        case none, interrupted, reduced, withdrawn, notApplicable = "not-applicable"
    }

    /// Outcome.
    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case recovered, recoveredWithSequelae = "recovered-with-sequelae", recovering, notRecovered = "not-recovered", fatal, unknown

        /// The outcomes that mean the event is over (and so need its end date).
        public var hasEnded: Bool { self == .recovered || self == .recoveredWithSequelae || self == .fatal }
    }

    /// A report sent to the sponsor.
    public struct Report: Codable, Sendable, Equatable {
        /// When it was sent.
        public var at: Moment
        /// False for the initial report.
        public var followUp: Bool

        /// Creates a report.
        public init(at: Moment, followUp: Bool) { self.at = at; self.followUp = followUp }
    }

    /// Where an AE's initial report stands at a moment.
    public enum ReportStatus: String, Sendable, CaseIterable {
        case notRequired = "not-required", due, overdue, reported, reportedLate = "reported-late"

        /// The status at `now` of a report due at `due`, sent at `sent` if it was: reported exactly at the
        /// due minute is on time.
        public init(due: Moment, sent: Moment?, at now: Moment) {
            if let sent { self = sent <= due ? .reported : .reportedLate } else { self = now <= due ? .due : .overdue }
        }
    }

    /// Serious: any criterion met.
    public var isSerious: Bool { !criteria.isEmpty }

    /// The initial report, once sent.
    public var initialReport: Report? { reports.first { !$0.followUp } }

    /// The rules that hold within the event itself (docs/RULES.md, "Adverse events and medications"), each broken one as a sentence: checked before a
    /// save and when a file is read (a file that breaks one is unusable, as a forged score is).
    public func brokenRules() -> [String] {
        var broken: [String] = []
        let death = criteria.contains(.death)
        if outcome == .fatal && !death { broken.append("Outcome fatal needs the seriousness criterion death.") }
        if death && outcome != .fatal { broken.append("The criterion death needs the outcome fatal.") }
        if end != nil && !outcome.hasEnded {
            broken.append("An end date goes with the outcome recovered, recovered-with-sequelae or fatal, not \(outcome.rawValue).")
        }
        if end == nil && outcome.hasEnded { broken.append("The outcome \(outcome.rawValue) needs its end date.") }
        if let end, end < onset { broken.append("The end \(end) is before the onset \(onset).") }
        if let grade {
            if !(1...5).contains(grade) { broken.append("CTCAE grade \(grade) is not 1 to 5.") }
            if grade == 5 && outcome != .fatal { broken.append("Grade 5 is death: it needs the outcome fatal.") }
        }
        if Set(criteria).count != criteria.count { broken.append("A seriousness criterion is given twice.") }
        if aware.date < onset { broken.append("Awareness \(aware) is before the onset date \(onset).") }
        if reports.first?.followUp == true { broken.append("\(id) has a follow-up report before its initial one.") }
        if reports.filter({ !$0.followUp }).count > 1 { broken.append("\(id) has two initial reports.") }
        if zip(reports, reports.dropFirst()).contains(where: { $1.at < $0.at }) { broken.append("\(id)'s reports are not in time order.") }
        if let first = reports.first, first.at < aware { broken.append("\(id) was reported before the site was aware of it.") }
        if followUpPending && initialReport == nil { broken.append("\(id) has a follow-up pending without an initial report.") }
        return broken
    }
}

/// What one study's protocol says about safety reporting: the hours to the initial report, the terms of
/// special interest and the prohibited medications.
public struct SafetyRules: Sendable, Equatable {
    /// Hours from awareness to the initial report's deadline.
    public var reportHours: Int
    /// Adverse-event terms of special interest.
    public var specialInterest: [String]
    /// Medications not allowed during the study, with their aliases.
    public var prohibitedMedications: [ProhibitedName]

    /// The rules of `studyProtocol`.
    public init(_ studyProtocol: StudyProtocol) {
        reportHours = studyProtocol.saeReportHours ?? StudyProtocol.defaultReportHours
        specialInterest = studyProtocol.specialInterest
        prohibitedMedications = studyProtocol.prohibitedMedications
    }

    /// True when `term` contains a term of special interest as whole words.
    public func isOfSpecialInterest(_ term: String) -> Bool {
        specialInterest.contains { WholeWords.contains(term, $0) }
    }

    /// True when the AE needs a report to the sponsor: serious or of special interest.
    public func needsReport(_ event: AdverseEvent) -> Bool { event.isSerious || isOfSpecialInterest(event.term) }

    /// The initial report's deadline (on the awareness's clock: show it in the local zone); nil when no
    /// report is needed.
    public func reportDue(_ event: AdverseEvent) -> Moment? {
        needsReport(event) ? event.aware.adding(hours: reportHours) : nil
    }

    /// The initial report's status at `now`.
    public func reportStatus(_ event: AdverseEvent, at now: Moment) -> AdverseEvent.ReportStatus {
        guard let due = reportDue(event) else { return .notRequired }
        return AdverseEvent.ReportStatus(due: due, sent: event.initialReport?.at, at: now)
    }

    /// True when the initial report was sent after its due time: a protocol deviation (`late-report`).
    public func isReportedLate(_ event: AdverseEvent) -> Bool {
        guard let due = reportDue(event), let sent = event.initialReport?.at else { return false }
        return due < sent
    }

    /// True when `medication` is prohibited: concomitant (not ended before Day 1, `dayOne`) and named in the
    /// protocol's list.
    public func isProhibited(_ medication: Medication, dayOne: CivilDate) -> Bool {
        medication.category(dayOne: dayOne) == .concomitant && prohibitedName(in: medication.name) != nil
    }

    /// The prohibited name `medication` contains as whole words (itself or one of its aliases), if any.
    public func prohibitedName(in medication: String) -> String? {
        prohibitedMedications.first { $0.matches(medication) }?.name
    }
}

/// "Whole words" as docs/RULES.md, "Adverse events and medications", means it: a word is a run of letters and digits; the listed term's words appear
/// consecutively as whole words of the text, ignoring case.
public enum WholeWords {
    /// The words of `text`, lowercased, with compatibility forms folded (a full-width `ｓ` is `s`).
    public static func words(_ text: String) -> [Substring] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.precomposedStringWithCompatibilityMapping.lowercased().split { !($0.isLetter || $0.isNumber) }
        }
        // ASCII (most terms, matched for every AE read): nothing to fold, and its letters and digits are
        // `a`–`z`, `A`–`Z`, `0`–`9`, so its bytes are split without making a character of each.
        return text.lowercased().utf8.split { !(0x61...0x7A ~= $0 || 0x30...0x39 ~= $0) }.map { Substring($0) }
    }

    /// True when `term`'s words appear consecutively among `text`'s.
    public static func contains(_ text: String, _ term: String) -> Bool {
        let wanted = words(term), have = words(text)
        guard !wanted.isEmpty, wanted.count <= have.count else { return false }
        return (0...(have.count - wanted.count)).contains { start in have[start..<start + wanted.count].elementsEqual(wanted) }
    }
}

import Foundation
