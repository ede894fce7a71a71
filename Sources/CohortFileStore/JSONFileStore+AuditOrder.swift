#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CohortStore
import Foundation

/// The whole store's audit trail in time order, in the memory of one run of records whatever the store's
/// size (a site network's trail is hundreds of thousands of records): the logs are read a batch at a time,
/// cut into sorted runs spilled under `.cache/`, and the runs merged.
extension JSONFileStore {
    /// Calls `observe` with every record (in no particular order), then `body` with every record in time
    /// order (time, subject, sequence; store-wide records before participants' at the same instant).
    /// Logs are read `logsPerBatch` at a time on all cores; `runLength` records are kept in memory before a
    /// run is sorted and spilled. Each chain is checked as it is read; lines that are not intact records
    /// are left out, and what is wrong is returned (`verify` says more).
    @discardableResult
    public func forEachAuditRecordInTimeOrder(logsPerBatch: Int = 256, runLength: Int = 8_192, observe: (AuditRecord) -> Void,
                                              _ body: (AuditRecord) throws -> Void) throws -> [String] {
        try forEachAuditRecordInTimeOrder(logsPerBatch: logsPerBatch, runLength: runLength, observe: observe) { record, _ in try body(record) }
    }

    /// The same, also handing `body` whether the record's save is signed (`AuditRecord.signedSaves`, decided
    /// within its own chain before the chains are merged).
    @discardableResult
    public func forEachAuditRecordInTimeOrder(logsPerBatch: Int = 256, runLength: Int = 65_536, observe: (AuditRecord) -> Void,
                                              authenticated body: (AuditRecord, Bool) throws -> Void) throws -> [String] {
        var problems: [String] = []
        let logs = [nil] + (try subjects()).map { Optional($0) }
        let folder = directory + "/audit", participants = participantsDirectory, context = context
        let storeHead = try readSite().audit
        // Each line in a run starts with one byte: `+` when its save is signed, `-` when not.
        var run: [(key: AuditRecord.TimeKey, line: [UInt8])] = []
        var runFiles: [String] = []
        defer { for file in runFiles { unlink(file) } }
        func spill() throws {
            run.sort { $0.key < $1.key }
            try DurableFile.makeDirectory(cacheDirectory)
            let path = cacheDirectory + "/" + Self.auditRunPrefix + "\(getpid())-\(runFiles.count)"
            runFiles.append(path)
            // A run lives only as long as this call and is removed after it: written, not flushed to disk
            // (a flush per run was most of the time on a busy disk).
            var bytes: [UInt8] = []
            for entry in run { bytes += entry.line; bytes.append(UInt8(ascii: "\n")) }
            try Self.writeRun(bytes, to: path)
            run.removeAll(keepingCapacity: true)
        }
        let logsPerBatch = max(1, logsPerBatch)
        for start in stride(from: 0, to: logs.count, by: logsPerBatch) {
            let batch = Array(logs[start..<min(start + logsPerBatch, logs.count)])
            let read = ParallelResults<Result<(VerifiedLog, [UInt8]), StoreError>>(count: batch.count)
            read.fill { index in
                let path = folder + "/" + (batch[index] ?? Ledger.storeChain) + ".jsonl"
                do {
                    let bytes = try DurableFile.read(path) ?? []
                    // Only committed records: those up to the head the data file names (records of a save
                    // that did not finish never happened). A data file that cannot be read leaves every
                    // readable record listed, and the problem said.
                    var head: AuditHead? = storeHead
                    var unreadable: String?
                    var data: (tree: JSONValue, file: String)?
                    if let subject = batch[index] {
                        // The data's state is checked against the head record of the trail just read, not
                        // by reading the trail again (one read per file).
                        do {
                            let read = try Self.readParticipant(subject, folder: participants, context: context, checkState: false)
                            head = read.file.audit
                            data = (read.tree["participant"] ?? .null, participants + "/" + subject + ".json")
                        } catch {
                            head = nil
                            unreadable = "\(error)"
                        }
                    }
                    var verified = AuditLog.verify(bytes, head: head, path: path)
                    if let data, let head, let record = verified.records.last, record.seq == head.seq,
                       let problem = Self.stateProblem(data.tree, record: record, file: data.file) {
                        // As a data file that cannot be read: every readable record listed, the problem said.
                        verified = AuditLog.verify(bytes, head: nil, path: path)
                        unreadable = problem
                    }
                    if let unreadable { verified.problems.insert(unreadable, at: 0) }
                    return .success((verified, bytes))
                } catch let error as StoreError {
                    return .failure(error)
                } catch {
                    return .failure(StoreError(.io, "\(path): \(error)"))
                }
            }
            for outcome in read.all {
                guard let outcome else { continue }
                let (verified, bytes) = try outcome.get()
                problems += verified.problems
                for ((record, line), signed) in zip(zip(verified.records, verified.lines), AuditRecord.signedSaves(verified.records)) {
                    observe(record)
                    run.append((record.timeKey, [UInt8(ascii: signed ? "+" : "-")] + bytes[line]))
                }
            }
            if run.count >= runLength { try spill() }
        }
        guard !runFiles.isEmpty else {
            run.sort { $0.key < $1.key }
            for entry in run { if let record = try? AuditRecord(line: entry.line.dropFirst()) { try body(record, entry.line.first == UInt8(ascii: "+")) } }
            return problems
        }
        if !run.isEmpty { try spill() }
        // Merge: each run is sorted; take the earliest head each time.
        var readers = try runFiles.map { try LineReader(path: $0) }
        func record(_ line: [UInt8]?) -> (AuditRecord, Bool)? {
            line.flatMap { line in (try? AuditRecord(line: line.dropFirst())).map { ($0, line.first == UInt8(ascii: "+")) } }
        }
        var heads = readers.indices.map { record(readers[$0].next()) }
        while let earliest = heads.indices.filter({ heads[$0] != nil }).min(by: { heads[$0]!.0.timeKey < heads[$1]!.0.timeKey }) {
            try body(heads[earliest]!.0, heads[earliest]!.1)
            heads[earliest] = record(readers[earliest].next())
        }
        return problems
    }

    static let auditRunPrefix = "audit-run-"

    /// Writes a run, owner-only, without a flush (Foundation's `createFile` flushes every file it writes).
    private static func writeRun(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError(.io, "\(path) cannot be written: check the folder's permissions.") }
        defer { close(descriptor) }
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + done, $0.count - done) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw StoreError(.io, "\(path) cannot be written: check the disk's free space.") }
            done += count
        }
    }
}

/// Reads a file a line at a time through a buffer (the runs are too large to read whole by design).
private struct LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(path: String) throws {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DurableFile.failure("read", path) }
    }

    /// The next line without its newline; nil at the end (the descriptor is then closed).
    mutating func next() -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return Array(buffer[start..<newline])
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return Array(buffer[start...])
            }
            buffer.removeSubrange(..<start)
            start = 0
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                atEnd = true
                close(descriptor)
            } else {
                buffer += chunk[..<count]
            }
        }
    }
}
