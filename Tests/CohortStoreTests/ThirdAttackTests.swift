import CohortDomain
import CohortTestSupport
@testable import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

/// Issue 20: the ways around the defences an outside tester found, each closed at its root.
@Suite(.serialized)
struct ThirdAttackTests {
    static let today = StoreFixture.today

    /// Seals `participants/SUBJECT.json` again with `edit` applied, as a forger who knows the format would.
    /// With `forgeState`, the trail's last record is rewritten (and rehashed) to carry the forged data's
    /// state, and the file points at it.
    func forge(_ fixture: StoreFixture, _ subject: String, forgeState: Bool, _ edit: (inout Participant) -> Void) throws {
        let relative = "participants/\(subject).json"
        var file = try CanonicalJSON.unseal(fixture.bytes(relative), as: ParticipantFile.self, path: relative, version: 2)
        edit(&file.participant)
        if forgeState {
            let trail = "audit/\(subject).jsonl"
            let bytes = fixture.bytes(trail)
            let ranges = AuditLog.lineRanges(bytes)
            var record = try #require(try? AuditRecord(line: bytes[ranges.last!]))
            record.state = try JSONValue(encoding: file.participant).stateHash
            let line = record.line()
            fixture.write(trail, Array(bytes[..<ranges.last!.lowerBound]) + line + [UInt8(ascii: "\n")])
            file.audit = AuditHead(seq: record.seq, hash: record.hash)
        }
        fixture.write(relative, try CanonicalJSON.seal(file, formatVersion: 2))
    }

    /// Appends to a trail a chained record `operation` (with the state it leads to) and points the file at it:
    /// a forged change that replays.
    func appendForged(_ fixture: StoreFixture, _ subject: String, _ operation: PatchOperation) throws {
        let relative = "participants/\(subject).json"
        var file = try CanonicalJSON.unseal(fixture.bytes(relative), as: ParticipantFile.self, path: relative, version: 2)
        var document = try JSONValue(encoding: file.participant)
        try JSONPatch.apply(operation, to: &document)
        file.participant = try JSONValueDecoder.decode(Participant.self, from: document)
        let (lines, head) = AuditLog.lines([operation], subject: subject, user: "forger", reason: "forged", time: "2026-11-25T10:00:00.000Z",
                                           after: file.audit, state: document.stateHash)
        fixture.write("audit/\(subject).jsonl", fixture.bytes("audit/\(subject).jsonl") + lines)
        file.audit = head
        fixture.write(relative, try CanonicalJSON.seal(file, formatVersion: 2))
    }

