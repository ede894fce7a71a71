#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CohortDomain
import CohortStore
import Foundation

/// The whole store's audit trail in time order, streamed: the order comes from a derived index,
/// `.cache/audit-order` (`AuditOrderIndex`: which trail each record in time order comes from), and each
/// trail is read when its first record is due, checked whole as before, then read a save at a time
/// (`TrailCursor`). The first record is printed after one trail is read, and memory does not grow with
/// the number of trails being listed. The index is made again from the trails when it is missing or damaged;
/// when it is stale (the folders' and the site file's stamps moved) it is brought up to date from the trails
/// that changed if it can be (`JSONFileStore+AuditOrderUpdate`), and made again otherwise.
extension JSONFileStore {
    /// What a caller keeps with the order: a few numbers per record (e.g. the text listing's column widths),
    /// of which the largest over every record are handed to `start` before the first record. `key` names
    /// what they mean: an index made for another key is made again.
    public struct AuditMeasures {
        let key: String
        let measure: @Sendable (AuditRecord) -> [Int]

        /// Measures named `key`, `measure` of each record (taken on all cores).
        public init(key: String, measure: @escaping @Sendable (AuditRecord) -> [Int]) { self.key = key; self.measure = measure }
    }

    var auditOrderFile: String { cacheDirectory + "/audit-order" }

    /// Calls `start` with the largest `measures` of every record (none without measures), then `body` with
    /// every record in time order (time, subject, sequence; store-wide records before participants' at the
    /// same instant) and whether its save is signed (`AuditRecord.signedSaves`, decided within its own
    /// chain). Each chain is checked whole when it is first read; lines that are not intact records are
    /// left out, and what is wrong is returned in the trails' order (`verify` says more).
    @discardableResult
    public func forEachAuditRecordInTimeOrder(measures: AuditMeasures? = nil, logsPerBatch: Int = 64, start: ([Int]) throws -> Void = { _ in },
                                              _ body: (AuditRecord, Bool) throws -> Void) throws -> [String] {
        let storeHead = try readSite().audit
        let stored = storedAuditOrder(measuresKey: measures?.key)
        let current = stored.flatMap { !$0.stamps.contains(.unknown) && $0.stamps == auditOrderStamps() ? $0 : nil }
        // Brought up to date, it is written once the first record is out: the first line does not wait for it.
        let updated = current == nil ? stored.flatMap { try? updatedAuditOrder($0, storeHead: storeHead, measures: measures, logsPerBatch: logsPerBatch) } : nil
        let index = try current ?? updated ?? makeAuditOrder(storeHead: storeHead, measures: measures, logsPerBatch: logsPerBatch)
        try start(index.measures)
        return try list(index, storeHead: storeHead, afterFirst: { if let updated { writeAuditOrder(updated) } }, body)
    }

    /// The stamps the index is trusted by: every save renames a file into the participants folder (or
    /// writes the site file), and a trail is made or replaced by a rename into the audit folder.
    func auditOrderStamps() -> [FileStamp] {
        [participantsDirectory, auditDirectory, siteFile].map { FileStamp.of($0) ?? .unknown }
    }

    /// The index on disk, if it is intact and made for these measures (the store may have changed since:
    /// it is used as it stands only while its stamps, none racy, are the folders').
    private func storedAuditOrder(measuresKey: String?) -> AuditOrderIndex? {
        guard let bytes = try? DurableFile.read(auditOrderFile), let index = AuditOrderIndex(decoding: bytes),
              measuresKey.map({ $0 == index.measuresKey }) ?? true else { return nil }
        return index
    }

    /// Reads every trail (a batch at a time on all cores), orders their records and writes the index
    /// (not flushed; a failure to write only costs the next listing the same work).
    private func makeAuditOrder(storeHead: AuditHead, measures: AuditMeasures?, logsPerBatch: Int) throws -> AuditOrderIndex {
        let lookedAt = FileStamp.now()
        let stamps = auditOrderStamps().map { $0.trusted(lookedAt: lookedAt) }
        let trails = [nil] + (try subjects()).map { Optional($0) }
        // Audit times written by Cohort are fixed-width UTC text, which orders as its digits do; any other
        // text (a store written by hand) is ordered as text, which costs more memory.
        let numbered = try orderedRecords(trails, storeHead: storeHead, measures: measures, logsPerBatch: logsPerBatch,
                                          lookedAt: lookedAt) { Self.timeNumber($0.time) }
        guard let made = try numbered
            ?? orderedRecords(trails, storeHead: storeHead, measures: measures, logsPerBatch: logsPerBatch, lookedAt: lookedAt, time: { $0.time }) else {
            throw StoreError(.io, "The audit trails of \(directory) could not be put in time order; run `cohort verify`.")
        }
        let index = AuditOrderIndex(stamps: stamps, measuresKey: measures?.key ?? "", measures: made.measures,
                                    trails: trails.map { $0 ?? "" }, counts: made.counts, order: made.order, states: made.states,
                                    lastTime: made.last?.time ?? "", lastSeq: made.last?.seq ?? 0)
        writeAuditOrder(index)
        return index
    }

