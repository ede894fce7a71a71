import CohortDomain
import CohortStore
import Foundation

extension JSONFileStore {
    /// Enrolls the participant a merge kept aside under `subject` (conflict `id`, enrolled under the same ID on
    /// another machine) again as `newSubject` (docs/RULES.md, "Merging and conflicts"): a new participant file
    /// and trail, created from the kept data with a reason naming the old ID and the kept trail's head. The
    /// conflict itself is closed after this by `Change.resolveConflict` with `.renumber`, whose `apply` calls
    /// this first. Done already (a resolution stopped between the two steps): the participant it made.
    @discardableResult
    public func renumber(_ subject: String, conflict id: String, as newSubject: String, reason: String) throws -> Participant {
        try authenticate()
        let why = try FreeText.required(reason, what: "reason")
        let conflict = try readParticipant(subject).participant.conflict(id)
        guard conflict.isEnrollment, let keptPath = conflict.theirs else {
            throw DomainError("Conflict \(id) of \(subject) is not a participant enrolled on two machines: take mine, theirs or a value.")
        }
        let head = (keptPath as NSString).lastPathComponent.replacingOccurrences(of: ".json", with: "")
        let kept = "its trail kept as \((keptPath as NSString).deletingPathExtension).jsonl, head \(head)"
        return try FileLock.withLock(lockFile) {
            _ = try requireSigner(.coordinator, to: "enroll participants")
            if SubjectID.problem(newSubject) == nil, let made = try? readParticipant(newSubject).participant,
               (try? auditLog(newSubject).verify(head: nil).records.first?.reason?.contains(kept)) == true {
                return made
            }
            if let problem = SubjectID.problem(newSubject, site: site.number, taken: try usedSubjects(besides: newSubject)) {
                throw DomainError("Cannot renumber \(subject)'s conflict \(id) as \(Text.shown(newSubject, longest: 24)): \(problem). Give a free ID of this site (cohort enroll next suggests one).")
            }
            guard let bytes = try DurableFile.read(directory + "/" + keptPath) else {
                throw StoreError(.damaged, "\(keptPath), the participant conflict \(id) of \(subject) kept, is missing: restore it from another machine (cohort sync), then resolve again.")
            }
            var participant = try CanonicalJSON.unseal(bytes, as: ParticipantFile.self, path: keptPath, version: Self.formatVersion).participant
            participant.subject = newSubject
            // A signature signs bytes that name the subject: under the new ID it would read as broken. The
            // signatures stay in the kept files; the new participant is signed again (docs/RULES.md, "Merging and conflicts").
            let unsigned = participant.signatures.count
            participant.signatures = []
            participant.casebookLock = nil
            removeLeftovers(of: newSubject)
            let signatures = unsigned == 0 ? "" : "; its \(unsigned) signature(s) sign \(subject) and stay in the kept files: sign again"
            try save(participant, before: nil, committed: .empty,
                     reason: "\(why) (renumbered: enrolled as \(subject) on another machine, \(kept)\(signatures))",
                     time: clock())
            return participant
        }
    }
}
