@testable import CohortDomain
import CohortTestSupport
import Foundation
import Testing

/// The eligibility checklist (docs/RULES.md, "Eligibility"): criteria in protocols, answers, completeness,
/// eligibility, and the gate before randomization and the baseline.
struct EligibilityTests {
    /// The open-label test protocol with `criteria` as its `eligibility` member.
    static func protocolText(_ criteria: String) -> String {
        ProtocolTests.valid.replacingOccurrences(of: #""primaryScale": "PANSS","#, with: #""primaryScale": "PANSS", "eligibility": "# + criteria + ",")
    }

    static let criteria = #"{"inclusion": [{"id": "I1", "text": "Aged 18 to 65"}, {"id": "I2", "text": "Schizophrenia (DSM-5)"}], "exclusion": [{"id": "E1", "text": "Urinary retention"}, {"id": "E2", "text": "Hepatic impairment"}]}"#

    static func gated() throws -> StudyProtocol { try StudyProtocol.parse(Data(protocolText(criteria).utf8), scales: Fixture.scales) }

    func refusal(_ criteria: String) -> String {
        do {
            _ = try StudyProtocol.parse(Data(Self.protocolText(criteria).utf8), scales: Fixture.scales)
            return "accepted"
        } catch let error as DomainError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// A participant of `studyProtocol` with screening done, nothing answered.
    func screened(_ studyProtocol: StudyProtocol) throws -> Participant {
        let request = EnrollmentRequest(subject: "101-0001", initials: "AB", birthYear: "1980", sex: "F", study: studyProtocol.id,
                                        arm: studyProtocol.blinded ? "" : "A", consentDate: "2026-11-08", baselineDate: "2026-11-18")
        var participant = try request.enroll(protocols: [studyProtocol], takenSubjects: [], today: Fixture.date("2026-11-25"))
        try participant.complete("SCR", on: Fixture.date("2026-11-12"), reason: nil, studyProtocol: studyProtocol, today: Fixture.date("2026-11-25"))
        return participant
    }

    func complete(_ participant: inout Participant, _ studyProtocol: StudyProtocol, signature: EligibilitySignature = .notRequired) throws {
        try participant.complete("D1", on: Fixture.date("2026-11-18"), reason: nil, studyProtocol: studyProtocol, today: Fixture.date("2026-11-25"),
                                 signature: signature)
    }

    @Test func everyBundledProtocolListsItsOwnInclusionAndExclusionCriteria() {
        var seen: Set<[String]> = []
        for studyProtocol in [TestData.schizophrenia, TestData.depression, TestData.mania] {
            let criteria = try! #require(studyProtocol.eligibility, "\(studyProtocol.id)")
            #expect(criteria.inclusion.count >= 4 && criteria.exclusion.count >= 5, "\(studyProtocol.id)")
            #expect(seen.insert(criteria.all.map(\.criterion.text)).inserted, "\(studyProtocol.id) repeats another protocol's list")
        }
        let exclusions = TestData.schizophrenia.eligibility?.exclusion.map { $0.text.lowercased() } ?? []
        #expect(exclusions.contains { $0.contains("urinary retention") })
        #expect(exclusions.contains { $0.contains("hepatic") })
    }

    @Test(arguments: [
        (#"{"inclusion": [{"id": "i1", "text": "Adult"}]}"#, "eligibility inclusion 1 has id 'i1'; an id is 1 to 8 of A-Z 0-9"),
        (#"{"inclusion": [{"id": "INCLUSION1", "text": "Adult"}]}"#, "eligibility inclusion 1 has id 'INCLUSION1'"),
        (#"{"inclusion": [{"id": "", "text": "Adult"}]}"#, "eligibility inclusion 1 has id ''"),
        (#"{"exclusion": [{"id": "E-1", "text": "Pregnant"}]}"#, "eligibility exclusion 1 has id 'E-1'"),
        (#"{"inclusion": [{"id": "C1", "text": "Adult"}], "exclusion": [{"id": "C1", "text": "Pregnant"}]}"#, "eligibility criterion id C1 is used twice"),
        (#"{"inclusion": [{"id": "I1", "text": "\#(String(repeating: "a", count: 201))"}]}"#, "the text of criterion I1 is longer than 200 characters"),
        (#"{"inclusion": [{"id": "I1", "text": "   "}]}"#, "the text of criterion I1 is empty"),
        (#"{"inclusion": [{"id": "I1", "text": "Adult\u0007"}]}"#, "the text of criterion I1 holds control characters"),
        (#"{"inclusion": [{"id": "I1", "text": "Adult \u202E65"}]}"#, "the text of criterion I1 holds control characters"),
        (#"{"exclusion": [{"id": "E1", "text": "Preg\u00ADnant"}]}"#, "the text of criterion E1 holds the invisible character U+00AD"),
        (#"{"inclusion": [], "exclusion": []}"#, "eligibility lists no criteria"),
        (#"{"inclusion": [{"id": "I1", "text": "Adult", "note": "x"}]}"#, "eligibility inclusion 1 has unknown member 'note'"),
        (#"{"inclusions": [{"id": "I1", "text": "Adult"}]}"#, "eligibility has unknown member 'inclusions'"),
        (#"{"inclusion": [{"id": "I1"}]}"#, "'text' is missing"),
    ])
    func aBadCriterionIsRefusedNamingIt(criteria: String, expected: String) {
        let message = refusal(criteria)
        #expect(message.contains(expected), "\(message)")
    }

    @Test func aProtocolWithoutCriteriaReadsAndWritesAsBeforeAndOneWithThemKeepsThem() throws {
        let plain = try StudyProtocol.parse(Data(ProtocolTests.valid.utf8), scales: Fixture.scales)
        #expect(plain.eligibility == nil)
        #expect(!String(decoding: try JSONEncoder().encode(plain), as: UTF8.self).contains("eligibility"))
        let gated = try Self.gated()
        #expect(try JSONDecoder().decode(StudyProtocol.self, from: JSONEncoder().encode(gated)) == gated)
        #expect(gated.eligibility?.all.map(\.criterion.id) == ["I1", "I2", "E1", "E2"])
    }

    @Test func answersAreAbsentFromTheFileUntilTheFirstOne() throws {
        let studyProtocol = try Self.gated()
        var participant = try screened(studyProtocol)
        #expect(!String(decoding: try JSONEncoder().encode(participant), as: UTF8.self).contains("eligibility"))
        try participant.answerEligibility([EligibilityEntry(id: "I1", answer: .met, source: "chart")], reason: nil, studyProtocol: studyProtocol)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(participant), as: UTF8.self)
        #expect(text.contains(#""eligibility":{"I1":{"answer":"met","source":"chart"}}"#), "\(text)")
        #expect(try JSONDecoder().decode(Participant.self, from: JSONEncoder().encode(participant)) == participant)
    }

    @Test func answeringFollowsTheCorrectionRules() throws {
        let studyProtocol = try Self.gated()
        var participant = try screened(studyProtocol)
        func refused(_ entries: [EligibilityEntry], reason: String? = nil) -> String {
            var copy = participant
            do { try copy.answerEligibility(entries, reason: reason, studyProtocol: studyProtocol); return "accepted" } catch let error as DomainError { return error.message } catch { return "\(error)" }
        }
        #expect(refused([EligibilityEntry(id: "I9", answer: .met)]).contains("T-1 has no eligibility criterion 'I9'; its criteria are I1, I2, E1, E2"))
        #expect(refused([EligibilityEntry(id: "I1", answer: .met, source: "chart\u{1B}[2J")]).contains("source of I1 contains control characters"))
        #expect(refused([EligibilityEntry(id: "I1", answer: .met, source: String(repeating: "x", count: 501))]).contains("keep it to 500"))
        // A first answer needs no reason; the same answer again changes nothing and is refused.
        #expect(try participant.answerEligibility([EligibilityEntry(id: "I1", answer: .met, source: " chart ")], reason: nil, studyProtocol: studyProtocol) == nil)
        #expect(participant.eligibility["I1"] == EligibilityRecord(answer: .met, source: "chart"))
        #expect(refused([EligibilityEntry(id: "I1", answer: .met, source: "chart")]).contains("101-0001 I1 already reads met (chart)"))
        // Changing a saved answer is a correction: a reason is required, and recorded.
        #expect(refused([EligibilityEntry(id: "I1", answer: .notMet)]).contains("reason to change the saved answer to I1 is required"))
        #expect(try participant.answerEligibility([EligibilityEntry(id: "I1", answer: .notMet)], reason: "misread the chart", studyProtocol: studyProtocol) == "misread the chart")
        #expect(participant.eligibility["I1"] == EligibilityRecord(answer: .notMet))
        // A protocol without criteria has no checklist to answer.
        var plain = Fixture.participant()
        let open = try StudyProtocol.parse(Data(ProtocolTests.valid.utf8), scales: Fixture.scales)
        #expect(throws: DomainError.self) { try plain.answerEligibility([EligibilityEntry(id: "I1", answer: .met)], reason: nil, studyProtocol: open) }
        #expect(plain.eligibilityChecklist(open) == nil)
    }

    @Test func theChecklistIsCompleteWhenAllIsAnsweredAndEligibleWhenInclusionsAreMetAndExclusionsNot() throws {
        let studyProtocol = try Self.gated()
        var participant = try screened(studyProtocol)
        var checklist = try #require(participant.eligibilityChecklist(studyProtocol))
        #expect(!checklist.isComplete && !checklist.isEligible && checklist.unanswered == ["I1", "I2", "E1", "E2"])
        #expect(checklist.gate(requiresSignature: false, isSigned: false) == "Eligibility: I1, I2, E1, E2 not answered")
        try participant.answerEligibility([EligibilityEntry(id: "I1", answer: .met), EligibilityEntry(id: "E1", answer: .notMet)], reason: nil, studyProtocol: studyProtocol)
        checklist = try #require(participant.eligibilityChecklist(studyProtocol))
        #expect(checklist.gate(requiresSignature: false, isSigned: false) == "Eligibility: I2, E2 not answered")
        #expect(checklist.state == "2 of 4 answered")
        try participant.answerEligibility([EligibilityEntry(id: "I2", answer: .notMet), EligibilityEntry(id: "E2", answer: .met)], reason: nil, studyProtocol: studyProtocol)
        checklist = try #require(participant.eligibilityChecklist(studyProtocol))
        #expect(checklist.isComplete && !checklist.isEligible)
        #expect(checklist.gate(requiresSignature: false, isSigned: false) == "not eligible: I2 not met, E2 met")
        #expect(checklist.screenFailureReason == "Not eligible: I2 not met, E2 met")
        try participant.answerEligibility([EligibilityEntry(id: "I2", answer: .met), EligibilityEntry(id: "E2", answer: .notMet)], reason: "corrected", studyProtocol: studyProtocol)
        checklist = try #require(participant.eligibilityChecklist(studyProtocol))
        #expect(checklist.isComplete && checklist.isEligible && checklist.state == "complete, eligible")
        // Without users nobody can sign, so complete and eligible opens the gate; with users it must be signed.
        #expect(checklist.gate(requiresSignature: false, isSigned: false) == nil)
        #expect(checklist.gate(requiresSignature: true, isSigned: false) == "Eligibility: not signed")
        #expect(checklist.gate(requiresSignature: true, isSigned: true) == nil)
    }

    @Test func theBaselineWaitsForACompleteEligibleChecklist() throws {
        let studyProtocol = try Self.gated()
        var participant = try screened(studyProtocol)
        #expect { try complete(&participant, studyProtocol) } throws: { error in
            (error as? DomainError)?.message == "101-0001 cannot complete the baseline D1 yet: Eligibility: I1, I2, E1, E2 not answered. Record each with `cohort eligibility 101-0001 ID met|not-met [--source TEXT]`."
        }
        try participant.answerEligibility([EligibilityEntry(id: "I1", answer: .met), EligibilityEntry(id: "I2", answer: .notMet),
                                           EligibilityEntry(id: "E1", answer: .met), EligibilityEntry(id: "E2", answer: .notMet)], reason: nil, studyProtocol: studyProtocol)
        #expect { try complete(&participant, studyProtocol) } throws: { error in
            (error as? DomainError)?.message == "101-0001 cannot complete the baseline D1 yet: not eligible: I2 not met, E1 met. Record the screen failure: `cohort withdraw 101-0001 --screen-fail --category eligibility-not-met --reason 'Not eligible: I2 not met, E1 met'`."
        }
        #expect(participant.visit("D1")?.status == .scheduled)
        try participant.answerEligibility([EligibilityEntry(id: "I2", answer: .met), EligibilityEntry(id: "E1", answer: .notMet)], reason: "re-read", studyProtocol: studyProtocol)
        #expect { try complete(&participant, studyProtocol, signature: .unsigned) } throws: { error in
            (error as? DomainError)?.message.contains("cannot complete the baseline D1 yet: Eligibility: not signed. An investigator signs it with `cohort sign 101-0001 eligibility`") == true
        }
        try complete(&participant, studyProtocol, signature: .signed)
        #expect(participant.status == .active)
        // Re-dating a completed baseline is not gated again.
        var other = try screened(studyProtocol)
        other.recordEligible(studyProtocol)
        try complete(&other, studyProtocol)
        #expect(other.status == .active)
    }

    @Test func randomizationWaitsForTheChecklistAndAProtocolWithoutCriteriaIsNotGated() throws {
        var participant = try screened(TestData.schizophrenia)
        func randomize(_ signature: EligibilitySignature = .notRequired) throws {
            try participant.randomize(number: "R-1", on: Fixture.date("2026-11-18"), studyProtocol: TestData.schizophrenia, today: Fixture.date("2026-11-25"),
                                      taken: [], signature: signature)
        }
        #expect { try randomize() } throws: { error in
            (error as? DomainError)?.message.hasPrefix("101-0001 cannot be randomized yet: Eligibility: I1, I2, I3, I4, I5, I6, E1, E2, E3, E4, E5, E6, E7 not answered.") == true
        }
        #expect(participant.randomization == nil)
        participant.recordEligible(TestData.schizophrenia)
        #expect(throws: DomainError.self) { try randomize(.unsigned) }
        try randomize()
        #expect(participant.randomization?.number == "R-1")
        // A protocol that lists no criteria is not gated.
        let open = try StudyProtocol.parse(Data(ProtocolTests.valid.utf8), scales: Fixture.scales)
        var plain = try screened(open)
        try complete(&plain, open, signature: .unsigned)
        #expect(plain.status == .active)
    }

    @Test func theChangeCarriesTheAnswersAndTheEnvironmentSaysWhetherASignatureIsRequired() throws {
        let studyProtocol = TestData.schizophrenia
        let context = StudyContext(protocols: [studyProtocol], scales: Fixture.scales)
        var participant = try screened(studyProtocol)
        let answers = TestData.eligibleAnswers(studyProtocol)
        let change = Change.answerEligibility(subject: "101-0001", answers: answers, reason: nil)
        #expect(change.subject == "101-0001" && change.description.hasPrefix("101-0001 eligibility I1 met, I2 met"))
        _ = try change.apply(to: &participant, in: ChangeEnvironment(context: context, today: Fixture.date("2026-11-25"), user: "lead", site: UnknownSite()))
        #expect(participant.eligibilityChecklist(studyProtocol)?.isEligible == true)
        let randomize = Change.randomize(subject: "101-0001", number: "R-1", date: Fixture.date("2026-11-18"))
        var unsigned = participant
        #expect { _ = try randomize.apply(to: &unsigned, in: ChangeEnvironment(context: context, today: Fixture.date("2026-11-25"), user: "lead",
                                                                                site: UnknownSite(), eligibilitySignature: { _ in .unsigned })) } throws: { error in
            (error as? DomainError)?.message.contains("Eligibility: not signed") == true
        }
        _ = try randomize.apply(to: &participant, in: ChangeEnvironment(context: context, today: Fixture.date("2026-11-25"), user: "lead",
                                                                       site: UnknownSite(), eligibilitySignature: { _ in .signed }))
        #expect(participant.randomization != nil)
    }

    @Test func anAnswerToACriterionTheProtocolDoesNotHaveIsAProblemOfTheFile() throws {
        var participant = Fixture.participant()
        #expect(participant.problems(context: Fixture.context).isEmpty)
        participant.eligibility["I99"] = EligibilityRecord(answer: .met)
        #expect(participant.problems(context: Fixture.context).contains("an eligibility answer names criterion I99, which is not in protocol SCZ-5W-INPT"))
    }
}
