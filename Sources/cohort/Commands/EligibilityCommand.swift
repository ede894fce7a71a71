import ArgumentParser
import CohortDomain
import CohortStore
import Foundation

/// `cohort eligibility`: what was found for one entry criterion (docs/RULES.md, "Eligibility").
struct EligibilityCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "eligibility", abstract: "Record whether a participant meets one entry criterion of the protocol (audited).",
        discussion: "Randomization and the baseline visit wait until every criterion is answered, every inclusion met and every exclusion not met. `cohort show SUBJECT` lists the checklist.")
    @Argument(help: "Subject ID.") var subject: String
    @Argument(help: "The criterion id, e.g. I1 or E2.") var id: String
    @Argument(help: "met or not-met.") var answer: EligibilityAnswer
    @Option(help: "Where it was found, e.g. \"screening labs 2026-11-10\".") var source: String?
    @Option(help: "Reason (required to change a saved answer).") var reason: String?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        let criterion = id.uppercased()
        let participant = try session.apply(.answerEligibility(subject: subject, answers: [EligibilityEntry(id: criterion, answer: answer, source: source)],
                                                               reason: reason), in: store)
        let studyProtocol = try store.context.studyProtocol(for: participant)
        guard let checklist = participant.eligibilityChecklist(studyProtocol) else { return }
        var lines = ["Saved: \(subject) \(criterion) \(answer.words). Eligibility: \(checklist.state)."]
        if checklist.isComplete && !checklist.isEligible {
            // An ineligible checklist offers the screen failure, with the failed criteria as its reason.
            lines.append(participant.status == .screening
                         ? "Record the screen failure: \(Participant.screenFailureCommand(subject, checklist))"
                         : "\(subject) is \(participant.status.rawValue): the checklist now says not eligible; tell the PI and the sponsor.")
        } else if checklist.isEligible {
            switch store.eligibilitySignature(of: participant) {
            case .notRequired: lines.append("Not signed (a store without users has no signatures); randomization and the baseline may go ahead.")
            case .unsigned: lines.append("Not signed: an investigator signs it with `cohort sign \(subject) eligibility`; randomization and the baseline wait for it.")
            case .signed: lines.append("Signed; randomization and the baseline may go ahead.")
            }
        }
        Session.confirm(lines.joined(separator: "\n"))
    }
}

extension EligibilityAnswer: ExpressibleByArgument {}
