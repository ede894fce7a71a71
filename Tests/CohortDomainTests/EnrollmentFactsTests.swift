@testable import CohortDomain
import Foundation
import Testing

/// Unscheduled visits (docs/RULES.md, "Visits, windows and window states").
struct UnscheduledVisitTests {
    let scz = Fixture.schizophrenia
    let today = Fixture.date("2026-12-31")

    /// Baseline 2026-11-02 (consent 10-23), SCR on 10-27 and D1 on 11-02 completed.
    func participant() throws -> Participant {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try participant.complete("SCR", on: Fixture.date("2026-10-27"), reason: nil, studyProtocol: scz, today: today)
        try participant.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today)
        return participant
    }

    @Test func numbersFollowTheOrderOfEntryAndTheVisitsListInDateOrder() throws {
        var participant = try participant()
        try participant.addUnscheduledVisit(on: Fixture.date("2026-11-05"), reason: "repeat ALT", today: today)
        try participant.addUnscheduledVisit(on: Fixture.date("2026-10-30"), reason: "extra C-SSRS", today: today)
        #expect(participant.unscheduledVisits.map(\.code) == ["U1", "U2"])
        let codes = participant.visitsInDateOrder(scz).map(\.code)
        #expect(Array(codes.prefix(5)) == ["SCR", "U2", "D1", "U1", "W1"])
        #expect(codes.count == participant.visits.count + 2)
        let u1 = try participant.visitForEntry("U1", scz)
        #expect(u1.status == .completed && u1.record.completedDate == Fixture.date("2026-11-05") && u1.unscheduled?.reason == "repeat ALT")
    }

    @Test func neverADeviationNeverABaselineAndNotInTheDayLists() throws {
        var participant = try participant()
        try participant.addUnscheduledVisit(on: Fixture.date("2026-12-20"), reason: "repeat ALT", today: today)
        #expect(participant.deviation(at: "U1", scz) == nil)
        #expect(participant.origin(scz) == Fixture.date("2026-11-02"))
        #expect(participant.plannedVisits(scz).allSatisfy { $0.unscheduled == nil })
        #expect(participant.visits.count == scz.visits.filter { !$0.isEarlyTermination }.count)
        // Its scores are never the baseline others change from.
        let panss = try Fixture.scales.definition("PANSS")
        try participant.complete("W1", on: Fixture.date("2026-11-09"), reason: nil, studyProtocol: scz, today: today)
        for (visit, total) in [("D1", 80), ("U1", 60), ("W1", 70)] {
            try participant.score(visit, scale: panss, items: Fixture.panss(total: total), date: nil, rater: nil, reason: nil, studyProtocol: scz, today: today)
        }
        let w1 = participant.administration(visit: "W1", scale: "PANSS")!
        #expect(participant.result(of: w1, context: Fixture.context)?.change == -10)
    }

    @Test func anyScaleAndAnyMeasureAreRecordedAtItAndARepeatLeavesTheOriginal() throws {
        var participant = try participant()
        let alt = MeasureEntry(test: "ALT", value: Quantity("45")!)
        try participant.recordMeasures(visit: "D1", [alt], reason: nil, studyProtocol: scz, catalog: Fixture.scales, today: today)
        try participant.addUnscheduledVisit(on: Fixture.date("2026-11-09"), reason: "repeat ALT", today: today)
        try participant.recordMeasures(visit: "U1", [MeasureEntry(test: "ALT", value: Quantity("130")!)], reason: nil, studyProtocol: scz,
                                       catalog: Fixture.scales, today: today)
        #expect(participant.measurement(visit: "D1", test: "ALT")?.value == Quantity("45"))
        #expect(participant.measurement(visit: "U1", test: "ALT")?.date == Fixture.date("2026-11-09"))
        // C-SSRS and YMRS are not collected by this protocol at all: any scale may be recorded at an unscheduled visit.
        for code in ["CSSRS", "YMRS"] {
            let scale = try Fixture.scales.definition(code)
            try participant.score("U1", scale: scale, items: Array(repeating: 0, count: scale.items.count), date: nil, rater: nil, reason: nil,
                                  studyProtocol: scz, today: today)
        }
        #expect(participant.administration(visit: "U1", scale: "YMRS")?.date == Fixture.date("2026-11-09"))
        // A protocol visit still takes only its own scales.
        let ymrs = try Fixture.scales.definition("YMRS")
        #expect(throws: DomainError.self) {
            try participant.score("D1", scale: ymrs, items: Array(repeating: 0, count: ymrs.items.count), date: nil, rater: nil, reason: nil,
                                  studyProtocol: scz, today: today)
        }
    }

    @Test func refusals() throws {
        var participant = try participant()
        func refused(_ date: String, _ fragment: String, reason: String? = "repeat ALT", on subject: Participant? = nil) {
            var copy = subject ?? participant
            #expect(throws: DomainError.self) { try copy.addUnscheduledVisit(on: Fixture.date(date), reason: reason, today: today) }
            do { try copy.addUnscheduledVisit(on: Fixture.date(date), reason: reason, today: today) } catch let error as DomainError {
                #expect(error.message.contains(fragment), "\(error.message)")
            } catch {}
            #expect(copy == (subject ?? participant))
        }
        refused("2026-10-22", "before \(participant.subject)'s consent")
        refused("2027-01-01", "after today")
        refused("2026-11-05", "reason", reason: nil)
        refused("2026-11-05", "reason", reason: "  ")
        // Not a protocol visit: it cannot be completed, missed or rescheduled.
        try participant.addUnscheduledVisit(on: Fixture.date("2026-11-05"), reason: "repeat ALT", today: today)
        #expect(throws: DomainError.self) { try participant.miss("U1", on: Fixture.date("2026-11-05"), reason: "x", studyProtocol: scz, today: today) }
        #expect(throws: DomainError.self) { try participant.complete("U1", on: Fixture.date("2026-11-06"), reason: "x", studyProtocol: scz, today: today) }
        // After a withdrawal a safety visit is still allowed; after death or past a screen failure it is not.
        var withdrawn = participant
        try withdrawn.withdraw(on: Fixture.date("2026-11-20"), category: .withdrawalBySubject, reason: "moved", screenFailure: false,
                               studyProtocol: scz, today: today)
        try withdrawn.addUnscheduledVisit(on: Fixture.date("2026-12-01"), reason: "safety follow-up", today: today)
        #expect(withdrawn.unscheduledVisits.last?.code == "U2")
        var dead = participant
        try dead.withdraw(on: Fixture.date("2026-11-20"), category: .death, reason: "died", screenFailure: false, studyProtocol: scz, today: today)
        refused("2026-11-21", "after \(participant.subject)'s death", on: dead)
        var failed = Fixture.participant(baseline: "2026-11-02")
        try failed.withdraw(on: Fixture.date("2026-10-28"), category: .eligibilityNotMet, reason: "aged 67", screenFailure: true,
                            studyProtocol: scz, today: today)
        refused("2026-10-29", "screen-failed on 2026-10-28", on: failed)
        try failed.addUnscheduledVisit(on: Fixture.date("2026-10-28"), reason: "repeat ALT", today: today)
    }

    @Test func sdtmVisitNumberIsTheLastScheduledVisitOnOrBeforeItPlusHundredths() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try participant.addUnscheduledVisit(on: Fixture.date("2026-10-24"), reason: "before any visit", today: today)
        try participant.complete("SCR", on: Fixture.date("2026-10-27"), reason: nil, studyProtocol: scz, today: today)
        try participant.complete("D1", on: Fixture.date("2026-11-02"), reason: nil, studyProtocol: scz, today: today)
        try participant.addUnscheduledVisit(on: Fixture.date("2026-11-02"), reason: "same day as D1", today: today)
        try participant.addUnscheduledVisit(on: Fixture.date("2026-10-30"), reason: "between", today: today)
        #expect(participant.sdtmVisit("U1", scz) == ("0.01", "UNSCHEDULED 1"))
        #expect(participant.sdtmVisit("U2", scz) == ("2.02", "UNSCHEDULED 2"))
        #expect(participant.sdtmVisit("U3", scz) == ("1.03", "UNSCHEDULED 3"))
        #expect(participant.sdtmVisit("D1", scz) == ("2", "Baseline"))
        #expect(participant.visitOrder("U3", scz) > participant.visitOrder("SCR", scz) && participant.visitOrder("U3", scz) < participant.visitOrder("D1", scz))
    }

    @Test func anOldFileWithoutTheNewMembersReEncodesByteForByte() throws {
        let participant = try participant()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(participant), as: UTF8.self)
        #expect(!text.contains("unscheduledVisits") && !text.contains("reconsents") && !text.contains("icfVersion"))
        var changed = participant
        try changed.addUnscheduledVisit(on: Fixture.date("2026-11-05"), reason: "repeat ALT", today: today)
        let decoded = try JSONDecoder().decode(Participant.self, from: try encoder.encode(changed))
        #expect(decoded == changed)
    }
}

