@testable import CohortDomain
import CohortReports
import Foundation
import Testing

/// Adverse events, their report clock, and concomitant medications: every rule of docs/RULES.md, "Adverse events and medications", on the
/// domain values. Times are on New York's clock, which changes for daylight saving on 2026-03-08 (spring
/// forward, 02:00 → 03:00) and 2026-11-01 (fall back, 02:00 → 01:00).
enum Safety {
    static let ny = TimeZone(identifier: "America/New_York")!
    static let scz = Fixture.schizophrenia
    static let rules = SafetyRules(scz)

    /// A local wall-clock time in New York.
    static func at(_ text: String) -> Moment { try! Moment(text, zone: ny, what: "test") }
    static func date(_ text: String) -> CivilDate { Fixture.date(text) }

    /// SCZ-5W-INPT with another report window (nil: the protocol says nothing, so the default).
    static func scz(reportHours: Int?) -> StudyProtocol {
        var copy = scz
        copy.saeReportHours = reportHours
        return copy
    }

    /// A participant with baseline 2026-11-02 (Day 1 while the baseline visit is not done), consent 2026-10-23.
    static func participant(_ subject: String = "101-0001", baseline: String = "2026-11-02") -> Participant {
        Fixture.participant(subject, baseline: baseline)
    }

    /// A draft with what `ae add` needs, the rest as given.
    static func draft(_ term: String = "Nausea", onset: String = "2026-11-20", severity: AdverseEvent.Severity = .mild,
                      end: String? = nil, grade: Int? = nil, criteria: [AdverseEvent.SeriousnessCriterion]? = nil,
                      related: AdverseEvent.Relatedness? = nil, action: AdverseEvent.DrugAction? = nil,
                      outcome: AdverseEvent.Outcome? = nil, aware: String? = nil, visit: String? = nil) -> AdverseEventDraft {
        AdverseEventDraft(term: term, onset: date(onset), end: end.map(date), severity: severity, grade: grade, criteria: criteria,
                          related: related, action: action, outcome: outcome, aware: aware.map(at), visit: visit)
    }

    /// Adds `draft` on `now`'s day at `now`.
    static func add(_ participant: inout Participant, _ draft: AdverseEventDraft, now: String = "2026-11-25T10:00",
                    studyProtocol: StudyProtocol = scz) throws {
        let moment = at(now)
        _ = try participant.addAdverseEvent(draft, studyProtocol: studyProtocol, today: moment.date, now: moment)
    }

    static func update(_ participant: inout Participant, _ draft: AdverseEventDraft, id: String = "AE1", reason: String? = "corrected",
                       now: String = "2026-11-25T10:00", studyProtocol: StudyProtocol = scz) throws {
        let moment = at(now)
        _ = try participant.updateAdverseEvent(id, draft, reason: reason, studyProtocol: studyProtocol, today: moment.date, now: moment)
    }

    static func report(_ participant: inout Participant, _ id: String = "AE1", at sent: String? = nil, followUp: Bool = false,
                       now: String = "2026-11-25T10:00", studyProtocol: StudyProtocol = scz) throws {
        _ = try participant.reportAdverseEvent(id, at: sent.map(at), followUp: followUp, studyProtocol: studyProtocol, now: at(now))
    }

    static func med(_ name: String, start: String, end: String? = nil) -> MedicationDraft {
        MedicationDraft(name: name, start: date(start), end: end.map(date))
    }

    /// True when `body` throws a domain error whose message holds `fragment`.
    static func refuses(_ fragment: String, _ body: () throws -> Void) -> Bool {
        do { try body(); return false } catch let error as DomainError { return error.message.contains(fragment) } catch { return false }
    }

    /// The summary of `day` over `participants`, the day ending at midnight in New York.
    static func summary(_ day: String, _ participants: [Participant], studyProtocol: StudyProtocol = scz) -> DaySummary {
        DaySummary(date: date(day), participants: participants,
                   context: StudyContext(protocols: [studyProtocol], scales: Fixture.scales), zone: ny)
    }
}

/// The suites below, under one name (`swift test --filter SafetyTests`).
struct SafetyTests {}

// MARK: - Adverse events: recording

extension SafetyTests {
    struct Recording {
        @Test func idsAreAE1AE2InOrderOfEntryPerParticipant() throws {
            var first = Safety.participant("101-0001"), second = Safety.participant("101-0002")
            try Safety.add(&first, Safety.draft("Headache"))
            try Safety.add(&first, Safety.draft("Nausea"))
            try Safety.add(&second, Safety.draft("Insomnia"))
            try Safety.add(&first, Safety.draft("Dizziness"))
            #expect(first.adverseEvents.map(\.id) == ["AE1", "AE2", "AE3"])
            #expect(first.adverseEvents.map(\.term) == ["Headache", "Nausea", "Dizziness"])
            #expect(second.adverseEvents.map(\.id) == ["AE1"])
        }

