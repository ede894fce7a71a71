import CohortDomain
import Foundation

/// The review cache's bytes: a derived copy of every participant's digest with the file stamp it was read
/// at, and the table's two visit orders, so opening a large store reads one file instead of decoding every
/// participant. Binary because it is read on every start: parsing it costs about a copy, where JSON would
/// cost what decoding the participants costs. It is never the data of record; anything odd about it —
/// another version, another protocol set, a bad checksum, a short read — means "rebuild from the files".
enum ReviewTableCodec {
    /// Bump whenever a digest is derived differently or the layout changes: older caches are then rebuilt.
    static let version: UInt32 = 1
    private static let magic = Array("COHORT REVIEW CACHE\n".utf8)

    /// What one cache file holds.
    struct Contents {
        var table: ReviewTable
        /// One stamp per `table.people` entry.
        var stamps: [FileStamp]
        /// The participants folder when the cache was built (zero: not trusted).
        var folder: FileStamp
        /// Identifies the protocols and scales the digests were derived with.
        var fingerprint: String
    }

    /// People are written in this many runs, each decoded on its own core.
    private static let runs = 16

    static func encode(_ contents: Contents) -> [UInt8] {
        var out = ByteWriter()
        var runTable = ByteWriter()
        let people = contents.table.people
        let runLength = max(1, (people.count + runs - 1) / runs)
        runTable.u32(UInt32((people.count + runLength - 1) / runLength))
        var runStart = 0
        for (index, (digest, stamp)) in zip(people, contents.stamps).enumerated() {
            out.stamp(stamp)
            out.string(digest.subject); out.string(digest.initials); out.string(digest.study)
            out.u8(UInt8(ParticipantStatus.allCases.firstIndex(of: digest.status) ?? 0))
            out.date(digest.consentDate); out.date(digest.baselineDate); out.date(digest.exitDate)
            out.u8(digest.primary == nil ? 0 : 1)
            if let primary = digest.primary {
                out.string(primary.scale); out.i32(primary.total); out.u8(primary.change == nil ? 0 : 1); out.i32(primary.change ?? 0)
            }
            out.u32(UInt32(digest.visits.count))
            for visit in digest.visits {
                out.string(visit.code); out.u32(UInt32(visit.order))
                out.u8(UInt8(VisitStatus.allCases.firstIndex(of: visit.status) ?? 0))
                out.date(visit.target); out.date(visit.window.start); out.date(visit.window.end); out.date(visit.scheduled)
                out.date(visit.completedDate); out.date(visit.missedDate)
                out.u32(UInt32(visit.enteredScales)); out.u32(UInt32(visit.requiredScales)); out.u8(visit.isIncomplete ? 1 : 0)
            }
            out.u32(UInt32(digest.scoreDates.count))
            for date in digest.scoreDates { out.date(date) }
            out.u32(UInt32(digest.flags.count))
            for flag in digest.flags {
                out.string(flag.visit); out.string(flag.flag); out.date(flag.date)
                out.u8((flag.isUrgent ? 1 : 0) | (flag.isAcknowledged ? 2 : 0))
            }
            out.u32(UInt32(digest.deviationNotes.count))
            for note in digest.deviationNotes { out.string(note.visit); out.string(note.note) }
            if (index + 1) % runLength == 0 || index + 1 == people.count {
                runTable.u32(UInt32(index + 1 - (index / runLength) * runLength))
                runTable.u32(UInt32(out.bytes.count - runStart))
                runStart = out.bytes.count
            }
        }
        for refs in [contents.table.byScheduled, contents.table.openByWindowEnd] {
            out.u32(UInt32(refs.count))
            for ref in refs { out.u32(UInt32(bitPattern: ref.person)); out.u32(UInt32(bitPattern: ref.visit)) }
        }
        // Header, then every distinct string once, then the body that refers to them by number: visit codes,
        // studies and flag names repeat on every participant, and decoding a string costs far more than an index.
        var file = ByteWriter()
        file.bytes += magic
        file.u32(version)
        file.text(contents.fingerprint)
        file.stamp(contents.folder)
        file.u32(UInt32(out.strings.count))
        for string in out.strings { file.text(string) }
        file.bytes += runTable.bytes
        file.bytes += out.bytes
        file.u64(Checksum64.of(file.bytes))
        return file.bytes
    }

