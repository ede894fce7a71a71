import CohortDomain
import CohortResources
@testable import CohortStore
@testable import CohortFileStore
import CohortTestSupport
import Foundation
import Testing

/// The trail is the record (docs/RULES.md, "The trail is the record"). Every action's records, replayed onto `{}`, give the stored
/// participant; the trail and the data agree after any failure; verify proves it and names what is wrong.
struct TrailIsTheRecordTests {
    private func replay(_ records: [AuditRecord]) throws -> JSONValue {
        var document = JSONValue.emptyObject
        for record in records { try JSONPatch.apply(record.operation, to: &document) }
        return document
    }

    /// The stored participant, as its file holds it.
    private func stored(_ fixture: StoreFixture, _ subject: String) throws -> JSONValue {
        try #require(try JSONValue.parse(fixture.bytes("participants/\(subject).json"))["content"]?["participant"])
    }

    @Test func randomActionsOnRandomParticipantsReplayToTheStoredData() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var random = SeededGenerator(seed: 20261126)
        let subjects = (1...6).map { "101-000\($0)" }
        for subject in subjects { try fixture.enroll(subject, baseline: "2026-11-12") }
        // Screened, so the random baselines (and with them every visit after Day 1) can go through.
        for subject in subjects {
            try fixture.store.apply(.complete(subject: subject, visit: "SCR", date: CivilDate("2026-11-10")!, reason: nil), today: StoreFixture.today, user: "tester")
        }
        let scales = StoreFixture.scales
        var applied = 0
        for step in 0..<300 {
            let subject = subjects[random.next(subjects.count)]
            let participant = try fixture.store.participant(subject)
            let visit = participant.visits[random.next(participant.visits.count)].code
            let day = CivilDate("2026-11-\(10 + random.next(16))")!
            let definition = StoreFixture.schizophrenia.visits.first { $0.code == visit }!
            let change: Change
            switch random.next(8) {
            case 0: change = .complete(subject: subject, visit: visit, date: day, reason: random.next(2) == 0 ? nil : "late entry \(step)")
            case 1: change = .miss(subject: subject, visit: visit, date: day, reason: "no show \(step)")
            case 2: change = .reschedule(subject: subject, visit: visit, date: day, reason: "moved \(step)")
            case 3, 4:
                let scale = scales[definition.scales[random.next(definition.scales.count)]]!
                let items: [Int?] = scale.items.map { random.next(9) == 0 ? nil : $0.min + random.next($0.max - $0.min + 1) }
                change = .score(subject: subject, visit: visit, scale: scale.code, items: items, date: nil,
                                rater: random.next(2) == 0 ? nil : "ab", reason: "correction \(step)")
            case 5: change = .classifyDeviation(subject: subject, visit: visit, classification: random.next(2) == 0 ? .minor : .major,
                                                note: "note \(step)", reason: "reclassified \(step)")
            case 6: change = .acknowledge(subject: subject, visit: visit, flag: "cssrs-urgent", action: "PI assessed \(step)")
            default:
                // Leaving ends a participant's story: only late in the run, so the other actions get tried first.
                change = step > 240 ? .withdraw(subject: subject, date: day, category: .withdrawalBySubject, reason: "withdrew \(step)",
                                                        screenFailure: random.next(4) == 0)
                                    : .complete(subject: subject, visit: visit, date: day, reason: "entered late \(step)")
            }
            guard let (before, after) = try? fixture.store.apply(change, today: StoreFixture.today, user: "tester") else { continue }
            if before != after { applied += 1 }
            if random.next(3) == 0 && before != after {
                // An undo that would hide an unacknowledged urgent flag is refused, and writes nothing.
                _ = try? fixture.store.apply(.revert(subject: subject, to: before, expected: after, description: change.description, reason: "undo \(step)"),
                                             today: StoreFixture.today, user: "tester")
            }
            let trail = try fixture.store.auditTrail(subject: subject)
            #expect(trail.problems.isEmpty, "step \(step): \(change.description), \(random)")
            #expect(try replay(trail.records) == stored(fixture, subject), "step \(step): \(change.description), \(random)")
        }
        #expect(applied > 60)
        #expect(fixture.store.verify().problems.isEmpty)
    }

    @Test func unscheduledVisitsCorrectionsAndReconsentsReplayToTheStoredData() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        let day = { (text: String) in CivilDate(text)! }
        let changes: [Change] = [
            .complete(subject: "101-0001", visit: "SCR", date: day("2026-11-12"), reason: nil),
            .addUnscheduledVisit(subject: "101-0001", date: day("2026-11-14"), reason: "repeat ALT"),
            .measure(subject: "101-0001", visit: "U1", entries: [MeasureEntry(test: "ALT", value: Quantity("130")!)], reason: nil),
            .score(subject: "101-0001", visit: "U1", scale: "CSSRS", items: [0, 0, 0, 0, 0, 0], date: nil, rater: nil, reason: nil),
            .addUnscheduledVisit(subject: "101-0001", date: day("2026-11-13"), reason: "extra C-SSRS"),
            .correct(subject: "101-0001", correction: EnrollmentCorrection(initials: "XY", birthYear: "1981", sex: "M",
                                                                           consent: day("2026-11-07"), baseline: day("2026-11-19")), reason: "typo"),
            .reconsent(subject: "101-0001", version: "2.0", date: day("2026-11-20")),
            .reconsent(subject: "101-0001", version: "3_DE", date: day("2026-11-21")),
        ]
        for change in changes {
            let (before, after) = try fixture.store.apply(change, today: StoreFixture.today, user: "tester")
            #expect(before != after, "\(change.description)")
            #expect(try replay(fixture.store.auditTrail(subject: "101-0001").records) == stored(fixture, "101-0001"), "\(change.description)")
        }
        let participant = try fixture.store.participant("101-0001")
        #expect(participant.unscheduledVisits.map(\.code) == ["U1", "U2"] && participant.reconsents.count == 2 && participant.initials == "XY")
        // An undo of each kind replays too.
        let (before, after) = try fixture.store.apply(.reconsent(subject: "101-0001", version: "4", date: day("2026-11-22")),
                                                      today: StoreFixture.today, user: "tester")
        try fixture.store.apply(.revert(subject: "101-0001", to: before, expected: after, description: "re-consent", reason: "wrong form"),
                                today: StoreFixture.today, user: "tester")
        #expect(try replay(fixture.store.auditTrail(subject: "101-0001").records) == stored(fixture, "101-0001"))
        #expect(fixture.store.verify().problems.isEmpty)
    }

    @Test func aForgedButResealedValueIsCaughtByTheReplayAndAnAbsurdOneCrashesNothing() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try fixture.store.apply(.complete(subject: "101-0001", visit: "SCR", date: CivilDate("2026-11-12")!, reason: nil), today: StoreFixture.today, user: "t")
        try fixture.store.apply(.score(subject: "101-0001", visit: "SCR", scale: "CGI-S", items: [4], date: nil, rater: nil, reason: nil),
                                today: StoreFixture.today, user: "t")
        let path = fixture.path("participants/101-0001.json")
        let text = String(decoding: fixture.bytes("participants/101-0001.json"), as: UTF8.self)
        func forge(_ items: String) throws {
            let forged = text.replacingOccurrences(of: "\"items\" : [\n            4\n          ]", with: "\"items\" : [\n            \(items)\n          ]")
            #expect(forged != text)
            // Re-sealed with the documented checksum: the file itself is intact.
            var bytes = Array(forged.utf8)
            bytes.replaceSubrange(CanonicalJSON.checksumRange, with: Array(CanonicalJSON.checksum(of: bytes).utf8))
            fixture.write("participants/101-0001.json", bytes)
        }
        try forge("5")
        let plausible = fixture.store.verify().problems
        #expect(plausible.count == 1 && plausible[0].contains("differs from the replay") && plausible[0].contains("/administrations/0/items/0"))
        try forge("9223372036854775807")
        let absurd = fixture.store.verify().problems
        #expect(absurd.contains { $0.contains(path) && $0.contains("must be 1–7") })
        #expect(throws: StoreError.self) { try fixture.store.participant("101-0001") }
        let loaded = fixture.reopenedTable()
        #expect(loaded.unreadable == ["101-0001"])
    }

    @Test func theLedgerCatchesADeletedParticipantARolledBackOneAndIDsAreNeverReused() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try fixture.enroll("101-0002")
        let older = (fixture.bytes("participants/101-0002.json"), fixture.bytes("audit/101-0002.jsonl"))
        try fixture.store.apply(.miss(subject: "101-0002", visit: "SCR", date: CivilDate("2026-11-12")!, reason: "no show"),
                                today: StoreFixture.today, user: "t")
        // An older pair of files copied back: every file intact, every chain unbroken, and still caught.
        fixture.write("participants/101-0002.json", older.0)
        fixture.write("audit/101-0002.jsonl", older.1)
        #expect(fixture.store.verify().problems.contains { $0.contains("101-0002.json was rolled back") })
        // Both files deleted: caught, and the ID is not given again.
        try FileManager.default.removeItem(atPath: fixture.path("participants/101-0002.json"))
        try FileManager.default.removeItem(atPath: fixture.path("audit/101-0002.jsonl"))
        #expect(fixture.store.verify().problems.contains { $0.contains("101-0002 was saved on this site") && $0.contains("deleted") })
        #expect(try fixture.store.nextSubjectID() == "101-0003")
        #expect(throws: DomainError.self) { try fixture.enroll("101-0002") }
    }

    @Test func onlyTheDataFileRestoredIsRefusedNotAdopted() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        let older = fixture.bytes("participants/101-0001.json")
        try fixture.store.apply(.miss(subject: "101-0001", visit: "SCR", date: CivilDate("2026-11-12")!, reason: "no show"),
                                today: StoreFixture.today, user: "t")
        fixture.write("participants/101-0001.json", older)
        let trail = fixture.bytes("audit/101-0001.jsonl")
        #expect { try fixture.store.apply(.reschedule(subject: "101-0001", visit: "W1", date: CivilDate("2026-11-26")!, reason: nil),
                                          today: StoreFixture.today, user: "t") } throws: { ($0 as? StoreError)?.message.contains("older than its trail") == true }
        #expect(fixture.bytes("audit/101-0001.jsonl") == trail)
        #expect(fixture.store.verify().problems.contains { $0.contains("rolled back") })
    }

    @Test func aMissingSiteFileIsDamageAndAStoreIsCreatedOnlyInAnEmptyFolder() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try FileManager.default.removeItem(atPath: fixture.path("cohort-store.json"))
        #expect { try fixture.reopen() } throws: { ($0 as? StoreError)?.kind == .damaged }
        #expect(throws: StoreError.self) {
            try JSONFileStore.create(directory: fixture.directory, siteName: "X", siteNumber: "101", studyProtocol: StoreFixture.schizophrenia,
                                     scales: StoreFixture.scales, user: "t")
        }
        #expect(FileManager.default.fileExists(atPath: fixture.path("participants/101-0001.json")))
    }

    @Test func aFormatOneStoreMadeByTheFormatOneBinaryIsMigratedWithABackupKept() throws {
        let directory = try StoreFixture.formatOneStoreCopy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let originals = try FileManager.default.contentsOfDirectory(atPath: directory + "/participants").sorted()
        let before = try originals.map { try Data(contentsOf: URL(fileURLWithPath: directory + "/participants/" + $0)) }
        let store = try JSONFileStore(directory: directory, scales: StoreFixture.scales, user: "migrator")
        // The backup holds the format-1 files byte for byte.
        let backup = directory + "/" + JSONFileStore.formatOneBackup
        #expect(try originals.map { try Data(contentsOf: URL(fileURLWithPath: backup + "/participants/" + $0)) } == before)
        #expect(FileManager.default.fileExists(atPath: backup + "/audit/101-0001.jsonl"))
        // The data is the same participants, now format 2, each with a trail that rebuilds it.
        #expect(try store.subjects().count == originals.count)
        #expect(store.context.protocols.count == 3)
        #expect(store.verify().problems.isEmpty)
        for subject in try store.subjects() {
            let trail = try store.auditTrail(subject: subject)
            #expect(trail.records.first?.reason?.contains("backup-format-1/audit/\(subject).jsonl") == true)
        }
        // It carries on as a format-2 store, and opening it again migrates nothing.
        try store.apply(.reschedule(subject: "101-0003", visit: "D1", date: CivilDate("2026-11-23")!, reason: "after migration"),
                        today: CivilDate("2026-11-20")!, user: "t")
        _ = try JSONFileStore(directory: directory, scales: StoreFixture.scales, user: "t")
        #expect(try JSONFileStore(directory: directory, scales: StoreFixture.scales, user: "t").verify().problems.isEmpty)
    }
}