        @Test(arguments: [([], false), ([.hospitalization], true), ([.medicallyImportant], true), ([.lifeThreatening, .disability], true),
                          ([.congenitalAnomaly], true)] as [([AdverseEvent.SeriousnessCriterion], Bool)])
        func seriousIsAnyCriterion(criteria: [AdverseEvent.SeriousnessCriterion], serious: Bool) throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft(criteria: criteria))
            #expect(participant.adverseEvents[0].isSerious == serious)
            #expect(participant.adverseEvents[0].criteria == criteria)
            #expect(Safety.rules.reportDue(participant.adverseEvents[0]) != nil || !serious)
        }

        @Test func deathIsSeriousWithFatalOutcome() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft("Cardiac arrest", onset: "2026-11-24", severity: .severe, end: "2026-11-24", grade: 5,
                                                       criteria: [.death], outcome: .fatal))
            #expect(participant.adverseEvents[0].isSerious && participant.adverseEvents[0].outcome == .fatal)
        }

        @Test func defaultsAreOutcomeNotRecoveredActionNoneNoCausalityAndAwareNow() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft(), now: "2026-11-25T10:07")
            let event = participant.adverseEvents[0]
            #expect(event.outcome == .notRecovered)
            #expect(event.action == .none && event.related == nil && event.grade == nil && event.end == nil)
            #expect(event.aware == Safety.at("2026-11-25T10:07")) // neither serious nor of special interest: the moment it was added
            #expect(event.reports.isEmpty && !event.followUpPending)
            var serious = Safety.participant()
            try Safety.add(&serious, Safety.draft(criteria: [.hospitalization]), now: "2026-11-25T16:42")
            #expect(serious.adverseEvents[0].aware == Safety.at("2026-11-25T16:42"))
            #expect(serious.adverseEvents[0].aware.description == "2026-11-25T16:42-05:00")
        }

        @Test func awareGivenIsKept() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft(criteria: [.hospitalization], aware: "2026-11-21T08:30"))
            #expect(participant.adverseEvents[0].aware == Safety.at("2026-11-21T08:30"))
        }

        @Test func anEventNeedingNoReportIsAwareWhenRecorded() throws {
            // docs/RULES.md, "Adverse events and medications": for an AE neither serious nor of special interest, awareness is the moment it was added.
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft(aware: "2026-11-21T08:30"))
            #expect(participant.adverseEvents[0].aware == Safety.at("2026-11-25T10:00"))
        }

        // "Whole words": a word is a run of letters and digits; the listed term's words appear consecutively.
        @Test(arguments: [
            ("Acute urinary retention", true), ("urinary retention", true), ("URINARY RETENTION", true), ("Urinary retention, acute", true),
            ("urinary-retention", true), ("urinary  retention", true), ("Angioedema of the lips", true), ("Vasovagal syncope", true),
            ("urinary retentions", false), ("retention, urinary", false), ("urinary tract infection with retention", false),
            ("Presyncope", false), ("syncope2", false), ("angioedemas", false), ("Nausea", false),
        ])
        func specialInterestIsWholeWordsIgnoringCase(term: String, matches: Bool) {
            #expect(Safety.rules.isOfSpecialInterest(term) == matches)
        }

        @Test(arguments: [("lorazepam", false), ("pam", true), ("PAM 5 mg", true), ("pam-2", true), ("pamphlet", false), ("spam", false)])
        func wholeWordsDoNotMatchInsideAWord(text: String, matches: Bool) {
            #expect(WholeWords.contains(text, "pam") == matches)
        }

        @Test func anAdverseEventOfSpecialInterestNeedsAReportWithoutBeingSerious() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft("Acute urinary retention", aware: "2026-11-24T09:00"))
            let event = participant.adverseEvents[0]
            #expect(!event.isSerious)
            #expect(Safety.rules.needsReport(event))
            #expect(Safety.rules.reportDue(event) == Safety.at("2026-11-25T09:00"))
            var other = Safety.participant()
            try Safety.add(&other, Safety.draft("urinary retentions"))
            #expect(Safety.rules.reportStatus(other.adverseEvents[0], at: Safety.at("2026-11-25T10:00")) == .notRequired)
        }

        @Test func boundariesThatAreAllowed() throws {
            var participant = Safety.participant()
            // Onset on consent day and on today; end on onset and on today; aware at the first minute of the onset day and at now.
            try Safety.add(&participant, Safety.draft(onset: "2026-10-23", end: "2026-10-23", outcome: .recovered))
            try Safety.add(&participant, Safety.draft(onset: "2026-11-25", criteria: [.hospitalization], aware: "2026-11-25T00:00"))
            try Safety.add(&participant, Safety.draft(onset: "2026-11-20", end: "2026-11-25", outcome: .recoveredWithSequelae))
            try Safety.add(&participant, Safety.draft(criteria: [.hospitalization], aware: "2026-11-25T10:00"))
            try Safety.add(&participant, Safety.draft(onset: "2026-11-24", severity: .severe, end: "2026-11-24", grade: 5, criteria: [.death],
                                                       outcome: .fatal))
            try Safety.add(&participant, Safety.draft(grade: 4, outcome: .recovering))
            try Safety.add(&participant, Safety.draft(outcome: .unknown))
            #expect(participant.adverseEvents.count == 7)
        }

        /// Each draft breaks one rule of docs/RULES.md, "Adverse events and medications"; now is 2026-11-25T10:00 (so today 2026-11-25), consent 2026-10-23.
        static let refusedDrafts: [(String, AdverseEventDraft, String)] = [
            ("onset after today", Safety.draft(onset: "2026-11-26"), "after today"),
            ("onset before consent", Safety.draft(onset: "2026-10-22"), "medical history"),
            ("end before onset", Safety.draft(onset: "2026-11-20", end: "2026-11-19", outcome: .recovered), "before the onset"),
            ("end after today", Safety.draft(end: "2026-11-26", outcome: .recovered), "after today"),
            ("aware before the onset date", Safety.draft(onset: "2026-11-20", criteria: [.hospitalization], aware: "2026-11-19T23:59"), "before the onset date"),
            ("aware after now", Safety.draft(criteria: [.hospitalization], aware: "2026-11-25T10:01"), "after now"),
            ("fatal without death", Safety.draft(end: "2026-11-24", criteria: [.hospitalization], outcome: .fatal), "death"),
            ("death without fatal", Safety.draft(criteria: [.death]), "fatal"),
            ("death with recovered", Safety.draft(end: "2026-11-24", criteria: [.death], outcome: .recovered), "fatal"),
            ("end with not-recovered (the default)", Safety.draft(end: "2026-11-24"), "An end date goes with"),
            ("end with recovering", Safety.draft(end: "2026-11-24", outcome: .recovering), "An end date goes with"),
            ("end with unknown", Safety.draft(end: "2026-11-24", outcome: .unknown), "An end date goes with"),
            ("recovered without end", Safety.draft(outcome: .recovered), "needs its end date"),
            ("recovered-with-sequelae without end", Safety.draft(outcome: .recoveredWithSequelae), "needs its end date"),
            ("fatal without end", Safety.draft(criteria: [.death], outcome: .fatal), "needs its end date"),
            ("grade 5 without fatal", Safety.draft(end: "2026-11-24", grade: 5, outcome: .recovered), "Grade 5"),
            ("grade 5 ongoing", Safety.draft(grade: 5), "Grade 5"),
            ("grade 0", Safety.draft(grade: 0), "not 1 to 5"),
            ("grade 6", Safety.draft(grade: 6), "not 1 to 5"),
            ("criterion twice", Safety.draft(criteria: [.hospitalization, .hospitalization]), "twice"),
            ("unknown visit", Safety.draft(visit: "W9"), "no visit"),
            ("empty term", Safety.draft(""), "term"),
        ]

        @Test(arguments: refusedDrafts)
        func everyRuleRefusesAnAddAndChangesNothing(rule: String, draft: AdverseEventDraft, message: String) throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft("Headache"))
            let before = participant
            #expect(Safety.refuses(message) { try Safety.add(&participant, draft) }, "\(rule)")
            #expect(participant == before, "\(rule)")
        }

        @Test func onsetBeforeConsentIsCalledMedicalHistory() throws {
            var participant = Safety.participant()
            do {
                try Safety.add(&participant, Safety.draft(onset: "2026-10-01"))
                Issue.record("an onset before consent was accepted")
            } catch let error as DomainError {
                #expect(error.message.contains("before 101-0001's consent (2026-10-23)") && error.message.contains("medical history"))
            }
            #expect(participant.adverseEvents.isEmpty)
        }
    }
}

