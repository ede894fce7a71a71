import CohortDomain
import CohortIdentity
import CohortTestSupport
import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

/// Users, roles and signed saves in the store (docs/RULES.md, "Users and roles", "Signed saves").
struct SignedSaveTests {
    /// A store with a PI (`ana`) and a coordinator (`cole`), logged in as the PI.
    static func storeWithUsers() throws -> (StoreFixture, pi: UnlockedKey, coordinator: UnlockedKey) {
        let fixture = try StoreFixture()
        var ana = User(name: "ana", fullName: "Dr Ana Ruiz", role: .pi, publicKey: "", addedBy: nil, added: "")
        let piKey = UnlockedKey.generate(for: ana)
        ana.publicKey = piKey.publicKeyText
        ana.added = UTCTimestamp.string(from: Date())
        try fixture.store.addUser(ana, key: piKey)
        fixture.store.signer = piKey
        var cole = User(name: "cole", fullName: "Cole Park", role: .coordinator, publicKey: "", addedBy: "ana", added: ana.added)
        let coordinatorKey = UnlockedKey.generate(for: cole)
        cole.publicKey = coordinatorKey.publicKeyText
        try fixture.store.addUser(cole, key: coordinatorKey)
        return (fixture, piKey, coordinatorKey)
    }

    static func complete(_ fixture: StoreFixture, _ subject: String, _ visit: String = "SCR") throws {
        try fixture.store.apply(.complete(subject: subject, visit: visit, date: CivilDate("2026-11-10")!, reason: nil),
                                today: StoreFixture.today, user: "ignored")
    }

    @Test func everySaveInAStoreWithUsersIsSignedByItsAuthorAndVerifies() throws {
        let (fixture, _, coordinator) = try Self.storeWithUsers()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        fixture.store.signer = coordinator
        try Self.complete(fixture, "101-0001")
        let trail = try fixture.store.auditTrail(subject: "101-0001")
        #expect(trail.records.last?.user == "cole")
        #expect(trail.records.last?.signature != nil)
        #expect(trail.records.filter { $0.state != nil }.allSatisfy { $0.signature != nil })
        #expect(trail.records.filter { $0.user == "ignored" }.isEmpty)
        let result = fixture.store.verify()
        #expect(result.problems == [])
    }

    @Test func withUsersASaveWithoutALoggedInUserIsRefusedAndWritesNothing() throws {
        let (fixture, _, _) = try Self.storeWithUsers()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        let reopened = try fixture.reopen(user: "mallory")
        let before = fixture.snapshot()
        #expect(throws: DomainError.self) { try Self.complete(StoreFixture(reusing: fixture, store: reopened), "101-0001") }
        #expect(fixture.snapshot() == before)
    }

    @Test func aRoleOutsideItsDelegationIsRefusedNamingTheRoleNeeded() throws {
        let (fixture, _, coordinator) = try Self.storeWithUsers()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        fixture.store.signer = coordinator
        let change = Change.classifyDeviation(subject: "101-0001", visit: "D1", classification: .minor, note: nil, reason: nil)
        do {
            try fixture.store.apply(change, today: StoreFixture.today, user: "cole")
            Issue.record("a coordinator classified a deviation")
        } catch let error as DomainError {
            #expect(error.message.contains("investigator"))
        }
    }

