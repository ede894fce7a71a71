import CohortDomain
import Foundation

/// The store on disk: one sealed JSON file per participant and per protocol, one audit chain per
/// participant, one lock. An edit to one participant reads and writes only that participant's files, so
/// saving costs the same at any store size and two people editing different participants never conflict.
///
/// Layout: `cohort-store.json`, `protocols/ID.json`, `participants/SUBJECT.json`, `audit/SUBJECT.jsonl`,
/// `audit/_store.jsonl` (store-wide records), `.lock`.
public final class JSONFileStore: ParticipantStore {
    /// The format this version writes; older ones are migrated on open.
    public static let formatVersion = 1

    /// The store directory.
    public let directory: String
    public private(set) var context: StudyContext
    public private(set) var site: SiteInfo
    private let user: String
    private let clock: () -> Date
    /// The review table as last read or checked, with its files' stamps (see `loadTable`).
    var knownTable: ReviewTableCodec.Contents?
    /// The fingerprint of the context it was computed for (see `contextFingerprint`).
    private var fingerprintMemo: (context: StudyContext, value: String)?

    /// Identifies the protocols and scales digests are derived with: a cache made with others is rebuilt.
    func contextFingerprint() -> String {
        if let memo = fingerprintMemo, memo.context == context { return memo.value }
        var bytes = (try? CanonicalJSON.compact(context.sortedProtocols)) ?? []
        bytes += (try? CanonicalJSON.compact(context.scales.all)) ?? []
        let value = SHA256.hex(bytes)
        fingerprintMemo = (context, value)
        return value
    }

    private var siteFile: String { directory + "/cohort-store.json" }
    private var lockFile: String { directory + "/.lock" }
    var participantsDirectory: String { directory + "/participants" }
    private var protocolsDirectory: String { directory + "/protocols" }
    private var auditDirectory: String { directory + "/audit" }
    private func participantFile(_ subject: String) -> String { participantsDirectory + "/" + subject + ".json" }
    private func auditLog(_ subject: String?) -> AuditLog { AuditLog(path: auditDirectory + "/" + (subject ?? "_store") + ".jsonl") }

    /// Opens an existing store, verifying its site and protocol files.
    public init(directory: String, scales: ScaleCatalog, user: String, clock: @escaping () -> Date = Date.init) throws {
        self.directory = directory
        self.user = user
        self.clock = clock
        guard let bytes = try DurableFile.read(directory + "/cohort-store.json") else {
            throw StoreError(.missing, "No Cohort store at \(directory). Create one with `cohort init --protocol NAME` (see `cohort protocols`), or try `cohort --demo`.")
        }
        site = try CanonicalJSON.unseal(bytes, as: SiteInfo.self, path: directory + "/cohort-store.json", currentVersion: Self.formatVersion)
        context = StudyContext(protocols: [], scales: scales)
        context = StudyContext(protocols: try readProtocols(), scales: scales)
    }

    /// Creates a new store with its first protocol. Refuses a directory that already holds a store.
    @discardableResult
    public static func create(directory: String, siteName: String, siteNumber: String, studyProtocol: StudyProtocol,
                              scales: ScaleCatalog, user: String, clock: @escaping () -> Date = Date.init) throws -> JSONFileStore {
        guard siteNumber.count == 3, siteNumber.allSatisfy(\.isNumber) else {
            throw DomainError("The site number '\(siteNumber)' must be three digits, e.g. 101 (subject IDs look like 101-0007).")
        }
        _ = try FreeText.required(siteName, what: "site name")
        if (try DurableFile.read(directory + "/cohort-store.json")) != nil {
            throw DomainError("\(directory) already holds a Cohort store; add a protocol with `cohort init --protocol NAME --store \(directory)`.")
        }
        try DurableFile.makeDirectory(directory)
        return try FileLock.withLock(directory + "/.lock") {
            for folder in ["participants", "protocols", "audit"] { try DurableFile.makeDirectory(directory + "/" + folder) }
            let created = UTCTimestamp.string(from: clock())
            let info = SiteInfo(name: siteName, number: siteNumber, created: created, audit: .empty)
            try DurableFile.replace(directory + "/cohort-store.json", with: try CanonicalJSON.seal(info, formatVersion: formatVersion))
            let store = try JSONFileStore(directory: directory, scales: scales, user: user, clock: clock)
            try store.saveProtocolLocked(studyProtocol, storeCreated: "\(siteName) (site \(siteNumber))")
            return store
        }
    }

