import CohortDomain
import CohortStore
import Foundation

/// One participant around one day, read from its file and its trail: what the day's summary needs to show
/// what was entered on the day for earlier days, and what the PI saw at the end of the day.
public struct ParticipantDay: Sendable {
    /// The participant as the data stands.
    public var current: Participant
    /// Replayed from the trail up to (not including) the first record made on the day; nil before any record.
    public var startOfDay: Participant?
    /// Replayed from the trail up to the day's last record; nil when enrolled after the day, or when the
    /// day has no records and whole replays were not asked for.
    public var endOfDay: Participant?
    /// The trail has records made on the day.
    public var hasRecordsOnDay = false
    /// The day's end is the participant as it stands (no record after the day): its digest is the review
    /// table's.
    public var endsAsItStands = false

    /// The states before and after the day's records, when it has any (what was entered on the day).
    public var dayChange: (before: Participant?, after: Participant)? {
        guard hasRecordsOnDay, let endOfDay else { return nil }
        return (startOfDay, endOfDay)
    }
}

extension JSONFileStore {
    /// Hands `body` every readable participant around `day` (local days on `zone`'s clock), in subject
    /// order: each participant file and each trail is read once, a batch at a time on all cores. A trail is
    /// replayed (JSON Patch onto `{}`) only when it has records made on the day, or for every participant
    /// when `replayAll` (the summary as recorded). Records count by their audit time, the system clock's, and
    /// only committed ones (up to the head the data file names). Returns the participants that could not
    /// be read or whose trail is broken.
    ///
    /// It costs what changed: a trail last modified before the day began holds no record made on the day
    /// (trails are only appended to, their times and the file's from the same system clock), so it is not
    /// read; it then needs no replay either, as the participant stands as it stood at the end of the day.
    /// A participant whose trail is so skipped is not read at all (nor handed to `body`) unless
    /// `wholeRecord(subject)` says the summary needs it as it stands (e.g. for open safety items).
    /// `part` makes what `body` takes of each participant on the core that read it: the work per participant
    /// is done in parallel, and `body` only gathers.
    @discardableResult
    public func forEachParticipantDay<Part>(_ day: CivilDate, zone: TimeZone, replayAll: Bool, batch: Int = 256,
                                            wholeRecord: @escaping @Sendable (String) -> Bool = { _ in true },
                                            passedOver: PassedOver? = nil,
                                            making part: @escaping @Sendable (ParticipantDay) -> Part,
                                            _ body: (Part) throws -> Void) throws -> [StoreError] {
        let names: [String]
        do { names = try subjects() } catch let error as StoreError { return [error] }
        let folder = participantsDirectory, context = context, audits = auditDirectory
        let (from, to, first) = Self.minutes(of: day, zone: zone)
        // File times come from a coarse clock that can lag the audit time by a tick: the margin keeps a record
        // made in the day's first milliseconds from being taken for one of the day before.
        let dayBegins = Int64(first) * 60_000_000_000 - FileStamp.racyMargin
        return try Self.inBatches(names, batch: batch, { subject -> Result<Part, StoreError>? in
            do {
                let log = AuditLog(path: audits + "/" + subject + ".jsonl")
                let untouched = FileStamp.of(log.path).map { $0.modified < dayBegins } ?? false
                if untouched && !wholeRecord(subject) {
                    passedOver?.add(subject)
                    return nil
                }
                let bytes = untouched ? [] : try DurableFile.read(log.path) ?? []
                let lines = AuditLog.lineRanges(bytes), minutes = AuditLog.minutes(bytes, lines: lines)
                // Most trails have no record on the day: a look at each line's time tells, without checking
                // every hash.
                let undoing = !untouched && (replayAll || minutes.contains { $0.map { $0 >= from && $0 <= to } ?? false })
                // The day's states share most of the data's tree: what is decoded of it is decoded once.
                let memo = undoing ? DecodedSubtrees() : nil
                let (file, tree) = try Self.readParticipant(subject, folder: folder, context: context, memo: memo)
                var result = ParticipantDay(current: file.participant)
                if untouched && replayAll { (result.endOfDay, result.endsAsItStands) = (file.participant, true) }
                guard undoing else { return .success(part(result)) }
                let undone = Self.undoneDay(bytes, lines: lines, minutes: minutes, file: file, tree: tree, memo: memo, from: from, to: to)
                let day = try undone ?? Self.replayedDay(bytes, file: file, path: log.path, from: from, to: to)
                (result.startOfDay, result.endOfDay, result.hasRecordsOnDay) = (day.start, day.end, day.onDay)
                result.endsAsItStands = day.standing
                return .success(part(result))
            } catch let error as StoreError {
                return .failure(error)
            } catch let error as DomainError {
                return .failure(StoreError(.damaged, error.message))
            } catch {
                return .failure(StoreError(.damaged, "\(audits)/\(subject).jsonl does not replay (\(error)): cohort verify says more"))
            }
        }, body)
    }