// MARK: - Adverse events: updates and awareness

extension SafetyTests {
    struct Updates {
        @Test func anUpdateCanTakeTheEndAwayToReopenAnEvent() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft("Nausea", onset: "2026-11-20", end: "2026-11-21", outcome: .recovered))
            #expect(throws: DomainError.self) { try Safety.update(&participant, AdverseEventDraft(outcome: .recovering)) }
            try Safety.update(&participant, AdverseEventDraft(outcome: .recovering, clearEnd: true), reason: "it came back")
            #expect(participant.adverseEvents[0].end == nil && participant.adverseEvents[0].outcome == .recovering)
            var medicated = Safety.participant()
            _ = try medicated.addMedication(MedicationDraft(name: "lorazepam", start: Safety.date("2026-11-20"), end: Safety.date("2026-11-21")),
                                            today: Safety.date("2026-11-25"))
            _ = try medicated.updateMedication("CM1", MedicationDraft(clearEnd: true), reason: "still taken", today: Safety.date("2026-11-25"))
            #expect(medicated.medications[0].end == nil)
        }

        @Test func anUpdateChangesWhatItGivesAndKeepsTheRest() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft("Headache", severity: .mild, grade: 1, related: .possible))
            try Safety.update(&participant, AdverseEventDraft(severity: .moderate))
            let event = participant.adverseEvents[0]
            #expect(event.severity == .moderate && event.term == "Headache" && event.grade == 1 && event.related == .possible)
        }

        @Test func updateNeedsAReasonAndAChangeAndAnExistingId() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft())
            let before = participant
            #expect(Safety.refuses("reason") { try Safety.update(&participant, AdverseEventDraft(severity: .severe), reason: nil) })
            #expect(Safety.refuses("reason") { try Safety.update(&participant, AdverseEventDraft(severity: .severe), reason: "  ") })
            #expect(Safety.refuses("nothing to change") { try Safety.update(&participant, AdverseEventDraft(severity: .mild)) })
            #expect(Safety.refuses("no adverse event AE2") { try Safety.update(&participant, AdverseEventDraft(severity: .severe), id: "AE2") })
            #expect(participant == before)
        }

        /// Updates that would break a rule: refused, and the participant is as before.
        static let refusedUpdates: [(String, AdverseEventDraft, String)] = [
            ("onset after today", AdverseEventDraft(onset: Safety.date("2026-11-26")), "after today"),
            ("onset before consent", AdverseEventDraft(onset: Safety.date("2026-10-20")), "medical history"),
            ("end before onset", AdverseEventDraft(end: Safety.date("2026-11-19"), outcome: .recovered), "before the onset"),
            ("end after today", AdverseEventDraft(end: Safety.date("2026-11-26"), outcome: .recovered), "after today"),
            ("end without an ended outcome", AdverseEventDraft(end: Safety.date("2026-11-22")), "An end date goes with"),
            ("ended outcome without end", AdverseEventDraft(outcome: .recovered), "needs its end date"),
            ("fatal without death", AdverseEventDraft(end: Safety.date("2026-11-22"), outcome: .fatal), "death"),
            ("death without fatal", AdverseEventDraft(criteria: [.death]), "fatal"),
            ("grade 5 without fatal", AdverseEventDraft(grade: 5), "Grade 5"),
            ("aware after now", AdverseEventDraft(criteria: [.hospitalization], aware: Safety.at("2026-11-25T11:00")), "after now"),
            ("aware before onset", AdverseEventDraft(criteria: [.hospitalization], aware: Safety.at("2026-11-19T12:00")), "before the onset date"),
        ]

        @Test(arguments: refusedUpdates)
        func everyRuleRefusesAnUpdateAndChangesNothing(rule: String, draft: AdverseEventDraft, message: String) throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft(onset: "2026-11-20"), now: "2026-11-21T09:00")
            let before = participant
            #expect(Safety.refuses(message) { try Safety.update(&participant, draft) }, "\(rule)")
            #expect(participant == before, "\(rule)")
        }

        @Test func makingANonSeriousEventSeriousStartsTheClockNow() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft(), now: "2026-11-21T09:00")
            #expect(participant.adverseEvents[0].aware == Safety.at("2026-11-21T09:00"))
            try Safety.update(&participant, AdverseEventDraft(criteria: [.hospitalization]), now: "2026-11-25T10:00")
            #expect(participant.adverseEvents[0].aware == Safety.at("2026-11-25T10:00"))
            #expect(Safety.rules.reportDue(participant.adverseEvents[0]) == Safety.at("2026-11-26T10:00"))
        }

        @Test func makingANonSeriousEventSeriousTakesItsAware() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft(), now: "2026-11-21T09:00")
            try Safety.update(&participant, AdverseEventDraft(criteria: [.hospitalization], aware: Safety.at("2026-11-24T18:20")), now: "2026-11-25T10:00")
            #expect(participant.adverseEvents[0].aware == Safety.at("2026-11-24T18:20"))
        }

        @Test func addingACriterionToASeriousEventKeepsTheClock() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft(criteria: [.hospitalization], aware: "2026-11-21T09:00"), now: "2026-11-21T09:30")
            try Safety.update(&participant, AdverseEventDraft(criteria: [.hospitalization, .lifeThreatening]), now: "2026-11-25T10:00")
            #expect(participant.adverseEvents[0].criteria == [.hospitalization, .lifeThreatening])
            #expect(participant.adverseEvents[0].aware == Safety.at("2026-11-21T09:00"))
            // Changing anything else of a serious event keeps the clock too.
            try Safety.update(&participant, AdverseEventDraft(severity: .severe), now: "2026-11-25T10:05")
            #expect(participant.adverseEvents[0].aware == Safety.at("2026-11-21T09:00"))
        }

        @Test func aTermThatBecomesOfSpecialInterestStartsTheClock() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft("Dizziness"), now: "2026-11-21T09:00")
            try Safety.update(&participant, AdverseEventDraft(term: "Syncope"), now: "2026-11-25T10:00")
            #expect(participant.adverseEvents[0].aware == Safety.at("2026-11-25T10:00"))
            #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-25T10:00")) == .due)
        }

        @Test func seriousOnUpdateIsTheFullList() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft(criteria: [.hospitalization, .disability]))
            try Safety.update(&participant, AdverseEventDraft(criteria: [.disability]))
            #expect(participant.adverseEvents[0].criteria == [.disability])
            try Safety.update(&participant, AdverseEventDraft(criteria: []))
            #expect(!participant.adverseEvents[0].isSerious)
            #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-25T10:00")) == .notRequired)
        }
    }
}

