import CohortDomain
import CohortStore
import Foundation

/// One participant's files as they stand in one version of the store: its data file and its trail.
public struct ParticipantFiles: Equatable, Sendable {
    /// `participants/SUBJECT.json`, as read.
    public var data: Data
    /// `audit/SUBJECT.jsonl`, as read.
    public var trail: Data

    /// One version's files.
    public init(data: Data, trail: Data) { self.data = data; self.trail = trail }

    /// Where a participant's data file lies in a store, relative to its folder.
    public static func dataPath(_ subject: String) -> String { "participants/" + subject + ".json" }
    /// Where a participant's trail lies in a store, relative to its folder.
    public static func trailPath(_ subject: String) -> String { "audit/" + subject + ".jsonl" }
}

/// What a merge of one participant gives: the files to write, and the conflicts it found (also inside the data).
public struct ParticipantMergeResult: Sendable {
    /// The merged data file and trail.
    public var files: ParticipantFiles
    /// The second side's records kept verbatim (signatures intact): a new file at `path`, relative to the
    /// store's folder (`audit/branches/SUBJECT/HEAD.jsonl`); nil when one side had nothing to merge.
    public var branch: (path: String, bytes: Data)?
    /// A participant enrolled on two machines under one ID: the data file of the one that did not keep the
    /// ID, kept verbatim beside its trail's branch file; nil otherwise.
    public var kept: (path: String, bytes: Data)? = nil
    /// The conflicts this merge recorded in the participant's data.
    public var conflicts: [SyncConflict]
}

extension JSONFileStore {
    /// Merges one participant changed on both sides since `base` (nil: created on both sides), bytes in,
    /// bytes out, writing nothing (docs/RULES.md, "Merging and conflicts"). `theirs`, the version already
    /// published on the remote, is kept verbatim: other machines hold its records, so they are never moved.
    /// This machine's saves since the base are applied again, one by one, through the domain on top of it,
    /// each with its original author and time; a change the rules refuse, or one that sets a value the other
    /// side changed to another value, becomes a conflict.
    public func mergeParticipant(subject: String, base: ParticipantFiles?, mine: ParticipantFiles, theirs: ParticipantFiles) throws -> ParticipantMergeResult {
        if let problem = SubjectID.problem(subject) { throw DomainError("Cannot merge: \(problem).") }
        guard let base else {
            return try mergeEnrollments(subject: subject, mine: mine, theirs: theirs)
        }
        let origin = try MergeSide(base, subject: subject, what: "the common version", store: self)
        let local = try MergeSide(mine, subject: subject, what: "this machine's version", store: self)
        let published = try MergeSide(theirs, subject: subject, what: "the other machine's version", store: self)
        for side in [local, published] where !side.extends(origin) {
            throw StoreError(.damaged, "\(side.what) of \(ParticipantFiles.trailPath(subject)) does not continue the common version's trail (records were rewritten): nothing was merged. Run cohort verify on both machines.")
        }
        let localSaves = local.saves(after: origin.records.count)
        if published.records.count == origin.records.count || local.head == published.head {
            return ParticipantMergeResult(files: local.files, branch: nil, conflicts: [])
        }
        if localSaves.isEmpty { return ParticipantMergeResult(files: published.files, branch: nil, conflicts: []) }
        var replay = MergeReplay(store: self, subject: subject, base: origin.tree, first: published,
                                 firstNew: Array(published.records.dropFirst(origin.records.count)))
        var branchLines: [UInt8] = []
        var running = origin.tree
        for save in localSaves {
            let before = running
            for record in save.records { try JSONPatch.apply(record.operation, to: &running) }
            try replay.reapply(save, originalBefore: before, originalAfter: running)
            for line in save.lines { branchLines += line; branchLines.append(UInt8(ascii: "\n")) }
        }
        let merged = try CanonicalJSON.seal(ParticipantFile(participant: replay.state, audit: replay.head), formatVersion: Self.formatVersion)
        let branchPath = "audit/branches/\(subject)/\(local.head.hash).jsonl"
        return ParticipantMergeResult(files: ParticipantFiles(data: Data(merged), trail: Data(replay.trail)),
                                      branch: (branchPath, Data(branchLines)), conflicts: replay.conflicts)
    }

