import CohortSync
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// How Cohort runs git (docs/RULES.md, "Several machines"): one `cat-file --batch` reads many files, and a
/// run of git sees only what it is given.
@Suite(.serialized) struct GitBatchTests {
    /// A repository with one commit holding `a.txt`, `big.bin` (more than a pipe holds) and a folder `d`.
    static func repository() throws -> (git: Git, folder: String, head: String, big: Data) {
        let folder = NSTemporaryDirectory() + "cohort-git-batch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/d", withIntermediateDirectories: true)
        // Bytes that do not compress, from a seeded sequence (a linear congruential generator).
        var state: UInt64 = 7
        let big = Data((0..<200_000).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        })
        try Data("one\ntwo\n".utf8).write(to: URL(fileURLWithPath: folder + "/a.txt"))
        try big.write(to: URL(fileURLWithPath: folder + "/big.bin"))
        try Data().write(to: URL(fileURLWithPath: folder + "/d/empty"))
        let git = try Git(directory: folder, user: "tester", machine: "m1")
        try git.checked(["init", "-q"])
        try git.checked(["add", "-A"])
        try git.checked(["commit", "-q", "-m", "first"])
        return (git, folder, try #require(try git.commit("HEAD")), big)
    }

    @Test func oneBatchReadsEveryFileAndSaysWhichAreMissing() throws {
        let (git, folder, head, big) = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let blobs = try git.blobs([(head, "a.txt"), (head, "missing.txt"), (head, "big.bin"), (head, "d"), (head, "d/empty"),
                                   (String(repeating: "0", count: 40), "a.txt"), (head, "a.txt")])
        #expect(blobs == [Data("one\ntwo\n".utf8), nil, big, nil, Data(), nil, Data("one\ntwo\n".utf8)])
        // What one file at a time reads.
        #expect(try git.blob(head, "big.bin") == big)
        #expect(try git.blobs([]) == [])
    }

    @Test func aBatchLargerThanAPipeBothWaysDoesNotStall() throws {
        let (git, folder, head, big) = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // About 120 KB asked and 100 MB answered: neither fits a pipe while the other waits.
        let blobs = try git.blobs(Array(repeating: (head, "big.bin"), count: 500) + Array(repeating: (head, "a.txt"), count: 2_000))
        #expect(blobs.count == 2_500)
        #expect(blobs.prefix(500).allSatisfy { $0 == big })
        #expect(blobs.suffix(2_000).allSatisfy { $0 == Data("one\ntwo\n".utf8) })
    }

    @Test func aGitThatStopsReadingItsInputDoesNotEndThisProcess() throws {
        let (git, folder, head, _) = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // rev-parse never reads its input: a megabyte meets a closed pipe (SIGPIPE, then EPIPE).
        let output = try git.run(["rev-parse", "--verify", "HEAD"], input: Data(count: 1 << 20))
        #expect(output.status == 0)
        #expect(output.text == head)
    }

    @Test func gitRunsWithNoneOfThisProcesssOtherFilesOpen() throws {
        let (git, folder, _, _) = try Self.repository()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A descriptor this process holds without close-on-exec (as a lock file might be).
        let opened = open(folder + "/a.txt", O_RDONLY)
        let held = fcntl(opened, F_DUPFD, 200)
        close(opened)
        defer { close(held) }
        #expect(held >= 200)
        let listed = try git.checked(["-c", "alias.fds=!ls /proc/self/fd", "fds"]).text
        #expect(!listed.split(separator: "\n").contains(Substring(String(held))), "\(listed)")
        // Standard input is empty without input, and given input is read.
        #expect(try git.checked(["hash-object", "--stdin"], input: Data("x\n".utf8)).text == "587be6b4c3f93f93c489c0111bba5596147a26cb")
        #expect(try git.checked(["hash-object", "--stdin"]).text == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")
    }
}