    /// The contents of `bytes`, or nil when they are not a whole, intact cache of this version.
    static func decode(_ bytes: [UInt8]) -> Contents? {
        guard bytes.count >= magic.count + 8, bytes.starts(with: magic) else { return nil }
        let body = bytes.count - 8
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: body, as: UInt64.self) }
        guard UInt64(littleEndian: stored) == Checksum64.of(bytes[..<body]) else { return nil }
        return bytes.withUnsafeBytes { raw in
            var input = ByteReader(raw: UnsafeRawBufferPointer(rebasing: raw[..<body]), offset: magic.count)
            return decodeBody(&input)
        }
    }

    private static func decodeBody(_ input: inout ByteReader) -> Contents? {
        guard input.u32() == version, let fingerprint = input.text(), let folder = input.stamp(),
              let stringCount = input.count() else { return nil }
        input.strings.reserveCapacity(stringCount)
        for _ in 0..<stringCount {
            guard let string = input.text() else { return nil }
            input.strings.append(string)
        }
        guard let runCount = input.count() else { return nil }
        var runs: [(people: Int, start: Int, end: Int)] = []
        for _ in 0..<runCount {
            guard let people = input.count(), let length = input.count() else { return nil }
            runs.append((people, 0, length))
        }
        var start = input.offset
        for index in runs.indices {
            runs[index].start = start
            start += runs[index].end
            runs[index].end = start
        }
        guard start <= input.raw.count else { return nil }
        // Runs are independent byte ranges: decode them on all cores, each digest straight into its place.
        let total = runs.reduce(0) { $0 + $1.people }
        let firstPerson = runs.indices.map { index in runs[..<index].reduce(0) { $0 + $1.people } }
        let shared = SharedBytes(raw: input.raw)
        let strings = input.strings
        let ranges = runs
        let failed = ParallelResults<Bool>(count: 1)
        var stamps = [FileStamp](repeating: .unknown, count: total)
        let people = stamps.withUnsafeMutableBufferPointer { stampBuffer in
            let stampSlots = SharedSlots(base: stampBuffer.baseAddress)
            return [ParticipantDigest](unsafeUninitializedCapacity: total) { buffer, initialized in
                let digestSlots = SharedSlots(base: buffer.baseAddress)
                let done = ParallelResults<Int>(count: ranges.count)
                DispatchQueue.concurrentPerform(iterations: ranges.count) { index in
                    var run = ByteReader(raw: UnsafeRawBufferPointer(rebasing: shared.raw[..<ranges[index].end]), offset: ranges[index].start)
                    run.strings = strings
                    var count = 0
                    while count < ranges[index].people, let stamp = run.stamp(), let digest = decodeDigest(&run) {
                        (digestSlots.base! + firstPerson[index] + count).initialize(to: digest)
                        stampSlots.base![firstPerson[index] + count] = stamp
                        count += 1
                    }
                    done.set(index, count)
                    if count < ranges[index].people || !run.isAtEnd { failed.set(0, true) }
                }
                let counts = done.all.map { $0 ?? 0 }
                if failed.all[0] == nil, counts.reduce(0, +) == total {
                    initialized = total
                } else {
                    // A run failed: drop every digest decoded (the table is then rebuilt from the files).
                    for (index, count) in counts.enumerated() { (digestSlots.base! + firstPerson[index]).deinitialize(count: count) }
                    initialized = 0
                }
            }
        }
        guard failed.all[0] == nil, people.count == total else { return nil }
        input.offset = start
        func refs() -> [ReviewTable.SlotRef]? {
            guard let count = input.count() else { return nil }
            var refs: [ReviewTable.SlotRef] = []
            refs.reserveCapacity(count)
            for _ in 0..<count {
                guard let person = input.u32(), let visit = input.u32() else { return nil }
                refs.append(ReviewTable.SlotRef(person: Int32(bitPattern: person), visit: Int32(bitPattern: visit)))
            }
            return refs
        }
        guard let byScheduled = refs(), let openByWindowEnd = refs(), input.isAtEnd,
              let table = ReviewTable(people: people, byScheduled: byScheduled, openByWindowEnd: openByWindowEnd) else { return nil }
        return Contents(table: table, stamps: stamps, folder: folder, fingerprint: fingerprint)
    }

    private static func decodeDigest(_ input: inout ByteReader) -> ParticipantDigest? {
        guard let subject = input.string(), let initials = input.string(), let study = input.string(),
              let status = input.member(of: ParticipantStatus.allCases),
              let consent = input.date(), let baseline = input.date(), let exit = input.optionalDate(),
              let hasPrimary = input.u8() else { return nil }
        var primary: PrimaryScore?
        if hasPrimary == 1 {
            guard let scale = input.string(), let total = input.i32(), let hasChange = input.u8(), let change = input.i32() else { return nil }
            primary = PrimaryScore(scale: scale, total: total, change: hasChange == 1 ? change : nil)
        }
        guard let visitCount = input.count() else { return nil }
        var visits: [VisitDigest] = []
        visits.reserveCapacity(visitCount)
        for _ in 0..<visitCount {
            guard let code = input.string(), let order = input.u32(), let visitStatus = input.member(of: VisitStatus.allCases),
                  let target = input.date(), let start = input.date(), let end = input.date(), let scheduled = input.date(),
                  let completed = input.optionalDate(), let missed = input.optionalDate(),
                  let entered = input.u32(), let required = input.u32(), let incomplete = input.u8() else { return nil }
            visits.append(VisitDigest(code: code, order: Int(order), status: visitStatus, target: target,
                                      window: VisitWindow(target: target, minus: target.days(since: start), plus: end.days(since: target)),
                                      scheduled: scheduled, completedDate: completed, missedDate: missed,
                                      enteredScales: Int(entered), requiredScales: Int(required), isIncomplete: incomplete == 1))
        }
        guard let dateCount = input.count() else { return nil }
        var scoreDates: [CivilDate] = []
        scoreDates.reserveCapacity(dateCount)
        for _ in 0..<dateCount {
            guard let date = input.date() else { return nil }
            scoreDates.append(date)
        }
        guard let flagCount = input.count() else { return nil }
        var flags: [DigestFlag] = []
        flags.reserveCapacity(flagCount)
        for _ in 0..<flagCount {
            guard let visit = input.string(), let flag = input.string(), let date = input.date(), let bits = input.u8() else { return nil }
            flags.append(DigestFlag(visit: visit, flag: flag, date: date, isUrgent: bits & 1 != 0, isAcknowledged: bits & 2 != 0))
        }
        guard let noteCount = input.count() else { return nil }
        var notes: [DeviationNote] = []
        for _ in 0..<noteCount {
            guard let visit = input.string(), let note = input.string() else { return nil }
            notes.append(DeviationNote(visit: visit, note: note))
        }
        return ParticipantDigest(subject: subject, initials: initials, study: study, status: status, consentDate: consent,
                                 baselineDate: baseline, exitDate: exit, primary: primary, visits: visits,
                                 scoreDates: scoreDates, flags: flags, deviationNotes: notes)
    }
}

