import CohortDomain
import CohortStore
import Foundation

/// What a sync checks of what came in from the remote before it keeps it: the files on disk are the
/// merged ones; only the participants that came in are read (docs/RULES.md, "Several machines").
extension JSONFileStore {
    /// The problems of the received participants `subjects` (each checked as `verify` checks one: sealed
    /// data, an intact chain reaching its head, the data the replay of its trail, its merges' branch files,
    /// signatures where the store has users) and, with `storeWide`, of the store-wide files (the site file
    /// and protocols against the store-wide trail, every user's file against its trail). The caller holds
    /// the store lock. Costs what came in, plus the users' files.
    public func incomingProblems(subjects: [String], storeWide: Bool) -> [String] {
        var problems: [String] = []
        var context = self.context
        if storeWide {
            do {
                let site = try readSite()
                let protocols = try readProtocols()
                problems += storeTrailProblems(site: site, protocols: protocols)
                context = StudyContext(protocols: protocols, scales: context.scales)
            } catch {
                problems.append("\(error)")
            }
        }
        let (signatures, userProblems) = verifyUsers()
        if storeWide { problems += userProblems }
        let verifier = SignatureVerifier(users: Array(signatures.users.values))
        for subject in subjects {
            problems += Self.participantProblems(subject, folder: participantsDirectory, audits: auditDirectory, context: context,
                                                 ledgerHeads: [], signatures: signatures, verifier: verifier).problems
        }
        return problems
    }

    /// One participant as `verify` checks it: `checkParticipant`, then every signature of its trail and of
    /// its merges' branch files.
    static func participantProblems(_ subject: String, folder: String, audits: String, context: StudyContext, ledgerHeads: [AuditHead],
                                    signatures: SaveSignatures, verifier: SignatureVerifier) -> (problems: [String], notes: [String]) {
        let trail = checkParticipant(subject, folder: folder, audits: audits, context: context, ledgerHeads: ledgerHeads,
                                     checkDates: true, signatures: verifier)
        // The second sides of merges keep their signed saves in branch files (docs/RULES.md, "Merging and conflicts").
        let branches = branchLogs(subject, audits: audits)
        // A save a merge applied again is judged by its signed original's author (docs/RULES.md, "Signed saves").
        let signedOrigins = Set((trail.records + branches.flatMap(\.records)).filter { $0.signature != nil }.map(\.hash))
        let branchSignatures = branches.flatMap { signatures.problems($0.records, path: $0.path) }
        return (trail.problems + signatures.problems(trail.records, path: audits + "/" + subject + ".jsonl", signedOrigins: signedOrigins)
                + branchSignatures, trail.notes)
    }
}
