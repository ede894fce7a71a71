import CohortDomain
@testable import CohortFileStore
import CohortIdentity
import CohortStore
import CohortTestSupport
import Foundation
import Testing

/// A signed save outside its author's role, through the real binary (docs/RULES.md, "Signed saves",
/// "Users and roles"): `verify` judges each save by the role its author held at the save's time.
@Suite(.serialized) struct SaveRoleCommandTests {
    /// An adverse event with a causality assessment: an investigator's to record, never a coordinator's.
    static let causality = ["ae", "add", "101-0001", "--term", "Headache", "--onset", "2026-11-20", "--severity", "mild",
                            "--related", "possible", "--now", "2026-11-24T08:05"]
    /// The same event without causality: a coordinator's to record.
    static let plainEvent = ["ae", "add", "101-0001", "--term", "Nausea", "--onset", "2026-11-21", "--severity", "mild",
                             "--now", "2026-11-24T08:10"]

    /// Makes `arguments` a save by `user` signed with `user`'s own key, without the role check a command makes:
    /// the program runs with the delegation log out of its sight (so it saves unsigned, under `--user`), then
    /// the save's head is signed with the user's real key, as someone holding it and the files could.
    static func forge(_ cli: CLIHarness, _ arguments: [String], as user: String, passphrase: String) throws {
        try FileManager.default.moveItem(atPath: cli.store + "/users", toPath: cli.store + "-users")
        let made = cli.run(arguments + ["--user", user])
        try FileManager.default.moveItem(atPath: cli.store + "-users", toPath: cli.store + "/users")
        #expect(made.status == 0, "\(made.stderr)")
        let store = try JSONFileStore(directory: cli.store, scales: TestData.scales, user: user)
        let key = try KeyFolder(path: cli.store + "-home/cohort/keys").unlock(try #require(try store.user(user)), passphrase: passphrase)
        let path = cli.store + "/audit/101-0001.jsonl"
        var lines = Array(try #require(FileManager.default.contents(atPath: path))).split(separator: UInt8(ascii: "\n")).map(Array.init)
        var record = try AuditRecord(line: lines[lines.count - 1][...])
        #expect(record.signature == nil && record.change != nil)
        lines[lines.count - 1] = try record.signedLine(AuditLog.signing(key))
        _ = FileManager.default.createFile(atPath: path, contents: Data(Array(lines.joined(separator: [UInt8(ascii: "\n")])) + [UInt8(ascii: "\n")]),
                                           attributes: [.posixPermissions: 0o600])
    }

    /// The seq of the last record of 101-0001's trail (the head of the last save).
    static func lastSeq(_ cli: CLIHarness) throws -> Int {
        let records = try #require(cli.json(cli.ok(["audit", "101-0001", "--format", "json"]).stdout)["records"] as? [[String: Any]])
        return try #require(records.last?["seq"] as? Int)
    }

    static func runAs(_ cli: CLIHarness, _ arguments: [String], _ user: String, _ passphrase: String) -> CLIHarness.Outcome {
        cli.run(arguments + ["--user", user, "--passphrase-fd", "0"], input: passphrase + "\n")
    }

    @Test func theCommandRefusesASaveOutsideTheRoleAndWritesNothing() {
        let cli = UserCommandTests.storeWithUsers()
        defer { cli.remove() }
        let before = cli.snapshot()
        let refused = Self.runAs(cli, Self.causality, "cole", UserCommandTests.coordinatorPassphrase)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("A coordinator may not assess an adverse event's causality: that needs an investigator or the PI"), "\(refused.stderr)")
        #expect(cli.snapshot() == before)
    }

    /// The coordinator's own key signs a causality assessment appended to the files: the signature is
    /// cole's and verifies, but the save was not cole's to make. The same forgery of a coordinator's
    /// change is within the role and not named.
    @Test func aSignedSaveOutsideItsAuthorsRoleIsNamedByVerifyAndOneWithinItIsNot() throws {
        let cli = UserCommandTests.storeWithUsers()
        defer { cli.remove() }
        try Self.forge(cli, Self.plainEvent, as: "cole", passphrase: UserCommandTests.coordinatorPassphrase)
        let inRole = cli.run(["verify"])
        #expect(inRole.status == 0, "a coordinator's own change, signed by them, is theirs to make: \(inRole.stdout)\(inRole.stderr)")
        try Self.forge(cli, Self.causality, as: "cole", passphrase: UserCommandTests.coordinatorPassphrase)
        let seq = try Self.lastSeq(cli)
        let verify = cli.run(["verify"])
        let output = verify.stdout + verify.stderr
        #expect(verify.status == 2)
        #expect(output.contains("audit/101-0001.jsonl record \(seq) (saved "), "\(output)")
        #expect(output.contains("a save by cole (coordinator) that only an investigator or the PI may make (assess an adverse event's causality"), "\(output)")
        #expect(!output.contains("signature does not match") && !output.contains("not signed"), "the signature itself is cole's: \(output)")
        #expect(output.components(separatedBy: "a save by cole").count == 2, "only the out-of-role save is named: \(output)")
    }

    /// Roles change with the delegation (`cohort user role`): each save is judged by the role its author held
    /// when it was made, neither the role before nor the one now.
    @Test func aRoleChangeOverTimeIsJudgedAtEachSavesTime() throws {
        let cli = UserCommandTests.storeWithUsers()
        defer { cli.remove() }
        let pi = UserCommandTests.piPassphrase, cole = UserCommandTests.coordinatorPassphrase
        // While a coordinator, cole appends a causality assessment signed with his own key.
        try Self.forge(cli, Self.causality, as: "cole", passphrase: cole)
        let forged = try Self.lastSeq(cli)
        // The PI delegates causality to him; he then records one through the command, as an investigator.
        let promoted = Self.runAs(cli, ["user", "role", "cole", "--role", "investigator", "--reason", "sub-investigator from today"], "ana", pi)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        let assessed = Self.runAs(cli, ["ae", "update", "101-0001", "AE1", "--related", "probable", "--reason", "assessed again", "--now", "2026-11-25T09:00"], "cole", cole)
        #expect(assessed.status == 0, "\(assessed.stderr)")
        let inRole = try Self.lastSeq(cli)
        // The delegation ends: he is a coordinator again, and may no longer assess.
        let demoted = Self.runAs(cli, ["user", "role", "cole", "--role", "coordinator", "--reason", "delegation ended"], "ana", pi)
        #expect(demoted.status == 0, "\(demoted.stderr)")
        let refused = Self.runAs(cli, ["ae", "update", "101-0001", "AE1", "--related", "possible", "--reason", "again", "--now", "2026-11-25T10:00"], "cole", cole)
        #expect(refused.status == 1 && refused.stderr.contains("A coordinator may not"), "\(refused.stderr)")
        let verify = cli.run(["verify"])
        let output = verify.stdout + verify.stderr
        #expect(verify.status == 2)
        #expect(output.contains("audit/101-0001.jsonl record \(forged) (saved "), "the save made while a coordinator: \(output)")
        #expect(!output.contains("record \(inRole) (saved "), "the save made while an investigator is his to have made: \(output)")
        #expect(output.components(separatedBy: "a save by cole").count == 2, "\(output)")
        let log = try #require(cli.json(cli.ok(["user", "list", "--format", "json"]).stdout)["users"] as? [[String: Any]])
        #expect(log.first { $0["name"] as? String == "cole" }?["role"] as? String == "coordinator")
    }

    @Test func onlyAnotherPIChangesARoleWithAReason() {
        let cli = UserCommandTests.storeWithUsers()
        defer { cli.remove() }
        let before = cli.snapshot()
        let byCoordinator = Self.runAs(cli, ["user", "role", "cole", "--role", "investigator", "--reason", "self-promotion"], "cole", UserCommandTests.coordinatorPassphrase)
        #expect(byCoordinator.status == 1 && byCoordinator.stderr.contains("needs the PI"), "\(byCoordinator.stderr)")
        let own = Self.runAs(cli, ["user", "role", "ana", "--role", "investigator", "--reason", "stepping down"], "ana", UserCommandTests.piPassphrase)
        #expect(own.status == 1 && own.stderr.contains("cannot change their own role"), "\(own.stderr)")
        let same = Self.runAs(cli, ["user", "role", "cole", "--role", "coordinator", "--reason", "no change"], "ana", UserCommandTests.piPassphrase)
        #expect(same.status == 1 && same.stderr.contains("already has the role coordinator"), "\(same.stderr)")
        #expect(cli.snapshot() == before)
    }
}