/// The cache's bytes, shared read-only by the threads that decode its runs (they live until all are done).
private struct SharedBytes: @unchecked Sendable {
    let raw: UnsafeRawBufferPointer
}

/// Uninitialized result slots; each thread writes only its own run's slots.
private struct SharedSlots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>?
}

/// Little-endian output; `string` writes the number of an interned string.
private struct ByteWriter {
    var bytes: [UInt8] = []
    /// Interned strings in order of first use.
    var strings: [String] = []
    private var numbers: [String: UInt32] = [:]

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func i32(_ value: Int) { u32(UInt32(bitPattern: Int32(clamping: value))) }
    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    mutating func date(_ value: CivilDate) { i32(value.dayNumber) }
    /// Absent dates are written as `Int32.min`, a day no real date has.
    mutating func date(_ value: CivilDate?) { i32(value?.dayNumber ?? Int(Int32.min)) }
    mutating func string(_ value: String) {
        if let number = numbers[value] { return u32(number) }
        let number = UInt32(strings.count)
        numbers[value] = number
        strings.append(value)
        u32(number)
    }
    /// A string written out in full: length, then UTF-8.
    mutating func text(_ value: String) {
        let utf8 = Array(value.utf8)
        u32(UInt32(utf8.count))
        bytes += utf8
    }
    mutating func stamp(_ value: FileStamp) {
        for part in [value.inode, value.size, value.modified, value.changed] { i64(part) }
    }
}