    /// Every listed record's trail number in time order, each trail's count and state, the largest measures
    /// and the last record's time and sequence number; nil when `time` cannot key some record.
    private func orderedRecords<Time: Comparable & Sendable>(_ trails: [String?], storeHead: AuditHead, measures: AuditMeasures?,
                                                              logsPerBatch: Int, lookedAt: Int64, time: @escaping @Sendable (AuditRecord) -> Time?) throws
        -> (order: [UInt32], counts: [UInt32], measures: [Int], states: [AuditOrderIndex.TrailState], last: (time: String, seq: UInt32)?)? {
        // One sorted run per batch, each allocated at its size, merged at the end: the keys are held once
        // (16 bytes a record), never in an array grown by doubling and copied whole to sort.
        var runs: [[OrderKey<Time>]] = []
        var counts: [UInt32] = []
        var widest: [Int] = []
        var states: [AuditOrderIndex.TrailState] = []
        var last: (key: OrderKey<Time>, time: String)?
        let folder = auditDirectory, participants = participantsDirectory, context = context, measure = measures?.measure
        let logsPerBatch = max(1, logsPerBatch)
        let stamped = StampedFolders(audit: folder, participants: participants, site: siteFile)
        defer { stamped.closeFolders() }
        for first in stride(from: 0, to: trails.count, by: logsPerBatch) {
            let batch = Array(trails[first..<min(first + logsPerBatch, trails.count)])
            let read = ParallelResults<Result<ReadTrail<Time>?, StoreError>>(count: batch.count)
            read.fill { index in
                do {
                    // Stamps looked at before the trail is read: a save in between shows as a change next time.
                    var state = stamped.state(batch[index], lookedAt: lookedAt)
                    let verified = try Self.listedTrail(batch[index], folder: folder, participants: participants, context: context,
                                                        storeHead: storeHead).verified
                    state.last = AuditOrderIndex.TrailState.fingerprint(verified.records.last)
                    var trail = ReadTrail<Time>(keys: [], widest: [], state: state, last: nil)
                    trail.keys.reserveCapacity(verified.records.count)
                    for record in verified.records {
                        guard let time = time(record) else { return .success(nil) }
                        let key = OrderKey(time: time, trail: UInt32(first + index), seq: record.seq)
                        trail.keys.append(key)
                        if trail.last.map({ $0.key < key }) ?? true { trail.last = (key, record.time) }
                        if let measure { Self.widen(&trail.widest, to: measure(record)) }
                    }
                    return .success(trail)
                } catch let error as StoreError {
                    return .failure(error)
                } catch {
                    return .failure(StoreError(.io, "\(error)"))
                }
            }
            var found: [ReadTrail<Time>] = []
            for outcome in read.all {
                guard let trail = try outcome?.get() else { return nil }
                found.append(trail)
            }
            var run: [OrderKey<Time>] = []
            run.reserveCapacity(found.reduce(0) { $0 + $1.keys.count })
            for trail in found {
                counts.append(UInt32(trail.keys.count))
                states.append(trail.state)
                run += trail.keys
                Self.widen(&widest, to: trail.widest)
                if let end = trail.last, last.map({ $0.key < end.key }) ?? true { last = end }
            }
            run.sort()
            runs.append(run)
        }
        return (Self.merged(runs), counts, widest, states, last.map { ($0.time, $0.key.seq) })
    }

    /// The file of `subject`'s trail (nil: the store-wide trail) in the audit folder `folder`.
    static func trailPath(_ subject: String?, folder: String) -> String { folder + "/" + (subject ?? Ledger.storeChain) + ".jsonl" }

