import CohortDomain
import CohortIdentity
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An append-only, hash-chained audit log: one JSON record per line, flushed to disk before the data it
/// describes is saved. The owner file's `AuditHead` is the commit point: records up to it happened; records
/// after it belong to a save that did not finish, and are set aside (never adopted) before the next write.
/// A committed record is never cut or rewritten, whatever the state of the file's last byte.
struct AuditLog {
    let path: String

    /// Where records of saves that did not finish are moved, one file per chain, append-only.
    var asidePath: String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder + "/interrupted/" + (path as NSString).lastPathComponent
    }

    /// The byte ranges of the log's lines, without their newlines; the last may lack one.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            // memchr: the C library's word-at-a-time search, over every trail `verify` reads.
            guard let base = buffer.baseAddress else { return }
            while start < buffer.count, let found = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start) {
                let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                ranges.append(start..<index)
                start = index + 1
            }
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }

    /// The minute (`YYYY-MM-DDTHH:MM`, UTC) of each of `lines`' audit time, read without parsing or checking
    /// the line, or nil for a line without one: a record's members are sorted and `time` follows `subject`,
    /// and no value in the data has a member named `time`, so the first `,"time":"` of a line is its own
    /// (quotes inside text are escaped).
    static func minutes(_ bytes: [UInt8], lines: [Range<Int>]) -> [Substring?] {
        // strstr, the C library's search, over every line of every trail a summary reads: it needs the text
        // to end with a zero byte, which no line holds.
        let text = bytes + [0]
        return text.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            return lines.map { line in
                guard let found = strstr(base.assumingMemoryBound(to: CChar.self) + line.lowerBound, Self.timeMarker) else { return nil }
                let start = base.distance(to: UnsafeRawPointer(found)) + Self.timeMarker.count - 1
                guard start + 16 <= line.upperBound else { return nil }
                return Substring(decoding: UnsafeRawBufferPointer(start: base + start, count: 16), as: UTF8.self)
            }
        }
    }

    private static let timeMarker = Array(",\"time\":\"".utf8CString)

    /// The committed records from line `first` (numbered from 0) to `head`, checked back from the head:
    /// each line an intact record, numbered after the line before it and chained to it, the last one the
    /// head. Lines after the head belong to a save that did not finish and are left out. Nil when the lines
    /// do not check that way (the whole trail's check, `verify`, says why). A head before `first` leaves
    /// nothing committed from `first` on.
    static func committedRecords(_ bytes: [UInt8], lines: [Range<Int>], from first: Int, head: AuditHead) -> [AuditRecord]? {
        guard head.seq > first else { return [] }
        var records: [AuditRecord] = []
        for line in lines[first...] {
            guard let record = try? AuditRecord(line: bytes[line]), record.seq == first + records.count + 1,
                  records.last.map({ $0.hash == record.prev }) ?? true else { return nil }
            records.append(record)
            if record.seq == head.seq { return record.hash == head.hash ? records : nil }
        }
        return nil
    }

    /// Makes the log agree with the data whose saved head is `head`, under the store lock, before anything
    /// is appended: a committed last record without its newline gets one; records after the head (a save
    /// that did not finish) are moved to `asidePath` — unless `confirmed`, the head this machine's ledger
    /// recorded, lies beyond the data's head: then the data file is older than its trail (restored or
    /// replaced by hand) and nothing is written. Returns the head to chain after.
    func prepare(committed head: AuditHead, confirmed: () throws -> AuditHead?, dataFile: String) throws -> (tail: AuditHead, committed: AuditRecord?) {
        guard let bytes = try DurableFile.read(path), !bytes.isEmpty else {
            guard head.seq == 0 else {
                throw StoreError(.damaged, "\(path) is missing or empty but \(dataFile) refers to its record \(head.seq): the trail was deleted. Nothing was changed; restore the store from a backup (cohort verify lists every problem).")
            }
            return (head, nil)
        }
        let ranges = Self.lineRanges(bytes)
        var committedEnd = 0
        var committed: AuditRecord?
        if head.seq > 0 {
            let found = ranges.reversed().first { range in
                guard let record = try? AuditRecord(line: bytes[range]), record.seq == head.seq && record.hash == head.hash else { return false }
                committed = record
                return true
            }
            guard let found else {
                throw StoreError(.damaged, "\(path) does not hold record \(head.seq), which \(dataFile) refers to: the trail or the data was replaced. Nothing was changed; restore the store from a backup (cohort verify lists every problem).")
            }
            committedEnd = found.upperBound
        }
        if committedEnd == bytes.count {
            if committedEnd > 0 { try DurableFile.append(path, [UInt8(ascii: "\n")]) }
            return (head, committed)
        }
        let uncommittedStart = committedEnd == 0 ? 0 : committedEnd + 1
        if uncommittedStart == bytes.count { return (head, committed) }
        if let confirmed = try confirmed(), confirmed.seq > head.seq {
            throw StoreError(.damaged, "\(dataFile) is older than its trail: records up to \(confirmed.seq) were saved on this machine, but the file refers to record \(head.seq). It was restored or replaced by hand. Nothing was changed; restore the store from a backup (cohort verify lists every problem).")
        }
        var aside = Array(bytes[uncommittedStart...])
        if aside.last != UInt8(ascii: "\n") { aside.append(UInt8(ascii: "\n")) }
        try DurableFile.makeDirectory((asidePath as NSString).deletingLastPathComponent)
        try DurableFile.append(asidePath, aside)
        try DurableFile.truncate(path, to: uncommittedStart)
        return (head, committed)
    }

    /// Appends one record per operation, chained after `tail`, the last carrying `state` (and, with `signer`,
    /// its author's signature of the head), and flushes them. Returns the new head.
    func append(_ operations: [PatchOperation], subject: String?, user: String, reason: String?, time: String,
                after tail: AuditHead, state: String?, signer: UnlockedKey? = nil, change: JSONValue? = nil) throws -> AuditHead {
        let (lines, head) = try Self.lines(operations, subject: subject, user: signer?.userName ?? user, reason: reason, time: time,
                                           after: tail, state: state, sign: signer.map(Self.signing), change: change)
        if !lines.isEmpty { try DurableFile.append(path, lines) }
        return head
    }

    /// The log lines of one record per operation, chained after `tail`, the last carrying `state`, and the
    /// head they end at.
    static func lines(_ operations: [PatchOperation], subject: String?, user: String, reason: String?, time: String,
                      after tail: AuditHead, state: String?) -> (bytes: [UInt8], head: AuditHead) {
        // Without a signer nothing can throw.
        (try? lines(operations, subject: subject, user: user, reason: reason, time: time, after: tail, state: state, sign: nil)) ?? ([], tail)
    }

    /// The same, the last record signed with `sign` (a save in a store with users).
    static func lines(_ operations: [PatchOperation], subject: String?, user: String, reason: String?, time: String,
                      after tail: AuditHead, state: String?, sign: ((String) throws -> String)?,
                      change: JSONValue? = nil, origin: String? = nil) throws -> (bytes: [UInt8], head: AuditHead) {
        var head = tail
        var lines: [UInt8] = []
        for (index, operation) in operations.enumerated() {
            var record = AuditRecord(seq: head.seq + 1, time: time, user: user, subject: subject, reason: reason,
                                     operation: operation, prev: head.hash)
            let isLast = index == operations.count - 1
            if isLast { record.state = state; record.change = change; record.origin = origin }
            if isLast, let sign { lines += try record.signedLine(sign) } else { lines += record.line() }
            lines.append(UInt8(ascii: "\n"))
            head = AuditHead(seq: record.seq, hash: record.hash)
        }
        return (lines, head)
    }

    /// Signs a save's head with `key` (docs/RULES.md, "Signed saves").
    static func signing(_ key: UnlockedKey) -> (String) throws -> String {
        { hash in try key.signature(for: AuditRecord.signedMessage(hash)).base64EncodedString() }
    }

    /// The log's size in bytes, or nil when it does not exist yet.
    func length() throws -> Int? {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw DurableFile.failure("inspect", path)
        }
        return Int(status.st_size)
    }

    /// Undoes appends of a save that failed before its data was written: cuts the log back to `length`, or
    /// removes it when it did not exist. Best effort: what is left is set aside before the next write.
    func rollBack(to length: Int?) {
        if let length { try? DurableFile.truncate(path, to: length) } else { unlink(path) }
    }

    /// The log checked from its first line to its last; with no head, every readable record counts.
    func verify(head: AuditHead?) -> VerifiedLog {
        let bytes: [UInt8]
        do { bytes = try DurableFile.read(path) ?? [] } catch { return VerifiedLog(problems: ["\(error)"]) }
        return Self.verify(bytes, head: head, path: path)
    }

    /// Checks every line: each an intact record, numbered and chained after the one before, reaching `head`.
    /// Every problem is reported, not only the first; after a broken line the chain is picked up again
    /// from the next readable record. Records up to the head are returned for replay.
    static func verify(_ bytes: [UInt8], head: AuditHead?, path: String) -> VerifiedLog {
        var result = VerifiedLog()
        result.cutShort = bytes.last.map { $0 != UInt8(ascii: "\n") } ?? false
        var previous: AuditHead? = .empty
        var reachedHead = head?.seq == 0
        for (index, range) in lineRanges(bytes).enumerated() {
            let number = index + 1
            let isCommitted = !reachedHead
            let record: AuditRecord
            do {
                record = try AuditRecord(line: bytes[range])
            } catch AuditRecord.LineProblem.altered {
                result.problems.append("\(path) line \(number): the record was altered (its hash does not match its content)")
                previous = nil
                continue
            } catch {
                if isCommitted {
                    result.problems.append("\(path) line \(number): not a readable audit record (edited or damaged)")
                } else {
                    result.uncommitted += 1
                }
                previous = nil
                continue
            }
            if let previous {
                if record.seq != previous.seq + 1 {
                    result.problems.append("\(path) line \(number): record \(record.seq) follows record \(previous.seq) (records were deleted, duplicated or reordered)")
                } else if record.prev != previous.hash {
                    result.problems.append("\(path) line \(number): record \(record.seq) does not chain to the record before it (a record was removed, replaced or reordered)")
                }
            }
            previous = AuditHead(seq: record.seq, hash: record.hash)
            if isCommitted {
                result.records.append(record)
                result.lines.append(range)
                if let head, record.seq == head.seq {
                    if record.hash != head.hash {
                        result.problems.append("\(path) line \(number): record \(record.seq) is not the one the saved data refers to (the trail was rewritten)")
                    }
                    reachedHead = true
                }
            } else {
                result.uncommitted += 1
            }
        }
        if let head, !reachedHead {
            result.problems.append("\(path): the trail ends before record \(head.seq), which the saved data refers to (records were removed from the end)")
        }
        return result
    }
}

/// What checking one log found.
struct VerifiedLog {
    /// Tampering and damage, each naming the file and line.
    var problems: [String] = []
    /// The committed records, in order, for replay.
    var records: [AuditRecord] = []
    /// Each committed record's line in the log's bytes.
    var lines: [Range<Int>] = []
    /// Records after the saved head: a save that did not finish (set aside at the next write).
    var uncommitted = 0
    /// Whether the log's last byte is not a newline (its last line cut short, or the file edited).
    var cutShort = false
}