/// Little-endian input that answers nil instead of reading past the end.
private struct ByteReader {
    let raw: UnsafeRawBufferPointer
    var offset: Int
    /// The interned strings, read before the body.
    var strings: [String] = []

    init(raw: UnsafeRawBufferPointer, offset: Int) { self.raw = raw; self.offset = offset }

    var isAtEnd: Bool { offset == raw.count }

    private mutating func load<T: FixedWidthInteger>(_ type: T.Type) -> T? {
        guard raw.count - offset >= MemoryLayout<T>.size else { return nil }
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func u8() -> UInt8? { load(UInt8.self) }
    mutating func u32() -> UInt32? { load(UInt32.self) }
    mutating func i32() -> Int? { load(Int32.self).map(Int.init) }
    mutating func i64() -> Int64? { load(Int64.self) }
    /// A count that the remaining bytes could hold (a damaged count never triggers a huge allocation).
    mutating func count() -> Int? { u32().flatMap { Int($0) <= raw.count - offset ? Int($0) : nil } }
    mutating func date() -> CivilDate? { i32().flatMap { $0 == Int(Int32.min) ? nil : CivilDate(dayNumber: $0) } }
    /// An optional date: nil when the bytes ran out, `.some(nil)` when no date was written.
    mutating func optionalDate() -> CivilDate?? { i32().map { $0 == Int(Int32.min) ? nil : CivilDate(dayNumber: $0) } }
    mutating func member<T>(of all: [T]) -> T? { u8().flatMap { all.indices.contains(Int($0)) ? all[Int($0)] : nil } }
    mutating func string() -> String? { u32().flatMap { strings.indices.contains(Int($0)) ? strings[Int($0)] : nil } }
    mutating func text() -> String? {
        guard let length = count() else { return nil }
        defer { offset += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)]), as: UTF8.self)
    }
    mutating func stamp() -> FileStamp? {
        guard let inode = i64(), let size = i64(), let modified = i64(), let changed = i64() else { return nil }
        return FileStamp(inode: inode, size: size, modified: modified, changed: changed)
    }
}

/// A fast 64-bit checksum (four independent multiply-rotate lanes over 8-byte words). It guards the cache
/// against damage, not against an attacker: the cache is derived data and every participant file keeps its
/// own SHA-256.
enum Checksum64 {
    static func of<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        let contiguous = bytes.withContiguousStorageIfAvailable { of(UnsafeRawBufferPointer($0)) }
        return contiguous ?? of(Array(bytes))
    }

    static func of(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        let prime: UInt64 = 0x9E37_79B9_7F4A_7C15
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (1, 2, 3, 4)
        func mix(_ lane: inout UInt64, _ word: UInt64) {
            lane = (lane ^ word) &* prime
            lane = (lane << 29) | (lane >> 35)
        }
        var offset = 0
        while raw.count - offset >= 32 {
            mix(&lanes.0, raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            mix(&lanes.1, raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            mix(&lanes.2, raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
            mix(&lanes.3, raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
            offset += 32
        }
        while offset < raw.count {
            mix(&lanes.0, UInt64(raw[offset]) | UInt64(offset) << 8)
            offset += 1
        }
        var result = lanes.0
        for lane in [lanes.1, lanes.2, lanes.3, UInt64(raw.count)] { mix(&result, lane) }
        return result ^ (result >> 31)
    }
}
