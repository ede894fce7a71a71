#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CohortStore

/// One trail read a save at a time, for the whole store's listing in time order: after the trail was
/// checked whole (`JSONFileStore.listedTrail`), its records are read again from where the listing got to, so
/// only one save of each trail is held in memory. The records it gives are the intact lines before `end`
/// (the end of the last record listed), which are exactly the records the check listed.
struct TrailCursor {
    let path: String
    /// The end of the last listed record's line.
    let end: Int
    /// How many records are still to be given.
    private(set) var remaining: Int
    /// Where the next line starts.
    private var offset = 0
    /// The save being given, and how many of its records were given.
    private var save: [(AuditRecord, Bool)] = []
    private var given = 0

    init(path: String, end: Int, remaining: Int) {
        self.path = path; self.end = end; self.remaining = remaining
    }

    /// A trail whose records are not in time order (a clock set back between two saves): all of them, in
    /// time order, held in memory (the rare case that costs memory).
    init(path: String, inTimeOrder records: [AuditRecord], remaining: Int) {
        self.path = path; end = 0; self.remaining = remaining
        save = zip(records, AuditRecord.signedSaves(records)).sorted { $0.0.timeKey < $1.0.timeKey }
    }

    /// The next record and whether its save is signed; nil when every record was given (or the file no
    /// longer holds them).
    mutating func next() throws -> (AuditRecord, Bool)? {
        guard remaining > 0 else { return nil }
        if given == save.count {
            try readSave()
            given = 0
        }
        guard given < save.count else {
            remaining = 0
            return nil
        }
        defer { given += 1; remaining -= 1 }
        return save[given]
    }

    /// Reads the records of the next save: up to the one that holds the data's state (which says whether
    /// the save is signed, `AuditRecord.signedSaves`), or to `end`.
    private mutating func readSave() throws {
        save = []
        guard offset < end else { return }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { throw DurableFile.failure("read", path) }
        defer { close(descriptor) }
        var buffer: [UInt8] = [], bufferStart = offset, chunk = 8_192
        var records: [AuditRecord] = []
        while offset < end {
            // The line from `offset`: up to its newline, or to `end`.
            var lineEnd: Int?
            while lineEnd == nil {
                if let newline = buffer[(offset - bufferStart)...].firstIndex(of: UInt8(ascii: "\n")) {
                    lineEnd = min(bufferStart + newline, end)
                } else if bufferStart + buffer.count >= end {
                    lineEnd = end
                } else {
                    let wanted = min(chunk, end - bufferStart - buffer.count)
                    var more = [UInt8](repeating: 0, count: wanted)
                    let count = more.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, off_t(bufferStart + buffer.count)) }
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { throw DurableFile.failure("read", path) }
                    buffer += more[..<count]
                    chunk *= 2
                }
            }
            let line = buffer[(offset - bufferStart)..<(lineEnd! - bufferStart)]
            offset = lineEnd! + 1
            guard let record = try? AuditRecord(line: line) else { continue }
            records.append(record)
            if record.state != nil { break }
        }
        let signed = records.last.map { $0.state != nil && $0.signature != nil } ?? false
        save = records.map { ($0, signed) }
    }
}
