import CohortStore

/// A stale `.cache/audit-order` brought up to date from the trails that changed, instead of made again from
/// every trail: a save appends records made now, which sort after every record already ordered, so the
/// order stays and the new records are appended to it. Whatever else changed (a trail replaced, cut short
/// or holding other records than the index ordered, a participant gone, records older than the last one
/// ordered: a sync, a renumber, a clock set back) makes the index again, as it was before; the order it
/// gives is always the one an index made from every trail would.
extension JSONFileStore {
    /// `index` brought up to date (not written: for the caller to write, `writeAuditOrder`), or nil when it
    /// must be made again from every trail.
    func updatedAuditOrder(_ index: AuditOrderIndex, storeHead: AuditHead, measures: AuditMeasures?,
                           logsPerBatch: Int) throws -> AuditOrderIndex? {
        // Made for other measures (or none): its widths would not be what these measures give.
        guard index.measuresKey == measures?.key ?? "" else { return nil }
        let lookedAt = FileStamp.now()
        let stamps = auditOrderStamps().map { $0.trusted(lookedAt: lookedAt) }
        let trails = [""] + (try subjects())
        // The trails ordered before keep their order among today's (both are sorted); each one's new number.
        var renumbered = [UInt32](repeating: 0, count: index.trails.count)
        var before = [Int?](repeating: nil, count: trails.count)
        var kept = 0
        for (number, name) in trails.enumerated() where kept < index.trails.count && index.trails[kept] == name {
            renumbered[kept] = UInt32(number)
            before[number] = kept
            kept += 1
        }
        guard kept == index.trails.count, index.states.count == index.trails.count else { return nil }
        // The trails whose file or data file moved since they were read (or were new, or looked at racily).
        let folder = auditDirectory, participants = participantsDirectory, context = context
        // Two `stat`s a trail, on all cores: at 10,000 participants most of what bringing the index up to date costs.
        let stamped = StampedFolders(audit: folder, participants: participants, site: siteFile)
        let looked = ParallelResults<AuditOrderIndex.TrailState>(count: trails.count)
        looked.fill { number in stamped.state(number == 0 ? nil : trails[number], lookedAt: lookedAt) }
        stamped.closeFolders()
        var states = looked.all.map { $0 ?? AuditOrderIndex.TrailState(trail: .unknown, data: .unknown, last: 0) }
        var changed: [Int] = []
        for number in trails.indices {
            let now = states[number]
            if let old = before[number].map({ index.states[$0] }) {
                if old.trail != .unknown && old.data != .unknown && old.trail == now.trail && old.data == now.data {
                    states[number] = old
                    continue
                }
                // Replaced (a sync's or a renumber's rename) or cut short: not a save's append.
                // (A trail saved a moment ago is stamped `unknown`: read, and judged by its records below.)
                if old.trail != .unknown && now.trail != .unknown && (now.trail.inode != old.trail.inode || now.trail.size < old.trail.size) {
                    return nil
                }
            }
            changed.append(number)
        }
        let previous = before
        // The changed trails read and checked whole, as the listing reads them, a batch at a time on all
        // cores; the records past those ordered before are the new ones.
        var added: [OrderKey<String>] = []
        var widest = index.measures
        let measure = measures?.measure
        let batchSize = max(1, logsPerBatch)
        for first in stride(from: 0, to: changed.count, by: batchSize) {
            let batch = Array(changed[first..<min(first + batchSize, changed.count)])
            let read = ParallelResults<(keys: [OrderKey<String>], widest: [Int], last: UInt64)?>(count: batch.count)
            read.fill { position in
                let number = batch[position]
                guard let verified = try? Self.listedTrail(number == 0 ? nil : trails[number], folder: folder, participants: participants,
                                                           context: context, storeHead: storeHead).verified,
                      verified.problems.isEmpty else { return nil }
                let ordered = previous[number].map { Int(index.counts[$0]) } ?? 0
                // Still the records ordered before, up to the last of them (its hash covers every one before it).
                guard verified.records.count >= ordered,
                      ordered == 0 || AuditOrderIndex.TrailState.fingerprint(verified.records[ordered - 1]) == index.states[previous[number]!].last
                else { return nil }
                var keys: [OrderKey<String>] = [], widest: [Int] = []
                for record in verified.records[ordered...] {
                    keys.append(OrderKey(time: record.time, trail: UInt32(number), seq: record.seq))
                    if let measure { Self.widen(&widest, to: measure(record)) }
                }
                return (keys, widest, AuditOrderIndex.TrailState.fingerprint(verified.records.last))
            }
            for (number, outcome) in zip(batch, read.all) {
                guard let trail = outcome ?? nil else { return nil }
                added += trail.keys
                Self.widen(&widest, to: trail.widest)
                states[number].last = trail.last
            }
        }
        // Appended only when every new record sorts after the last one ordered (the text of an audit time
        // orders as its digits do, so this is the order an index made from every trail gives).
        added.sort()
        if let last = index.order.last, let earliest = added.first,
           !(OrderKey(time: index.lastTime, trail: renumbered[Int(last)], seq: Int(index.lastSeq)) < earliest) { return nil }
        var counts = [UInt32](repeating: 0, count: trails.count)
        for (old, number) in renumbered.enumerated() { counts[Int(number)] = index.counts[old] }
        for key in added { counts[Int(key.trail)] += 1 }
        var order = index.order
        if kept != trails.count && renumbered.enumerated().contains(where: { Int($1) != $0 }) {
            for position in order.indices { order[position] = renumbered[Int(order[position])] }
        }
        order += added.lazy.map(\.trail)
        let newest = added.last
        return AuditOrderIndex(stamps: stamps, measuresKey: index.measuresKey, measures: widest, trails: trails, counts: counts,
                               order: order, states: states, lastTime: newest?.time ?? index.lastTime, lastSeq: newest?.seq ?? index.lastSeq)
    }
}