    /// The trail numbers of sorted `runs` merged in order (a binary heap of each run's next key).
    private static func merged<Time>(_ runs: [[OrderKey<Time>]]) -> [UInt32] {
        var order: [UInt32] = []
        order.reserveCapacity(runs.reduce(0) { $0 + $1.count })
        var next = [Int](repeating: 0, count: runs.count)
        var heap = runs.indices.filter { !runs[$0].isEmpty }
        func less(_ left: Int, _ right: Int) -> Bool { runs[heap[left]][next[heap[left]]] < runs[heap[right]][next[heap[right]]] }
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1, right = left + 1
                var least = parent
                if left < heap.count && less(left, least) { least = left }
                if right < heap.count && less(right, least) { least = right }
                if least == parent { return }
                heap.swapAt(parent, least)
                parent = least
            }
        }
        for start in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(start) }
        while let run = heap.first {
            order.append(runs[run][next[run]].trail)
            next[run] += 1
            if next[run] == runs[run].count {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
        }
        return order
    }

    /// Lists the records in `index`'s order, reading each trail when its first record is due, and calls
    /// `afterFirst` once the first is listed (or at the end when there is none). What the
    /// trails say against the index (a record out of order, fewer records than it names) is a problem, and
    /// the index is removed so the next listing makes it again.
    private func list(_ index: AuditOrderIndex, storeHead: AuditHead, afterFirst: () -> Void,
                      _ body: (AuditRecord, Bool) throws -> Void) throws -> [String] {
        var cursors = [TrailCursor?](repeating: nil, count: index.trails.count)
        var problems = [[String]](repeating: [], count: index.trails.count)
        var disagrees = false
        // Trails are first needed in this order: they are opened in it, a batch at a time on all cores,
        // the first batches small so the first record waits for one trail only.
        var firstNeeded: [Int] = [], seen = [Bool](repeating: false, count: index.trails.count)
        for trail in index.order.lazy.map(Int.init) where !seen[trail] {
            seen[trail] = true
            firstNeeded.append(trail)
        }
        firstNeeded += seen.indices.filter { !seen[$0] } // no record listed: still checked, as every chain is
        var opened = 0, batch = 1
        let folder = auditDirectory, participants = participantsDirectory, context = context
        func openNext() throws {
            let trails = Array(firstNeeded[opened..<min(opened + batch, firstNeeded.count)])
            let read = ParallelResults<Result<(TrailCursor, [String], Int), StoreError>>(count: trails.count)
            read.fill { position in
                let trail = trails[position], name = index.trails[trail]
                do {
                    let (verified, path) = try Self.listedTrail(name.isEmpty ? nil : name, folder: folder, participants: participants,
                                                                context: context, storeHead: storeHead)
                    // Records saved since the index was made (a save while listing) are left out, as a
                    // listing read a moment earlier would have.
                    return .success((TrailCursor(path: path, verified: verified, limit: Int(index.counts[trail])), verified.problems,
                                     verified.records.count))
                } catch let error as StoreError {
                    return .failure(error)
                } catch {
                    return .failure(StoreError(.io, "\(error)"))
                }
            }
            for (trail, outcome) in zip(trails, read.all) {
                guard let (cursor, found, listed) = try outcome?.get() else { continue }
                cursors[trail] = cursor
                problems[trail] = found
                if listed < Int(index.counts[trail]) { disagrees = true }
            }
            opened += trails.count
            batch = min(batch * 2, 64)
        }
        var previous: AuditRecord.TimeKey?, listedOne = false
        for trail in index.order.lazy.map(Int.init) {
            while cursors[trail] == nil && opened < firstNeeded.count { try openNext() }
            guard let (record, signed) = try cursors[trail]?.next() else {
                disagrees = true
                continue
            }
            if let previous, record.timeKey < previous { disagrees = true }
            previous = record.timeKey
            try body(record, signed)
            if !listedOne { listedOne = true; afterFirst() }
        }
        if !listedOne { afterFirst() }
        while opened < firstNeeded.count { try openNext() }
        var found = problems.flatMap { $0 }
        if disagrees {
            unlink(auditOrderFile)
            found.append("\(auditOrderFile) does not agree with the trails (a file changed without a save?): the records above may be out of order or incomplete. It was removed; run `cohort audit` again.")
        }
        return found
    }

    /// One trail as the listing reads it: only committed records (up to the head the data file names; the
    /// records of a save that did not finish never happened). The data's state is checked against the head
    /// record of the trail just read, not by reading the trail again. A data file that cannot be read, or
    /// whose state is not its head's, leaves every readable record listed, and the problem said first.
    static func listedTrail(_ subject: String?, folder: String, participants: String, context: StudyContext,
                            storeHead: AuditHead) throws -> (verified: VerifiedLog, path: String) {
        let path = trailPath(subject, folder: folder)
        do {
            let bytes = try DurableFile.read(path) ?? []
            var head: AuditHead? = storeHead
            var unreadable: String?
            var data: (tree: JSONValue, file: String)?
            if let subject {
                do {
                    let read = try readParticipant(subject, folder: participants, context: context, checkState: false)
                    head = read.file.audit
                    data = (read.tree["participant"] ?? .null, participants + "/" + subject + ".json")
                } catch {
                    head = nil
                    unreadable = "\(error)"
                }
            }
            var verified = AuditLog.verify(bytes, head: head, path: path)
            if let data, let head, let record = verified.records.last, record.seq == head.seq,
               let problem = stateProblem(data.tree, record: record, file: data.file) {
                verified = AuditLog.verify(bytes, head: nil, path: path)
                unreadable = problem
            }
            if let unreadable { verified.problems.insert(unreadable, at: 0) }
            return (verified, path)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.io, "\(path): \(error)")
        }
    }

    /// `widest` made at least as wide as `measured`, column by column.
    static func widen(_ widest: inout [Int], to measured: [Int]) {
        if widest.count < measured.count { widest += Array(repeating: 0, count: measured.count - widest.count) }
        for (column, value) in measured.enumerated() { widest[column] = max(widest[column], value) }
    }

    /// The index written atomically, owner-only (a reader sees the old or the new file, never a mix).
    func writeAuditOrder(_ index: AuditOrderIndex) {
        guard (try? DurableFile.makeDirectory(cacheDirectory)) != nil else { return }
        let temporary = cacheDirectory + "/" + Self.auditRunPrefix + "\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, DurableFile.fileMode)
        guard descriptor >= 0 else { return }
        let written = (try? DurableFile.writeAll(descriptor, index.encoded(), path: temporary)) != nil
        close(descriptor)
        if !written || rename(temporary, auditOrderFile) != 0 { unlink(temporary) }
    }

    /// The prefix of the index's temporary file (one killed while writing is removed with the cache's).
    static let auditRunPrefix = "audit-order-"

    /// The digits of an audit time as Cohort writes it (`2026-11-25T10:44:44.123Z`), which order as the
    /// text does; nil for any other text.
    static func timeNumber(_ time: String) -> Int64? {
        var number: Int64 = 0, count = 0
        for (character, expected) in zip(time.utf8, timePattern) {
            count += 1
            if expected == UInt8(ascii: "0") {
                guard character >= UInt8(ascii: "0") && character <= UInt8(ascii: "9") else { return nil }
                number = number * 10 + Int64(character - UInt8(ascii: "0"))
            } else if character != expected {
                return nil
            }
        }
        return count == timePattern.count && time.utf8.count == timePattern.count ? number : nil
    }

    private static let timePattern = Array("0000-00-00T00:00:00.000Z".utf8)
}

