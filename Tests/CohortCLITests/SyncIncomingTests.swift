import Foundation
import Testing

/// Commits pushed to the remote by hand, with plain git, are checked before a sync keeps them (docs/RULES.md,
/// "Several machines"): each attack is refused with exit 2, naming the file, and the machine that synced is
/// left as it was; an honest sync still passes.
@Suite(.serialized) struct SyncIncomingTests {
    typealias Site = SyncCommandTests.Site

    /// The second machine's files outside `.git`, and its commit.
    static func state(_ machine: CLIHarness) -> ([String: Data], String) {
        (machine.snapshot().filter { !$0.key.hasPrefix(".git/") && $0.key != ".git" },
         Site.git(["rev-parse", "HEAD"], in: machine.store).output)
    }

    /// A plain clone of the remote where `edit` runs, committed and pushed as someone outside Cohort would.
    static func pushByHand(_ site: Site, _ edit: (String) throws -> Void) throws {
        let plain = NSTemporaryDirectory() + "cohort-plain-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: plain) }
        #expect(Site.git(["clone", "-q", "-b", "main", site.remote, plain]).status == 0)
        try edit(plain)
        #expect(Site.git(["add", "-A"], in: plain).status == 0)
        #expect(Site.git(["commit", "-qm", "by hand"], in: plain).status == 0)
        #expect(Site.git(["push", "-q", "origin", "main"], in: plain).status == 0)
    }

    /// Pushes `edit` by hand, syncs the second machine (with a save of its own first when `withLocalSave`,
    /// so the sync merges instead of fast-forwarding) and expects a refusal naming `file`, nothing changed.
    static func expectRefused(file: String, withLocalSave: Bool = false, _ edit: @escaping (String) throws -> Void) throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        if withLocalSave {
            SyncCommandTests.enroll(second, "101-0002")
            #expect(second.run(["sync"]).status == 0)
            SyncCommandTests.enroll(second, "101-0003")
        }
        try pushByHand(site, edit)
        if withLocalSave {
            // Committed here first, so the state compared is the one the sync starts from.
            #expect(Site.git(["add", "-A"], in: second.store).status == 0)
            #expect(Site.git(["commit", "-qm", "local"], in: second.store).status == 0)
        }
        let before = state(second)
        let outcome = second.run(["sync"])
        #expect(outcome.status == 2, "\(outcome.stdout) \(outcome.stderr)")
        #expect(outcome.stderr.contains(file), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("restore the remote from a machine that holds a good history"), "\(outcome.stderr)")
        #expect(!outcome.stdout.contains("Received"))
        let after = state(second)
        #expect(after.1 == before.1)
        #expect(after.0 == before.0)
        #expect(second.run(["verify"]).status == 0)
        // This machine goes on working.
        #expect(second.run(["note", "101-0001", "W1", "still working"]).status == 0)
    }

    static func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// One byte changed in `path`: the first occurrence of `old` replaced by `new`.
    static func replace(_ old: String, with new: String, in path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let range = try #require(text.range(of: old))
        try Data(text.replacingCharacters(in: range, with: new).utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func aJunkUserFileIsRefused() throws {
        try Self.expectRefused(file: "users/mallory.json") { try Self.write("{\"name\":\"mallory\"}\n", $0 + "/users/mallory.json") }
    }

    @Test func aProtocolChangedByHandIsRefused() throws {
        try Self.expectRefused(file: "protocols") { plain in
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: plain + "/protocols").first { $0.hasSuffix(".json") })
            try Self.replace("\"name\"", with: "\"name\" ", in: plain + "/protocols/" + name)
        }
    }

    @Test func aParticipantEditedWithoutItsChecksumIsRefused() throws {
        try Self.expectRefused(file: "participants/101-0001.json") { try Self.replace("\"AB\"", with: "\"ZZ\"", in: $0 + "/participants/101-0001.json") }
    }

    @Test func aForgedTrailRecordIsRefused() throws {
        try Self.expectRefused(file: "audit/101-0001.jsonl") { plain in
            let path = plain + "/audit/101-0001.jsonl"
            var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            let last = try #require(lines.last)
            lines.removeLast()
            #expect(last.contains("\"tester\""))
            lines.append(last.replacingOccurrences(of: "\"tester\"", with: "\"mallory\""))
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test func aDeletedParticipantIsRefused() throws {
        try Self.expectRefused(file: "participants/101-0001.json") { plain in
            #expect(Site.git(["rm", "-q", "participants/101-0001.json", "audit/101-0001.jsonl"], in: plain).status == 0)
        }
    }

    @Test func aParticipantReplacedByASymbolicLinkIsRefused() throws {
        try Self.expectRefused(file: "participants/101-0001.json") { plain in
            try FileManager.default.removeItem(atPath: plain + "/participants/101-0001.json")
            try FileManager.default.createSymbolicLink(atPath: plain + "/participants/101-0001.json", withDestinationPath: "/etc/hostname")
        }
    }

    @Test func filesOutsideTheStoreLayoutAreRefused() throws {
        try Self.expectRefused(file: "participants/README.txt") { plain in
            try Self.write("hi\n", plain + "/participants/README.txt")
            try Self.write("x\n", plain + "/toplevel.txt")
        }
    }

    @Test func aBadCommitIsRefusedWhenTheSyncMerges() throws {
        try Self.expectRefused(file: "participants/101-0001.json", withLocalSave: true) { try Self.replace("\"AB\"", with: "\"ZZ\"", in: $0 + "/participants/101-0001.json") }
    }

    @Test func anHonestSyncStillPassesAndNamesOnlyCheckedAuthors() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        SyncCommandTests.enroll(site.first, "101-0002")
        #expect(site.first.run(["note", "101-0001", "W1", "first machine"]).status == 0)
        #expect(site.first.run(["sync"]).status == 0)
        let outcome = second.run(["sync"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("Received 101-0002: 1 change by tester."), "\(outcome.stdout)")
        #expect(!outcome.stdout.contains("by ."))
        #expect(second.run(["verify"]).status == 0)
    }
}