    /// Two participants created under one subject ID on two machines (no common version) are never merged
    /// into one (docs/RULES.md, "Merging and conflicts"): the one already published (`theirs`, the first)
    /// keeps the ID, files verbatim; this machine's (the second) is kept whole, its trail as a branch file and
    /// its data beside it, and a conflict is recorded on the first by a save of the second's last author at
    /// its time, naming its head as `origin`.
    func mergeEnrollments(subject: String, mine: ParticipantFiles, theirs: ParticipantFiles) throws -> ParticipantMergeResult {
        let second = try MergeSide(mine, subject: subject, what: "this machine's version", store: self)
        let first = try MergeSide(theirs, subject: subject, what: "the other machine's version", store: self)
        if first.head == second.head { return ParticipantMergeResult(files: second.files, branch: nil, conflicts: []) }
        guard let last = second.records.last else { return ParticipantMergeResult(files: first.files, branch: nil, conflicts: []) }
        let keptData = Self.keptEnrollmentPath(subject, head: second.head.hash)
        let conflict = SyncConflict(id: "", subject: subject, what: SyncConflict.enrolledTwice,
                                    mine: "\(subject) enrolled by \(first.records.first?.user ?? "") at \(first.records.first?.time ?? "")",
                                    theirs: keptData, authors: [first.records.first?.user ?? "", second.records.first?.user ?? ""], change: nil)
        let today = CivilDate(String(last.time.prefix(10))) ?? CivilDate(year: 2000, month: 1, day: 1)!
        let environment = ChangeEnvironment(context: context, today: today, user: last.user, site: self,
                                            eligibilitySignature: { [self] in self.eligibilitySignature(of: $0) })
        var participant = first.participant
        // Participants the second had itself kept aside under this ID (a third machine) stay listed.
        let carried = second.participant.conflicts.filter(\.isEnrollment)
        var reason: String?
        for each in carried + [conflict] {
            reason = try Change.recordConflict(subject: subject, conflict: each).apply(to: &participant, in: environment)
        }
        // One change value per save: with conflicts carried over, the save is recorded as its operations alone.
        let change = Change.recordConflict(subject: subject, conflict: conflict)
        let after = try JSONValue(encoding: participant)
        let (lines, head) = try AuditLog.lines(JSONPatch.diff(from: first.tree, to: after), subject: subject, user: last.user, reason: reason,
                                               time: last.time, after: first.head, state: after.stateHash, sign: nil,
                                               change: carried.isEmpty ? RecordedChange(change: change, today: today).value : nil, origin: last.hash)
        var trail: [UInt8] = []
        for line in first.lines { trail += line; trail.append(UInt8(ascii: "\n")) }
        trail += lines
        let data = try CanonicalJSON.seal(ParticipantFile(participant: participant, audit: head), formatVersion: Self.formatVersion)
        return ParticipantMergeResult(files: ParticipantFiles(data: Data(data), trail: Data(trail)),
                                      branch: ("audit/branches/\(subject)/\(second.head.hash).jsonl", second.files.trail),
                                      kept: (keptData, second.files.data), conflicts: Array(participant.conflicts.suffix(carried.count + 1)))
    }

    /// Where a participant enrolled under an ID another machine's participant kept has its data file, beside
    /// its trail's branch file (relative to the store's folder).
    public static func keptEnrollmentPath(_ subject: String, head: String) -> String {
        "audit/branches/\(subject)/\(head).json"
    }

    /// Brings this machine's ledger up to date with participants whose files a merge replaced: each is read
    /// and its whole trail checked and replayed, then its head noted, so the next save takes the quick path.
    /// Refuses (naming it) a participant whose files do not check.
    public func adoptMerged(subjects: [String]) throws {
        try FileLock.withLock(lockFile) {
            for subject in subjects.sorted() {
                let trail = Self.checkParticipant(subject, folder: participantsDirectory, audits: auditDirectory, context: context,
                                                  ledgerHeads: [], checkDates: false)
                if let problem = trail.problems.first { throw StoreError(.damaged, problem) }
                if let head = trail.records.last { try ledger.record(subject, head: AuditHead(seq: head.seq, hash: head.hash)) }
            }
        }
    }

    /// The head hashes of every save the merges of `subject` kept in its branch files.
    func branchHeads(_ subject: String) -> Set<String> {
        Set(Self.branchLogs(subject, audits: auditDirectory).flatMap { $0.records.map(\.hash) })
    }

    /// Each branch file of `subject` (`audits/branches/SUBJECT/*.jsonl`) with its records, checked line by line.
    static func branchLogs(_ subject: String, audits: String) -> [(path: String, records: [AuditRecord], problems: [String])] {
        let folder = audits + "/branches/" + subject
        return ((try? DurableFile.entries(of: folder)) ?? []).sorted().filter { $0.hasSuffix(".jsonl") }.map { name in
            let path = folder + "/" + name
            var records: [AuditRecord] = [], problems: [String] = []
            let bytes = (try? DurableFile.read(path)).flatMap { $0 } ?? []
            for (number, range) in AuditLog.lineRanges(bytes).enumerated() {
                guard let record = try? AuditRecord(line: bytes[range]) else {
                    problems.append("\(path) line \(number + 1): not an intact audit record (edited or damaged)")
                    continue
                }
                if let last = records.last, record.seq != last.seq + 1 || record.prev != last.hash {
                    problems.append("\(path) line \(number + 1): record \(record.seq) does not chain to the record before it")
                }
                records.append(record)
            }
            return (path, records, problems)
        }
    }