/// A small deterministic generator, so a failing property run can be replayed.
extension StoreFixture {
    /// The review table of a freshly opened store.
    func reopenedTable() -> LoadedTable { ((try? reopen())?.loadTable(.full)) ?? LoadedTable(table: ReviewTable([]), isFullyChecked: true) }
}

/// The ledger after a copy was killed while appending to it.
struct TornLedgerTests {
    @Test func aTornLedgerLineIsANoteAndTheNextEntryStartsOnItsOwnLine() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        let path = "ledger/\(Ledger.machineName()).jsonl"
        fixture.write(path, fixture.bytes(path) + Array("{\"hash\":\"ab".utf8))
        let outcome = fixture.store.verify()
        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
        #expect(outcome.notes.contains { $0.contains("cut short") })
        try fixture.store.apply(.reschedule(subject: "101-0001", visit: "W1", date: CivilDate("2026-11-26")!, reason: nil), today: StoreFixture.today, user: "t")
        let lines = String(decoding: fixture.bytes(path), as: UTF8.self).split(separator: "\n")
        #expect(lines.last?.hasPrefix("{\"hash\":") == true && lines.last?.hasSuffix("\"subject\":\"101-0001\"}") == true)
        #expect(try Ledger(directory: fixture.path("ledger")).furthest("101-0001")?.seq == fixture.store.readParticipant("101-0001").audit.seq)
    }
}
