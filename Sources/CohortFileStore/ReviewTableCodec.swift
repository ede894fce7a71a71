import CohortDomain
import CohortStore

/// The review cache's bytes: a derived copy of every participant's digest with the file stamp it was read
/// at, and the table's two visit orders, so opening a large store reads one file instead of decoding every
/// participant. Binary because it is read on every start: parsing it costs about a copy, where JSON would
/// cost what decoding the participants costs. It is never the data of record; anything odd about it —
/// another version, another protocol set, a bad checksum, a short read — means "rebuild from the files".
enum ReviewTableCodec {
    /// Bump whenever a digest is derived differently or the layout changes: older caches are then rebuilt.
    static let version: UInt32 = 16
    private static let magic = Array("COHORT REVIEW CACHE\n".utf8)
    /// The in-memory layout the fixed-size arrays are copied in: a cache made where it differs is rebuilt.
    private static let layout: [UInt32] = [
        UInt32(MemoryLayout<ReviewTable.Slot>.stride), UInt32(MemoryLayout<ReviewTable.Slot>.offset(of: \.target) ?? 0),
        UInt32(MemoryLayout<ReviewTable.Slot>.offset(of: \.missed) ?? 0), UInt32(MemoryLayout<FileStamp>.stride),
        UInt32(0x0102_0304).littleEndian == 0x0102_0304 ? 1 : 2, // byte order of the copied arrays
    ]

    /// What one cache file holds.
    struct Contents {
        var table: ReviewTable
        /// One stamp per participant of `table`, in its order.
        var stamps: [FileStamp]
        /// The participants folder when the cache was built (zero: not trusted).
        var folder: FileStamp
        /// Identifies the protocols and scales the digests were derived with.
        var fingerprint: String
    }

    static func encode(_ contents: Contents) -> [UInt8] {
        let parts = contents.table.parts
        var out = ByteWriter()
        out.bytes += magic
        out.u32(version)
        for value in layout { out.u32(value) }
        out.text(contents.fingerprint)
        out.stamp(contents.folder)
        out.u32(UInt32(parts.subjects.count))
        for subject in parts.subjects { out.text(subject) }
        out.u32(UInt32(parts.codes.count))
        for code in parts.codes { out.text(code) }
        out.raw(contents.stamps)
        out.raw(parts.slotStart)
        out.raw(parts.slotEnd)
        out.raw(parts.slots)
        out.raw(parts.byScheduled)
        out.raw(parts.openByWindowEnd)
        out.u32(UInt32(parts.urgentFlags.count))
        for flag in parts.urgentFlags {
            out.text(flag.subject); out.text(flag.visit); out.text(flag.flag); out.date(flag.date); out.u8(flag.urgent ? 1 : 0)
        }
        out.u32(UInt32(parts.safetyAlerts.count))
        for alert in parts.safetyAlerts { out.safetyAlert(alert) }
        // Each participant's other facts, read one at a time when a row shows them: offsets, then records.
        var records = ByteWriter()
        var offsets: [Int32] = []
        for person in 0..<contents.table.count {
            offsets.append(Int32(records.bytes.count))
            encodeFacts(contents.table.personFacts(person), into: &records)
        }
        out.raw(offsets)
        out.u32(UInt32(records.bytes.count))
        out.bytes += records.bytes
        out.u64(Checksum64.of(out.bytes))
        return out.bytes
    }