// MARK: - Reports and the clock

extension SafetyTests {
    struct ReportClock {
        /// A serious AE with causality assessed, aware at `aware`.
        func serious(aware: String, onset: String = "2026-11-20", baseline: String = "2026-11-02", now: String? = nil,
                     studyProtocol: StudyProtocol = Safety.scz) throws -> Participant {
            var participant = Safety.participant(baseline: baseline)
            try Safety.add(&participant, Safety.draft(onset: onset, criteria: [.hospitalization], related: .possible, aware: aware),
                           now: now ?? aware, studyProtocol: studyProtocol)
            return participant
        }

        @Test func dueIsAwarePlusTheProtocolsHoursDefault24() throws {
            let participant = try serious(aware: "2026-11-24T09:15")
            let event = participant.adverseEvents[0]
            #expect(Safety.scz.saeReportHours == 24)
            #expect(SafetyRules(Safety.scz(reportHours: nil)).reportDue(event) == Safety.at("2026-11-25T09:15"))
            #expect(SafetyRules(Safety.scz(reportHours: 24)).reportDue(event) == Safety.at("2026-11-25T09:15"))
            #expect(SafetyRules(Safety.scz(reportHours: 48)).reportDue(event) == Safety.at("2026-11-26T09:15"))
            #expect(SafetyRules(Safety.scz(reportHours: 1)).reportDue(event) == Safety.at("2026-11-24T10:15"))
        }

        @Test func aProtocolWith48HoursGivesTwoDays() throws {
            let p48 = Safety.scz(reportHours: 48)
            let rules = SafetyRules(p48)
            var participant = try serious(aware: "2026-11-23T09:15", studyProtocol: p48)
            #expect(rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-24T09:16")) == .due) // would be overdue at 24 h
            #expect(rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-25T09:15")) == .due)
            #expect(rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-25T09:16")) == .overdue)
            try Safety.report(&participant, at: "2026-11-25T09:00", now: "2026-11-25T10:00", studyProtocol: p48)
            #expect(rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-25T10:00")) == .reported)
            #expect(SafetyRules(Safety.scz).reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-25T10:00")) == .reportedLate)
        }

        /// Aware 2026-11-24T09:15, due 2026-11-25T09:15: the status at `now`, reported at `sent` if given.
        @Test(arguments: [
            ("2026-11-24T09:15", nil, AdverseEvent.ReportStatus.due),
            ("2026-11-25T09:15", nil, .due),         // at the due minute: still due
            ("2026-11-25T09:16", nil, .overdue),
            ("2026-11-30T09:00", nil, .overdue),
            ("2026-11-25T10:00", "2026-11-24T12:00", .reported),
            ("2026-11-25T10:00", "2026-11-25T09:15", .reported),  // exactly at the due minute: on time
            ("2026-11-25T10:00", "2026-11-25T09:16", .reportedLate),
            ("2026-11-25T09:15", "2026-11-24T09:15", .reported),  // at the moment of awareness
        ] as [(String, String?, AdverseEvent.ReportStatus)])
        func statusAtAMoment(now: String, sent: String?, status: AdverseEvent.ReportStatus) throws {
            var participant = try serious(aware: "2026-11-24T09:15")
            if let sent { try Safety.report(&participant, at: sent, now: now) }
            #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at(now)) == status)
            let line = AdverseEventLine(subject: participant.subject, event: participant.adverseEvents[0], rules: Safety.rules, now: Safety.at(now), zone: Safety.ny)
            #expect(line.report == status)
        }

        @Test func aReportAfterItsDueIsLateWhateverLaterMomentIsAsked() throws {
            var participant = try serious(aware: "2026-11-24T09:15")
            try Safety.report(&participant, at: "2026-11-25T09:16", now: "2026-11-25T09:30")
            for now in ["2026-11-25T09:30", "2026-12-25T09:30"] {
                #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at(now)) == .reportedLate)
            }
        }