    /// Adds a protocol to the store (refused when one with the same id is already there).
    public func addProtocol(_ studyProtocol: StudyProtocol) throws {
        try FileLock.withLock(lockFile) {
            site = try readSite()
            context = StudyContext(protocols: try readProtocols(), scales: context.scales)
            guard context.protocols[studyProtocol.id] == nil else {
                throw DomainError("The store already has protocol \(studyProtocol.id); a protocol in use is never replaced.")
            }
            try saveProtocolLocked(studyProtocol, storeCreated: nil)
        }
    }

    private func saveProtocolLocked(_ studyProtocol: StudyProtocol, storeCreated: String?) throws {
        let problems = studyProtocol.problems(scales: context.scales)
        guard problems.isEmpty else { throw DomainError("Protocol \(studyProtocol.id) is refused: " + problems.joined(separator: "; ") + ".") }
        var changes: [FieldChange] = []
        if let storeCreated { changes.append(FieldChange(entity: "store", field: "*", old: nil, new: storeCreated)) }
        changes.append(FieldChange(entity: "protocol \(studyProtocol.id)", field: "*", old: nil,
                                   new: String(decoding: try CanonicalJSON.compact(studyProtocol), as: UTF8.self)))
        let log = auditLog(nil)
        let head = try log.append(Mutation(changes: changes, reason: nil), subject: nil, user: user,
                                  time: UTCTimestamp.string(from: clock()), after: try log.prepareTail())
        try DurableFile.replace(protocolsDirectory + "/" + studyProtocol.id + ".json",
                                with: try CanonicalJSON.seal(studyProtocol, formatVersion: Self.formatVersion))
        site.audit = head
        try DurableFile.replace(siteFile, with: try CanonicalJSON.seal(site, formatVersion: Self.formatVersion))
        context = StudyContext(protocols: context.sortedProtocols + [studyProtocol], scales: context.scales)
    }

    // MARK: Reading