/// `cohort correct` (docs/RULES.md, "Participant lifecycle").
struct EnrollmentCorrectionTests {
    let scz = Fixture.schizophrenia
    let today = Fixture.date("2026-12-31")

    func corrected(_ participant: Participant, _ correction: EnrollmentCorrection, reason: String? = "transcription error") throws -> Participant {
        var copy = participant
        try copy.correct(correction, reason: reason, studyProtocol: scz, today: today)
        return copy
    }

    func refusal(_ participant: Participant, _ correction: EnrollmentCorrection, reason: String? = "transcription error") -> String {
        do { _ = try corrected(participant, correction, reason: reason); return "accepted" } catch let error as DomainError { return error.message } catch { return "\(error)" }
    }

    @Test func eachFactIsCorrected() throws {
        let participant = Fixture.participant(baseline: "2026-11-02")
        #expect(try corrected(participant, EnrollmentCorrection(initials: "xyz")).initials == "XYZ")
        #expect(try corrected(participant, EnrollmentCorrection(birthYear: "1979")).birthYear == 1979)
        #expect(try corrected(participant, EnrollmentCorrection(sex: "m")).sex == .male)
        #expect(try corrected(participant, EnrollmentCorrection(consent: Fixture.date("2026-10-20"))).consentDate == Fixture.date("2026-10-20"))
        // A new planned baseline re-plans the schedule that is not done.
        let moved = try corrected(participant, EnrollmentCorrection(baseline: Fixture.date("2026-11-09")))
        #expect(moved.baselineDate == Fixture.date("2026-11-09"))
        #expect(try moved.plannedVisit("W1", scz).target == Fixture.date("2026-11-16"))
        #expect(try participant.plannedVisit("W1", scz).target == Fixture.date("2026-11-09"))
    }