        @Test func otherEventsAreNotRequired() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft("Headache", related: .possible))
            #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-25T10:00")) == .notRequired)
            #expect(Safety.rules.reportDue(participant.adverseEvents[0]) == nil)
        }

        @Test func theClockRunsAcrossMidnight() throws {
            var participant = try serious(aware: "2026-11-24T23:30")
            let due = try #require(Safety.rules.reportDue(participant.adverseEvents[0]))
            #expect(due == Safety.at("2026-11-25T23:30"))
            #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-25T00:10")) == .due)
            #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-25T23:31")) == .overdue)
            try Safety.report(&participant, at: "2026-11-25T23:30", now: "2026-11-26T00:05")
            #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-26T00:05")) == .reported)
        }

        @Test func theClockCountsRealHoursWhenTheClocksGoForward() throws {
            // 2026-03-08: 02:00 EST becomes 03:00 EDT, so 24 hours after 10:00 the day before the wall clock shows 11:00.
            let start = Safety.at("2026-03-07T10:00")
            #expect(start.description == "2026-03-07T10:00-05:00")
            #expect(start.adding(hours: 24).shown(in: Safety.ny).description == "2026-03-08T11:00-04:00")
            var participant = try serious(aware: "2026-03-07T10:00", onset: "2026-03-06", baseline: "2026-03-01")
            let event = participant.adverseEvents[0]
            let due = try #require(Safety.rules.reportDue(event))
            #expect(due.shown(in: Safety.ny).description == "2026-03-08T11:00-04:00")
            #expect(due.minutes - start.minutes == 24 * 60)
            let line = AdverseEventLine(subject: participant.subject, event: event, rules: Safety.rules, now: Safety.at("2026-03-08T10:30"), zone: Safety.ny)
            #expect(line.reportDue?.description == "2026-03-08T11:00-04:00")
            #expect(line.report == .due) // 10:30 by the wall clock is 23½ real hours after 10:00 the day before
            #expect(Safety.rules.reportStatus(event, at: Safety.at("2026-03-08T11:00")) == .due)
            #expect(Safety.rules.reportStatus(event, at: Safety.at("2026-03-08T11:01")) == .overdue)
            try Safety.report(&participant, at: "2026-03-08T10:45", now: "2026-03-08T12:00")
            #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-03-08T12:00")) == .reported)
        }

        @Test func theClockCountsRealHoursWhenTheClocksGoBack() throws {
            // 2026-11-01: 02:00 EDT becomes 01:00 EST, so 24 hours after 10:00 the day before the wall clock shows 09:00.
            let start = Safety.at("2026-10-31T10:00")
            #expect(start.description == "2026-10-31T10:00-04:00")
            #expect(start.adding(hours: 24).shown(in: Safety.ny).description == "2026-11-01T09:00-05:00")
            var participant = try serious(aware: "2026-10-31T10:00", onset: "2026-10-30", baseline: "2026-10-20")
            let due = try #require(Safety.rules.reportDue(participant.adverseEvents[0]))
            #expect(due.shown(in: Safety.ny).description == "2026-11-01T09:00-05:00")
            #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-01T09:30")) == .overdue)
            try Safety.report(&participant, at: "2026-11-01T09:30", now: "2026-11-01T09:45")
            // 09:30 by the wall clock is before 10:00, but 24½ real hours after awareness: late.
            #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-01T09:45")) == .reportedLate)
        }

        @Test func aLocalTimeInTheSpringGapDoesNotExist() throws {
            #expect(Safety.refuses("does not exist") { _ = try Moment("2026-03-08T02:30", zone: Safety.ny, what: "--aware") })
            #expect(Safety.refuses("does not exist") { _ = try Moment("2026-03-08T02:00", zone: Safety.ny, what: "--aware") })
            #expect(try Moment("2026-03-08T01:59", zone: Safety.ny, what: "--aware").description == "2026-03-08T01:59-05:00")
            #expect(try Moment("2026-03-08T03:00", zone: Safety.ny, what: "--aware").description == "2026-03-08T03:00-04:00")
            // A time that happens twice (clocks went back) is its first occurrence.
            #expect(try Moment("2026-11-01T01:30", zone: Safety.ny, what: "--aware").description == "2026-11-01T01:30-04:00")
            // With an offset it names one instant whatever the zone.
            let utc = try Moment("2026-11-25T15:00Z", zone: Safety.ny, what: "--at")
            #expect(utc.minutes == Safety.at("2026-11-25T10:00").minutes && utc.description == "2026-11-25T15:00+00:00")
            #expect(utc.shown(in: Safety.ny).description == "2026-11-25T10:00-05:00")
        }

        // MARK: Report refusals

        @Test func aReportForAnEventNeitherSeriousNorOfSpecialInterestIsRefused() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft("Headache", related: .possible))
            let before = participant
            #expect(Safety.refuses("neither serious nor of special interest") { try Safety.report(&participant) })
            #expect(Safety.refuses("neither serious nor of special interest") { try Safety.report(&participant, followUp: true) })
            #expect(participant == before)
        }

        @Test func anInitialReportNeedsCausality() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft(criteria: [.hospitalization], aware: "2026-11-24T09:00"))
            let before = participant
            #expect(Safety.refuses("causality") { try Safety.report(&participant, at: "2026-11-24T12:00") })
            #expect(participant == before)
            try Safety.update(&participant, AdverseEventDraft(related: .not))
            try Safety.report(&participant, at: "2026-11-24T12:00")
            #expect(participant.adverseEvents[0].initialReport?.at == Safety.at("2026-11-24T12:00"))
        }

        @Test(arguments: [("2026-11-24T08:59", "before the site was aware"), ("2026-11-25T10:01", "after now"),
                          ("2026-11-23T12:00", "before the site was aware")])
        func aReportAtBeforeAwareOrAfterNowIsRefused(sent: String, message: String) throws {
            var participant = try serious(aware: "2026-11-24T09:00")
            let before = participant
            #expect(Safety.refuses(message) { try Safety.report(&participant, at: sent, now: "2026-11-25T10:00") })
            #expect(participant == before)
        }

        @Test func aReportWithoutAtIsSentNow() throws {
            var participant = try serious(aware: "2026-11-24T09:00")
            try Safety.report(&participant, now: "2026-11-24T17:45")
            #expect(participant.adverseEvents[0].reports == [AdverseEvent.Report(at: Safety.at("2026-11-24T17:45"), followUp: false)])
        }

        // MARK: Follow-up

        @Test func aFollowUpWithoutAnInitialReportIsRefused() throws {
            var participant = try serious(aware: "2026-11-24T09:00")
            let before = participant
            #expect(Safety.refuses("no initial report") { try Safety.report(&participant, followUp: true) })
            #expect(participant == before)
        }

        @Test func aSecondInitialReportIsRefused() throws {
            var participant = try serious(aware: "2026-11-24T09:00")
            try Safety.report(&participant, at: "2026-11-24T12:00")
            let before = participant
            #expect(Safety.refuses("a later report is a follow-up") { try Safety.report(&participant, at: "2026-11-24T13:00") })
            #expect(participant == before)
        }

        @Test func changesBeforeTheInitialReportAskNoFollowUp() throws {
            var participant = try serious(aware: "2026-11-24T09:00")
            try Safety.update(&participant, AdverseEventDraft(severity: .severe))
            #expect(!participant.adverseEvents[0].followUpPending)
        }

        @Test(arguments: [
            AdverseEventDraft(severity: .severe), AdverseEventDraft(term: "Pneumonia"), AdverseEventDraft(grade: 3),
            AdverseEventDraft(criteria: [.hospitalization, .lifeThreatening]), AdverseEventDraft(related: .probable),
            AdverseEventDraft(action: .interrupted), AdverseEventDraft(outcome: .recovering),
            AdverseEventDraft(end: Safety.date("2026-11-25"), outcome: .recovered), AdverseEventDraft(onset: Safety.date("2026-11-21")),
            AdverseEventDraft(severity: .moderate),
        ])
        func anyChangeAfterTheInitialReportMakesAFollowUpPendingUntilOneIsSent(change: AdverseEventDraft) throws {
            var participant = try serious(aware: "2026-11-24T09:00")
            try Safety.report(&participant, at: "2026-11-24T12:00")
            #expect(!participant.adverseEvents[0].followUpPending)
            try Safety.update(&participant, change, now: "2026-11-25T10:00")
            #expect(participant.adverseEvents[0].followUpPending)
            // The initial report's status does not change.
            #expect(Safety.rules.reportStatus(participant.adverseEvents[0], at: Safety.at("2026-11-25T10:00")) == .reported)
            try Safety.report(&participant, at: "2026-11-25T10:00", followUp: true, now: "2026-11-25T10:00")
            #expect(!participant.adverseEvents[0].followUpPending)
            #expect(participant.adverseEvents[0].reports.map(\.followUp) == [false, true])
            // Another change asks for another follow-up.
            try Safety.update(&participant, AdverseEventDraft(action: .withdrawn), now: "2026-11-25T10:00")
            #expect(participant.adverseEvents[0].followUpPending)
        }

        @Test func aFollowUpReportIsAlsoRefusedBeforeAwareAndAfterNow() throws {
            var participant = try serious(aware: "2026-11-24T09:00")
            try Safety.report(&participant, at: "2026-11-24T12:00")
            try Safety.update(&participant, AdverseEventDraft(severity: .severe))
            let before = participant
            #expect(Safety.refuses("after now") { try Safety.report(&participant, at: "2026-11-25T10:01", followUp: true) })
            #expect(Safety.refuses("before the site was aware") { try Safety.report(&participant, at: "2026-11-24T08:00", followUp: true) })
            #expect(participant == before)
        }

        @Test func aFollowUpPendingCanAlwaysBeSent() throws {
            // A serious AE reported, then found not to be serious after all (the criterion was entered by mistake):
            // the change makes a follow-up pending, which must be clearable by `ae report --follow-up`.
            var participant = try serious(aware: "2026-11-24T09:00")
            try Safety.report(&participant, at: "2026-11-24T12:00")
            try Safety.update(&participant, AdverseEventDraft(end: Safety.date("2026-11-25"), criteria: [], outcome: .recovered),
                              reason: "not hospitalized after all; recovered")
            #expect(participant.adverseEvents[0].followUpPending)
            // The follow-up goes where the initial report went, though the event is no longer serious.
            #expect(throws: Never.self) { try Safety.report(&participant, at: "2026-11-25T09:00", followUp: true) }
            #expect(!participant.adverseEvents[0].followUpPending)
            let line = AdverseEventLine(subject: participant.subject, event: participant.adverseEvents[0], rules: Safety.rules,
                                        now: Safety.at("2026-11-25T10:00"), zone: Safety.ny)
            #expect(!line.isOpen) // ended, no report needed: nothing keeps it open
        }

        @Test func openIsNotEndedOrReportDueOverdueOrFollowUpPending() throws {
            var participant = Safety.participant()
            let now = Safety.at("2026-11-25T10:00")
            try Safety.add(&participant, Safety.draft("Headache"))                                                    // AE1 ongoing
            try Safety.add(&participant, Safety.draft("Rash", end: "2026-11-22", outcome: .recovered))               // AE2 ended, no report needed
            try Safety.add(&participant, Safety.draft("Fall", end: "2026-11-22", criteria: [.hospitalization], related: .not,
                                                      outcome: .recovered, aware: "2026-11-25T09:00"))                 // AE3 ended, report due
            try Safety.add(&participant, Safety.draft("Fracture", end: "2026-11-22", criteria: [.hospitalization], related: .not,
                                                      outcome: .recovered, aware: "2026-11-23T09:00"))                 // AE4 ended, overdue
            try Safety.add(&participant, Safety.draft("Syncope", end: "2026-11-22", related: .not, outcome: .recovered,
                                                      aware: "2026-11-24T09:00"))                                      // AE5 ended, reported
            try Safety.report(&participant, "AE5", at: "2026-11-24T10:00")
            try Safety.add(&participant, Safety.draft("Angioedema", end: "2026-11-22", related: .not, outcome: .recovered,
                                                      aware: "2026-11-24T09:00"))                                      // AE6 ended, reported, changed
            try Safety.report(&participant, "AE6", at: "2026-11-24T10:00")
            try Safety.update(&participant, AdverseEventDraft(severity: .moderate), id: "AE6")
            let open = participant.adverseEvents.filter { AdverseEventLine(subject: participant.subject, event: $0, rules: Safety.rules, now: now, zone: Safety.ny).isOpen }
            #expect(open.map(\.id) == ["AE1", "AE3", "AE4", "AE6"])
        }
    }
}

