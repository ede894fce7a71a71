import CohortDomain
import CohortIdentity
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The store on disk: one sealed JSON file per participant and per protocol, one audit chain per
/// participant, one ledger per machine, one lock. An edit to one participant reads and writes only that
/// participant's files (and appends a line to this machine's ledger), so saving costs the same at any store
/// size and two people editing different participants never conflict.
///
/// Layout: `cohort-store.json` (site, protocol ids, head of the store-wide chain), `protocols/ID.json`,
/// `participants/SUBJECT.json`, `audit/SUBJECT.jsonl`, `audit/_store.jsonl` (store-wide records),
/// `audit/interrupted/` (records of saves that did not finish, set aside), `audit/branches/SUBJECT/` (the
/// other side's records of a merge, kept verbatim: `ParticipantMerge.swift`), `ledger/MACHINE.jsonl`, `.lock`.
///
/// Every write follows one path: under the lock, make the chain agree with its data (`AuditLog.prepare`),
/// derive the records from the data before and after (`JSONPatch.diff`), append them, write the data file
/// (the commit point), then note the new head in the ledger.
public final class JSONFileStore: ParticipantStore {
    /// The format this version writes; older ones are migrated on open, with a backup kept.
    public static let formatVersion = 2

    /// The store directory.
    public let directory: String
    public private(set) var context: StudyContext
    public private(set) var site: SiteInfo
    let user: String
    let clock: () -> Date
    /// The logged-in user's key: in a store with users, every save is made by and signed with it
    /// (docs/RULES.md, "Signed saves"); nil in a store without users.
    public var signer: UnlockedKey?
    /// Asked for the signer the first time a save needs one (the command line's login: a session or the
    /// passphrase), before the store lock is taken.
    public var signerProvider: (() throws -> UnlockedKey)?
    /// The review table as last read or checked, with its files' stamps (see `loadTable`).
    var knownTable: ReviewTableCodec.Contents?
    /// The participants folder's stamp when `loadTable` last looked (see `hasChanged`).
    var folderLookedAt: FileStamp?
    /// A `.stepwise` look at every file that has not reached its end (see `loadTable`).
    var unfinishedRead: UnfinishedRead?
    /// How much one step of a `.stepwise` read looks at: the first one short, for the first frame (a tenth
    /// of a second of reading, in batches small enough not to overrun it much on a busy machine), the next
    /// ones a second each, as each frame after them costs a table of the part read.
    package var readStep = ReadStep(files: 32, firstSeconds: 0.1, seconds: 1)
    /// The fingerprint of the context it was computed for (see `contextFingerprint`).
    private var fingerprintMemo: (context: StudyContext, value: String)?

    /// Identifies the protocols and scales digests are derived with: a cache made with others is rebuilt.
    func contextFingerprint() -> String {
        if let memo = fingerprintMemo, memo.context == context { return memo.value }
        var bytes = (try? CanonicalJSON.compact(context.sortedProtocols)) ?? []
        bytes += (try? CanonicalJSON.compact(context.scales.all)) ?? []
        bytes += (try? CanonicalJSON.compact(context.scales.measures)) ?? []
        let value = SHA256.hex(bytes)
        fingerprintMemo = (context, value)
        return value
    }

    var siteFile: String { directory + "/cohort-store.json" }
    var lockFile: String { directory + "/.lock" }
    var participantsDirectory: String { directory + "/participants" }
    var protocolsDirectory: String { directory + "/protocols" }
    var auditDirectory: String { directory + "/audit" }
    var ledger: Ledger { Ledger(directory: directory + "/ledger", machine: machine) }
    /// This machine's id when the store is synced through git (`MachineID`); its ledger is named after it.
    public private(set) var machine: String?
    /// The store lock's file: whoever changes the store's files (a save, a sync) holds it.
    public var lockPath: String { lockFile }
    func participantFile(_ subject: String) -> String { participantsDirectory + "/" + subject + ".json" }
    func protocolFile(_ id: String) -> String { protocolsDirectory + "/" + id + ".json" }
    func auditLog(_ subject: String?) -> AuditLog { AuditLog(path: auditDirectory + "/" + (subject ?? Ledger.storeChain) + ".jsonl") }

    /// The folders a store holds.
    static let folders = ["participants", "protocols", "audit", "ledger"]