    /// What `verify` proves of the participants kept aside under `subject` (enrolled under the same ID on
    /// another machine): each data file sealed, its head the last record of its branch file, and its data
    /// what that trail replays to.
    static func keptEnrollmentProblems(_ subject: String, audits: String, branches: [(path: String, records: [AuditRecord], problems: [String])]) -> [String] {
        let folder = audits + "/branches/" + subject
        return ((try? DurableFile.entries(of: folder)) ?? []).sorted().filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.compactMap { name in
            let path = folder + "/" + name
            guard let branch = branches.first(where: { $0.path == path + "l" }), branch.records.last?.hash == String(name.dropLast(5)) else {
                return "\(path): no branch file \(name)l ending at its head holds its trail (removed or edited)"
            }
            do {
                let bytes = (try DurableFile.read(path)) ?? []
                let (file, tree) = try CanonicalJSON.unsealWithTree(bytes, as: ParticipantFile.self, path: path, version: formatVersion)
                let replayed = replay(branch.records, path: branch.path)
                guard file.audit.hash == branch.records.last?.hash, replayed.problems.isEmpty, replayed.document == tree["participant"] else {
                    return "\(path) is not what its trail \(branch.path) records (edited)"
                }
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    /// What `verify` proves of a participant's merges: each branch file intact and continuing a record the
    /// trails hold, and each save a merge applied again naming an original save a branch file holds, by the
    /// same author at the same time (the original keeps its signature there), and giving what that save's
    /// change gives (`reappliedProblems`).
    static func mergeProblems(_ records: [AuditRecord], branches: [(path: String, records: [AuditRecord], problems: [String])], trail: String,
                              context: StudyContext) -> [String] {
        // A trail no merge touched (most): nothing to look up, so no table of its records is made.
        if branches.isEmpty && !records.contains(where: { $0.origin != nil }) { return [] }
        var problems = branches.flatMap(\.problems)
        let known = Set(records.map(\.hash) + branches.flatMap { $0.records.map(\.hash) } + ["genesis"])
        for branch in branches {
            if let first = branch.records.first, !known.contains(first.prev) {
                problems.append("\(branch.path): its first record does not continue any record of \(trail) or its branches (replaced or edited)")
            }
        }
        let originals = Dictionary(branches.flatMap(\.records).filter { $0.state != nil }.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
        for record in records {
            guard let origin = record.origin else { continue }
            guard let original = originals[origin] ?? records.first(where: { $0.hash == origin && $0.state != nil }) else {
                problems.append("\(trail) record \(record.seq) says a merge applied again the save \(origin.prefix(12)), which no branch file holds (edited, or the branch file was removed)")
                continue
            }
            if original.user != record.user || original.time != record.time {
                problems.append("\(trail) record \(record.seq) names the save \(origin.prefix(12)) but not its author and time (edited)")
            }
        }
        let byHash = Dictionary((records + branches.flatMap(\.records)).map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
        let saves = originals.merging(records.filter { $0.state != nil }.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
        return problems + reappliedProblems(records, originals: saves, known: byHash, context: context, trail: trail)
    }
}

/// One version of a participant's files, read and checked for a merge.
struct MergeSide {
    let what: String
    let files: ParticipantFiles
    let head: AuditHead
    let participant: Participant
    let tree: JSONValue
    let records: [AuditRecord]
    let lines: [ArraySlice<UInt8>]

    /// Reads one version: sealed data, an intact chain reaching its head, the data the replay of the chain.
    init(_ files: ParticipantFiles, subject: String, what: String, store: JSONFileStore) throws {
        self.what = what; self.files = files
        let path = "\(what) of \(ParticipantFiles.dataPath(subject))"
        let (file, tree) = try CanonicalJSON.unsealWithTree([UInt8](files.data), as: ParticipantFile.self, path: path, version: JSONFileStore.formatVersion)
        guard file.participant.subject == subject else { throw StoreError(.damaged, "\(path) holds another subject: nothing was merged.") }
        let bytes = [UInt8](files.trail)
        let verified = AuditLog.verify(bytes, head: file.audit, path: "\(what) of \(ParticipantFiles.trailPath(subject))")
        if let problem = verified.problems.first { throw StoreError(.damaged, "\(problem): nothing was merged. Run cohort verify.") }
        let replayed = JSONFileStore.replay(verified.records, path: ParticipantFiles.trailPath(subject))
        guard replayed.problems.isEmpty, replayed.document == tree["participant"] else {
            throw StoreError(.damaged, "\(path) is not what its trail records: nothing was merged. Run cohort verify.")
        }
        head = file.audit; participant = file.participant; self.tree = replayed.document
        records = verified.records; lines = verified.lines.map { bytes[$0] }
    }

    /// Whether this version's trail begins with `base`'s (the chain's hashes make one record enough).
    func extends(_ base: MergeSide) -> Bool {
        guard let last = base.records.last else { return true }
        return records.count >= base.records.count && records[base.records.count - 1].hash == last.hash
    }

    /// The saves after the first `count` records, each its records up to the one carrying `state`.
    func saves(after count: Int) -> [MergeSave] {
        var saves: [MergeSave] = [], current = MergeSave()
        for index in records.indices.dropFirst(count) {
            current.records.append(records[index]); current.lines.append(lines[index])
            if records[index].state != nil { saves.append(current); current = MergeSave() }
        }
        return saves
    }
}

/// One save of a trail: its records and their lines as written.
struct MergeSave {
    var records: [AuditRecord] = []
    var lines: [ArraySlice<UInt8>] = []
}