// MARK: - Concomitant medications

extension SafetyTests {
    struct Medications {
        @Test func idsAreCM1CM2InOrderOfEntry() throws {
            var participant = Safety.participant()
            for name in ["lorazepam", "olanzapine", "paracetamol"] { _ = try participant.addMedication(Safety.med(name, start: "2026-11-03"), today: Fixture.date("2026-11-25")) }
            #expect(participant.medications.map(\.id) == ["CM1", "CM2", "CM3"])
            #expect(participant.medications.map(\.name) == ["lorazepam", "olanzapine", "paracetamol"])
        }

        /// Day 1 is 2026-11-02 (the planned baseline).
        @Test(arguments: [("2026-10-01", "2026-11-01", Medication.Category.prior), ("2026-10-01", "2026-11-02", .concomitant),
                          ("2026-10-01", nil, .concomitant), ("2026-11-05", nil, .concomitant), ("2026-10-01", "2026-10-02", .prior)] as [(String, String?, Medication.Category)])
        func priorWhenEndedBeforeDayOneElseConcomitant(start: String, end: String?, category: Medication.Category) throws {
            var participant = Safety.participant()
            _ = try participant.addMedication(Safety.med("lorazepam", start: start, end: end), today: Fixture.date("2026-11-25"))
            #expect(participant.medications[0].category(dayOne: participant.origin(Safety.scz)) == category)
        }

