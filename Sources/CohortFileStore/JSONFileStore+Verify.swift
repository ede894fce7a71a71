import CohortDomain
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `cohort verify` and the trails `cohort audit` prints: what the store proves (README, "What verify
/// proves"). Everything is read under the store lock, so a save in progress is never taken for damage.
extension JSONFileStore {
    /// Checks the whole store and names every problem: each file intact, of a plain kind and owner-only
    /// mode; each chain unbroken and reaching its data's head; each participant equal to the replay of its
    /// trail and within its definitions; the protocols equal to the store-wide trail's record of them; no
    /// participant deleted or rolled back behind what a machine's ledger saw committed. Notes are not
    /// failures (a save that did not finish, records set aside).
    /// Every problem is named: a store-level one (a site file or protocol missing or altered) does not stop
    /// the participants being checked. `verify` reads only; it never migrates, repairs or closes a mode.
    /// Every Part 11 signature is checked against its signer's public key: one whose Ed25519 signature or
    /// content hash does not verify is broken (docs/RULES.md, "Signatures").
    public func verify() -> (problems: [String], notes: [String]) {
        do {
            return try FileLock.withLock(lockFile, timeout: 30) { verifyLocked() }
        } catch {
            return (["\(error)"], [])
        }
    }

    private func verifyLocked() -> (problems: [String], notes: [String]) {
        var problems = Self.entryProblems(directory), notes: [String] = []
        let (ledgerHeads, ledgerLines) = (try? ledger.entries()) ?? ([:], ["\(directory)/ledger cannot be read"])
        notes += ledgerLines
        let storeLog = auditLog(nil)
        let (signatures, userProblems) = verifyUsers(ledgerHeads: ledgerHeads)
        let partEleven = SignatureVerifier(users: Array(signatures.users.values))
        problems += userProblems
        if let bytes = try? DurableFile.read(siteFile), let version = try? CanonicalJSON.formatVersion(of: bytes, path: siteFile), version < Self.formatVersion {
            // The store opened for verify only because it holds format-2 files (JSONFileStore.init).
            problems.append("\(siteFile) says store format \(version), but \((try? formatTwoEvidence()).flatMap { $0 } ?? "the store is format 2"): the site file was replaced or edited by hand. Restore the store from a backup.")
        }
        do {
            let site = try readSite()
            let verified = storeLog.verify(head: site.audit)
            problems += verified.problems
            problems += signatures.problems(verified.records, path: storeLog.path)
            if verified.uncommitted > 0 { notes.append(Self.uncommittedNote(verified.uncommitted, storeLog)) }
            notes += Self.endNotes(storeLog, verified)
            problems += Self.ledgerProblems(ledgerHeads[Ledger.storeChain] ?? [], head: site.audit, records: verified.records, file: siteFile)
            // A day summary's content moves with records made later that day: only its Ed25519 signature proves anything here.
            for signature in site.summarySignatures ?? [] where !partEleven.verifies(signature, subject: "-") {
                problems.append("\(siteFile): " + Self.brokenSignature(signature))
            }
            var protocols: [StudyProtocol] = []
            for id in site.protocols {
                do { protocols.append(try readProtocol(id)) } catch { problems.append("\(error)") }
            }
            let replayed = Self.replay(verified.records, path: storeLog.path)
            problems += replayed.problems
            if replayed.problems.isEmpty && protocols.count == site.protocols.count {
                problems += Self.differences(replayed.document, try Self.storeState(site: site, protocols: protocols),
                                             what: "\(siteFile) and \(protocolsDirectory)", trail: storeLog.path)
            }
            for name in try DurableFile.entries(of: protocolsDirectory).sorted()
            where name.hasSuffix(".json") && !name.hasPrefix(".") && !site.protocols.contains(String(name.dropLast(5))) {
                notes.append("\(protocolsDirectory)/\(name) is not one of the store's protocols (left by an add that did not finish; ignored)")
            }
        } catch {
            problems.append("\(error)")
        }
        let allSubjects: [String]
        do { allSubjects = try subjects() } catch { problems.append("\(error)"); allSubjects = [] }
        // Every save since format 2 is in a ledger: none at all means it was removed, and with it the
        // means to see a deleted or rolled-back participant.
        if !allSubjects.isEmpty && !ledgerHeads.keys.contains(where: Ledger.isParticipantChain) {
            problems.append("\(directory)/ledger records no participant although the store has \(allSubjects.count): the ledger was removed or emptied, so deleted or rolled-back participants cannot be seen. Restore it from a backup.")
        }
        // Participants are independent: check them on all cores, then report in subject order.
        let folder = participantsDirectory, audits = auditDirectory, context = context
        let outcomes = ParallelResults<(problems: [String], notes: [String])>(count: allSubjects.count)
        outcomes.fill { index in
            let subject = allSubjects[index]
            return Self.participantProblems(subject, folder: folder, audits: audits, context: context, ledgerHeads: ledgerHeads[subject] ?? [],
                                            signatures: signatures, verifier: partEleven)
        }
        for outcome in outcomes.all { if let outcome { problems += outcome.problems; notes += outcome.notes } }
        let known = Set(allSubjects)
        for name in ((try? DurableFile.entries(of: auditDirectory)) ?? []).sorted() where name.hasSuffix(".jsonl") {
            let subject = String(name.dropLast(6))
            guard subject != Ledger.storeChain && !known.contains(subject) else { continue }
            if ledgerHeads[subject] != nil {
                problems.append("\(auditDirectory)/\(name) has no participant file: \(subject)'s data was deleted. Restore it from a backup.")
            } else {
                notes.append("\(auditDirectory)/\(name) holds only records of an enrollment of \(subject) that did not finish (no data was saved); they are set aside if \(subject) is enrolled")
            }
        }
        for subject in ledgerHeads.keys.sorted() where Ledger.isParticipantChain(subject) && !known.contains(subject)
            && access(auditLog(subject).path, F_OK) != 0 {
            problems.append("\(subject) was saved on this site (the ledger records it) but both its files are gone: the participant was deleted. Restore it from a backup.")
        }
        let aside = auditDirectory + "/interrupted"
        for name in ((try? DurableFile.entries(of: aside)) ?? []).sorted() {
            notes.append("\(aside)/\(name) holds records of saves that did not finish, set aside (they never changed the data)")
        }
        return (problems, notes)
    }

    /// The delegation log checked as participants are (each user file against the replay of its trail,
    /// every save signed), and the signature rules for the rest of the store.
    func verifyUsers(ledgerHeads: [String: [AuditHead]] = [:]) -> (SaveSignatures, [String]) {
        var problems: [String] = [], users: [User] = [], trails: [String: [AuditRecord]] = [:]
        let names: [String]
        do { names = try userNames() } catch { return (SaveSignatures(users: []), ["\(error)"]) }
        // A user the ledger saw saved whose file is gone was deleted (with its trail, or without it).
        for chain in ledgerHeads.keys.sorted() where chain.hasPrefix(Ledger.userChainPrefix) {
            let name = String(chain.dropFirst(Ledger.userChainPrefix.count))
            guard !names.contains(name) else { continue }
            let trail = access(userLog(name).path, F_OK) == 0 ? "" : " and its trail \(userLog(name).path)"
            problems.append("User \(name.prefix(32)) was saved on this site (the ledger records it) but \(userFile(name))\(trail) is gone: the user was deleted from the delegation log. Restore it from a backup.")
        }
        for name in names {
            let log = userLog(name), path = userFile(name)
            do {
                guard let bytes = try DurableFile.read(path) else { continue }
                let (file, tree) = try CanonicalJSON.unsealWithTree(bytes, as: UserFile.self, path: path, version: Self.formatVersion)
                users.append(file.user)
                let verified = log.verify(head: file.audit)
                problems += verified.problems
                problems += Self.ledgerProblems(ledgerHeads[Ledger.userChain(name)] ?? [], head: file.audit, records: verified.records, file: path)
                let replayed = Self.replay(verified.records, path: log.path)
                problems += replayed.problems
                if verified.problems.isEmpty && replayed.problems.isEmpty {
                    problems += Self.differences(replayed.document, tree["user"] ?? .null, what: path, trail: log.path)
                    // The user's roles over time, as their file's trail records them (docs/RULES.md, "Signed saves").
                    trails[name] = verified.records
                }
            } catch {
                problems.append("\(error)")
            }
        }
        let signatures = SaveSignatures(users: users, trails: trails)
        for name in names {
            let log = userLog(name)
            let head = (try? DurableFile.read(userFile(name))).flatMap { $0 }.flatMap { try? CanonicalJSON.unseal($0, as: UserFile.self, path: "", version: Self.formatVersion) }?.audit
            problems += signatures.problems(log.verify(head: head).records, path: log.path)
        }
        return (signatures, problems)
    }

    public func auditTrail(subject: String) throws -> AuditTrail {
        if let problem = SubjectID.problem(subject) { throw DomainError("Unknown subject: \(problem).") }
        return try FileLock.withLock(lockFile, timeout: 30) {
            let heads = try ledger.entries().heads[subject] ?? []
            // Without its data file, a trail is either a deleted participant's (the ledger saw it saved) or
            // the records of an enrollment that did not finish, which never happened.
            guard access(participantFile(subject), F_OK) == 0 || !heads.isEmpty else {
                let leftover = access(auditLog(subject).path, F_OK) == 0
                    ? " (an enrollment of \(subject) that did not finish left records; they are set aside if \(subject) is enrolled)" : ""
                throw DomainError("No participant \(subject) in this store\(leftover). `cohort visits` or `cohort audit` list the subjects here.")
            }
            let trail = Self.checkParticipant(subject, folder: participantsDirectory, audits: auditDirectory, context: context, ledgerHeads: heads)
            return AuditTrail(records: trail.records, problems: trail.problems)
        }
    }

    /// One participant: its file, its chain, the replay of the chain against the file, the ledger's heads;
    /// with `checkDates` (verify), also that nothing is dated after the day of death.
    static func checkParticipant(_ subject: String, folder: String, audits: String, context: StudyContext,
                                 ledgerHeads: [AuditHead], checkDates: Bool = false,
                                 signatures: SignatureVerifier? = nil) -> (problems: [String], notes: [String], records: [AuditRecord]) {
        let log = AuditLog(path: audits + "/" + subject + ".jsonl")
        let path = folder + "/" + subject + ".json"
        let file: ParticipantFile, tree: JSONValue
        do {
            (file, tree) = try readParticipant(subject, folder: folder, context: context, checkState: false, checkValues: false)
        } catch {
            // The chain is still checked and shown on its own.
            let verified = log.verify(head: nil)
            return (["\(error)"] + verified.problems, [], verified.records)
        }
        let verified = log.verify(head: file.audit)
        var problems = verified.problems, notes: [String] = []
        // A head a ledger names that a merge moved to a branch file is not a rollback.
        let branches = branchLogs(subject, audits: audits)
        let moved = Set(branches.flatMap { $0.records.map(\.hash) })
        let ledgerHeads = ledgerHeads.filter { !moved.contains($0.hash) }
        problems += mergeProblems(verified.records, branches: branches, trail: log.path, context: context)
        problems += keptEnrollmentProblems(subject, audits: audits, branches: branches)
        // A participant whose protocol file is missing (named once, as a store problem) is still replayed
        // against its trail; only its values cannot be checked against the visits and scales it names.
        if context.protocols[file.participant.study] == nil {
            notes.append("\(path): values not checked against a definition: its protocol \(file.participant.study.prefix(40)) is missing.")
        } else if let problem = valueProblem(file.participant, path: path, context: context) {
            problems.append(problem)
        }
        if verified.uncommitted > 0 { notes.append(uncommittedNote(verified.uncommitted, log)) }
        notes += endNotes(log, verified)
        problems += ledgerProblems(ledgerHeads, head: file.audit, records: verified.records, file: path)
        if problems.isEmpty {
            let replayed = replay(verified.records, path: log.path)
            problems += replayed.problems
            if replayed.problems.isEmpty {
                problems += differences(replayed.document, tree["participant"] ?? .null, what: path, trail: log.path)
            }
        }
        // Not a reason to refuse the file (an earlier version let it be saved, and the lead corrects it
        // through the usual changes), but the data contradicts itself: docs/RULES.md, "Adverse events and medications", after a death.
        let afterDeath = checkDates ? file.participant.recordedAfterDeath() : []
        if let death = file.participant.dayOfDeath, !afterDeath.isEmpty {
            problems.append("\(path): \(subject) died on \(death), yet has data dated after it: " + afterDeath.prefix(5).joined(separator: ", ")
                            + (afterDeath.count > 5 ? " and \(afterDeath.count - 5) more" : "") + ". Correct the dates (cohort show \(subject)).")
        }
        if let signatures, let studyProtocol = context.protocols[file.participant.study] {
            let statuses = signatures.statuses(of: file.participant, studyProtocol: studyProtocol)
            for (signature, status) in zip(file.participant.signatures, statuses) where status == .broken {
                problems.append("\(path): " + brokenSignature(signature))
            }
        }
        return (problems, notes, verified.records)
    }

    /// What `verify` says of a broken signature.
    static func brokenSignature(_ signature: Signature) -> String {
        "the \(signature.scope) signature by \(signature.user) at \(signature.time) does not verify (its record, its signer's key or the content it signed was altered): \(signature.manifestation)"
    }

    /// Applies `records` in order to `{}`; stops at the first record that does not fit.
    static func replay(_ records: [AuditRecord], path: String) -> (document: JSONValue, problems: [String]) {
        var document = JSONValue.emptyObject
        for record in records {
            do {
                try JSONPatch.apply(record.operation, to: &document)
            } catch {
                return (document, ["\(path) record \(record.seq) does not fit the data before it (\(error)): the trail was edited or does not belong to this data"])
            }
        }
        return (document, [])
    }

    /// A problem when the stored data is not what the trail rebuilds, naming the first difference.
    static func differences(_ replayed: JSONValue, _ stored: JSONValue, what: String, trail: String) -> [String] {
        let found = JSONPatch.diff(from: replayed, to: stored)
        guard let first = found.first else { return [] }
        func show(_ value: JSONValue?) -> String {
            guard let value else { return "nothing" }
            let text = String(decoding: value.canonicalBytes(), as: UTF8.self)
            return text.count > 60 ? String(text.prefix(57)) + "..." : text
        }
        return ["\(what) differs from the replay of \(trail) in \(Text.count(found.count, "place")), first at \(first.path.isEmpty ? "/" : first.path) (trail: \(show(first.old)), file: \(show(first.value))): the data was edited by hand or replaced"]
    }

    /// Problems when a ledger saw this chain reach further than its data, or saw a record the chain no longer holds.
    static func ledgerProblems(_ heads: [AuditHead], head: AuditHead, records: [AuditRecord], file: String) -> [String] {
        guard let furthest = heads.max(by: { $0.seq < $1.seq }) else { return [] }
        if furthest.seq > head.seq {
            return ["\(file) was rolled back: record \(furthest.seq) was committed on this site, but the file refers to record \(head.seq). Restore the latest backup."]
        }
        let hashes = Dictionary(records.map { ($0.seq, $0.hash) }, uniquingKeysWith: { first, _ in first })
        if let rewritten = heads.first(where: { entry in hashes[entry.seq].map { $0 != entry.hash } ?? false }) {
            return ["\(file)'s trail was rewritten: record \(rewritten.seq) is not the one committed on this site (the ledger holds another). Restore the latest backup."]
        }
        return []
    }

    /// A note when a trail's last line has no newline (cut short while being written, or edited): every
    /// line Cohort writes ends with one, and the next save adds it.
    static func endNotes(_ log: AuditLog, _ verified: VerifiedLog) -> [String] {
        // From the bytes the check read: the file is read once (docs/DECISIONS.md, "verify: where the instructions went").
        guard verified.cutShort else { return [] }
        return ["\(log.path) does not end with a newline (its last line was cut short while being written, or the file was edited); the next save adds it"]
    }

    static func uncommittedNote(_ count: Int, _ log: AuditLog) -> String {
        "\(log.path): \(Text.count(count, "record")) after the saved data belong to a save that did not finish; they never changed the data and are set aside in \(log.asidePath) at the next change"
    }

    /// Every link, special file and mode looser than owner-only in the store, folders included.
    static func entryProblems(_ root: String) -> [String] {
        var problems: [String] = []
        func visit(_ path: String, depth: Int) {
            var info = stat()
            // The store's own folder may be a link to where the user keeps it; nothing inside may be.
            guard (depth == 0 ? stat(path, &info) : lstat(path, &info)) == 0 else { problems.append("\(path) cannot be inspected: \(String(cString: strerror(errno)))"); return }
            let kind = info.st_mode & S_IFMT
            let loose = info.st_mode & 0o077
            switch kind {
            case S_IFDIR:
                if loose != 0 { problems.append("\(path) is open to other users (mode \(String(info.st_mode & 0o777, radix: 8))): chmod 700 it") }
                guard depth < 4 else { return }
                // A synced store's `.git` folder is git's, not the store's (docs/RULES.md, "Several machines").
                for name in ((try? DurableFile.entries(of: path)) ?? []).sorted() where !(depth == 0 && name == ".git") {
                    visit(path + "/" + name, depth: depth + 1)
                }
            case S_IFREG:
                if loose != 0 { problems.append("\(path) is open to other users (mode \(String(info.st_mode & 0o777, radix: 8))): chmod 600 it") }
            case S_IFLNK:
                problems.append("\(path) is a symbolic link: Cohort never follows links in a store. Put the real file there (from a backup).")
            default:
                problems.append("\(path) is not a regular file or folder (a FIFO, socket or device): remove it and restore the real file from a backup.")
            }
        }
        visit(root, depth: 0)
        return problems
    }
}