    @Test func aParticipantResealedWithoutItsTrailIsRefusedOnEveryRead() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try fixture.enroll("101-0002")
        try forge(fixture, "101-0001", forgeState: false) { $0.initials = "ZZ" }
        let store = try fixture.reopen()
        #expect(throws: StoreError.self) { try store.participant("101-0001") }
        #expect((try? store.participant("101-0002")) != nil)
        var read: [String] = []
        let problems = store.forEachParticipant({ $0.subject }) { read.append($0) }
        #expect(read == ["101-0002"])
        #expect(problems.count == 1 && problems[0].message.contains("101-0001.json is not what its audit trail records"), "\(problems)")
        #expect(store.loadTable(.full).problems.count == 1)
        // The whole store's audit checks the data against the head of the trail it has read, and says so.
        let audited = try store.forEachAuditRecordInTimeOrder { _, _ in }
        #expect(audited.count == 1 && audited[0].contains("101-0001.json is not what its audit trail records"), "\(audited)")
    }

    @Test func verifyWithAProtocolFileMissingStillNamesAForgeryAndBlamesNoOtherParticipant() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try fixture.enroll("101-0002")
        try forge(fixture, "101-0002", forgeState: false) { $0.initials = "ZZ" }
        let study = try fixture.store.participant("101-0001").study
        try FileManager.default.removeItem(atPath: fixture.path("protocols/\(study).json"))
        let (problems, notes) = try JSONFileStore(directory: fixture.directory, scales: StoreFixture.scales, user: "t", readOnly: true).verify()
        #expect(problems.contains { $0.contains("\(study).json") }, "the missing protocol is named: \(problems)")
        #expect(problems.contains { $0.contains("101-0002") && $0.contains("/initials") }, "the forgery is named: \(problems)")
        #expect(!problems.contains { $0.contains("101-0001") }, "nothing wrong with 101-0001 is reported: \(problems)")
        #expect(!problems.contains { $0.contains("edited by hand") && $0.contains("101-0001") })
        #expect(notes.contains { $0.contains("101-0001") && $0.contains("not checked") })
    }

    @Test func forgingTheTrailsStateDoesNotGetPastTheSaveCheck() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try forge(fixture, "101-0001", forgeState: true) { $0.initials = "ZZ" }
        let before = fixture.snapshot()
        #expect {
            try fixture.reopen().apply(.reschedule(subject: "101-0001", visit: "W1", date: CivilDate("2026-11-26")!, reason: "x"),
                                       today: Self.today, user: "t")
        } throws: { ($0 as? StoreError)?.message.contains("not what its audit trail records") == true }
        #expect(fixture.snapshot() == before)
    }

    @Test func aMedicationNumberTheTrailGaveIsNeverGivenAgainEvenWhenTheDataLostIt() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        for name in ["lorazepam", "benztropine", "olanzapine"] {
            try fixture.store.apply(.addMedication(subject: "101-0001", draft: MedicationDraft(name: name, start: CivilDate("2026-11-20")!)),
                                    today: Self.today, user: "t")
        }
        // CM3 taken out by a forged record that replays (the data agrees with its trail).
        let participant = try fixture.store.participant("101-0001")
        try appendForged(fixture, "101-0001", PatchOperation(op: .remove, path: "/medications/2", old: try JSONValue(encoding: participant.medications[2])))
        let store = try fixture.reopen()
        #expect(try store.participant("101-0001").medications.map(\.id) == ["CM1", "CM2"])
        let after = try store.apply(.addMedication(subject: "101-0001", draft: MedicationDraft(name: "haloperidol", start: CivilDate("2026-11-21")!)),
                                    today: Self.today, user: "t").after
        #expect(after.medications.map(\.id) == ["CM1", "CM2", "CM4"])
    }

    @Test func aSiteFileOrProtocolResealedIsRefusedOnOpen() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        var site = try CanonicalJSON.unseal(fixture.bytes("cohort-store.json"), as: SiteInfo.self, path: "", version: 2)
        let original = fixture.bytes("cohort-store.json")
        site.number = "202"
        fixture.write("cohort-store.json", try CanonicalJSON.seal(site, formatVersion: 2))
        #expect { try fixture.reopen() } throws: { ($0 as? StoreError)?.message.contains("cohort-store.json and") == true }
        fixture.write("cohort-store.json", original)
        var studyProtocol = try CanonicalJSON.unseal(fixture.bytes("protocols/SCZ-5W-INPT.json"), as: StudyProtocol.self, path: "", version: 2)
        studyProtocol.visits[2].plus += 5
        fixture.write("protocols/SCZ-5W-INPT.json", try CanonicalJSON.seal(studyProtocol, formatVersion: 2))
        #expect { try fixture.reopen() } throws: { ($0 as? StoreError)?.message.contains("differs from the replay") == true }
    }

    /// The site file sealed again as format 1 in a store that is format 2.
    func resealAsFormatOne(_ fixture: StoreFixture) throws {
        struct Old: Codable { var name, number, created: String; var audit: AuditHead }
        let site = try CanonicalJSON.unseal(fixture.bytes("cohort-store.json"), as: SiteInfo.self, path: "", version: 2)
        fixture.write("cohort-store.json", try CanonicalJSON.seal(Old(name: site.name, number: site.number, created: site.created, audit: site.audit), formatVersion: 1))
    }

    @Test func aSiteFileSayingFormatOneInAFormatTwoStoreIsRefusedNeverMigrated() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try resealAsFormatOne(fixture)
        let before = fixture.snapshot()
        #expect { try fixture.reopen() } throws: { error in
            let message = (error as? StoreError)?.message ?? ""
            return (error as? StoreError)?.kind == .damaged && message.contains("says store format 1") && message.contains("restore it from a backup")
        }
        #expect(fixture.snapshot() == before)
        #expect(!FileManager.default.fileExists(atPath: fixture.path(JSONFileStore.formatOneBackup)))
        // verify reads it as what it is, names the site file, and still checks every participant.
        let problems = try JSONFileStore(directory: fixture.directory, scales: StoreFixture.scales, user: "t", readOnly: true).verify().problems
        #expect(problems.contains { $0.contains("cohort-store.json says store format 1, but") }, "\(problems)")
        #expect(fixture.snapshot() == before)
    }

    @Test func verifyNeverMigratesAFormatOneStore() throws {
        let directory = try StoreFixture.formatOneStoreCopy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect { try JSONFileStore(directory: directory, scales: StoreFixture.scales, user: "t", readOnly: true) } throws: {
            ($0 as? StoreError)?.message.contains("never migrates") == true
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/" + JSONFileStore.formatOneBackup))
        #expect(!FileManager.default.fileExists(atPath: directory + "/ledger"))
    }

    @Test func anInterruptedMigrationStillResumes() throws {
        let directory = try StoreFixture.formatOneStoreCopy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let originalSite = try Data(contentsOf: URL(fileURLWithPath: directory + "/cohort-store.json"))
        _ = try JSONFileStore(directory: directory, scales: StoreFixture.scales, user: "t")
        // As if killed just before the site file was written: everything migrated but the site file (and
        // the store-wide chain's ledger line, written after it).
        try originalSite.write(to: URL(fileURLWithPath: directory + "/cohort-store.json"))
        let ledger = directory + "/ledger/" + Ledger.machineName() + ".jsonl"
        let lines = try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n").filter { !$0.contains("\"_store\"") }
        try (lines.joined(separator: "\n") + "\n").write(toFile: ledger, atomically: false, encoding: .utf8)
        let store = try JSONFileStore(directory: directory, scales: StoreFixture.scales, user: "t")
        #expect(store.verify().problems.isEmpty)
        // A store whose migration finished (the ledger has its store-wide line), given a format-1 site
        // file again, is refused: nothing is migrated twice.
        try originalSite.write(to: URL(fileURLWithPath: directory + "/cohort-store.json"))
        #expect(throws: StoreError.self) { try JSONFileStore(directory: directory, scales: StoreFixture.scales, user: "t") }
    }

    @Test func aLedgerThatCannotBeWrittenFailsTheSaveAndTakesItBack() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        let ledger = fixture.path("ledger/" + Ledger.machineName() + ".jsonl")
        let entries = try Data(contentsOf: URL(fileURLWithPath: ledger))
        // Something the ledger cannot be appended to (as an immutable file or a full disk would refuse it).
        try FileManager.default.removeItem(atPath: ledger)
        try FileManager.default.createDirectory(atPath: ledger, withIntermediateDirectories: false)
        let before = fixture.snapshot()
        #expect(throws: StoreError.self) {
            try fixture.reopen().apply(.reschedule(subject: "101-0001", visit: "W1", date: CivilDate("2026-11-26")!, reason: "x"),
                                       today: Self.today, user: "t")
        }
        #expect(fixture.snapshot() == before)
        try FileManager.default.removeItem(atPath: ledger)
        try entries.write(to: URL(fileURLWithPath: ledger))
        chmod(ledger, 0o600)
        #expect(try fixture.reopen().verify().problems.isEmpty)
    }

    @Test func verifyNamesAnAlteredParticipantEvenWithAProtocolMissing() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try fixture.enroll("101-0002")
        try forge(fixture, "101-0002", forgeState: true) { $0.initials = "ZZ" }
        try FileManager.default.removeItem(atPath: fixture.path("protocols/SCZ-5W-INPT.json"))
        let problems = try JSONFileStore(directory: fixture.directory, scales: StoreFixture.scales, user: "t", readOnly: true).verify().problems
        #expect(problems.contains { $0.contains("SCZ-5W-INPT.json is missing") }, "\(problems)")
        #expect(problems.contains { $0.contains("101-0002") }, "\(problems)")
    }

    @Test func verifyNamesAnAlteredParticipantEvenWithTheSiteFileDamaged() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try fixture.enroll("101-0002")
        try forge(fixture, "101-0002", forgeState: true) { $0.initials = "ZZ" }
        var site = fixture.bytes("cohort-store.json")
        site[site.count - 3] ^= 1
        fixture.write("cohort-store.json", site)
        let problems = try JSONFileStore(directory: fixture.directory, scales: StoreFixture.scales, user: "t", readOnly: true).verify().problems
        #expect(problems.contains { $0.contains("cohort-store.json is damaged") }, "\(problems)")
        #expect(problems.filter { $0.contains("101-0001") }.isEmpty, "\(problems)")
        #expect(problems.contains { $0.contains("101-0002.json") }, "\(problems)")
    }

    @Test func verifyNamesATrailCutBeforeItsLastNewline() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        fixture.write("audit/101-0001.jsonl", fixture.bytes("audit/101-0001.jsonl").dropLast())
        let ledger = "ledger/" + Ledger.machineName() + ".jsonl"
        fixture.write(ledger, fixture.bytes(ledger).dropLast())
        let notes = try fixture.reopen().verify().notes
        #expect(notes.contains { $0.contains("101-0001.jsonl does not end with a newline") }, "\(notes)")
        #expect(notes.contains { $0.contains(ledger + " does not end with a newline") }, "\(notes)")
    }

    @Test func anExportNeverWritesIntoAStoreWhateverThePathToIt() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let other = try StoreFixture()
        defer { other.remove() }
        let link = NSTemporaryDirectory() + "cohort-link-" + UUID().uuidString
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fixture.directory)
        defer { unlink(link) }
        for target in [link + "/participants/x.csv", link + "/x.csv", other.path("participants/101-0001.json"), other.path("x.csv"),
                       fixture.path("audit/../ledger/x.csv")] {
            #expect(throws: DomainError.self, "\(target)") { try OutputFile.checked(target, store: fixture.directory) }
        }
        #expect((try? OutputFile.checked(NSTemporaryDirectory() + "cohort-export-ok.csv", store: fixture.directory)) != nil)
        // A bind mount is a second path to the same folder (needs root).
        let mountPoint = NSTemporaryDirectory() + "cohort-bind-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["--bind", fixture.path("participants"), mountPoint]
        mount.standardError = FileHandle.nullDevice
        if (try? mount.run()) != nil {
            mount.waitUntilExit()
            if mount.terminationStatus == 0 {
                defer {
                    let unmount = Process()
                    unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
                    unmount.arguments = [mountPoint]
                    try? unmount.run(); unmount.waitUntilExit()
                }
                #expect(throws: DomainError.self) { try OutputFile.checked(mountPoint + "/101-0001.json", store: fixture.directory) }
            }
        }
    }

    @Test func aStoreIsNeverCreatedInsideAnother() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(throws: StoreError.self) {
            try JSONFileStore.create(directory: fixture.path("participants/inner"), siteName: "S", siteNumber: "101",
                                     studyProtocol: StoreFixture.schizophrenia, scales: StoreFixture.scales, user: "t")
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.path("participants/inner")))
    }

    @Test func theReviewCacheHoldsMomentsPastYear6053() throws {
        var writer = ByteWriter()
        let late = Moment(minutes: (CivilDate.latest.dayNumber + 1) * 1440 - 1, offset: 60)
        writer.moment(late)
        let read = writer.bytes.withUnsafeBytes { raw -> Moment?? in
            var reader = ByteReader(raw: raw, offset: 0)
            return reader.moment()
        }
        #expect(read == .some(late))
    }
}