        @Test func dayOneIsTheCompletedBaselineOnceDone() throws {
            var participant = Safety.participant()
            _ = try participant.addMedication(Safety.med("haloperidol", start: "2026-10-01", end: "2026-11-02"), today: Fixture.date("2026-11-25"))
            #expect(participant.medications[0].category(dayOne: participant.origin(Safety.scz)) == .concomitant)
            // The baseline done a day late: Day 1 is 11-03, so a medication that ended 11-02 ended before it.
            try Fixture.startDayOne(&participant, on: "2026-11-03", Safety.scz)
            #expect(participant.origin(Safety.scz) == Fixture.date("2026-11-03"))
            #expect(participant.medications[0].category(dayOne: participant.origin(Safety.scz)) == .prior)
        }

        @Test(arguments: [("Benztropine", true), ("benztropine mesylate", true), ("BENZTROPINE 1 mg", true), ("oxybutynin-XL", true),
                          ("benztropines", false), ("Cogentin", true), ("lorazepam", false), ("trihexyphenidylhydrochloride", false)])
        func prohibitedWhenConcomitantAndTheNameMatchesWholeWords(name: String, prohibited: Bool) throws {
            var participant = Safety.participant()
            _ = try participant.addMedication(Safety.med(name, start: "2026-11-10"), today: Fixture.date("2026-11-25"))
            let dayOne = participant.origin(Safety.scz)
            #expect(participant.prohibitedMedications(rules: Safety.rules, dayOne: dayOne).map(\.id) == (prohibited ? ["CM1"] : []))
            #expect(MedicationLine(subject: participant.subject, medication: participant.medications[0], dayOne: dayOne, rules: Safety.rules).prohibited == prohibited)
        }

        @Test func aPriorProhibitedMedicationIsNotProhibited() throws {
            var participant = Safety.participant()
            _ = try participant.addMedication(Safety.med("benztropine", start: "2026-10-01", end: "2026-11-01"), today: Fixture.date("2026-11-25"))
            _ = try participant.addMedication(Safety.med("benztropine", start: "2026-10-01", end: "2026-11-02"), today: Fixture.date("2026-11-25"))
            let dayOne = participant.origin(Safety.scz)
            #expect(participant.prohibitedMedications(rules: Safety.rules, dayOne: dayOne).map(\.id) == ["CM2"])
            #expect(participant.medications.map { $0.deviationDate(dayOne: dayOne) } == [Fixture.date("2026-11-02"), Fixture.date("2026-11-02")])
        }

        @Test func refusalsChangeNothing() throws {
            var participant = Safety.participant()
            let today = Fixture.date("2026-11-25")
            _ = try participant.addMedication(Safety.med("lorazepam", start: "2026-11-03"), today: today)
            let before = participant
            let cases: [(String, () throws -> Void)] = [
                ("after today", { _ = try participant.addMedication(Safety.med("x", start: "2026-11-26"), today: today) }),
                ("before the start", { _ = try participant.addMedication(Safety.med("x", start: "2026-11-10", end: "2026-11-09"), today: today) }),
                ("after today", { _ = try participant.addMedication(Safety.med("x", start: "2026-11-10", end: "2026-11-26"), today: today) }),
                ("name", { _ = try participant.addMedication(MedicationDraft(start: Fixture.date("2026-11-10")), today: today) }),
                ("start date", { _ = try participant.addMedication(MedicationDraft(name: "x"), today: today) }),
                ("reason", { _ = try participant.updateMedication("CM1", MedicationDraft(dose: "2 mg"), reason: nil, today: today) }),
                ("before the start", { _ = try participant.updateMedication("CM1", MedicationDraft(end: Fixture.date("2026-11-02")), reason: "x", today: today) }),
                ("nothing to change", { _ = try participant.updateMedication("CM1", MedicationDraft(name: "lorazepam"), reason: "x", today: today) }),
                ("no medication CM2", { _ = try participant.updateMedication("CM2", MedicationDraft(dose: "2 mg"), reason: "x", today: today) }),
            ]
            for (message, body) in cases {
                #expect(Safety.refuses(message, body), "\(message)")
                #expect(participant == before, "\(message)")
            }
            _ = try participant.updateMedication("CM1", MedicationDraft(end: Fixture.date("2026-11-20"), dose: "1 mg"), reason: "stopped", today: today)
            #expect(participant.medications[0].end == Fixture.date("2026-11-20") && participant.medications[0].dose == "1 mg")
        }
    }
}

// MARK: - The day's summary

