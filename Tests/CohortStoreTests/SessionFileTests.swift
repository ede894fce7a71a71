import CohortDomain
import CohortIdentity
import Foundation
import Testing

/// `cohort login`'s session below the command line (docs/RULES.md, "Users and roles"): owner-only, let go
/// after the idle time without use (or a clock set back), and only ever the key of the user it names.
struct SessionFileTests {
    static func user(_ name: String) -> (User, UnlockedKey) {
        var user = User(name: name, fullName: "Cole Park", role: .coordinator, publicKey: "", addedBy: "ana", added: "2026-12-03T12:00:00.000Z")
        let key = UnlockedKey.generate(for: user)
        user.publicKey = key.publicKeyText
        return (user, key)
    }

    @Test func aSessionEndsAfterItsIdleTimeAndHoldsOnlyItsUsersKey() throws {
        let (cole, key) = Self.user("cole")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let session = SessionFile(key: key, store: "/tmp/store", idleMinutes: 15, now: start)
        #expect(!session.hasExpired(at: start.addingTimeInterval(15 * 60)))
        #expect(session.hasExpired(at: start.addingTimeInterval(15 * 60 + 1)))
        #expect(session.hasExpired(at: start.addingTimeInterval(-120)), "a clock set back does not keep a session")
        #expect(session.unlockedKey(for: cole)?.publicKeyText == cole.publicKey)
        // Another user, or the same name with another key (disabled and re-added), gets nothing from it.
        #expect(session.unlockedKey(for: Self.user("dee").0) == nil)
        var other = Self.user("cole").0
        other.publicKey = Self.user("x").1.publicKeyText
        #expect(session.unlockedKey(for: other) == nil)
    }

    @Test func aSessionFileIsOwnerOnlyAndOneOthersCouldReadIsNotTrusted() throws {
        let folder = NSTemporaryDirectory() + "cohort-session-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/sessions/1.json"
        try SessionFile(key: Self.user("cole").1, store: "/tmp/store", idleMinutes: 15).save(to: path)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        #expect(SessionFile.load(from: path)?.user == "cole")
        chmod(path, 0o644)
        #expect(SessionFile.load(from: path) == nil)
        #expect(!FileManager.default.fileExists(atPath: path), "removed, not trusted")
    }
}
