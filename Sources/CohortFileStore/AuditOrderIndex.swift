import CohortStore

/// `.cache/audit-order`: the whole store's trail in time order, as the number of the trail each record
/// comes from, so `cohort audit` can print the first record without reading every trail first. Derived
/// data, never the record: it says only which trail's next record comes next; every record printed is read
/// from its trail and checked as the trail is (docs/RULES.md, "The trail is the record"). It is trusted only
/// while the participants folder, the audit folder and the site file keep the stamps it was made with
/// (every save renames a data file into its folder), and only if its checksum holds; otherwise it is made
/// again from the trails. What the listing finds against it (a record out of order, a trail holding fewer
/// records than it says) is reported as a problem and the index removed.
///
/// A stale index is brought up to date rather than made again (`JSONFileStore+AuditOrderUpdate`): each
/// trail keeps its file's and its data file's stamps and the last listed record's hash, so after a save
/// only the trails whose stamps moved are read, and their new records are appended to the order when
/// they all sort after its last record (`last`); anything else makes it again.
struct AuditOrderIndex: Equatable {
    /// Bumped when the layout or what the measures mean changes (2: each trail's stamps and last hash, and
    /// the last record's key, so a stale index can be brought up to date).
    static let formatVersion: UInt32 = 2
    static let magic = Array("cohort-audit-order\n".utf8)

    /// The stamps of the participants folder, the audit folder and the site file, looked at before the
    /// trails were read (a racy one is `unknown`, so the index is made again next time).
    var stamps: [FileStamp]
    /// What the caller's measures are (e.g. the text listing's column widths), or "" for none.
    var measuresKey: String
    /// The largest of each measure over every record listed.
    var measures: [Int]
    /// The trails: "" (the store-wide trail) first, then the subjects in order.
    var trails: [String]
    /// How many records each trail lists.
    var counts: [UInt32]
    /// For each record in time order, the number of its trail in `trails`.
    var order: [UInt32]
    /// What each trail was when it was read, to tell without reading it whether it changed since.
    var states: [TrailState]
    /// The time and sequence number of the last record in `order` (its trail is `order.last`): new records
    /// are appended only after it.
    var lastTime: String
    var lastSeq: UInt32

    /// One trail as it was read to make the index.
    struct TrailState: Equatable, Sendable {
        /// The trail file's stamp and its data file's (the participant file, or the site file for the
        /// store-wide trail, which names its head), looked at before the trail was read; `unknown` when racy.
        var trail: FileStamp
        var data: FileStamp
        /// `Checksum64` of the hash of the last record listed (0 for none): the chain's hashes cover every
        /// record before it, so a trail still holding this record at that place holds the same records up to it.
        var last: UInt64

        /// The fingerprint `last` of `record`.
        static func fingerprint(_ record: AuditRecord?) -> UInt64 { record.map { Checksum64.of($0.hash.utf8) } ?? 0 }
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes += Self.magic
        writer.u32(Self.formatVersion)
        for stamp in stamps { writer.stamp(stamp) }
        writer.text(measuresKey)
        writer.u32(UInt32(measures.count))
        for measure in measures { writer.i32(measure) }
        writer.u32(UInt32(trails.count))
        for trail in trails { writer.text(trail) }
        writer.raw(counts)
        writer.raw(order)
        for state in states { writer.stamp(state.trail); writer.stamp(state.data); writer.u64(state.last) }
        writer.text(lastTime)
        writer.u32(lastSeq)
        writer.u64(Checksum64.of(writer.bytes))
        return writer.bytes
    }

    /// The index in `bytes`, or nil when they are damaged, of another version or do not add up.
    init?(decoding bytes: [UInt8]) {
        guard bytes.count > Self.magic.count + 12, bytes.starts(with: Self.magic) else { return nil }
        let body = bytes.count - 8
        let decoded: AuditOrderIndex? = bytes.withUnsafeBytes { raw in
            guard Checksum64.of(UnsafeRawBufferPointer(rebasing: raw[..<body])) == raw.loadUnaligned(fromByteOffset: body, as: UInt64.self).littleEndian else {
                return nil
            }
            var reader = ByteReader(raw: UnsafeRawBufferPointer(rebasing: raw[..<body]), offset: Self.magic.count)
            guard reader.u32() == Self.formatVersion else { return nil }
            var stamps: [FileStamp] = []
            for _ in 0..<3 { guard let stamp = reader.stamp() else { return nil }; stamps.append(stamp) }
            guard let key = reader.text(), let measureCount = reader.count() else { return nil }
            var measures: [Int] = []
            for _ in 0..<measureCount { guard let measure = reader.i32() else { return nil }; measures.append(measure) }
            guard let trailCount = reader.count() else { return nil }
            var trails: [String] = []
            trails.reserveCapacity(trailCount)
            for _ in 0..<trailCount { guard let trail = reader.text() else { return nil }; trails.append(trail) }
            guard let counts = reader.raw(UInt32.self), let order = reader.raw(UInt32.self), counts.count == trails.count else { return nil }
            var states: [TrailState] = []
            states.reserveCapacity(trailCount)
            for _ in 0..<trailCount {
                guard let trail = reader.stamp(), let data = reader.stamp(), let last = reader.u64() else { return nil }
                states.append(TrailState(trail: trail, data: data, last: last))
            }
            guard let lastTime = reader.text(), let lastSeq = reader.u32(), reader.isAtEnd else { return nil }
            return AuditOrderIndex(stamps: stamps, measuresKey: key, measures: measures, trails: trails, counts: counts, order: order,
                                   states: states, lastTime: lastTime, lastSeq: lastSeq)
        }
        guard let decoded else { return nil }
        // Each trail named as often as it says it lists records: anything else is not an order of these trails.
        var seen = [UInt32](repeating: 0, count: decoded.trails.count)
        for trail in decoded.order {
            guard Int(trail) < seen.count else { return nil }
            seen[Int(trail)] += 1
        }
        guard seen == decoded.counts else { return nil }
        self = decoded
    }

    init(stamps: [FileStamp], measuresKey: String, measures: [Int], trails: [String], counts: [UInt32], order: [UInt32],
         states: [TrailState], lastTime: String, lastSeq: UInt32) {
        self.stamps = stamps; self.measuresKey = measuresKey; self.measures = measures
        self.trails = trails; self.counts = counts; self.order = order
        self.states = states; self.lastTime = lastTime; self.lastSeq = lastSeq
    }
}