    private static func encodeFacts(_ digest: ParticipantDigest, into out: inout ByteWriter) {
        out.text(digest.initials); out.text(digest.study)
        out.u8(UInt8(ParticipantStatus.allCases.firstIndex(of: digest.status) ?? 0))
        out.date(digest.consentDate); out.date(digest.origin); out.date(digest.exitDate)
        out.u8(digest.arm == nil ? 0 : 1); out.text(digest.arm ?? "")
        out.u8(digest.randomization == nil ? 0 : 1); out.text(digest.randomization?.number ?? ""); out.date(digest.randomization?.date)
        out.u32(UInt32(digest.primaryScores.count))
        for primary in digest.primaryScores {
            out.text(primary.scale); out.i32(primary.total); out.u8(primary.change == nil ? 0 : 1); out.i32(primary.change ?? 0)
            out.date(primary.date)
        }
        out.u32(UInt32(digest.scoreDates.count))
        for date in digest.scoreDates { out.date(date) }
        out.u32(UInt32(digest.flags.count))
        for flag in digest.flags {
            out.text(flag.visit); out.text(flag.flag); out.date(flag.date)
            out.u8((flag.isUrgent ? 1 : 0) | (flag.isAcknowledged ? 2 : 0))
            out.u32(UInt32(flag.corrections.count))
            for day in flag.corrections { out.date(day) }
        }
        out.u32(UInt32(digest.deviationClasses.count))
        for classified in digest.deviationClasses {
            out.text(classified.visit); out.u8(UInt8(DeviationClass.allCases.firstIndex(of: classified.classification) ?? 0))
            out.u8(classified.note == nil ? 0 : 1); out.text(classified.note ?? "")
        }
        out.u32(UInt32(digest.adverseEvents.count))
        for event in digest.adverseEvents {
            out.text(event.id); out.text(event.term); out.date(event.onset); out.u8((event.isSerious ? 1 : 0) | (event.followUpPending ? 2 : 0))
            out.moment(event.aware); out.moment(event.reportDue); out.moment(event.reportedAt)
        }
        out.u32(UInt32(digest.prohibitedMedications.count))
        for medication in digest.prohibitedMedications {
            out.text(medication.id); out.text(medication.name); out.date(medication.since); out.u8(medication.ongoing ? 1 : 0)
        }
        out.u32(UInt32(digest.flaggedMeasures.count))
        for measure in digest.flaggedMeasures {
            out.text(measure.visit); out.text(measure.test); out.text(measure.value.description); out.date(measure.date)
            out.u8(UInt8(MeasureFlag.allCases.firstIndex(of: measure.flag) ?? 0)); out.u8((measure.alert ? 1 : 0) | (measure.assessed ? 2 : 0))
            out.text(measure.rule ?? "")
        }
        out.u32(UInt32(digest.acknowledgementDates.count))
        for date in digest.acknowledgementDates { out.date(date) }
        out.u32(UInt32(digest.syncConflicts.count))
        for id in digest.syncConflicts { out.text(id) }
    }