    @Test(arguments: [
        (EnrollmentCorrection(initials: "A1"), "initials: initials are 2 or 3 letters"),
        (EnrollmentCorrection(birthYear: "84"), "four digits"),
        (EnrollmentCorrection(birthYear: "2030"), "not possible"),
        (EnrollmentCorrection(sex: "Q"), "F, M or X"),
        (EnrollmentCorrection(consent: Fixture.date("2027-01-02")), "after today"),
        (EnrollmentCorrection(consent: Fixture.date("2026-11-05")), "baseline 2026-11-02 is before consent 2026-11-05"),
        (EnrollmentCorrection(baseline: Fixture.date("2026-10-01")), "before consent"),
        (EnrollmentCorrection(baseline: Fixture.date("2028-01-01")), "more than a year after consent"),
        (EnrollmentCorrection(initials: "ab"), "nothing to correct"),
    ])
    func everyEnrollmentRuleStillHolds(correction: EnrollmentCorrection, fragment: String) {
        let participant = Fixture.participant(baseline: "2026-11-02")
        let message = refusal(participant, correction)
        #expect(message.contains(fragment), "\(message)")
    }

    @Test func aReasonIsRequired() {
        #expect(refusal(Fixture.participant(baseline: "2026-11-02"), EnrollmentCorrection(sex: "M"), reason: nil).contains("reason"))
    }

    /// Baseline 11-20, consent 11-10, not randomized yet (the fixture randomizes at consent).
    func fresh() -> Participant {
        var participant = Fixture.participant(baseline: "2026-11-20")
        participant.randomization = nil
        return participant
    }

    @Test func aConsentAfterARecordedProcedureIsRefusedNamingIt() throws {
        var participant = fresh()
        // consent 11-10; SCR completed 11-13: consent may move to the 13th, not past it
        try participant.complete("SCR", on: Fixture.date("2026-11-13"), reason: nil, studyProtocol: scz, today: today)
        #expect(try corrected(participant, EnrollmentCorrection(consent: Fixture.date("2026-11-13"))).consentDate == Fixture.date("2026-11-13"))
        #expect(refusal(participant, EnrollmentCorrection(consent: Fixture.date("2026-11-14"))).contains("SCR was completed on 2026-11-13"))
        var scored = fresh()
        try scored.addUnscheduledVisit(on: Fixture.date("2026-11-11"), reason: "repeat ALT", today: today)
        #expect(refusal(scored, EnrollmentCorrection(consent: Fixture.date("2026-11-12"))).contains("unscheduled visit U1 took place on 2026-11-11"))
        var randomized = fresh()
        randomized.randomization = Randomization(number: "R-9", date: Fixture.date("2026-11-12"))
        #expect(refusal(randomized, EnrollmentCorrection(consent: Fixture.date("2026-11-13"))).contains("randomization is dated 2026-11-12"))
        var reconsented = fresh()
        try reconsented.reconsent(version: "2", on: Fixture.date("2026-11-12"), today: today)
        #expect(refusal(reconsented, EnrollmentCorrection(consent: Fixture.date("2026-11-13"))).contains("re-consent is dated 2026-11-12"))
        var missed = fresh()
        try missed.miss("SCR", on: Fixture.date("2026-11-12"), reason: "ill", studyProtocol: scz, today: today)
        #expect(refusal(missed, EnrollmentCorrection(consent: Fixture.date("2026-11-13"))).contains("SCR was marked missed on 2026-11-12"))
    }

