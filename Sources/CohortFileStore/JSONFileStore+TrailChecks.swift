import CohortDomain
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What every read and save checks against the trails, so that no file is trusted on its own word
/// (docs/RULES.md, "The trail is the record"): a participant against the state its trail's saved head
/// records (one hash, on every read), the site file and protocols against the store-wide trail (replayed
/// whole: it is short), and the AE/CM numbers against every number the trail ever gave.
extension JSONFileStore {
    /// Refuses participant data whose hash is not the `state` its trail's saved head records (a file edited
    /// by hand and sealed again). Costs one read of the trail's end and one hash.
    static func requireStateMatches(_ data: JSONValue, text: ArraySlice<UInt8>? = nil, head: AuditHead, trail: String, file: String) throws {
        let log = AuditLog(path: trail)
        guard let record = try log.record(at: head) else {
            throw StoreError(.damaged, "\(trail) does not hold record \(head.seq), which \(file) refers to: the trail or the data was replaced. It was not changed; restore the store from a backup (cohort verify lists every problem).")
        }
        if let problem = stateProblem(data, text: text, record: record, file: file) { throw StoreError(.damaged, problem) }
    }

    /// Why `data` is not the state its trail's head `record` holds, or nil when it is (or the record holds none).
    /// `text`, where the file writes `data`: its tokens are most often the canonical text itself, hashed
    /// without writing the tree again (`JSONValue.compactHash`); when they are not, the tree decides.
    static func stateProblem(_ data: JSONValue, text: ArraySlice<UInt8>? = nil, record: AuditRecord, file: String) -> String? {
        guard let state = record.state else { return nil }
        if let text, JSONValue.compactHash(of: text) == state { return nil }
        guard state != data.stateHash else { return nil }
        return "\(file) is not what its audit trail records (edited by hand and sealed again?): its data is not the state the trail's record \(record.seq) holds. It was not changed; restore it from a backup (cohort verify lists every problem)."
    }

    /// Refuses a site file or protocol that is not what the store-wide trail, replayed whole, records
    /// (a site number or a window changed by hand and sealed again). Returns the problems found, or throws
    /// the first when `throwing`.
    func storeTrailProblems(site: SiteInfo, protocols: [StudyProtocol]) -> [String] {
        let log = auditLog(nil)
        let verified = log.verify(head: site.audit)
        if let problem = verified.problems.first { return [problem] }
        let replayed = Self.replay(verified.records, path: log.path)
        if let problem = replayed.problems.first { return [problem] }
        guard let state = try? Self.storeState(site: site, protocols: protocols) else { return ["\(siteFile) cannot be encoded"] }
        return Self.differences(replayed.document, state, what: "\(siteFile) and \(protocolsDirectory)", trail: log.path)
    }

    /// The highest AE and CM numbers any record of a participant's trail ever held (added, replaced or
    /// remembered), removed since or not.
    static func recordNumbersGiven(_ records: [AuditRecord]) -> [String: Int] {
        var highest: [String: Int] = [:]
        func note(_ kind: String, _ text: String) {
            guard text.hasPrefix(kind), let number = Int(text.dropFirst(kind.count)), number > 0 else { return }
            highest[kind] = max(highest[kind] ?? 0, number)
        }
        func ids(_ value: JSONValue, kind: String) {
            switch value {
            case .array(let items): for item in items { ids(item, kind: kind) }
            case .object(let members): if let id = members["id"]?.stringValue { note(kind, id) }
            case .string(let text): note(kind, text)
            default: break
            }
        }
        for record in records {
            let operation = record.operation
            for value in [operation.value, operation.old].compactMap({ $0 }) {
                if operation.path.hasPrefix("/adverseEvents") { ids(value, kind: "AE") }
                if operation.path.hasPrefix("/medications") { ids(value, kind: "CM") }
                if operation.path.hasPrefix("/recordNumbers") {
                    let kind = operation.path.split(separator: "/").dropFirst().first.map(String.init)
                    if let kind, let number = value.intValue { highest[kind] = max(highest[kind] ?? 0, number) }
                    if case .object(let members) = value {
                        for (kind, number) in members { if let number = number.intValue { highest[kind] = max(highest[kind] ?? 0, number) } }
                    }
                }
            }
        }
        return highest
    }
}

extension AuditLog {
    /// The record `head` names, read from the end of the log (where the saved head normally is); nil when
    /// the log does not hold it.
    func record(at head: AuditHead) throws -> AuditRecord? {
        guard head.seq > 0 else { return nil }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw DurableFile.linkRefused(path) }
            throw DurableFile.failure("read", path)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw DurableFile.failure("inspect", path) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw DurableFile.specialRefused(path) }
        let size = Int(info.st_size)
        var span = min(size, 16_384)
        while true {
            var bytes = [UInt8](repeating: 0, count: span)
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, span, off_t(size - span)) }
            guard count == span else { throw DurableFile.failure("read", path) }
            // A partial first line (when not reading from the start) is skipped.
            let ranges = Self.lineRanges(bytes).dropFirst(span < size ? 1 : 0)
            for range in ranges.reversed() {
                if let record = try? AuditRecord(line: bytes[range]), record.seq == head.seq, record.hash == head.hash { return record }
            }
            if span == size { return nil }
            span = min(size, span * 8)
        }
    }
}
