#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CohortStore

/// One trail read a little at a time, for the whole store's listing in time order: after the trail was
/// checked whole (`JSONFileStore.listedTrail`), its records are read again from where the listing got to,
/// so only one save of each trail is held in memory. The records it gives are the ones the check listed.
struct TrailCursor: Sendable {
    let path: String
    /// How many records are still to be given.
    private(set) var remaining: Int
    /// A trail in time order is read on from `offset` up to `end` (the end of the last record listed), a
    /// save at a time; one whose records are not in time order (a clock set back between two saves) keeps
    /// where each record's line lies, in time order, and reads them one by one.
    private var offset = 0
    private let end: Int
    private var scattered: [(start: Int, end: Int, signed: Bool)] = []
    /// The save being given, and how many of its records were given.
    private var save: [(AuditRecord, Bool)] = []
    private var given = 0

    /// The cursor over `verified`, the check of the trail at `path`, giving at most `limit` records.
    init(path: String, verified: VerifiedLog, limit: Int) {
        self.path = path
        remaining = min(verified.records.count, limit)
        end = verified.lines.last?.upperBound ?? 0
        let records = verified.records
        if zip(records, records.dropFirst()).contains(where: { $1.timeKey < $0.timeKey }) {
            scattered = zip(zip(records, verified.lines), AuditRecord.signedSaves(records))
                .sorted { $0.0.0.timeKey < $1.0.0.timeKey }
                .map { (start: $0.0.1.lowerBound, end: $0.0.1.upperBound, signed: $0.1) }
        }
    }

    /// The next record and whether its save is signed; nil when every record was given (or the file no
    /// longer holds them).
    mutating func next() throws -> (AuditRecord, Bool)? {
        guard remaining > 0 else { return nil }
        if save.isEmpty {
            try scattered.isEmpty ? readSave() : readScattered()
            given = 0
        }
        guard given < save.count else {
            remaining = 0
            return nil
        }
        let result = save[given]
        given += 1
        remaining -= 1
        // A save given whole is let go at once: thousands of trails are part-way through at any moment.
        if given == save.count { save = [] }
        return result
    }

    /// Reads the records of the next save: up to the one that holds the data's state (which says whether
    /// the save is signed, `AuditRecord.signedSaves`), or to `end`.
    private mutating func readSave() throws {
        save = []
        guard offset < end else { return }
        let descriptor = try openTrail()
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
                    buffer += try readBytes(descriptor, at: bufferStart + buffer.count, count: min(chunk, end - bufferStart - buffer.count))
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

    /// Reads the next record of a trail not in time order, by where its line lies.
    private mutating func readScattered() throws {
        save = []
        guard !scattered.isEmpty else { return }
        let place = scattered.removeFirst()
        let descriptor = try openTrail()
        defer { close(descriptor) }
        let line = try readBytes(descriptor, at: place.start, count: place.end - place.start)
        if let record = try? AuditRecord(line: line[...]) { save = [(record, place.signed)] }
    }

    private func openTrail() throws -> Int32 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { throw DurableFile.failure("read", path) }
        return descriptor
    }

    /// `count` bytes at `offset` (fewer only at the file's end; none is a failure: the trail was cut).
    private func readBytes(_ descriptor: Int32, at offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let done = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(offset + filled)) }
            if done < 0 && errno == EINTR { continue }
            if done <= 0 { break }
            filled += done
        }
        guard filled > 0 else { throw DurableFile.failure("read", path) }
        return Array(bytes[..<filled])
    }
}