    @Test func thePlannedBaselineStaysOnceTheBaselineVisitIsDone() throws {
        var participant = Fixture.participant(baseline: "2026-11-02")
        try participant.complete("SCR", on: Fixture.date("2026-10-27"), reason: nil, studyProtocol: scz, today: today)
        try participant.complete("D1", on: Fixture.date("2026-11-03"), reason: nil, studyProtocol: scz, today: today)
        #expect(refusal(participant, EnrollmentCorrection(baseline: Fixture.date("2026-11-04"))).contains("baseline visit D1 was completed on 2026-11-03"))
    }
}

/// Consent versions and re-consents (docs/RULES.md, "Participant lifecycle").
struct ConsentTests {
    let today = Fixture.date("2026-12-31")

    @Test func enrollmentRecordsTheVersionAndAReconsentAddsOne() throws {
        var request = EnrollmentRequest(subject: "101-0007", initials: "AB", birthYear: "1984", sex: "F", study: "SCZ-5W-INPT", arm: "",
                                        consentDate: "2026-11-02", baselineDate: "2026-11-09")
        request.icfVersion = "v2_1-DE"
        var participant = try request.enroll(protocols: [Fixture.schizophrenia], takenSubjects: [], today: today)
        #expect(participant.icfVersion == "v2_1-DE")
        try participant.reconsent(version: "3.0", on: Fixture.date("2026-12-01"), today: today)
        #expect(participant.consents == [Consent(date: Fixture.date("2026-11-02"), icfVersion: "v2_1-DE"),
                                         Consent(date: Fixture.date("2026-12-01"), icfVersion: "3.0")])
        #expect(participant.consents.map(\.description) == ["2026-11-02 ICF v2_1-DE", "2026-12-01 ICF 3.0"])
    }

    @Test(arguments: [("3.0", "2026-11-01", "before 101-0001's first consent"), ("3.0", "2027-01-01", "after today"),
                      ("3 0", "2026-12-01", "1 to 20 of"), ("", "2026-12-01", "1 to 20 of"), ("é", "2026-12-01", "1 to 20 of"),
                      (String(repeating: "1", count: 21), "2026-12-01", "1 to 20 of"), ("2", "2026-12-01", "already consented")])
    func reconsentRefusals(version: String, date: String, fragment: String) throws {
        var participant = Fixture.participant(baseline: "2026-11-12")
        try participant.reconsent(version: "2", on: Fixture.date("2026-12-01"), today: today)
        let before = participant
        do {
            try participant.reconsent(version: version, on: Fixture.date(date), today: today)
            Issue.record("accepted")
        } catch let error as DomainError {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
        #expect(participant == before)
    }
}

/// Consented people outside the age limits are enrolled, with a warning (docs/RULES.md, "Participant lifecycle").
struct AgeLimitTests {
    let scz = Fixture.schizophrenia // 18–65

    @Test(arguments: [
        ("2008", "born 2008, aged 17 or 18 at consent on 2026-11-25: check the date of birth against the 18–65 limit"),
        ("1960", "born 1960, aged 65 or 66 at consent on 2026-11-25: check the date of birth against the 18–65 limit"),
        ("2009", "born 2009, aged 16 or 17 at consent on 2026-11-25: below the 18–65 limit"),
        ("1959", "born 1959, aged 66 or 67 at consent on 2026-11-25: above the 18–65 limit"),
    ])
    func outsideOrMaybeOutsideALimitWarnsAndStillEnrolls(year: String, warning: String) throws {
        let request = EnrollmentRequest(subject: "101-0007", initials: "AB", birthYear: year, sex: "F", study: scz.id, arm: "",
                                        consentDate: "2026-11-25", baselineDate: "2026-12-02")
        let participant = try request.enroll(protocols: [scz], takenSubjects: [], today: Fixture.date("2026-11-25"))
        #expect(participant.birthYear == Int(year))
        #expect(request.warnings(protocols: [scz]).first?.hasPrefix(warning) == true, "\(request.warnings(protocols: [scz]))")
    }

    @Test func withinTheLimitsSaysNothing() {
        for year in [1962, 1990, 2007] {
            #expect(AgeAtConsent.warnings(birthYear: year, consent: Fixture.date("2026-11-25"), studyProtocol: scz).isEmpty, "\(year)")
        }
    }

    @Test func theNewCategoryIsListedForScreenFailures() {
        #expect(WithdrawalCategory(rawValue: "eligibility-not-met") == .eligibilityNotMet)
        #expect(WithdrawalCategory.allCases.map(\.rawValue).contains("eligibility-not-met"))
    }
}