    /// Opens an existing store, migrating an older format first, and checking its site and protocol files
    /// against the store-wide trail. `readOnly` (for `verify`) never migrates and never refuses what it
    /// can still look at: `verify` names every problem itself.
    /// The system time on the store's clock, the one its audit records carry: signature times come from it,
    /// never from `--now` or `--today` (docs/RULES.md, "Signatures").
    public func systemTime() -> Date { clock() }

    public init(directory: String, scales: ScaleCatalog, user: String, clock: @escaping () -> Date = Date.init, readOnly: Bool = false) throws {
        self.directory = directory
        self.user = user
        self.clock = clock
        guard let bytes = try DurableFile.read(directory + "/cohort-store.json") else { throw Self.noStore(at: directory) }
        machine = MachineID.of(store: directory, create: !readOnly)
        context = StudyContext(protocols: [], scales: scales)
        site = SiteInfo(name: "", number: "", created: "", audit: .empty, protocols: [])
        let version = readOnly ? ((try? CanonicalJSON.formatVersion(of: bytes, path: siteFile)) ?? Self.formatVersion)
            : try CanonicalJSON.formatVersion(of: bytes, path: siteFile)
        if version < Self.formatVersion {
            if !readOnly {
                try FileLock.withLock(lockFile) { try migrateLocked() }
            } else if try formatTwoEvidence() == nil {
                throw StoreError(.damaged, "\(siteFile) is in store format 1: `cohort verify` only reads, so it never migrates a store. Run any other command (e.g. `cohort visits`) to migrate it to format \(Self.formatVersion), with a backup kept, then verify it.")
            }
            // With format-2 files in it, the site file is what is wrong: verify checks the rest as format 2.
        }
        if readOnly {
            // Whatever can be read is the context for checking participants; verify names the rest.
            site = (try? readSite()) ?? site
            context = StudyContext(protocols: readableProtocols(), scales: scales)
            return
        }
        // Every path below goes through these folders: a link or a file in their place is refused here, once.
        // Their modes are not touched: a folder opened up by hand stays as it is until someone closes it, so
        // `verify` reports the exposure (docs/RULES.md, "The trail is the record").
        for folder in Self.folders { try Self.requireFolder(directory + "/" + folder) }
        site = try readSite()
        let protocols = try readProtocols()
        if let problem = storeTrailProblems(site: site, protocols: protocols).first {
            throw StoreError(.damaged, "\(problem). Nothing was changed; restore the store from a backup (cohort verify lists every problem).")
        }
        context = StudyContext(protocols: protocols, scales: scales)
    }

