import CohortTestSupport
import Foundation
import Testing

/// A sync costs what changed, not the store (docs/RULES.md, "Several machines"): the git commands it runs
/// do not grow with the participants it brings in or merges. Counted with git's own trace (`GIT_TRACE`,
/// which every git process Cohort starts appends a line to), so no test depends on a clock.
@Suite(.serialized) struct SyncCostTests {
    typealias Site = SyncCommandTests.Site

    /// The git commands `machine`'s `cohort sync` ran (each git process, a child of git's own included),
    /// and what the sync reported.
    static func tracedSync(_ machine: CLIHarness) -> (commands: [String], json: [String: Any]) {
        let trace = NSTemporaryDirectory() + "cohort-git-trace-" + UUID().uuidString
        defer { unlink(trace) }
        let result = SyncCommandTests.sync(machine, environment: ["GIT_TRACE": trace])
        #expect(result.outcome.status == 0, "\(result.outcome.stderr)")
        let lines = (try? String(contentsOfFile: trace, encoding: .utf8)) ?? ""
        let commands = lines.split(separator: "\n").compactMap { line in
            line.range(of: "trace: built-in: git ").map { String(line[$0.upperBound...].split(separator: " ").first { !$0.hasPrefix("-") && !$0.contains("=") } ?? "") }
        }
        return (commands, result.json)
    }

    /// Subject IDs `101-NNNN` from `first`, `count` of them.
    static func subjects(from first: Int, count: Int) -> [String] {
        (first..<(first + count)).map { "101-" + String(format: "%04d", $0) }
    }

    @Test func bringingInTwentyParticipantsRunsTheGitCommandsBringingInOneDoes() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        /// `second` syncs after the first machine enrolled `subjects`; with `own`, after enrolling it too
        /// (a merge, and a push).
        func bringIn(_ subjects: [String], own: String?) -> [String] {
            for subject in subjects { SyncCommandTests.enroll(site.first, subject) }
            #expect(SyncCommandTests.sync(site.first).outcome.status == 0)
            if let own { SyncCommandTests.enroll(second, own) }
            let traced = Self.tracedSync(second)
            #expect((traced.json["received"] as? [[String: Any]])?.compactMap { $0["subject"] as? String } == subjects)
            // The first machine takes in what the second sent, so the next round starts level.
            #expect(SyncCommandTests.sync(site.first).outcome.status == 0)
            return traced.commands
        }
        let one = bringIn(Self.subjects(from: 2, count: 1), own: nil)
        let twenty = bringIn(Self.subjects(from: 3, count: 20), own: nil)
        #expect(one.contains("cat-file") && one.contains("merge"), "\(one)")
        #expect(twenty == one)
        let oneMerged = bringIn(Self.subjects(from: 23, count: 1), own: "101-0500")
        let twentyMerged = bringIn(Self.subjects(from: 24, count: 20), own: "101-0501")
        #expect(oneMerged.contains("push"), "\(oneMerged)")
        #expect(twentyMerged == oneMerged)
    }

    @Test func mergingParticipantsChangedOnBothMachinesRunsTheGitCommandsMergingOneDoes() throws {
        var site = Site()
        defer { site.remove() }
        let subjects = Self.subjects(from: 2, count: 4)
        for subject in subjects { SyncCommandTests.enroll(site.first, subject) }
        #expect(SyncCommandTests.sync(site.first).outcome.status == 0)
        let second = site.clone()
        /// Both machines note `subjects` at different visits (no conflict), then `second` syncs.
        func mergeBoth(_ subjects: [String], round: Int) -> [String] {
            for subject in subjects {
                site.first.ok(["note", subject, "SCR", "First machine, round \(round)."])
                second.ok(["note", subject, "D1", "Second machine, round \(round)."])
            }
            #expect(SyncCommandTests.sync(site.first).outcome.status == 0)
            let traced = Self.tracedSync(second)
            #expect(traced.json["conflicts"] as? Int == 0)
            #expect(SyncCommandTests.sync(site.first).outcome.status == 0)
            // Both machines' notes are in the merged data.
            let files = SyncCommandTests.participantFiles(second)
            for subject in subjects {
                let data = String(decoding: files["participants/\(subject).json"] ?? Data(), as: UTF8.self)
                #expect(data.contains("First machine, round \(round).") && data.contains("Second machine, round \(round)."), "\(subject)")
            }
            return traced.commands
        }
        let one = mergeBoth(Array(subjects.prefix(1)), round: 1)
        let four = mergeBoth(subjects, round: 2)
        #expect(one.contains("cat-file") && one.contains("commit"), "\(one)")
        #expect(four == one)
        #expect(SyncCommandTests.participantFiles(second) == SyncCommandTests.participantFiles(site.first))
    }
}