    /// The first and last minute of `day` on `zone`'s clock as audit times begin (`YYYY-MM-DDTHH:MM`, UTC):
    /// the day's records are those whose minute lies between them (fixed-width text compares as the instants
    /// do); and the first as minutes since the epoch.
    static func minutes(of day: CivilDate, zone: TimeZone) -> (from: Substring, to: Substring, first: Int) {
        func text(_ minutes: Int) -> Substring { UTCTimestamp.string(from: Date(timeIntervalSince1970: Double(minutes) * 60)).prefix(16) }
        let first = Moment.endOf(day.adding(days: -1), in: zone).minutes + 1
        return (text(first), text(Moment.endOf(day, in: zone).minutes), first)
    }

    /// A participant around a day: as it stood before the day's first record (nil before any record) and
    /// after its last (nil when the trail holds none), whether that is the data as it stands, and whether the
    /// day has records.
    typealias DayStates = (start: Participant?, end: Participant?, standing: Bool, onDay: Bool)

    /// The day's states undone from the data along the trail's tail: only the records from the day's start
    /// on are read, checked back from the head the data names, and reverted from the data one by one, newest
    /// first (docs/RULES.md, "The day's lists and the summary"). Nil when the tail does not check or does
    /// not undo onto the data; `replayedDay` then reads the trail whole and names what is wrong.
    static func undoneDay(_ bytes: [UInt8], lines: [Range<Int>], minutes: [Substring?], file: ParticipantFile, tree: JSONValue,
                          memo: DecodedSubtrees? = nil, from: Substring, to: Substring) -> DayStates? {
        // A line whose time cannot be read without parsing is taken with the tail, and judged by its record.
        let first = minutes.firstIndex { $0.map { $0 >= from } ?? true } ?? lines.count
        guard file.audit.seq > 0, let tail = AuditLog.committedRecords(bytes, lines: lines, from: first, head: file.audit),
              var document = tree["participant"] else { return nil }
        // The same bounds as the replay's (`replayedDay`), which a trail whose times are not in order (a
        // record entered for an earlier time after a later one) makes matter.
        let starts = tail.firstIndex { $0.time.prefix(16) >= from } ?? tail.count
        let ends = tail[starts...].firstIndex { $0.time.prefix(16) > to } ?? tail.count
        let onDay = tail.contains { $0.time.prefix(16) >= from && $0.time.prefix(16) <= to }
        // Before the trail's first record there is no participant.
        guard first + ends > 0 else { return (nil, nil, false, onDay) }
        do {
            for record in tail[ends...].reversed() { try JSONPatch.revert(record.operation, in: &document) }
            let end = ends == tail.count ? file.participant : try JSONValueDecoder.decode(Participant.self, from: document, memo: memo)
            guard first + starts > 0 else { return (nil, end, ends == tail.count, onDay) }
            for record in tail[starts..<ends].reversed() { try JSONPatch.revert(record.operation, in: &document) }
            return (starts == ends ? end : try JSONValueDecoder.decode(Participant.self, from: document, memo: memo), end, ends == tail.count, onDay)
        } catch {
            return nil
        }
    }

    /// The day's states replayed from the whole trail onto `{}`, every record checked.
    static func replayedDay(_ bytes: [UInt8], file: ParticipantFile, path: String, from: Substring, to: Substring) throws -> DayStates {
        let verified = AuditLog.verify(bytes, head: file.audit, path: path)
        if let problem = verified.problems.first { throw StoreError(.damaged, problem + " (cohort verify says more)") }
        let records = verified.records
        // Saves are prefixes of the chain (one time per save): the states are the replays of the records
        // before the day and of those up to its end.
        var document = JSONValue.emptyObject
        var index = 0
        func replay(while before: (Substring) -> Bool) throws -> Participant? {
            while index < records.count, before(records[index].time.prefix(16)) {
                try JSONPatch.apply(records[index].operation, to: &document)
                index += 1
            }
            return index == 0 ? nil : try JSONValueDecoder.decode(Participant.self, from: document)
        }
        let onDay = records.contains { $0.time.prefix(16) >= from && $0.time.prefix(16) <= to }
        let start = try replay { $0 < from }
        // With no record after the day, the replay to the day's end is the whole trail's, which is the data
        // as it stands (its state is the head's, checked as it was read): no second replay.
        if !records.isEmpty, !records[index...].contains(where: { $0.time.prefix(16) > to }) { return (start, file.participant, true, onDay) }
        return (start, try replay { $0 <= to }, false, onDay)
    }