/// The audit and participants folders held open while their trails and data files are stamped, each file
/// looked up by its name alone (`FileStamp.of(_:in:)`).
struct StampedFolders: Sendable {
    let audit: Int32, participants: Int32
    /// The site file: the store-wide trail's data file (it names that trail's head).
    let site: String

    init(audit: String, participants: String, site: String) {
        // A folder that cannot be opened stamps nothing: every trail is `unknown`, read again.
        self.audit = open(audit, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        self.participants = open(participants, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        self.site = site
    }

    func closeFolders() {
        for folder in [audit, participants] where folder >= 0 { close(folder) }
    }

    /// What `subject`'s trail (nil: the store-wide trail) and its data file are as looked at now, trusted
    /// only if they did not change within the racy margin of `lookedAt` (`last` is for the caller to set).
    func state(_ subject: String?, lookedAt: Int64) -> AuditOrderIndex.TrailState {
        let trail = FileStamp.of((subject ?? Ledger.storeChain) + ".jsonl", in: audit)
        let data = subject.map { FileStamp.of($0 + ".json", in: participants) } ?? FileStamp.of(site)
        return AuditOrderIndex.TrailState(trail: (trail ?? .unknown).trusted(lookedAt: lookedAt),
                                          data: (data ?? .unknown).trusted(lookedAt: lookedAt), last: 0)
    }
}

/// One trail read to order the index: its records' keys, their largest measures, its state and its last
/// record in time order (with its time as written).
private struct ReadTrail<Time: Comparable & Sendable> {
    var keys: [OrderKey<Time>]
    var widest: [Int]
    var state: AuditOrderIndex.TrailState
    var last: (key: OrderKey<Time>, time: String)?
}

/// A record's place in time order: its time, its trail's number (trails are numbered in subject order,
/// the store-wide one first) and its sequence number.
struct OrderKey<Time: Comparable & Sendable>: Comparable, Sendable {
    let time: Time
    /// The trail's number in the high half, the sequence number in the low (16 bytes a record in all).
    let place: UInt64

    init(time: Time, trail: UInt32, seq: Int) {
        self.time = time
        place = UInt64(trail) << 32 | UInt64(UInt32(clamping: seq))
    }

    var trail: UInt32 { UInt32(truncatingIfNeeded: place >> 32) }
    var seq: UInt32 { UInt32(truncatingIfNeeded: place) }

    static func < (left: Self, right: Self) -> Bool {
        (left.time, left.place) < (right.time, right.place)
    }
}