    @Test func theFirstUserMustBeThePIAndLaterOnesAreAddedByAPI() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var cole = User(name: "cole", fullName: "Cole Park", role: .coordinator, publicKey: "", addedBy: nil, added: "2026-12-03T12:00:00.000Z")
        let key = UnlockedKey.generate(for: cole)
        cole.publicKey = key.publicKeyText
        #expect(throws: DomainError.self) { try fixture.store.addUser(cole, key: key) }
        #expect(try fixture.store.hasUsers() == false)
        let (withUsers, _, coordinator) = try Self.storeWithUsers()
        defer { withUsers.remove() }
        withUsers.store.signer = coordinator
        var dee = User(name: "dee", fullName: "Dee Moss", role: .monitor, publicKey: "", addedBy: "cole", added: "2026-12-03T12:00:00.000Z")
        dee.publicKey = UnlockedKey.generate(for: dee).publicKeyText
        #expect(throws: DomainError.self) { try withUsers.store.addUser(dee, key: coordinator) }
        #expect(throws: DomainError.self) { try withUsers.store.addUser(cole, key: coordinator) }
    }

    @Test func fiveWrongPassphrasesLockSigningEachIsAuditedAndAPIEnablesItAgain() throws {
        let (fixture, pi, coordinator) = try Self.storeWithUsers()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        for count in 1...5 {
            let user = try fixture.store.noteFailedUnlock("cole")
            #expect(user.failedUnlocks == count)
            #expect(user.signingLocked == (count == 5 ? true : nil))
        }
        fixture.store.signer = coordinator
        #expect(throws: DomainError.self) { try Self.complete(fixture, "101-0001") }
        fixture.store.signer = pi
        try fixture.store.enableUser("cole")
        fixture.store.signer = coordinator
        try Self.complete(fixture, "101-0001")
        let trail = try String(contentsOfFile: fixture.path("audit/users/cole.jsonl"), encoding: .utf8)
        #expect(trail.split(separator: "\n").filter { $0.contains("\"path\":\"/failedUnlocks\"") && $0.contains("wrong passphrase") }.count == 5)
        #expect(fixture.store.verify().problems == [])
    }

    @Test func aDisabledUserChangesNothingAndTheirNameIsNeverReused() throws {
        let (fixture, _, coordinator) = try Self.storeWithUsers()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try fixture.store.disableUser("cole", reason: "left the site")
        let cole = try #require(try fixture.store.user("cole"))
        #expect(cole.disabledBy == "ana" && cole.disabledReason == "left the site" && cole.status == "disabled")
        fixture.store.signer = coordinator
        #expect(throws: DomainError.self) { try Self.complete(fixture, "101-0001") }
        #expect(fixture.store.verify().problems == [])
    }

    /// The outside attack: data, trail and chain (and ledger) rewritten consistently, by someone without a
    /// user's key. Here: the same store engine with the delegation log out of its sight, so everything it
    /// writes is consistent, only unsigned.
    @Test func aForgedButConsistentSaveInAStoreWithUsersIsNamedByVerify() throws {
        let (fixture, _, _) = try Self.storeWithUsers()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        #expect(fixture.store.verify().problems == [])
        try FileManager.default.moveItem(atPath: fixture.path("users"), toPath: fixture.directory + "-users")
        let forger = try fixture.reopen(user: "ana")
        try forger.apply(.complete(subject: "101-0001", visit: "SCR", date: CivilDate("2026-11-10")!, reason: nil), today: StoreFixture.today, user: "ana")
        try FileManager.default.moveItem(atPath: fixture.directory + "-users", toPath: fixture.path("users"))
        let problems = fixture.store.verify().problems
        #expect(problems.count == 1)
        #expect(problems.first?.contains("audit/101-0001.jsonl") == true)
        #expect(problems.first?.contains("not signed") == true)
    }

    @Test func aSaveSignedWithAKeyNoUserHoldsIsNamed() throws {
        let (fixture, _, _) = try Self.storeWithUsers()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        let impostor = UnlockedKey.generate(for: try #require(try fixture.store.user("ana")))
        try FileManager.default.moveItem(atPath: fixture.path("users"), toPath: fixture.directory + "-users")
        let forger = try fixture.reopen(user: "ana")
        try forger.apply(.complete(subject: "101-0001", visit: "SCR", date: CivilDate("2026-11-10")!, reason: nil), today: StoreFixture.today, user: "ana")
        try FileManager.default.moveItem(atPath: fixture.directory + "-users", toPath: fixture.path("users"))
        // The forger signs the forged save's head with a key of their own, in ana's name.
        var lines = fixture.bytes("audit/101-0001.jsonl").split(separator: UInt8(ascii: "\n")).map(Array.init)
        var record = try AuditRecord(line: lines[lines.count - 1][...])
        lines[lines.count - 1] = try record.signedLine(AuditLog.signing(impostor))
        fixture.write("audit/101-0001.jsonl", Array(lines.joined(separator: [UInt8(ascii: "\n")])) + [UInt8(ascii: "\n")])
        let problems = fixture.store.verify().problems
        #expect(problems.count == 1)
        #expect(problems.first?.contains("signature does not match") == true)
    }

    @Test func aSignatureSwappedBetweenTwoSavesIsNamedForBoth() throws {
        let (fixture, _, _) = try Self.storeWithUsers()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        try Self.complete(fixture, "101-0001")
        let path = fixture.path("audit/101-0001.jsonl")
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let signed = lines.indices.filter { lines[$0].contains("\"sig\":\"") }
        #expect(signed.count >= 2)
        func signature(_ line: String) -> String {
            let start = line.range(of: "\"sig\":\"")!.upperBound
            return String(line[start...].prefix { $0 != "\"" })
        }
        let (first, last) = (signed[signed.count - 2], signed[signed.count - 1])
        let (a, b) = (signature(lines[first]), signature(lines[last]))
        lines[first] = lines[first].replacingOccurrences(of: a, with: b)
        lines[last] = lines[last].replacingOccurrences(of: b, with: a)
        fixture.write("audit/101-0001.jsonl", Array((lines.joined(separator: "\n") + "\n").utf8))
        let problems = fixture.store.verify().problems.filter { $0.contains("signature does not match") }
        #expect(problems.count == 2)
    }

    @Test func aStoreWithoutUsersSavesUnsignedAsBefore() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try fixture.enroll("101-0001")
        #expect(try fixture.store.auditTrail(subject: "101-0001").records.allSatisfy { $0.signature == nil && $0.user == "tester" })
        #expect(fixture.store.verify().problems == [])
    }
}

/// The default store folder is also the parent of the key folder.
struct KeyFolderBesideTheStoreTests {
    @Test func aStoreIsCreatedInTheFolderThatHoldsTheKeysAndVerifiesWithThem() throws {
        let directory = NSTemporaryDirectory() + "cohort-xdg-" + UUID().uuidString + "/cohort"
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let keys = KeyFolder(path: directory + "/keys")
        let user = User(name: "ana", fullName: "Dr Ana Ruiz", role: .pi, publicKey: "", addedBy: nil, added: "")
        try keys.save(try SealedKey.seal(UnlockedKey.generate(for: user), passphrase: "correct horse battery"))
        let store = try JSONFileStore.create(directory: directory, siteName: "Test Site", siteNumber: "101",
                                             studyProtocol: StoreFixture.schizophrenia, scales: StoreFixture.scales, user: "tester")
        #expect(store.verify().problems == [])
        #expect(FileManager.default.fileExists(atPath: directory + "/keys"))
    }
}