    public func subjects() throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: participantsDirectory) } catch {
            throw StoreError(.damaged, "The folder \(participantsDirectory) cannot be read: the store is incomplete. Restore it from a backup.")
        }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }.sorted()
    }

    public func participant(_ subject: String) throws -> Participant {
        try readParticipant(subject).participant
    }

    /// Hands `body` what `transform` makes of every readable participant, in subject order. Participants are
    /// read and transformed a batch at a time on all cores (files are independent; decoding and checking
    /// them is what it costs), and each batch is let go, so going through a large store needs the memory
    /// of one batch. Returns the unreadable files.
    @discardableResult
    public func forEachParticipant<Value>(batch: Int = 512, _ transform: @escaping @Sendable (Participant) -> Value,
                                          _ body: (Value) throws -> Void) rethrows -> [StoreError] {
        let names: [String]
        do { names = try subjects() } catch let error as StoreError {
            return [error]
        } catch {
            return [StoreError(.damaged, "\(error)")]
        }
        let folder = participantsDirectory
        var problems: [StoreError] = []
        let batch = max(1, batch)
        for start in stride(from: 0, to: names.count, by: batch) {
            let batchNames = Array(names[start..<min(start + batch, names.count)])
            let outcomes = ParallelResults<Result<Value, StoreError>>(count: batchNames.count)
            outcomes.fill { index in Self.readParticipantResult(batchNames[index], folder: folder).map(transform) }
            for outcome in outcomes.all {
                switch outcome {
                case .success(let value)?: try body(value)
                case .failure(let error)?: problems.append(error)
                case nil: break
                }
            }
        }
        return problems
    }

    private func readParticipant(_ subject: String) throws -> ParticipantFile {
        try Self.readParticipant(subject, folder: participantsDirectory)
    }

    /// Like `readParticipant`, with every failure as the store error that names the file.
    static func readParticipantResult(_ subject: String, folder: String) -> Result<Participant, StoreError> {
        do {
            return .success(try readParticipant(subject, folder: folder).participant)
        } catch let error as StoreError {
            return .failure(error)
        } catch let error as DomainError {
            return .failure(StoreError(.damaged, error.message))
        } catch {
            return .failure(StoreError(.damaged, "\(folder)/\(subject).json: \(error)"))
        }
    }

    /// Reads and checks one participant file in `folder`.
    static func readParticipant(_ subject: String, folder: String) throws -> ParticipantFile {
        if let problem = SubjectID.problem(subject) { throw DomainError("Unknown subject: \(problem).") }
        let path = folder + "/" + subject + ".json"
        guard let bytes = try DurableFile.read(path) else {
            throw DomainError("No participant \(subject) in this store. `cohort visits` or `cohort audit` list the subjects here.")
        }
        let file = try CanonicalJSON.unseal(bytes, as: ParticipantFile.self, path: path, currentVersion: formatVersion)
        guard file.participant.subject == subject else {
            throw StoreError(.damaged, "\(path) holds subject \(file.participant.subject), not \(subject): the file was renamed or copied by hand. It was not changed.")
        }
        return file
    }

    private func readSite() throws -> SiteInfo {
        guard let bytes = try DurableFile.read(siteFile) else { throw StoreError(.missing, "\(siteFile) has disappeared.") }
        return try CanonicalJSON.unseal(bytes, as: SiteInfo.self, path: siteFile, currentVersion: Self.formatVersion)
    }

    private func readProtocols() throws -> [StudyProtocol] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: protocolsDirectory)) ?? []
        return try names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { name in
            let path = protocolsDirectory + "/" + name
            guard let bytes = try DurableFile.read(path) else { throw StoreError(.damaged, "\(path) disappeared while reading.") }
            return try CanonicalJSON.unseal(bytes, as: StudyProtocol.self, path: path, currentVersion: Self.formatVersion)
        }
    }

    // MARK: Writing

    public func enroll(_ request: EnrollmentRequest, today: CivilDate) throws -> Participant {
        try FileLock.withLock(lockFile) {
            removeLeftovers(of: request.subject)
            let (participant, mutation) = try request.enroll(protocols: context.sortedProtocols,
                                                             takenSubjects: Set(try subjects()), today: today)
            try save(participant, mutation: mutation)
            return participant
        }
    }

    @discardableResult
    public func update(_ subject: String, _ change: (inout Participant, StudyProtocol) throws -> Mutation) throws -> Participant {
        try FileLock.withLock(lockFile) {
            if SubjectID.problem(subject) == nil { removeLeftovers(of: subject) }
            let file = try readParticipant(subject)
            var participant = file.participant
            let mutation = try change(&participant, try context.studyProtocol(for: participant))
            guard !mutation.changes.isEmpty else { return participant }
            try save(participant, mutation: mutation, committed: file.audit)
            return participant
        }
    }

    /// Saves a participant made elsewhere with its whole history (the demo site): every mutation is audited
    /// with its own time, in one append, then the file is written. Refuses a subject already present.
    public func saveNew(_ participant: Participant, history: [(mutation: Mutation, time: Date)]) throws {
        try FileLock.withLock(lockFile) {
            if let problem = SubjectID.problem(participant.subject) { throw DomainError("Cannot save: \(problem).") }
            guard try DurableFile.read(participantFile(participant.subject)) == nil else {
                throw DomainError("\(participant.subject) is already enrolled.")
            }
            let log = auditLog(participant.subject)
            var head = try log.prepareTail()
            for (mutation, time) in history {
                head = try log.append(mutation, subject: participant.subject, user: user, time: UTCTimestamp.string(from: time), after: head)
            }
            let file = ParticipantFile(participant: participant, audit: head)
            try DurableFile.replace(participantFile(participant.subject), with: try CanonicalJSON.seal(file, formatVersion: Self.formatVersion))
        }
    }

    /// Audit first (flushed), then the data file atomically: a crash between leaves the old data and an
    /// audit record past the saved head, which `verify` reports as an interrupted save.
    private func save(_ participant: Participant, mutation: Mutation, committed: AuditHead = .empty) throws {
        let log = auditLog(participant.subject)
        let tail = try log.prepareTail()
        guard tail.seq >= committed.seq else {
            throw StoreError(.damaged, "\(log.path) ends at record \(tail.seq) but \(participantFile(participant.subject)) refers to record \(committed.seq): records were removed. Nothing was changed; run cohort verify.")
        }
        let length = try log.length()
        do {
            let head = try log.append(mutation, subject: participant.subject, user: user,
                                      time: UTCTimestamp.string(from: clock()), after: tail)
            let file = ParticipantFile(participant: participant, audit: head)
            let folderBefore = FileStamp.of(participantsDirectory)
            try DurableFile.replace(participantFile(participant.subject), with: try CanonicalJSON.seal(file, formatVersion: Self.formatVersion))
            noteSaved(participant, folderBefore: folderBefore)
        } catch {
            // The save failed (full disk, I/O error): take back the uncommitted audit records so the store is
            // byte for byte as it was. If even that fails, verify reports them as an interrupted save.
            log.rollBack(to: length)
            throw error
        }
    }

    /// Temp files (and the previous version kept during a save) are only ever written under the lock, so any
    /// found while holding it are from a crashed save. Only the files of the participant about to be saved
    /// are looked for: cleaning must not cost more as the store grows.
    private func removeLeftovers(of subject: String) {
        for suffix in [".tmp", ".old"] { unlink(participantsDirectory + "/." + subject + ".json" + suffix) }
    }

    // MARK: Audit and verification

    public func auditRecords(subject: String?) throws -> [AuditRecord] {
        if let subject {
            _ = try readParticipant(subject)
            return try auditLog(subject).records()
        }
        var records = try auditLog(nil).records()
        for subject in try subjects() { records += try auditLog(subject).records() }
        return records
    }

    /// Checks every file's checksum and every audit chain; returns problems (damage, tampering) and notes.
    public func verify() -> (problems: [String], notes: [String]) {
        var problems: [String] = [], notes: [String] = []
        func check(_ outcome: (problems: [String], notes: [String])) { problems += outcome.problems; notes += outcome.notes }
        do {
            let info = try readSite()
            check(auditLog(nil).verify(head: info.audit))
        } catch { problems.append("\(error)") }
        do { _ = try readProtocols() } catch { problems.append("\(error)") }
        let allSubjects: [String]
        do { allSubjects = try subjects() } catch { return (problems + ["\(error)"], notes) }
        // Participants are independent: check them on all cores, then report in subject order.
        let folder = participantsDirectory, audits = auditDirectory, context = context
        let outcomes = ParallelResults<(problems: [String], notes: [String])>(count: allSubjects.count)
        outcomes.fill { index in
            let subject = allSubjects[index]
            do {
                let file = try Self.readParticipant(subject, folder: folder)
                var outcome = AuditLog(path: audits + "/" + subject + ".jsonl").verify(head: file.audit)
                if context.protocols[file.participant.study] == nil {
                    outcome.problems.insert("\(folder)/\(subject).json follows study \(file.participant.study), which is not in this store", at: 0)
                }
                return outcome
            } catch {
                return (["\(error)"], [])
            }
        }
        for outcome in outcomes.all { if let outcome { check(outcome) } }
        let known = Set(allSubjects)
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: auditDirectory)) ?? []
        for name in logs.sorted() where name.hasSuffix(".jsonl") && name != "_store.jsonl" && !known.contains(String(name.dropLast(6))) {
            problems.append("\(auditDirectory)/\(name) has no participant file: the participant's data was deleted")
        }
        return (problems, notes)
    }
}

/// Results worked out on all cores, one per index, read after they have all finished.
final class ParallelResults<Value>: @unchecked Sendable {
    private var values: [Value?]
    private let lock = NSLock()
    init(count: Int) { values = Array(repeating: nil, count: count) }
    var all: [Value?] { lock.lock(); defer { lock.unlock() }; return values }

    /// Sets every index to `value(index)`, spreading the indexes over all cores in interleaved runs.
    func fill(_ value: @Sendable (Int) -> Value) {
        let count = values.count
        let runs = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount * 4))
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            for index in stride(from: run, to: count, by: runs) {
                let result = value(index)
                lock.lock()
                values[index] = result
                lock.unlock()
            }
        }
    }
}

/// A participant file's content: the participant and the audit record its saved state corresponds to.
struct ParticipantFile: Codable {
    var participant: Participant
    var audit: AuditHead
}

#if canImport(Glibc)
import Glibc
#endif
