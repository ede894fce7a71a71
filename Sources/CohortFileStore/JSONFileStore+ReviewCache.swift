#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CohortDomain
import CohortStore
import Foundation

/// The review cache, `.cache/review-table`: every participant's digest with the stamp of the file it came
/// from. It is derived data, never the record: it is checked against the files (the folder's stamp for a
/// quick first frame, every file's stamp for a full check), files that disagree are read again (and their
/// checksums verified), and a cache that is damaged, from another version or for other protocols is
/// rebuilt from the files. It lives beside the data but is never synced, audited or verified as data.
extension JSONFileStore {
    var cacheDirectory: String { directory + "/.cache" }
    var cacheFile: String { cacheDirectory + "/review-table" }

    public func loadTable(_ check: TableCheck) -> LoadedTable {
        // A stepwise read under way goes on where it stopped (to its end, unless asked for one more step).
        if var reading = unfinishedRead {
            if check == .stepwise, !stepRead(&reading) { return keepReading(reading) }
            stepRead(&reading, toEnd: true)
            unfinishedRead = nil
            return finishRead(reading)
        }
        // Taken before looking, so a save made while the files are read is seen by the next `hasChanged`.
        folderLookedAt = FileStamp.of(participantsDirectory)
        let fingerprint = contextFingerprint()
        if knownTable?.fingerprint != fingerprint { knownTable = nil }
        if knownTable == nil, let bytes = try? DurableFile.read(cacheFile),
           let cached = ReviewTableCodec.decode(bytes), cached.fingerprint == fingerprint {
            knownTable = cached
        }
        // (No local copy of the known table is held here: `readAgain` changes it in place.)
        if check != .full, let cached = knownTable?.folder, cached != .unknown, let folder = FileStamp.of(participantsDirectory) {
            if folder == cached, let table = knownTable?.table { return LoadedTable(table: table, isFullyChecked: false) }
            if let saved = savesSince(cached, upTo: folder), let table = readAgain(saved) {
                return LoadedTable(table: table, isFullyChecked: false)
            }
        }
        var reading: UnfinishedRead
        switch startRead(fingerprint: fingerprint) {
        case .success(let started): reading = started
        case .failure(let error):
            return LoadedTable(table: ReviewTable([]), problems: [error], unreadable: ["every participant"], isFullyChecked: true)
        }
        // The first frame need not wait for every file (docs/RULES.md, "Opening a store"): it shows what one
        // step read, and says how far the reading has got.
        if check == .stepwise, !stepRead(&reading) { return keepReading(reading) }
        stepRead(&reading, toEnd: true)
        return finishRead(reading)
    }

    /// Keeps `reading` for the next step and answers with the part read so far. What making that part's
    /// table cost is noted: the next step reads at least ten times as long, so the parts shown cost at
    /// most a tenth of the reading, whatever the store's size.
    private func keepReading(_ reading: UnfinishedRead) -> LoadedTable {
        var reading = reading
        let start = DispatchTime.now().uptimeNanoseconds
        let part = reading.partial()
        reading.partCost = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        unfinishedRead = reading
        return part
    }

    /// Whether the participants folder changed since the last `loadTable` (a save here or in another copy
    /// renames a file into it): a stat, cheap enough to ask every second.
    public func hasChanged() -> Bool {
        FileStamp.of(participantsDirectory) != folderLookedAt
    }

    // MARK: The journal of saves

    /// The largest the journal of saves grows (about 10,000 saves) before it starts again.
    static let journalLimit = 1 << 20

    var savesJournal: String { cacheDirectory + "/saves" }

