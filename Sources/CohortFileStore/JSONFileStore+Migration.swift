import CohortDomain
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Store format 1 → 2. Format 1 audited hand-written field changes that cannot be replayed into the
/// data; format 2 records JSON Patch operations derived from the data. Migration first copies the whole
/// store to `backup-format-1/` (the format-1 trail stays there, intact and verifiable by the format-1
/// rules), then gives each chain a first set of records that rebuild the data as it stands, saying where
/// the earlier history is kept. The site file is written last: until then the store is still format 1
/// and an interrupted migration simply runs again.
extension JSONFileStore {
    /// The folder the format-1 store is copied to before it is migrated.
    public static let formatOneBackup = "backup-format-1"

    private struct FormatOneSite: Codable {
        var name: String
        var number: String
        var created: String
        var audit: AuditHead
    }

    /// The reason every record a migration writes begins with.
    static let migrationReason = "store format 1 migrated to 2"

    /// Migrates a format-1 store in place (under the lock). Only a store that is format 1 throughout (or
    /// holds, besides, only what an interrupted migration of it wrote) is migrated: a site file saying 1 in
    /// a store with format-2 trails, files or a ledger was replaced by hand, and the store is refused.
    func migrateLocked() throws {
        guard let siteBytes = try DurableFile.read(siteFile) else { throw Self.noStore(at: directory) }
        guard try CanonicalJSON.formatVersion(of: siteBytes, path: siteFile) == 1 else { return }
        if let evidence = try formatTwoEvidence() {
            throw StoreError(.damaged, "\(siteFile) says store format 1, but \(evidence): the site file was replaced or edited by hand, and the store is damaged. Nothing was migrated or changed; restore it from a backup (cohort verify lists every problem).")
        }
        let old = try CanonicalJSON.unseal(siteBytes, as: FormatOneSite.self, path: siteFile, version: 1)
        try backUpFormatOne()
        let time = UTCTimestamp.string(from: clock())
        func reason(_ log: String) -> String {
            "\(Self.migrationReason); the history before this is kept in \(Self.formatOneBackup)/audit/\(log).jsonl"
        }
        for subject in try subjects() {
            let path = participantFile(subject)
            guard let bytes = try DurableFile.read(path), try CanonicalJSON.formatVersion(of: bytes, path: path) == 1 else { continue }
            let file = try Self.formatOneParticipant(bytes, path: path)
            let data = try JSONValue(encoding: file.participant)
            let (lines, head) = AuditLog.lines(JSONPatch.diff(from: .emptyObject, to: data), subject: subject, user: user,
                                               reason: reason(subject), time: time, after: .empty, state: data.stateHash)
            try DurableFile.replace(auditLog(subject).path, with: lines)
            try DurableFile.replace(path, with: try CanonicalJSON.seal(ParticipantFile(participant: file.participant, audit: head),
                                                                       formatVersion: Self.formatVersion))
            try ledger.record(subject, head: head)
        }
        var protocols: [StudyProtocol] = []
        for name in try DurableFile.entries(of: protocolsDirectory).sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let path = protocolsDirectory + "/" + name
            guard let bytes = try DurableFile.read(path) else { continue }
            let version = try CanonicalJSON.formatVersion(of: bytes, path: path)
            let studyProtocol = try CanonicalJSON.unseal(bytes, as: StudyProtocol.self, path: path, version: min(version, Self.formatVersion))
            if version == 1 { try DurableFile.replace(path, with: try CanonicalJSON.seal(studyProtocol, formatVersion: Self.formatVersion)) }
            protocols.append(studyProtocol)
        }
        var site = SiteInfo(name: old.name, number: old.number, created: old.created, audit: .empty, protocols: protocols.map(\.id))
        let state = try Self.storeState(site: site, protocols: protocols)
        let (lines, head) = AuditLog.lines(JSONPatch.diff(from: .emptyObject, to: state), subject: nil, user: user,
                                           reason: reason(Ledger.storeChain), time: time, after: .empty, state: state.stateHash)
        try DurableFile.replace(auditLog(nil).path, with: lines)
        site.audit = head
        try DurableFile.replace(siteFile, with: try CanonicalJSON.seal(site, formatVersion: Self.formatVersion))
        try ledger.record(Ledger.storeChain, head: head)
    }

    /// What in the store is format 2 and was not written by an interrupted migration of it, or nil when
    /// the store is format 1 throughout. A migration writes, before its backup is complete, nothing; after
    /// it, trails made only of migration records, the files they describe, their ledger lines and the
    /// protocols: anything else (a trail with later records, a ledger line for a longer trail) means the
    /// store was format 2 already.
    func formatTwoEvidence() throws -> String? {
        let resuming = access(directory + "/" + Self.formatOneBackup, F_OK) == 0
        var migrated: [String: Int] = [:]
        for name in try DurableFile.entries(of: auditDirectory).sorted() where name.hasSuffix(".jsonl") {
            let path = auditDirectory + "/" + name
            guard let bytes = try DurableFile.read(path), bytes.starts(with: AuditRecord.linePrefix) else { continue }
            let records = AuditLog.lineRanges(bytes).map { try? AuditRecord(line: bytes[$0]) }
            guard resuming, records.allSatisfy({ $0?.reason?.hasPrefix(Self.migrationReason) == true }) else {
                return "\(path) holds format-2 audit records"
            }
            migrated[String(name.dropLast(6))] = records.count
        }
        for name in try DurableFile.entries(of: participantsDirectory) where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let path = participantsDirectory + "/" + name
            guard let bytes = try DurableFile.read(path), try CanonicalJSON.formatVersion(of: bytes, path: path) > 1 else { continue }
            guard migrated[String(name.dropLast(5))] != nil else { return "\(path) is a format-2 participant file" }
        }
        if !resuming, let name = try DurableFile.entries(of: protocolsDirectory).first(where: { name in
            let path = protocolsDirectory + "/" + name
            guard name.hasSuffix(".json"), let bytes = try DurableFile.read(path) else { return false }
            return try CanonicalJSON.formatVersion(of: bytes, path: path) > 1
        }) {
            return "\(protocolsDirectory)/\(name) is a format-2 protocol file"
        }
        let (heads, _) = try ledger.entries()
        for (chain, entries) in heads.sorted(by: { $0.key < $1.key }) {
            // The store-wide chain reaches the ledger only after the site file said format 2.
            guard chain != Ledger.storeChain, let count = migrated[chain], entries.allSatisfy({ $0.seq <= count }) else {
                return "\(ledger.directory) records saves of \(chain) (a format-2 ledger)"
            }
        }
        return nil
    }

    /// A format-1 participant file, read into today's shape: its notes on deviations become unclassified
    /// deviations with that note (format 1 had notes, not classes).
    static func formatOneParticipant(_ bytes: [UInt8], path: String) throws -> ParticipantFile {
        let (_, tree) = try CanonicalJSON.unsealWithTree(bytes, as: JSONValue.self, path: path, version: 1)
        guard case .object(var content) = tree, case .object(var participant)? = content["participant"] else {
            throw StoreError(.damaged, "\(path) is not a format-1 participant file; the store was not migrated.")
        }
        if case .array(let notes)? = participant.removeValue(forKey: "deviationNotes") {
            participant["deviationClasses"] = .array(notes.map { note in
                .object(["visit": note["visit"] ?? .null, "classification": .string(DeviationClass.unclassified.rawValue), "note": note["note"] ?? .null])
            })
        }
        content["participant"] = .object(participant)
        do {
            return try JSONValueDecoder.decode(ParticipantFile.self, from: .object(content))
        } catch {
            throw StoreError(.damaged, "\(path) cannot be read as a format-1 participant (\(error)); the store was not migrated.")
        }
    }

    /// Copies the site file, protocols, participants and audit trails to `backup-format-1/`, whole or not
    /// at all (built under a temporary name, then renamed). Kept if it is already there.
    private func backUpFormatOne() throws {
        let backup = directory + "/" + Self.formatOneBackup
        if access(backup, F_OK) == 0 { return }
        let partial = directory + "/." + Self.formatOneBackup + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        try DurableFile.makeDirectory(partial)
        func copy(_ relative: String) throws {
            let source = directory + "/" + relative
            var info = stat()
            guard lstat(source, &info) == 0 else { return }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try DurableFile.makeDirectory(partial + "/" + relative)
                for name in try DurableFile.entries(of: source).sorted() { try copy(relative + "/" + name) }
            case S_IFREG:
                guard let bytes = try DurableFile.read(source) else { return }
                try DurableFile.replace(partial + "/" + relative, with: bytes)
            default:
                throw StoreError(.damaged, "\(source) is not a regular file or folder; the store was not migrated. Remove it and open the store again.")
            }
        }
        for item in ["cohort-store.json", "protocols", "participants", "audit"] { try copy(item) }
        guard rename(partial, backup) == 0 else { throw DurableFile.failure("rename into place", backup) }
        try DurableFile.syncDirectory(directory)
    }
}
