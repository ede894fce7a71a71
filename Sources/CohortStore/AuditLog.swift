import CohortDomain
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An append-only, hash-chained audit log: one JSON record per line, flushed to disk before the data it
/// describes is saved. Records after the owner file's `AuditHead` belong to a save that was interrupted.
struct AuditLog {
    let path: String

    /// The last complete record's position and hash. A torn last line (a crash mid-append, never
    /// committed) is cut off first, so the chain always continues from a whole record.
    func prepareTail() throws -> AuditHead {
        guard var bytes = try DurableFile.read(path), !bytes.isEmpty else { return .empty }
        if bytes.last != UInt8(ascii: "\n") {
            let keep = (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            try DurableFile.truncate(path, to: keep)
            bytes.removeSubrange(keep...)
            if bytes.isEmpty { return .empty }
        }
        let lastLineStart = (bytes.dropLast().lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
        guard let record = try? JSONDecoder().decode(AuditRecord.self, from: Data(bytes[lastLineStart..<(bytes.count - 1)])),
              let hash = record.hash else {
            throw StoreError(.damaged, "\(path) is damaged: its last record cannot be read. Nothing was changed; run cohort verify.")
        }
        return AuditHead(seq: record.seq, hash: hash)
    }

    /// Appends one record per change, chained after `tail`, and flushes them. Returns the new head.
    func append(_ mutation: Mutation, subject: String?, user: String, time: String, after tail: AuditHead) throws -> AuditHead {
        var head = tail
        var lines: [UInt8] = []
        for change in mutation.changes {
            var record = AuditRecord(seq: head.seq + 1, time: time, user: user, subject: subject, entity: change.entity,
                                     field: change.field, old: change.old, new: change.new, reason: mutation.reason,
                                     prev: head.hash, hash: nil)
            let hash = try record.computedHash()
            record.hash = hash
            lines += try CanonicalJSON.compact(record) + [UInt8(ascii: "\n")]
            head = AuditHead(seq: record.seq, hash: hash)
        }
        if !lines.isEmpty { try DurableFile.append(path, lines) }
        return head
    }

    /// The log's size in bytes, or nil when it does not exist yet.
    func length() throws -> Int? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw DurableFile.failure("inspect", path)
        }
        return Int(status.st_size)
    }

    /// Undoes appends that were never committed: cuts the log back to `length`, or removes it when it did
    /// not exist. Best effort: a failure leaves records that verify reports as an interrupted save.
    func rollBack(to length: Int?) {
        if let length { try? DurableFile.truncate(path, to: length) } else { unlink(path) }
    }

    /// Every record, in file order; a line that cannot be read is reported by `verify`, skipped here.
    func records() throws -> [AuditRecord] {
        Self.records(in: try DurableFile.read(path) ?? []).map(\.record)
    }

    /// The readable records of a log's bytes, each with its line.
    static func records(in bytes: [UInt8]) -> [(record: AuditRecord, line: [UInt8])] {
        bytes.split(separator: UInt8(ascii: "\n")).compactMap { line in record(Array(line)).map { ($0, Array(line)) } }
    }

    /// The record on one line, or nil when the line is not one.
    static func record(_ line: [UInt8]) -> AuditRecord? {
        try? JSONDecoder().decode(AuditRecord.self, from: Data(line))
    }

    /// Checks the chain and that it reaches `head`. Returns problems (tampering) and notes (interrupted saves).
    func verify(head: AuditHead) -> (problems: [String], notes: [String]) {
        let bytes: [UInt8]
        do { bytes = try DurableFile.read(path) ?? [] } catch { return (["\(path): \(error)"], []) }
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var previous = AuditHead.empty
        var reachedHead = head.seq == 0
        let decoder = JSONDecoder()
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if line.isEmpty && index == lines.count - 1 { break }
            let isTornTail = index == lines.count - 1 && previous.seq >= head.seq
            guard let record = try? decoder.decode(AuditRecord.self, from: Data(line)) else {
                if isTornTail { return ([], ["\(path) line \(number): an unfinished record from an interrupted save (ignored; removed at the next save)"]) }
                return (["\(path) line \(number): not a readable audit record (edited or damaged)"], [])
            }
            guard record.seq == previous.seq + 1 else {
                return (["\(path) line \(number): record \(record.seq) follows record \(previous.seq) (records were deleted, duplicated or reordered)"], [])
            }
            guard record.prev == previous.hash else {
                return (["\(path) line \(number): record \(record.seq) does not chain to the record before it (a record was removed, replaced or reordered)"], [])
            }
            guard let hash = record.hash, (try? record.computedHash()) == hash else {
                return (["\(path) line \(number): record \(record.seq) was altered (its hash does not match its content)"], [])
            }
            previous = AuditHead(seq: record.seq, hash: hash)
            if record.seq == head.seq {
                guard hash == head.hash else {
                    return (["\(path) line \(number): record \(record.seq) is not the one the saved data refers to (the log was rewritten)"], [])
                }
                reachedHead = true
            }
        }
        guard reachedHead else {
            return (["\(path): the log ends at record \(previous.seq) but the saved data refers to record \(head.seq) (records were removed from the end)"], [])
        }
        let extra = previous.seq - head.seq
        return ([], extra > 0 ? ["\(path): \(extra) record(s) after the last save describe a save that was interrupted and did not happen"] : [])
    }
}