    /// The subjects saved by Cohort since the folder had stamp `start`, if the journal accounts for every
    /// change of the folder from `start` to `end` (each save's stamp before follows the one after the last);
    /// nil when it does not (a change made some other way, a lost line), and every file must be looked at.
    private func savesSince(_ start: FileStamp, upTo end: FileStamp) -> [String]? {
        guard let bytes = try? DurableFile.read(savesJournal) else { return nil }
        var reached = start, subjects: [String] = []
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 3, let before = FileStamp(journal: fields[1]), let after = FileStamp(journal: fields[2]),
                  before == reached else { continue }
            subjects.append(fields[0])
            reached = after
            if reached == end { return subjects }
        }
        return nil
    }

    /// The known table with `subjects` read again (verified); nil if any cannot be read. (What was read
    /// before a failure stays in the known table, with its stamp unknown: it is true, just not vouched for.)
    private func readAgain(_ subjects: [String]) -> ReviewTable? {
        for subject in Set(subjects) {
            guard case .success(let participant) = Self.readParticipantResult(subject, folder: participantsDirectory, context: context),
                  let digest = ParticipantDigest(participant, context: context) else { return nil }
            knownTable?.table.replace(digest)
            if let stamps = knownTable?.stamps.count, let people = knownTable?.table.count, stamps < people { knownTable?.stamps.append(.unknown) }
            if let person = knownTable?.table.index(of: subject) { knownTable?.stamps[person] = .unknown }
        }
        // The check that follows the first frame looks at every file and writes a fresh cache.
        knownTable?.folder = .unknown
        return knownTable?.table
    }

    /// Begins a look at every participant file: lists them, with the known table to compare stamps against.
    private func startRead(fingerprint: String) -> Result<UnfinishedRead, StoreError> {
        let lookedAt = FileStamp.now()
        let folderStamp = FileStamp.of(participantsDirectory) ?? .unknown
        let names: [String]
        do { names = try subjects() } catch let error as StoreError {
            return .failure(error)
        } catch {
            return .failure(StoreError(.damaged, "\(error)"))
        }
        return .success(UnfinishedRead(names: names, known: knownTable, lookedAt: lookedAt, folderStamp: folderStamp, fingerprint: fingerprint))
    }

    /// Looks at the next files of `reading`, a batch at a time on all cores: for one step (`readStep`), or
    /// to the end. Each file's stamp is compared with the known table's; a file that differs is read again
    /// and verified. Returns whether every file has been looked at.
    @discardableResult
    private func stepRead(_ reading: inout UnfinishedRead, toEnd: Bool = false) -> Bool {
        let step = readStep
        // A step of no time is one batch (tests count files); otherwise the parts cost at most a tenth.
        let seconds = reading.outcomes.isEmpty ? step.firstSeconds : step.seconds == 0 ? 0 : max(step.seconds, 10 * reading.partCost)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, seconds) * 1e9)
        let known = reading.known, folder = participantsDirectory, context = context, lookedAt = reading.lookedAt
        repeat {
            guard reading.outcomes.count < reading.names.count else { return true }
            let batch = Array(reading.names[reading.outcomes.count..<min(reading.names.count, reading.outcomes.count + max(1, step.files))])
            let outcomes = ParallelResults<FileOutcome>(count: batch.count)
            outcomes.fill { index -> FileOutcome in
                let path = folder + "/" + batch[index] + ".json"
                let stamp = FileStamp.of(path) ?? .unknown
                if stamp != .unknown, let known, let person = known.table.index(of: batch[index]), known.stamps[person] == stamp {
                    return .unchanged(person)
                }
                switch Self.readParticipantResult(batch[index], folder: folder, context: context) {
                case .success(let participant):
                    guard let digest = ParticipantDigest(participant, context: context) else {
                        return .unreadable(batch[index], StoreError(.damaged, "\(path) follows study \(participant.study), which is not in this store."))
                    }
                    return .read(digest, stamp.trusted(lookedAt: lookedAt))
                case .failure(let error):
                    return .unreadable(batch[index], error)
                }
            }
            reading.outcomes += outcomes.all.compactMap { $0 }
        } while toEnd || DispatchTime.now().uptimeNanoseconds < deadline
        return reading.outcomes.count == reading.names.count
    }

    /// The table once every file has been looked at: the known table with what changed moved, or a new one;
    /// the cache written when anything differed.
    private func finishRead(_ reading: UnfinishedRead) -> LoadedTable {
        let known = reading.known, fingerprint = reading.fingerprint
        var problems: [StoreError] = [], unreadable: [String] = [], changed: [(ParticipantDigest, FileStamp)] = []
        var unchanged = 0
        for outcome in reading.outcomes {
            switch outcome {
            case .unchanged: unchanged += 1
            case .read(let digest, let stamp): changed.append((digest, stamp))
            case .unreadable(let subject, let error):
                problems.append(error)
                unreadable.append(subject)
            }
        }
        // A folder with unreadable files is never trusted on its stamp alone: they must be reported each time.
        let trustedFolder = problems.isEmpty ? reading.folderStamp.trusted(lookedAt: reading.lookedAt) : .unknown
        var contents: ReviewTableCodec.Contents
        let stillKnown = unchanged + changed.filter { known?.table.index(of: $0.0.subject) != nil }.count
        if let known, stillKnown == known.table.count {
            // Every known participant is still readable: move only what changed (usually a few saved ones).
            contents = known
            for (digest, stamp) in changed {
                contents.table.replace(digest)
                let person = contents.table.index(of: digest.subject) ?? contents.stamps.count
                if person < contents.stamps.count { contents.stamps[person] = stamp } else { contents.stamps.append(stamp) }
            }
        } else {
            var stampBySubject: [String: FileStamp] = [:]
            for (digest, stamp) in changed { stampBySubject[digest.subject] = stamp }
            var digests = changed.map(\.0)
            if let known {
                for case .unchanged(let person) in reading.outcomes {
                    digests.append(known.table.person(person))
                    stampBySubject[known.table.parts.subjects[person]] = known.stamps[person]
                }
            }
            let table = ReviewTable(digests)
            contents = ReviewTableCodec.Contents(table: table, stamps: table.parts.subjects.map { stampBySubject[$0] ?? .unknown },
                                                 folder: trustedFolder, fingerprint: fingerprint)
        }
        contents.folder = trustedFolder
        let needsWriting = known == nil || !changed.isEmpty || known?.folder != trustedFolder || stillKnown != known?.table.count
        knownTable = contents
        if needsWriting { writeCache(contents) }
        let differs = known == nil || stillKnown != known?.table.count
            || changed.contains { known?.table.digest($0.0.subject) != $0.0 }
        var loaded = LoadedTable(table: contents.table, problems: problems, unreadable: unreadable, isFullyChecked: true, differsFromLastLoad: differs)
        loaded.reread = Set(changed.map(\.0.subject))
        return loaded
    }

    /// Writes the cache atomically (a reader sees the old or the new file, never a mix). Not flushed and
    /// failures are ignored: losing it costs one slower start, never data.
    private func writeCache(_ contents: ReviewTableCodec.Contents) {
        guard (try? DurableFile.makeDirectory(cacheDirectory)) != nil else { return }
        removeAbandonedCacheFiles()
        let temporary = cacheDirectory + "/" + Self.cacheTemporaryPrefix + "\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, DurableFile.fileMode)
        guard descriptor >= 0 else { return }
        var compact = contents
        compact.table = contents.table.compacted()
        let written = (try? DurableFile.writeAll(descriptor, ReviewTableCodec.encode(compact), path: temporary)) != nil
        close(descriptor)
        if !written || rename(temporary, cacheFile) != 0 {
            unlink(temporary)
        } else {
            // The new cache accounts for every save so far: start the journal afresh. A save journaled by
            // another copy meanwhile is lost with it, which only costs that copy's next start a full check.
            truncate(savesJournal, 0)
        }
    }

    private static let cacheTemporaryPrefix = ".review-table."

    /// Temporary cache files and audit runs left by a copy that was killed while writing one (each copy
    /// names its own by process id, as copies write without the lock). One untouched for a minute is abandoned.
    private func removeAbandonedCacheFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cacheDirectory)) ?? []
        let minuteAgo = FileStamp.now() - 60_000_000_000
        for name in names where (name.hasPrefix(Self.cacheTemporaryPrefix) && name.hasSuffix(".tmp")) || name.hasPrefix(Self.auditRunPrefix) {
            let path = cacheDirectory + "/" + name
            if let stamp = FileStamp.of(path), stamp.modified < minuteAgo { unlink(path) }
        }
    }

    /// After a save through this store: the saved file is read again at the next check (its stamp is
    /// forgotten), and the folder is no longer vouched for. The save goes into the journal with the folder's
    /// stamps before and after it, so the next start can trust the cache plus this one file. Constant cost,
    /// so saving does not grow with the store; not flushed (a lost line only costs a full check).
    func noteSaved(_ participant: Participant, folderBefore: FileStamp?) {
        if let before = folderBefore, let after = FileStamp.of(participantsDirectory), (try? DurableFile.makeDirectory(cacheDirectory)) != nil {
            let line = "\(participant.subject) \(before.journal) \(after.journal)\n"
            if let descriptor = try? DurableFile.openPlain(savesJournal, O_WRONLY | O_APPEND | O_CREAT) {
                // Bounded: past the limit it starts again, which costs only one full check at the next start.
                var info = stat()
                if fstat(descriptor, &info) == 0, Int(info.st_size) > Self.journalLimit { _ = ftruncate(descriptor, 0) }
                _ = try? DurableFile.writeAll(descriptor, Array(line.utf8), path: savesJournal)
                close(descriptor)
            }
        }
        guard let person = knownTable?.table.index(of: participant.subject) else {
            knownTable?.folder = .unknown
            return
        }
        knownTable?.stamps[person] = .unknown
        knownTable?.folder = .unknown
    }
}