extension SafetyTests {
    struct Summary {
        @Test func adverseEventsOfTheDayAreThoseWithOnsetThatDay() throws {
            var a = Safety.participant("101-0001"), b = Safety.participant("101-0002")
            try Safety.add(&a, Safety.draft("Headache", onset: "2026-11-24"))
            try Safety.add(&a, Safety.draft("Fall", onset: "2026-11-25", criteria: [.hospitalization]))
            try Safety.add(&b, Safety.draft("Nausea", onset: "2026-11-25"))
            let summary = Safety.summary("2026-11-25", [a, b])
            #expect(summary.adverseEvents == [.init(subject: "101-0001", id: "AE2", term: "Fall", serious: true),
                                              .init(subject: "101-0002", id: "AE1", term: "Nausea", serious: false)])
            #expect(Safety.summary("2026-11-24", [a, b]).adverseEvents.map(\.id) == ["AE1"])
            #expect(Safety.summary("2026-11-23", [a, b]).adverseEvents.isEmpty)
        }

        /// AE aware 2026-11-24T15:00 (due 11-25T15:00): on which days is its initial report listed as owed, reported at `sent`?
        @Test(arguments: [
            (nil, ["2026-11-24", "2026-11-25", "2026-11-26"]),
            ("2026-11-24T16:00", []),                          // reported the same day: never owed at a day's end
            ("2026-11-24T23:59", []),                          // the last minute of the day is before its end
            ("2026-11-25T00:00", ["2026-11-24"]),              // the first minute of the next day is not
            ("2026-11-25T08:30", ["2026-11-24"]),              // reported the next morning: still listed for the day it was owed
            ("2026-11-26T09:00", ["2026-11-24", "2026-11-25"]),
        ] as [(String?, [String])])
        func saeReportsAreThoseAwareByTheEndOfTheDayAndNotReportedBeforeIt(sent: String?, days: [String]) throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft(onset: "2026-11-23", criteria: [.hospitalization], related: .possible, aware: "2026-11-24T15:00"),
                           now: "2026-11-24T15:00")
            if let sent { try Safety.report(&participant, at: sent, now: "2026-11-26T10:00") }
            for day in ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"] {
                let owed = Safety.summary(day, [participant]).saeReports
                #expect(owed.map(\.id) == (days.contains(day) ? ["AE1"] : []), "\(day)")
            }
            let first = Safety.summary("2026-11-24", [participant]).saeReports.first
            if days.contains("2026-11-24") {
                #expect(first?.subject == "101-0001" && first?.due.description == "2026-11-25T15:00-05:00")
            }
        }

        @Test func saeReportsCountAwarenessLateInTheDayAndLeaveOutWhatNeedsNoReport() throws {
            var participant = Safety.participant()
            try Safety.add(&participant, Safety.draft("Fall", onset: "2026-11-24", criteria: [.hospitalization], aware: "2026-11-24T23:59"),
                           now: "2026-11-25T08:00")                                                                      // AE1 aware at the last minute
            try Safety.add(&participant, Safety.draft("Fracture", onset: "2026-11-24", criteria: [.hospitalization], aware: "2026-11-25T00:00"),
                           now: "2026-11-25T08:00")                                                                      // AE2 aware the next day
            try Safety.add(&participant, Safety.draft("Headache", onset: "2026-11-24"), now: "2026-11-24T12:00")       // AE3 needs none
            try Safety.add(&participant, Safety.draft("Acute urinary retention", onset: "2026-11-24", aware: "2026-11-24T12:00"),
                           now: "2026-11-24T12:00")                                                                      // AE4 special interest
            #expect(Safety.summary("2026-11-24", [participant]).saeReports.map(\.id) == ["AE1", "AE4"])
            #expect(Safety.summary("2026-11-25", [participant]).saeReports.map(\.id) == ["AE1", "AE2", "AE4"])
        }

        @Test func saeReportDueIsShownOnTheLocalClockAcrossDaylightSaving() throws {
            var participant = Safety.participant(baseline: "2026-03-01")
            try Safety.add(&participant, Safety.draft(onset: "2026-03-06", criteria: [.hospitalization], aware: "2026-03-07T10:00"),
                           now: "2026-03-07T10:00")
            let owed = Safety.summary("2026-03-07", [participant]).saeReports
            #expect(owed.map(\.due.description) == ["2026-03-08T11:00-04:00"])
            let p48 = Safety.scz(reportHours: 48)
            #expect(Safety.summary("2026-03-07", [participant], studyProtocol: p48).saeReports.map(\.due.description) == ["2026-03-09T11:00-04:00"])
        }

        /// Day 1 is 2026-11-02: a prohibited medication is a deviation from its start, or Day 1 if it started before.
        @Test func prohibitedMedicationsAreListedOnTheDayTheyBecameADeviation() throws {
            var participant = Safety.participant()
            let today = Fixture.date("2026-11-25")
            _ = try participant.addMedication(Safety.med("benztropine", start: "2026-10-25"), today: today)                      // CM1 from Day 1
            _ = try participant.addMedication(Safety.med("Oxybutynin chloride", start: "2026-11-10", end: "2026-11-12"), today: today) // CM2 from 11-10
            _ = try participant.addMedication(Safety.med("biperiden", start: "2026-10-01", end: "2026-11-01"), today: today)      // CM3 prior
            _ = try participant.addMedication(Safety.med("lorazepam", start: "2026-11-10"), today: today)                       // CM4 allowed
            #expect(Safety.summary("2026-11-02", [participant]).prohibitedMedications == [.init(subject: "101-0001", id: "CM1", name: "benztropine")])
            #expect(Safety.summary("2026-10-25", [participant]).prohibitedMedications.isEmpty)
            #expect(Safety.summary("2026-11-10", [participant]).prohibitedMedications == [.init(subject: "101-0001", id: "CM2", name: "Oxybutynin chloride")])
            for day in ["2026-10-01", "2026-11-01", "2026-11-03", "2026-11-11"] {
                #expect(Safety.summary(day, [participant]).prohibitedMedications.isEmpty, "\(day)")
            }
        }
    }
}
