import CohortDomain
import CohortIdentity
import Foundation
import Testing

/// Keys, sealing and signatures (docs/RULES.md, "Users and roles").
struct KeyTests {
    static func temporaryFolder() -> KeyFolder {
        KeyFolder(environment: ["XDG_DATA_HOME": NSTemporaryDirectory() + "cohort-keys-" + UUID().uuidString])
    }

    static func user(_ name: String = "ana", key: UnlockedKey? = nil) -> (User, UnlockedKey) {
        var user = User(name: name, fullName: "Dr Ana Ruiz", role: .pi, publicKey: "", addedBy: nil, added: "2026-12-03T12:00:00.000Z")
        let key = key ?? UnlockedKey.generate(for: user)
        user.publicKey = key.publicKeyText
        return (user, key)
    }

    @Test func aSealedKeyOpensOnlyWithItsPassphraseAndSignsAsTheUser() throws {
        let folder = Self.temporaryFolder()
        let (user, key) = Self.user()
        try folder.save(try SealedKey.seal(key, passphrase: "correct horse battery"))
        let unlocked = try folder.unlock(user, passphrase: "correct horse battery")
        #expect(unlocked.publicKey == key.publicKey)
        #expect(unlocked.userName == "ana" && unlocked.fullName == "Dr Ana Ruiz" && unlocked.role == .pi)
        let message = Data("cohort save 0123".utf8)
        let signature = try unlocked.signature(for: message)
        #expect(SignatureCheck.isValid(signature, for: message, publicKey: user.publicKey.isEmpty ? Data() : Data(base64Encoded: user.publicKey)!))
        #expect(!SignatureCheck.isValid(signature, for: Data("cohort save 0124".utf8), publicKey: key.publicKey))
        #expect(!SignatureCheck.isValid(signature, for: message, publicKey: Self.user("bob").1.publicKey))
        #expect(throws: WrongPassphrase.self) { try folder.unlock(user, passphrase: "correct horse battery!") }
    }

    @Test func theKeyFileIsOwnerOnlyHoldsNoPlainKeyAndStoresItsParameters() throws {
        let folder = Self.temporaryFolder()
        let (user, key) = Self.user()
        try folder.save(try SealedKey.seal(key, passphrase: "correct horse battery"))
        let file = folder.file(for: user.publicKey)
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int) == 0o700)
        let text = String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
        #expect(text.contains("\"scrypt\"") && text.contains("\"n\" : 32768"))
        #expect(!text.contains(key.privateKeyBase64ForTests))
    }

    @Test func shortPassphrasesAreRefused() {
        let (_, key) = Self.user()
        #expect(throws: IdentityError.self) { try SealedKey.seal(key, passphrase: "eleven char") }
        #expect(SealedKey.passphraseProblem("twelve chars") == nil)
    }

    @Test func aKeyFileSwappedForAnotherUsersIsRefused() throws {
        let folder = Self.temporaryFolder()
        let (ana, anaKey) = Self.user("ana")
        let (bob, bobKey) = Self.user("bob")
        try folder.save(try SealedKey.seal(anaKey, passphrase: "correct horse battery"))
        try folder.save(try SealedKey.seal(bobKey, passphrase: "correct horse battery"))
        try FileManager.default.removeItem(atPath: folder.file(for: ana.publicKey))
        try FileManager.default.copyItem(atPath: folder.file(for: bob.publicKey), toPath: folder.file(for: ana.publicKey))
        #expect(throws: IdentityError.self) { try folder.unlock(ana, passphrase: "correct horse battery") }
    }
}