    /// The summary's lists read from the records, in one pass (`forEachParticipantDay`): a participant whose
    /// trail was not written since the day began is read only when its digest says it may have an open
    /// safety item or an acknowledgement of the day (docs/RULES.md, "The day's lists and the summary").
    public func summaryRecords(on day: CivilDate, zone: TimeZone, table: ReviewTable) throws -> (records: DaySummary.Records, problems: [StoreError]) {
        let context = context
        let needed = Self.mayBeInSafetyLists(on: day, table: table, context: context)
        var records = DaySummary.Records()
        let problems = try forEachParticipantDay(day, zone: zone, replayAll: false, wholeRecord: { needed.contains($0) }, making: { participant in
            var part = DaySummary.Records()
            part.add(record: participant.current, dayChange: participant.dayChange, on: day, context: context)
            return part
        }) { records.add($0) }
        return (records, problems)
    }

    /// The subjects of `table` whose digest says they may have an open safety item or an acknowledgement
    /// on `day`: the ones the summary reads whole even when their trail was not written since the day began.
    static func mayBeInSafetyLists(on day: CivilDate, table: ReviewTable, context: StudyContext) -> Set<String> {
        Set((0..<table.count).lazy.map(table.personFacts).filter { $0.mayBeInSafetyLists(on: day, context: context) }.map(\.subject))
    }

    /// The day as recorded (docs/RULES.md, "The day's lists and the summary"): every participant as it stood
    /// at the end of `day`, as digests, with the summary's lists from the records. It reads what the day
    /// touched: a trail written since the day began is replayed; a participant whose trail was not (so it
    /// stands as it stood at the end of the day) is taken from the review table, checked against every
    /// file's stamp, and read whole only when its digest says it may be in the safety lists. The result
    /// is the one a replay of every trail gives. Returns the participants that could not be read.
    /// `recordedOnDay`: some participant's trail has a record made on the day (one passed over has none).
    public func recordedDay(_ day: CivilDate, zone: TimeZone) throws -> (table: ReviewTable, records: DaySummary.Records, problems: [StoreError],
                                                                          recordedOnDay: Bool) {
        let context = context
        let current = loadTable(.full)
        let table = current.table
        let needed = Self.mayBeInSafetyLists(on: day, table: table, context: context)
        let passed = PassedOver()
        /// One participant's part: whether its trail has records on the day, the subject whose digest is the
        /// table's or the digest made of its end of day, and its part of the lists.
        typealias RecordedPart = (onDay: Bool, standing: String?, made: ParticipantDigest?, records: DaySummary.Records)
        var digests: [ParticipantDigest] = [], made: [ParticipantDigest] = [], records = DaySummary.Records(), recordedOnDay = false
        var problems = try forEachParticipantDay(day, zone: zone, replayAll: true, wholeRecord: { needed.contains($0) }, passedOver: passed, making: { record -> RecordedPart in
            var part = DaySummary.Records()
            guard let state = record.endOfDay else { return (onDay: record.dayChange != nil, standing: nil, made: nil, records: part) }
            // As it stands, its digest is the table's (checked against every file's stamp): not made again, and
            // its safety lists are read only when that digest says it may be in them.
            part.add(record: state, dayChange: record.dayChange, on: day, context: context,
                     mayBeInSafetyLists: !record.endsAsItStands || needed.contains(state.subject))
            let made = record.endsAsItStands ? nil : ParticipantDigest(state, context: context)
            return (onDay: record.dayChange != nil, standing: record.endsAsItStands ? state.subject : nil, made: made, records: part)
        }) { part in
            if part.onDay { recordedOnDay = true }
            if let digest = part.made { made.append(digest) }
            if let digest = part.made ?? part.standing.flatMap({ table.digest($0) }) { digests.append(digest) }
            records.add(part.records)
        }
        let untouched = passed.subjects
        digests += untouched.compactMap { table.digest($0) }
        // A file passed over that the table could not read is reported as reading it would have.
        problems += zip(current.unreadable, current.problems).filter { untouched.contains($0.0) }.map(\.1)
        // Every participant of the table, most as it holds them (no record after the day: the PI's summary of
        // today, or of a recent day): that table with the few others replaced, not one sorted again. A
        // replacement moves its visits in arrays the size of the table's, so past a sixteenth of the
        // participants, making the table again costs less.
        let recorded: ReviewTable
        if digests.count == table.count, made.count <= table.count / 16, made.allSatisfy({ table.index(of: $0.subject) != nil }) {
            var replaced = table
            for digest in made { replaced.replace(digest) }
            recorded = replaced
        } else {
            recorded = ReviewTable(digests)
        }
        return (recorded, records, problems, recordedOnDay)
    }
}

/// The subjects `forEachParticipantDay` passed over (not read), gathered from every core.
public final class PassedOver: @unchecked Sendable {
    private let lock = NSLock()
    private var found: Set<String> = []

    /// An empty set.
    public init() {}

    func add(_ subject: String) {
        lock.lock()
        found.insert(subject)
        lock.unlock()
    }

    /// The subjects passed over so far.
    public var subjects: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return found
    }
}