/// A look at every participant file that has not reached its end (`TableCheck.stepwise`): the files to
/// look at, what was found so far, and what it compares them with.
struct UnfinishedRead {
    /// Every participant file's subject, in order.
    let names: [String]
    /// The table the stamps are compared with (nil: every file is read).
    let known: ReviewTableCodec.Contents?
    /// When the look began, for the racy-stamp rule.
    let lookedAt: Int64
    /// The participants folder's stamp when the look began.
    let folderStamp: FileStamp
    /// The protocols and scales the digests are made with.
    let fingerprint: String
    /// One per name looked at so far, in order.
    var outcomes: [FileOutcome] = []
    /// Seconds the last part's table took to make (see `keepReading`).
    var partCost: Double = 0

    /// What the files looked at so far say, as a table that says it is not complete: the first frame of a
    /// store without a cache, and each frame after it until the read ends.
    func partial() -> LoadedTable {
        var digests: [ParticipantDigest] = [], problems: [StoreError] = [], unreadable: [String] = []
        for outcome in outcomes {
            switch outcome {
            case .unchanged(let person): if let known { digests.append(known.table.person(person)) }
            case .read(let digest, _): digests.append(digest)
            case .unreadable(let subject, let error):
                problems.append(error)
                unreadable.append(subject)
            }
        }
        var loaded = LoadedTable(table: ReviewTable(digests), problems: problems, unreadable: unreadable, isFullyChecked: false)
        loaded.reading = ReadingProgress(read: outcomes.count, total: names.count)
        return loaded
    }
}

/// How much one step of a stepwise read looks at: batches of `files` (read on all cores) until its time
/// has passed, at least one batch.
package struct ReadStep: Sendable {
    /// Files in one batch.
    package var files: Int
    /// How long the first step (before the first frame) goes on taking batches.
    package var firstSeconds: Double
    /// How long each later step goes on taking batches.
    package var seconds: Double

    /// Creates a step.
    package init(files: Int, firstSeconds: Double, seconds: Double) {
        self.files = files; self.firstSeconds = firstSeconds; self.seconds = seconds
    }
}

/// What a full check found for one participant file.
enum FileOutcome: Sendable {
    /// Its stamp matches the known table's entry at this index.
    case unchanged(Int)
    /// Read again (verified), with the stamp it was read at.
    case read(ParticipantDigest, FileStamp)
    /// Could not be read.
    case unreadable(String, StoreError)
}