    /// Refuses a store folder that is a link or not a folder (a missing one is made when first written).
    static func requireFolder(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return
        case S_IFLNK: throw DurableFile.linkRefused(path)
        default: throw StoreError(.damaged, "\(path) is not a folder: the store is damaged. Restore it from a backup.")
        }
    }

    /// True when `directory` holds only what `create` makes before its commit (the site file): the lock, the
    /// store's folders with no participant in them, and at most the store-wide trail and ledger. No data.
    static func isUnfinishedCreation(_ directory: String) -> Bool {
        guard let names = try? DurableFile.entries(of: directory, isStoreRoot: true), !names.isEmpty,
              !names.contains("cohort-store.json"), names.allSatisfy({ $0 == ".lock" || folders.contains($0) }) else { return false }
        let participants = (try? DurableFile.entries(of: directory + "/participants")) ?? []
        let audit = (try? DurableFile.entries(of: directory + "/audit")) ?? []
        let ledger = (try? DurableFile.entries(of: directory + "/ledger")) ?? []
        return participants.isEmpty && ledger.isEmpty && audit.allSatisfy { $0 == Ledger.storeChain + ".jsonl" || $0 == "interrupted" }
    }

    /// Why there is no store at `directory`: nothing there yet, or a store that lost its site file.
    static func noStore(at directory: String) -> StoreError {
        let names = (try? DurableFile.entries(of: directory, isStoreRoot: true)) ?? []
        if isUnfinishedCreation(directory) {
            return StoreError(.missing, "\(directory) holds only what an unfinished `cohort init` left (no store was created, nothing was saved). Run `cohort init --protocol NAME` again.")
        }
        if names.contains(where: folders.contains) {
            return StoreError(.damaged, "\(directory) holds Cohort data but no cohort-store.json: the store is damaged. Restore the whole folder from a backup (see the README); `cohort init` never creates a store over it.")
        }
        if names.isEmpty {
            return StoreError(.missing, "No Cohort store at \(directory). Create one with `cohort init --protocol NAME` (see `cohort protocols`), or try `cohort --demo`.")
        }
        return StoreError(.missing, "No Cohort store at \(directory): the folder holds other files. Give `cohort init` an empty or new folder.")
    }

    /// Creates a new store with its first protocol, in a folder that is new or empty. If it fails, what it
    /// made is removed again.
    @discardableResult
    public static func create(directory: String, siteName: String, siteNumber: String, studyProtocol: StudyProtocol,
                              scales: ScaleCatalog, user: String, clock: @escaping () -> Date = Date.init) throws -> JSONFileStore {
        guard (3...4).contains(siteNumber.utf8.count), siteNumber.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw DomainError("The site number '\(siteNumber.prefix(12))' must be 3 or 4 digits 0-9, e.g. 101 (subject IDs look like 101-0007).")
        }
        let name = try FreeText.required(siteName, what: "site name")
        let problems = studyProtocol.problems(scales: scales)
        guard problems.isEmpty else { throw DomainError("Protocol \(studyProtocol.id) is refused: " + problems.joined(separator: "; ") + ".") }
        // Never a store inside another (by folder identity, whatever the path's spelling): its files would be
        // taken for the outer store's.
        var parent = ((directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory) as NSString).deletingLastPathComponent
        while FolderIdentity(parent) == nil && parent.count > 1 { parent = (parent as NSString).deletingLastPathComponent }
        if let outer = FolderIdentity.storeEnclosing(parent, store: nil) {
            throw StoreError(.damaged, "\(directory) is inside \(outer): a store is never created inside another. Choose a folder outside it. Nothing was written.")
        }
        // What a creation that was killed half-way left holds nothing (it had not committed): start again.
        if isUnfinishedCreation(directory) {
            for name in try DurableFile.entries(of: directory, isStoreRoot: true) { try? FileManager.default.removeItem(atPath: directory + "/" + name) }
        }
        let existing = try DurableFile.entries(of: directory, isStoreRoot: true)
        guard existing.isEmpty else {
            if existing.contains("cohort-store.json") {
                throw DomainError("\(directory) already holds a Cohort store; add a protocol with `cohort init --protocol NAME --store \(directory)`.")
            }
            throw StoreError(.damaged, "\(directory) is not empty (\(existing.sorted().prefix(3).joined(separator: ", "))…): a store is created only in an empty or new folder. Nothing was written.")
        }
        try DurableFile.makeDirectory(directory, isStoreRoot: true)
        do {
            return try FileLock.withLock(directory + "/.lock") {
                for folder in folders { try DurableFile.makeDirectory(directory + "/" + folder) }
                let store = try JSONFileStore(unopened: directory, scales: scales, user: user, clock: clock)
                let info = SiteInfo(name: name, number: siteNumber, created: UTCTimestamp.string(from: clock()), audit: .empty, protocols: [])
                try store.saveStoreLocked(site: info, protocols: [studyProtocol], adding: studyProtocol, before: nil)
                return store
            }
        } catch {
            // Nothing was committed: take the half-made store away so the folder is empty again, as it was.
            for name in (try? DurableFile.entries(of: directory, isStoreRoot: true)) ?? [] {
                try? FileManager.default.removeItem(atPath: directory + "/" + name)
            }
            throw error
        }
    }

    /// A store being created: no site file yet.
    private init(unopened directory: String, scales: ScaleCatalog, user: String, clock: @escaping () -> Date) throws {
        self.directory = directory; self.user = user; self.clock = clock
        context = StudyContext(protocols: [], scales: scales)
        site = SiteInfo(name: "", number: "", created: "", audit: .empty, protocols: [])
    }

    /// Adds a protocol to the store (refused when one with the same id is already there).
    public func addProtocol(_ studyProtocol: StudyProtocol) throws {
        try authenticate()
        try FileLock.withLock(lockFile) {
            site = try readSite()
            context = StudyContext(protocols: try readProtocols(), scales: context.scales)
            guard context.protocols[studyProtocol.id] == nil else {
                throw DomainError("The store already has protocol \(studyProtocol.id); a protocol in use is never replaced (an amended protocol takes a new id, e.g. \(studyProtocol.id)-A1).")
            }
            let problems = studyProtocol.problems(scales: context.scales)
            guard problems.isEmpty else { throw DomainError("Protocol \(studyProtocol.id) is refused: " + problems.joined(separator: "; ") + ".") }
            try saveStoreLocked(site: site, protocols: context.sortedProtocols + [studyProtocol], adding: studyProtocol, before: site)
        }
    }

    /// Sets the store's idle time (docs/RULES.md, "The idle lock"), by a PI in a store with users; a
    /// store-wide fact, audited and signed like a protocol's addition.
    public func setIdleMinutes(_ minutes: Int) throws {
        let minutes = try IdleTime.checked(minutes)
        try authenticate()
        try FileLock.withLock(lockFile) {
            site = try readSite()
            context = StudyContext(protocols: try readProtocols(), scales: context.scales)
            var changed = site
            changed.idleMinutes = minutes
            guard changed != site else { return }
            try saveStoreLocked(site: changed, protocols: context.sortedProtocols, adding: nil, before: site, what: "set the idle time")
        }
    }

    /// What the store-wide trail records: the site's facts and every protocol, by id.
    static func storeState(site: SiteInfo, protocols: [StudyProtocol]) throws -> JSONValue {
        // The idle time is recorded only once set, so older stores replay byte for byte.
        var facts: [String: JSONValue] = ["name": .string(site.name), "number": .string(site.number), "created": .string(site.created)]
        if let idle = site.idleMinutes { facts["idleMinutes"] = .int(idle) }
        var members: [String: JSONValue] = [
            "site": .object(facts),
            "protocols": .object(Dictionary(uniqueKeysWithValues: try protocols.map { ($0.id, try JSONValue(encoding: $0)) })),
        ]
        // The day summaries' signatures ride the store-wide trail (docs/DECISIONS.md): absent until the first.
        if let signatures = site.summarySignatures { members["summarySignatures"] = try JSONValue(encoding: signatures) }
        return .object(members)
    }

    /// The store-wide save: records derived from the state before and after, the new protocol's file, then
    /// the site file (the commit point, listing the protocols); a failure takes the records back.
    /// `needed` and `what` name the role the save takes in a store with users (adding a protocol: the PI).
    func saveStoreLocked(site newSite: SiteInfo, protocols: [StudyProtocol], adding: StudyProtocol?, before: SiteInfo?,
                         needed: Role = .pi, what: String = "add protocols") throws {
        let log = auditLog(nil)
        let ledger = ledger
        let tail = try log.prepare(committed: before?.audit ?? .empty, confirmed: { try ledger.furthest(Ledger.storeChain) }, dataFile: siteFile).tail
        let old = try before.map { try Self.storeState(site: $0, protocols: context.sortedProtocols) } ?? .emptyObject
        let new = try Self.storeState(site: newSite, protocols: protocols)
        let operations = JSONPatch.diff(from: old, to: new)
        let signing = try requireSigner(needed, to: what)
        let length = try log.length()
        let path = adding.map { protocolFile($0.id) }
        let siteBefore = try DurableFile.read(siteFile)
        do {
            let head = try log.append(operations, subject: nil, user: user, reason: nil, time: UTCTimestamp.string(from: clock()), after: tail,
                                      state: new.stateHash, signer: signing)
            if let adding, let path { try DurableFile.replace(path, with: try CanonicalJSON.seal(adding, formatVersion: Self.formatVersion)) }
            var committed = newSite
            committed.audit = head
            committed.protocols = protocols.map(\.id).sorted()
            try DurableFile.replace(siteFile, with: try CanonicalJSON.seal(committed, formatVersion: Self.formatVersion))
            do {
                try ledger.record(Ledger.storeChain, head: head)
            } catch {
                try takeBack(siteFile, to: siteBefore, error: error)
                throw error
            }
            site = committed
            context = StudyContext(protocols: protocols, scales: context.scales)
        } catch {
            log.rollBack(to: length)
            if let path { unlink(path) }
            throw error
        }
    }

    // MARK: Reading

    public func subjects() throws -> [String] {
        let names: [String]
        do { names = try DurableFile.entries(of: participantsDirectory) } catch {
            throw StoreError(.damaged, "The folder \(participantsDirectory) cannot be read: the store is incomplete. Restore it from a backup.")
        }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The subject IDs taken, as far as enrolling `candidate` is concerned: those with a participant file,
    /// and `candidate` itself when a ledger mentions it (a deleted participant's ID is never given again).
    /// A trail with neither is what an enrollment that did not finish left: set aside when the ID is used.
    func usedSubjects(besides candidate: String) throws -> Set<String> {
        var used = Set(try subjects())
        if try ledger.mentions(candidate) { used.insert(candidate) }
        return used
    }

    public func nextSubjectID() throws -> String {
        var taken = Set(try subjects())
        for name in try DurableFile.entries(of: auditDirectory) where name.hasSuffix(".jsonl") { taken.insert(String(name.dropLast(6))) }
        var candidate = SubjectID.next(after: taken, site: site.number)
        while try ledger.mentions(candidate) {
            taken.insert(candidate)
            candidate = SubjectID.next(after: taken, site: site.number)
        }
        return candidate
    }

    /// Reads every participant (under the lock, when called from a change): a number must be unique in its
    /// study, and a file that cannot be read might hold it, so any unreadable file refuses the check.
    public func randomizationNumbers(in study: String, except subject: String) throws -> Set<String> {
        var numbers = Set<String>()
        let problems = forEachParticipant({ $0.study == study && $0.subject != subject ? $0.randomization?.number : nil }) { number in
            if let number { numbers.insert(number) }
        }
        if let problem = problems.first {
            throw StoreError(.damaged, "Randomization numbers cannot be checked for uniqueness while a participant file cannot be read: \(problem.message)")
        }
        return numbers
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
        let folder = participantsDirectory, context = context
        return try Self.inBatches(names, batch: batch, { Self.readParticipantResult($0, folder: folder, context: context).map(transform) }, body)
    }

    /// Reads every name with `read`, a batch at a time on all cores, and hands `body` the values in the
    /// names' order; returns the errors. A name `read` answers nil for is passed over.
    static func inBatches<Value>(_ names: [String], batch: Int, _ read: @escaping @Sendable (String) -> Result<Value, StoreError>?,
                                 _ body: (Value) throws -> Void) rethrows -> [StoreError] {
        var problems: [StoreError] = []
        let batch = max(1, batch)
        for start in stride(from: 0, to: names.count, by: batch) {
            let batchNames = Array(names[start..<min(start + batch, names.count)])
            let outcomes = ParallelResults<Result<Value, StoreError>?>(count: batchNames.count)
            outcomes.fill { index in read(batchNames[index]) }
            for case let outcome?? in outcomes.all {
                switch outcome {
                case .success(let value): try body(value)
                case .failure(let error): problems.append(error)
                }
            }
        }
        return problems
    }

    func readParticipant(_ subject: String) throws -> ParticipantFile {
        try Self.readParticipant(subject, folder: participantsDirectory, context: context).file
    }

    /// Like `readParticipant`, with every failure as the store error that names the file.
    static func readParticipantResult(_ subject: String, folder: String, context: StudyContext) -> Result<Participant, StoreError> {
        do {
            return .success(try readParticipant(subject, folder: folder, context: context).file.participant)
        } catch let error as StoreError {
            return .failure(error)
        } catch let error as DomainError {
            return .failure(StoreError(.damaged, error.message))
        } catch {
            return .failure(StoreError(.damaged, "\(folder)/\(subject).json: \(error)"))
        }
    }

    /// Reads and checks one participant file in `folder`: intact, of this format, named for its subject,
    /// every value within its definition. Returns it with its content as a JSON tree.
    /// `checkState` compares the data with the state its trail's saved head records (`verify` replays the
    /// whole trail instead, to name the first difference).
    /// `checkValues` false leaves the values unchecked (`verify` checks them itself, and replays a file whose
    /// protocol is missing all the same). `memo` keeps what was decoded for decoding states that share the
    /// tree's storage (`DecodedSubtrees`).
    static func readParticipant(_ subject: String, folder: String, context: StudyContext, checkState: Bool = true,
                                checkValues: Bool = true, memo: DecodedSubtrees? = nil) throws -> (file: ParticipantFile, tree: JSONValue) {
        if let problem = SubjectID.problem(subject) { throw DomainError("Unknown subject: \(problem).") }
        let path = folder + "/" + subject + ".json"
        guard let bytes = try DurableFile.read(path) else {
            throw DomainError("No participant \(subject) in this store. `cohort visits` or `cohort audit` list the subjects here.")
        }
        let (file, tree, span) = try CanonicalJSON.unsealWithTree(bytes, as: ParticipantFile.self, path: path, version: formatVersion,
                                                                  memo: memo, locating: ["participant"])
        guard file.participant.subject == subject else {
            throw StoreError(.damaged, "\(path) holds subject \(file.participant.subject.prefix(24)), not \(subject): the file was renamed or copied by hand. It was not changed.")
        }
        if checkValues, let problem = valueProblem(file.participant, path: path, context: context) { throw StoreError(.damaged, problem) }
        if checkState {
            let trail = (folder as NSString).deletingLastPathComponent + "/audit/" + subject + ".jsonl"
            try requireStateMatches(tree["participant"] ?? .null, text: span.map { bytes[$0] }, head: file.audit, trail: trail, file: path)
        }
        return (file, tree)
    }

    /// What is wrong with the values of a participant read from `path`, as one message, or nil when every
    /// value is within its definition.
    static func valueProblem(_ participant: Participant, path: String, context: StudyContext) -> String? {
        let problems = participant.problems(context: context)
        guard !problems.isEmpty else { return nil }
        return "\(path) holds values no action could have saved (\(problems.prefix(3).joined(separator: "; "))): it was edited by hand. It was not changed; restore it from a backup (cohort verify lists every problem)."
    }

    func readSite() throws -> SiteInfo {
        guard let bytes = try DurableFile.read(siteFile) else { throw Self.noStore(at: directory) }
        return try CanonicalJSON.unseal(bytes, as: SiteInfo.self, path: siteFile, version: Self.formatVersion)
    }

    /// The protocols the site file lists (a protocol file it does not list is the leftover of an add that
    /// did not finish, and is not part of the store).
    func readProtocols() throws -> [StudyProtocol] {
        try site.protocols.map(readProtocol)
    }

    /// One protocol the site file lists, refused (naming the file) when missing, damaged or another's.
    func readProtocol(_ id: String) throws -> StudyProtocol {
        let path = protocolFile(id)
        guard let bytes = try DurableFile.read(path) else {
            throw StoreError(.damaged, "\(path) is missing: the store lists protocol \(id). Restore the store from a backup.")
        }
        let studyProtocol = try CanonicalJSON.unseal(bytes, as: StudyProtocol.self, path: path, version: Self.formatVersion)
        guard studyProtocol.id == id else { throw StoreError(.damaged, "\(path) holds protocol \(studyProtocol.id.prefix(32)), not \(id). Restore it from a backup.") }
        return studyProtocol
    }

    /// Every protocol the site file lists that can be read, or every intact protocol file when the site
    /// file cannot be read (for `verify`, which names the rest): participants are still checked.
    func readableProtocols() -> [StudyProtocol] {
        guard site.protocols.isEmpty else { return site.protocols.compactMap { try? readProtocol($0) } }
        return ((try? DurableFile.entries(of: protocolsDirectory)) ?? []).sorted().compactMap { name in
            guard name.hasSuffix(".json"), !name.hasPrefix("."), let bytes = try? DurableFile.read(protocolsDirectory + "/" + name) else { return nil }
            return try? CanonicalJSON.unseal(bytes, as: StudyProtocol.self, path: name, version: Self.formatVersion)
        }
    }

    // MARK: Writing

    public func enroll(_ request: EnrollmentRequest, today: CivilDate) throws -> Participant {
        try authenticate()
        return try FileLock.withLock(lockFile) {
            _ = try requireSigner(.coordinator, to: "enroll participants")
            var request = request
            if request.subject == EnrollmentRequest.nextSubject { request.subject = try nextSubjectID() }
            let participant = try request.enroll(protocols: context.sortedProtocols, takenSubjects: try usedSubjects(besides: request.subject),
                                                 today: today, site: site.number)
            removeLeftovers(of: participant.subject)
            try save(participant, before: nil, committed: .empty, reason: nil, time: clock())
            return participant
        }
    }

    @discardableResult
    public func apply(_ change: Change, basis: Participant?, today: CivilDate, user: String) throws -> (before: Participant, after: Participant) {
        // The change value is recorded with the save, so a merge can apply it again (docs/RULES.md, "Merging and conflicts").
        let recorded = try RecordedChange(change: change, today: today).value
        // The participant kept aside is enrolled under its new ID before the conflict closes, whichever screen
        // or command asks (docs/RULES.md, "Merging and conflicts").
        if case .resolveConflict(let subject, let id, .renumber(let newSubject), let reason) = change {
            try renumber(subject, conflict: id, as: newSubject, reason: reason)
        }
        return try applyChange(change, basis: basis, today: today, user: user) { try update($0, recording: recorded, $1) }
    }

    /// Changes the latest saved participant with `change` (returning the reason) under the lock, derives the
    /// audit from before and after, and saves both durably; `package`: the app writes through `apply`.
    @discardableResult
    package func update(_ subject: String, recording recorded: JSONValue? = nil,
                        _ change: (inout Participant, StudyProtocol) throws -> String?) throws -> Participant {
        try authenticate()
        return try FileLock.withLock(lockFile) {
            if SubjectID.problem(subject) == nil { removeLeftovers(of: subject) }
            let file = try readParticipant(subject)
            var participant = file.participant
            // The data must be what its whole trail rebuilds before anything is built on it, and an AE or CM
            // number the trail ever gave is never given again, whatever the data says. The read checked the
            // data against its head record's `state`; when this machine's ledger ends this subject at
            // exactly that record (seq and hash, which covers `state`), it is the record this machine
            // committed after checking the same, and the replay is not needed. Otherwise (a record
            // rewritten or appended by hand, or saved elsewhere) the whole trail is checked and replayed.
            let noted = try ledger.lastHead(of: subject)
            if noted != file.audit {
                let trail = try requireTrailMatches(try JSONValue(encoding: participant), log: auditLog(subject), head: file.audit,
                                                    file: participantFile(subject))
                let records = trail.records
                // A pair of files put back from an older copy (data and trail agreeing, nothing past the data's
                // head) ends before the head this machine noted, or off its chain: a save on it would give
                // record numbers again and lose what came after (docs/RULES.md, "The trail is the record").
                // Records past the head (only the data put back) are the trail preparation's to refuse.
                // A head that a merge moved to a branch file is not a rollback (docs/RULES.md, "Merging and conflicts").
                if let noted, trail.uncommitted == 0, !records.contains(where: { $0.seq == noted.seq && $0.hash == noted.hash }),
                   !branchHeads(subject).contains(noted.hash) {
                    throw rolledBack(subject)
                }
                participant.rememberRecordNumbers(Self.recordNumbersGiven(records))
            }
            let reason = try change(&participant, try context.studyProtocol(for: participant))
            try save(participant, before: file.participant, committed: file.audit, reason: reason, time: clock(), change: recorded)
            return participant
        }
    }

    /// The refusal of a save on a participant's files put back to an earlier state than this machine's
    /// ledger noted.
    private func rolledBack(_ subject: String) -> StoreError {
        StoreError(.damaged, "participants/\(subject).json was rolled back to an earlier state of its own files: restore the later files from a backup (cohort verify says more).")
    }

    /// Saves a participant made elsewhere with its whole history (the demo site): each state is audited
    /// against the one before with its own reason and time, then the file is written. Refuses a subject
    /// already used.
    package func saveNew(history: [(participant: Participant, reason: String?, time: Date)]) throws {
        guard let last = history.last?.participant else { return }
        try authenticate()
        try FileLock.withLock(lockFile) {
            if let problem = SubjectID.problem(last.subject) { throw DomainError("Cannot save: \(problem).") }
            guard try !usedSubjects(besides: last.subject).contains(last.subject) else { throw DomainError("\(last.subject) is already enrolled.") }
            let signing = try requireSigner(.coordinator, to: "enroll participants")
            let log = auditLog(last.subject)
            var head = try log.prepare(committed: .empty, confirmed: { nil }, dataFile: participantFile(last.subject)).tail
            var previous = JSONValue.emptyObject
            for step in history {
                let state = try JSONValue(encoding: step.participant)
                head = try log.append(JSONPatch.diff(from: previous, to: state), subject: last.subject, user: user, reason: step.reason,
                                      time: UTCTimestamp.string(from: step.time), after: head, state: state.stateHash, signer: signing)
                previous = state
            }
            try DurableFile.replace(participantFile(last.subject), with: try CanonicalJSON.seal(ParticipantFile(participant: last, audit: head), formatVersion: Self.formatVersion))
            try ledger.record(last.subject, head: head)
        }
    }

    /// The one write path for a participant (under the lock): the chain made to agree with the data, the
    /// records derived from `before` → `participant` and flushed, then the data file replaced atomically
    /// (the commit point), then the ledger. A failure before the commit takes the records back; a crash
    /// leaves them after the saved head, to be set aside by the next write. Nothing is written when
    /// nothing changed.
    /// Whether `path` points at an adverse event's or a medication's coded term (`/adverseEvents/0/decod`).
    static func isCodedTerm(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0].isEmpty && ["adverseEvents", "medications"].contains(parts[1])
            && !parts[2].isEmpty && parts[2].allSatisfy(\.isASCII) && parts[2].allSatisfy(\.isNumber) && parts[3] == "decod"
    }

    func save(_ participant: Participant, before: Participant?, committed: AuditHead, reason: String?, time: Date,
                      change: JSONValue? = nil) throws {
        let old = try before.map { try JSONValue(encoding: $0) } ?? .emptyObject
        let new = try JSONValue(encoding: participant)
        let operations = JSONPatch.diff(from: old, to: new)
        guard !operations.isEmpty else { return }
        // The sponsor's coding is the data manager's one write (docs/RULES.md, "Users and roles"): a save
        // that changes coded terms only is theirs too.
        let coding = operations.allSatisfy { Self.isCodedTerm($0.path) }
        let signing = try requireSigner(.coordinator, orDataManager: coding, to: "change participants' data")
        let subject = participant.subject
        let log = auditLog(subject)
        let ledger = ledger
        let tail = try log.prepare(committed: committed, confirmed: { try ledger.furthest(subject) }, dataFile: participantFile(subject)).tail
        let length = try log.length()
        let path = participantFile(subject)
        let previous = try DurableFile.read(path)
        let head: AuditHead
        do {
            head = try log.append(operations, subject: subject, user: user, reason: reason, time: UTCTimestamp.string(from: time), after: tail,
                                  state: new.stateHash, signer: signing, change: change)
            let folderBefore = FileStamp.of(participantsDirectory)
            try DurableFile.replace(path, with: try CanonicalJSON.seal(ParticipantFile(participant: participant, audit: head),
                                                                       formatVersion: Self.formatVersion))
            // The ledger is part of the save: a save it does not record is taken back and refused, never
            // acknowledged (docs/DECISIONS.md, 2026-12-03).
            do {
                try ledger.record(subject, head: head)
            } catch {
                try takeBack(path, to: previous, error: error)
                throw error
            }
            noteSaved(participant, folderBefore: folderBefore)
        } catch {
            // The save failed (full disk, I/O error): take back its records so the store is byte for byte as
            // it was. If even that fails, they lie after the saved head and are set aside before the next write.
            log.rollBack(to: length)
            throw error
        }
    }

    /// Puts `path` back to `bytes` (or removes it when it did not exist) after a save failed past its data
    /// write; if that fails too, the save stands unconfirmed and the error says so.
    func takeBack(_ path: String, to bytes: [UInt8]?, error cause: Error) throws {
        do {
            if let bytes { try DurableFile.replace(path, with: bytes) } else if unlink(path) != 0 && errno != ENOENT {
                throw DurableFile.failure("remove", path)
            }
        } catch {
            throw StoreError(.io, "The ledger could not record the save (\(cause)), and \(path) could not be put back: the change is saved but not confirmed. Run cohort verify.")
        }
    }

    /// Refuses to build on data that its trail does not rebuild (a file edited by hand and sealed again):
    /// a new record on top of it would make an unaudited value part of the record. The cost is this
    /// participant's own history, whatever the size of the store.
    @discardableResult
    private func requireTrailMatches(_ data: JSONValue, log: AuditLog, head: AuditHead, file: String) throws -> (records: [AuditRecord], uncommitted: Int) {
        let verified = log.verify(head: head)
        if let problem = verified.problems.first {
            throw StoreError(.damaged, "\(problem). Nothing was changed; run cohort verify and restore from a backup.")
        }
        let replayed = Self.replay(verified.records, path: log.path)
        guard replayed.problems.isEmpty, replayed.document == data else {
            throw StoreError(.damaged, "\(file) is not what its audit trail records (edited by hand and sealed again?): "
                             + (replayed.problems.first ?? Self.differences(replayed.document, data, what: file, trail: log.path).first ?? "")
                             + ". Nothing was changed; run cohort verify and restore it from a backup.")
        }
        return (verified.records, verified.uncommitted)
    }

    /// Temp files (and the previous version kept during a save) are only ever written under the lock, so any
    /// found while holding it are from a crashed save. Only the files of the participant about to be saved
    /// are looked for: cleaning must not cost more as the store grows.
    func removeLeftovers(of subject: String) {
        for suffix in [".tmp", ".old"] { unlink(participantsDirectory + "/." + subject + ".json" + suffix) }
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
