import CohortDomain
import CohortIdentity
import CohortTestSupport
@testable import CohortStore
@testable import CohortFileStore
import Foundation

/// A fresh store in a temporary directory for each test.
struct StoreFixture {
    static let scales = TestData.scales
    static let schizophrenia = TestData.schizophrenia
    static let today = TestData.today

    let directory: String
    let store: JSONFileStore

    init(user: String = "tester") throws {
        directory = NSTemporaryDirectory() + "cohort-test-" + UUID().uuidString
        store = try JSONFileStore.create(directory: directory, siteName: "Test Site", siteNumber: "101",
                                         studyProtocol: Self.schizophrenia, scales: Self.scales, user: user)
    }

    /// The same store folder seen through another opened store.
    init(reusing fixture: StoreFixture, store: JSONFileStore) {
        directory = fixture.directory
        self.store = store
    }

    func reopen(user: String = "tester") throws -> JSONFileStore {
        try JSONFileStore(directory: directory, scales: Self.scales, user: user)
    }

    /// Enrolls and randomizes (at consent) a participant in the blinded schizophrenia study.
    @discardableResult
    func enroll(_ subject: String, baseline: String = "2026-11-18") throws -> Participant {
        try store.enroll(EnrollmentRequest(subject: subject, initials: "AB", birthYear: "1980", sex: "F", study: "SCZ-5W-INPT",
                                           arm: "", consentDate: "2026-11-08", baselineDate: baseline), today: Self.today)
        if let eligible = TestData.recordEligible(subject) { try store.apply(eligible, today: Self.today, user: "tester") }
        // In a store with users the gate also asks for the checklist's signature: the logged-in user's.
        if try store.hasUsers(), let key = store.signer { try sign(.eligibility, of: subject, with: key) }
        return try store.apply(.randomize(subject: subject, number: "R-" + subject, date: CivilDate("2026-11-08")!),
                               today: Self.today, user: "tester").after
    }

    /// Signs `scope` of `subject` as it stands with `key` (meaning `approved`, at the test's now).
    @discardableResult
    func sign(_ scope: SignatureScope, of subject: String, with key: UnlockedKey, meaning: Signature.Meaning = .approved,
              lock: Bool = false) throws -> Participant {
        let participant = try store.participant(subject)
        let content = try participant.signedContent(scope, studyProtocol: try store.context.studyProtocol(for: participant))
        let record = try key.signature(of: scope, subject: subject, meaning: meaning, content: content,
                                       at: try Moment("2026-11-25T18:02-05:00", zone: TimeZone(secondsFromGMT: 0)!, what: "test"))
        return try store.apply(.sign(subject: subject, signature: record, content: content, lock: lock), basis: participant,
                               today: Self.today, user: key.userName).after
    }

    func path(_ relative: String) -> String { directory + "/" + relative }

    func bytes(_ relative: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path(relative)) ?? Data()) }

    /// Writes a file as Cohort would (owner-only), so only the bytes differ.
    func write(_ relative: String, _ bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: path(relative), contents: Data(bytes), attributes: [.posixPermissions: 0o600])
    }

    /// Every file's bytes, by path, to prove that a refused action touched nothing.
    func snapshot() -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            if name == ".lock" { continue }
            if let data = FileManager.default.contents(atPath: path(name)) { result[name] = data }
        }
        return result
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

extension StoreFixture {
    /// A fresh copy of `Fixtures/format1-store` (made by the format-1 binary) in a temporary folder, with the
    /// owner-only modes that binary wrote put back (git keeps no modes). The caller removes it.
    static func formatOneStoreCopy() throws -> String {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/format1-store").path
        let directory = NSTemporaryDirectory() + "cohort-format1-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: source, toPath: directory)
        let walker = FileManager.default.enumerator(atPath: directory)
        while let name = walker?.nextObject() as? String {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isFolder)
            chmod(directory + "/" + name, isFolder.boolValue ? 0o700 : 0o600)
        }
        chmod(directory, 0o700)
        return directory
    }
}
