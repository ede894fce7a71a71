import CohortDomain
@testable import CohortFileStore
import CohortTestSupport
import Foundation
import Testing

/// `cohort conflicts` and `cohort resolve` (docs/RULES.md, "Merging and conflicts") on a store where a merge
/// recorded a conflict: the binding JSON shape, a resolution with a reason, refusals that write nothing.
struct ConflictCommandTests {
    /// A store (returned) where W1's note was set to "amy's words" on a copy published first and "bob's words"
    /// on another copy, merged there and written back as the first copy's next sync takes it: one conflict, C1.
    static func conflicted() throws -> (cli: CLIHarness, copies: [String]) {
        let cli = CLIHarness.enrolledStore()
        let copies = try (0..<2).map { _ -> String in
            let copy = NSTemporaryDirectory() + "cohort-cli-copy-" + UUID().uuidString
            try FileManager.default.copyItem(atPath: cli.store, toPath: copy)
            return copy
        }
        #expect(cli.run(["note", "101-0001", "W1", "amy's words"], environment: ["COHORT_STORE": copies[0], "COHORT_USER": "amy"]).status == 0)
        #expect(cli.run(["note", "101-0001", "W1", "bob's words"], environment: ["COHORT_STORE": copies[1], "COHORT_USER": "bob"]).status == 0)
        func files(_ directory: String) -> ParticipantFiles {
            ParticipantFiles(data: FileManager.default.contents(atPath: directory + "/" + ParticipantFiles.dataPath("101-0001"))!,
                             trail: FileManager.default.contents(atPath: directory + "/" + ParticipantFiles.trailPath("101-0001"))!)
        }
        let store = try JSONFileStore(directory: copies[0], scales: TestData.scales, user: "amy")
        let merged = try store.mergeParticipant(subject: "101-0001", base: files(cli.store), mine: files(copies[1]), theirs: files(copies[0]))
        for (path, data) in [(ParticipantFiles.dataPath("101-0001"), merged.files.data), (ParticipantFiles.trailPath("101-0001"), merged.files.trail),
                             (merged.branch!.path, merged.branch!.bytes)] {
            let full = copies[0] + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: copies[0] + "/audit/branches")
            _ = FileManager.default.createFile(atPath: full, contents: data, attributes: [.posixPermissions: 0o600])
        }
        return (cli, copies)
    }

    @Test func conflictsPrintsTheBindingShapeAndResolveClosesOneWithAReason() throws {
        let (cli, copies) = try Self.conflicted()
        defer { cli.remove(); for copy in copies { try? FileManager.default.removeItem(atPath: copy) } }
        let here = ["COHORT_STORE": copies[0], "COHORT_USER": "amy"]
        #expect(cli.run(["verify"], environment: here).status == 0)
        let listed = cli.run(["conflicts", "--format", "json"], environment: here)
        #expect(listed.status == 0, "\(listed.stderr)")
        let conflicts = try #require(cli.json(listed.stdout)["conflicts"] as? [[String: Any]])
        #expect(conflicts.count == 1)
        let conflict = try #require(conflicts.first)
        #expect(Set(conflict.keys) == ["id", "subject", "what", "mine", "theirs", "authors"])
        #expect(conflict["id"] as? String == "C1" && conflict["subject"] as? String == "101-0001")
        #expect(conflict["mine"] as? String == "amy's words" && conflict["theirs"] as? String == "bob's words")
        #expect(conflict["authors"] as? [String] == ["amy", "bob"])
        #expect(cli.run(["conflicts"], environment: here).stdout.contains("101-0001 C1"))
        #expect(cli.json(cli.run(["show", "101-0001", "--format", "json"], environment: here).stdout)["conflicts"] != nil)

        // No reason, or an unknown id: refused, nothing written.
        let before = try snapshot(copies[0])
        #expect(cli.run(["resolve", "101-0001", "C1", "--take", "theirs", "--reason", " "], environment: here).status == 1)
        let unknown = cli.run(["resolve", "101-0001", "C9", "--take", "mine", "--reason", "x"], environment: here)
        #expect(unknown.status == 1 && unknown.stderr.contains("C1"), "\(unknown.stderr)")
        #expect(cli.run(["resolve", "101-0001", "C1", "--take", "mine"], environment: here).status == 64)
        #expect(try snapshot(copies[0]) == before)

        let resolved = cli.run(["resolve", "101-0001", "C1", "--take", "theirs", "--reason", "agreed by phone"], environment: here)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect((cli.json(cli.run(["conflicts", "--format", "json"], environment: here).stdout)["conflicts"] as? [Any])?.isEmpty == true)
        let visits = cli.json(cli.run(["show", "101-0001", "--format", "json"], environment: here).stdout)["visits"] as? [[String: Any]]
        #expect(visits?.first { $0["visit"] as? String == "W1" }?["note"] as? String == "bob's words")
        #expect(cli.run(["audit", "101-0001"], environment: here).stdout.contains("agreed by phone"))
        #expect(cli.run(["verify"], environment: here).status == 0)
    }

    @Test func aTextValueIsTakenAsGivenEvenWhenItReadsAsANumber() throws {
        let (cli, copies) = try Self.conflicted()
        defer { cli.remove(); for copy in copies { try? FileManager.default.removeItem(atPath: copy) } }
        let here = ["COHORT_STORE": copies[0], "COHORT_USER": "amy"]
        let resolved = cli.run(["resolve", "101-0001", "C1", "--take", "1234567", "--reason", "the lab's number"], environment: here)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let visits = cli.json(cli.run(["show", "101-0001", "--format", "json"], environment: here).stdout)["visits"] as? [[String: Any]]
        #expect(visits?.first { $0["visit"] as? String == "W1" }?["note"] as? String == "1234567")
        #expect(cli.run(["verify"], environment: here).status == 0)
    }

    func snapshot(_ directory: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            if name == ".lock" { continue }
            if let data = FileManager.default.contents(atPath: directory + "/" + name) { result[name] = data }
        }
        return result
    }
}