    /// The contents of `bytes`, or nil when they are not a whole, intact cache of this version and layout.
    /// Only the fixed-size arrays are read now; each participant's facts are read when asked for.
    static func decode(_ bytes: [UInt8]) -> Contents? {
        guard bytes.count >= magic.count + 8, bytes.starts(with: magic) else { return nil }
        let body = bytes.count - 8
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: body, as: UInt64.self) }
        guard UInt64(littleEndian: stored) == Checksum64.of(bytes[..<body]) else { return nil }
        return bytes.withUnsafeBytes { raw -> Contents? in
            var input = ByteReader(raw: UnsafeRawBufferPointer(rebasing: raw[..<body]), offset: magic.count)
            guard input.u32() == version, layout.allSatisfy({ input.u32() == $0 }),
                  let fingerprint = input.text(), let folder = input.stamp(),
                  let subjects = input.list({ $0.text() }), let codes = input.list({ $0.text() }),
                  // Room to grow: a save replaces a participant by appending its visits, which should not copy them all.
                  let stamps = input.raw(FileStamp.self), let slotStart = input.raw(Int32.self), let slotEnd = input.raw(Int32.self),
                  let slots = input.raw(ReviewTable.Slot.self, room: 1024), let byScheduled = input.raw(Int32.self, room: 1024),
                  let openByWindowEnd = input.raw(Int32.self, room: 1024),
                  let urgentFlags = input.list({ input -> VisitFlag? in
                      guard let subject = input.text(), let visit = input.text(), let flag = input.text(), let date = input.date(),
                            let urgent = input.u8() else { return nil }
                      return VisitFlag(subject: subject, visit: visit, flag: flag, urgent: urgent == 1, date: date)
                  }),
                  let safetyAlerts = input.list({ $0.safetyAlert() }),
                  let offsets = input.raw(Int32.self), let recordsLength = input.count(),
                  stamps.count == subjects.count, offsets.count == subjects.count,
                  offsets.allSatisfy({ 0 <= $0 && Int($0) < recordsLength }) else { return nil }
            let recordsStart = input.offset
            input.offset += recordsLength
            guard input.isAtEnd else { return nil }
            let facts = CachedFacts(bytes: bytes, start: recordsStart, end: body, offsets: offsets, subjects: subjects)
            let parts = ReviewTable.Parts(slots: slots, slotStart: slotStart, slotEnd: slotEnd, subjects: subjects, codes: codes,
                                          byScheduled: byScheduled, openByWindowEnd: openByWindowEnd, urgentFlags: urgentFlags,
                                          safetyAlerts: safetyAlerts)
            return ReviewTable(parts: parts, facts: facts).map { Contents(table: $0, stamps: stamps, folder: folder, fingerprint: fingerprint) }
        }
    }

    /// One participant's facts from its record; nil when the record does not read back whole.
    fileprivate static func decodeFacts(_ input: inout ByteReader, subject: String) -> ParticipantDigest? {
        guard let initials = input.text(), let study = input.text(),
              let status = input.member(of: ParticipantStatus.allCases),
              let consent = input.date(), let baseline = input.date(), let exit = input.optionalDate(),
              let hasArm = input.u8(), let arm = input.text(), let hasRandomization = input.u8(), let number = input.text(),
              let randomized = input.optionalDate(),
              let primaryScores = input.list({ input -> PrimaryScore? in
                  guard let scale = input.text(), let total = input.i32(), let hasChange = input.u8(), let change = input.i32(),
                        let date = input.date() else { return nil }
                  return PrimaryScore(scale: scale, total: total, change: hasChange == 1 ? change : nil, date: date)
              }) else { return nil }
        guard let scoreDates = input.list({ $0.date() }),
              let flags = input.list({ input -> DigestFlag? in
                  guard let visit = input.text(), let flag = input.text(), let date = input.date(), let bits = input.u8(),
                        let corrections = input.list({ $0.date() }) else { return nil }
                  return DigestFlag(visit: visit, flag: flag, date: date, isUrgent: bits & 1 != 0, isAcknowledged: bits & 2 != 0, corrections: corrections)
              }),
              let classes = input.list({ input -> DeviationClassification? in
                  guard let visit = input.text(), let classification = input.member(of: DeviationClass.allCases),
                        let hasNote = input.u8(), let note = input.text() else { return nil }
                  return DeviationClassification(visit: visit, classification: classification, note: hasNote == 1 ? note : nil)
              }),
              let adverseEvents = input.list({ input -> AdverseEventDigest? in
                  guard let id = input.text(), let term = input.text(), let onset = input.date(), let bits = input.u8(),
                        let aware = input.moment(), let knownAware = aware, let due = input.moment(), let reported = input.moment() else { return nil }
                  return AdverseEventDigest(id: id, term: term, onset: onset, isSerious: bits & 1 != 0, aware: knownAware, reportDue: due, reportedAt: reported,
                                            followUpPending: bits & 2 != 0)
              }),
              let prohibited = input.list({ input -> ProhibitedMedication? in
                  guard let id = input.text(), let name = input.text(), let since = input.date(), let ongoing = input.u8() else { return nil }
                  return ProhibitedMedication(id: id, name: name, since: since, ongoing: ongoing == 1)
              }),
              let flagged = input.list({ input -> FlaggedMeasure? in
                  guard let visit = input.text(), let test = input.text(), let value = input.text().flatMap(Quantity.init), let date = input.date(),
                        let flag = input.member(of: MeasureFlag.allCases), let bits = input.u8(), let rule = input.text() else { return nil }
                  return FlaggedMeasure(visit: visit, test: test, value: value, date: date, flag: flag, alert: bits & 1 != 0, assessed: bits & 2 != 0,
                                        rule: rule.isEmpty ? nil : rule)
              }),
              let acknowledgementDates = input.list({ $0.date() }), let syncConflicts = input.list({ $0.text() }) else { return nil }
        return ParticipantDigest(subject: subject, initials: initials, study: study, status: status, consentDate: consent,
                                 origin: baseline, exitDate: exit, arm: hasArm == 1 ? arm : nil,
                                 randomization: hasRandomization == 1 ? randomized.map { Randomization(number: number, date: $0) } : nil, primaryScores: primaryScores, visits: [],
                                 scoreDates: scoreDates, flags: flags, deviationClasses: classes, adverseEvents: adverseEvents,
                                 prohibitedMedications: prohibited, flaggedMeasures: flagged, acknowledgementDates: acknowledgementDates,
                                 syncConflicts: syncConflicts)
    }
}

/// Participants' facts still in the cache's bytes, read one at a time when asked for.
private final class CachedFacts: DigestFacts {
    let bytes: [UInt8]
    let start: Int, end: Int
    let offsets: [Int32]
    let subjects: [String]

    init(bytes: [UInt8], start: Int, end: Int, offsets: [Int32], subjects: [String]) {
        self.bytes = bytes; self.start = start; self.end = end; self.offsets = offsets; self.subjects = subjects
    }

    var count: Int { offsets.count }

    func digestWithoutVisits(at index: Int) -> ParticipantDigest {
        let found = bytes.withUnsafeBytes { raw -> ParticipantDigest? in
            var input = ByteReader(raw: UnsafeRawBufferPointer(rebasing: raw[..<end]), offset: start + Int(offsets[index]))
            return ReviewTableCodec.decodeFacts(&input, subject: subjects[index])
        }
        // The whole file passed its checksum when it was opened, so a record that does not read back is a
        // defect of this program, not damage; show the subject with its facts marked unknown, never crash.
        return found ?? ParticipantDigest(subject: subjects[index], initials: "??", study: "?", status: .active,
                                          consentDate: CivilDate(dayNumber: 0), origin: CivilDate(dayNumber: 0), exitDate: nil, arm: nil, randomization: nil,
                                          primaryScores: [], visits: [], scoreDates: [], flags: [], deviationClasses: [])
    }
}
