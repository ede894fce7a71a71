import CohortSync
import CohortTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Several machines synced through real git and a bare repository in a temporary folder (docs/RULES.md,
/// "Several machines"): each machine is a store of its own with its own data folder.
@Suite(.serialized) struct SyncCommandTests {
    /// A bare remote and the first machine's store (one participant), set up and pushed; `clone()` adds machines.
    struct Site {
        let remote: String
        let first: CLIHarness
        var machines: [CLIHarness]

        init() {
            remote = NSTemporaryDirectory() + "cohort-remote-" + UUID().uuidString + ".git"
            Self.git(["init", "-q", "--bare", remote])
            first = CLIHarness.enrolledStore()
            machines = [first]
            let setup = first.run(["sync", "setup", remote], environment: ["COHORT_MACHINE_SEED": "1"])
            #expect(setup.status == 0, "\(setup.stderr)")
        }

        /// A new machine's copy, cloned from the remote.
        mutating func clone() -> CLIHarness {
            let machine = CLIHarness()
            let cloned = machine.run(["clone", remote, machine.store], environment: ["COHORT_MACHINE_SEED": "\(machines.count + 1)"])
            #expect(cloned.status == 0, "\(cloned.stderr)")
            machines.append(machine)
            return machine
        }

        func remove() {
            for machine in machines { machine.remove() }
            try? FileManager.default.removeItem(atPath: remote)
        }

        /// Runs git (outside Cohort, as a person would) and returns its output.
        @discardableResult
        static func git(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git"] + arguments
            if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x", "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x"].merging(environment) { $1 }) { $1 }
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try? process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }

    /// Enrolls `subject` on `machine`.
    static func enroll(_ machine: CLIHarness, _ subject: String) {
        let outcome = machine.run(["enroll", subject, "--initials", "CD", "--birth-year", "1975", "--sex", "M", "--consent", "2026-11-09", "--baseline", "2026-11-19"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    /// Every participant data and trail file of `machine`, by path.
    static func participantFiles(_ machine: CLIHarness) -> [String: Data] {
        machine.snapshot().filter { $0.key.hasPrefix("participants/") || ($0.key.hasPrefix("audit/") && !$0.key.hasPrefix("audit/interrupted")) }
    }

    static func sync(_ machine: CLIHarness, environment: [String: String] = [:]) -> (outcome: CLIHarness.Outcome, json: [String: Any]) {
        let outcome = machine.run(["sync", "--format", "json"], environment: environment)
        return (outcome, machine.json(outcome.stdout))
    }

    @Test func setupCloneAndSyncCarryAParticipantToTheOtherMachine() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        #expect(second.run(["show", "101-0001"]).status == 0)
        #expect(second.run(["verify"]).status == 0)
        // Each machine has an id of its own, outside the synced files, and writes only its own ledger.
        let firstID = try String(contentsOfFile: site.first.store + "/.git/cohort-machine", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let secondID = try String(contentsOfFile: second.store + "/.git/cohort-machine", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(firstID != secondID)
        Self.enroll(site.first, "101-0002")
        #expect(FileManager.default.fileExists(atPath: site.first.store + "/ledger/\(firstID).jsonl"))
        let sent = Self.sync(site.first)
        #expect(sent.outcome.status == 0, "\(sent.outcome.stderr)")
        #expect(sent.json["pushed"] as? Int == 1)
        #expect((sent.json["received"] as? [Any])?.isEmpty == true)
        #expect(sent.json["conflicts"] as? Int == 0)
        let came = Self.sync(second)
        #expect(came.outcome.status == 0, "\(came.outcome.stderr)")
        #expect(came.json["pushed"] as? Int == 0)
        let received = try #require(came.json["received"] as? [[String: Any]])
        #expect(received.count == 1)
        #expect(received.first?["subject"] as? String == "101-0002")
        #expect(received.first?["changes"] as? Int == 1)
        #expect(received.first?["authors"] as? [String] == ["tester"])
        #expect(Set(came.json.keys) == ["pushed", "received", "conflicts"])
        #expect(Self.participantFiles(second) == Self.participantFiles(site.first))
        #expect(second.run(["show", "101-0002"]).status == 0)
        #expect(second.run(["verify"]).status == 0)
        #expect(site.first.run(["verify"]).status == 0)
        // The text form says the same in words.
        Self.enroll(second, "101-0003")
        let text = site.first.run(["sync"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Nothing came in"))
        let words = second.run(["sync"])
        #expect(words.stdout.contains("Sent changes to 1 participant"), "\(words.stdout)")
        #expect(site.first.run(["sync"]).stdout.contains("Received 101-0003: 1 change by tester."))
    }

    /// Paths as a person types them in a shell: the remote and the new copy relative to the folder the
    /// command runs in (a one-letter folder crashed `clone` once).
    @Test func aRelativeRemoteAndARelativeFolderNameWhatThePersonMeant() throws {
        let work = NSTemporaryDirectory() + "cohort-relative-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: work + "/usb", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        Site.git(["init", "-q", "--bare", "site.git"], in: work + "/usb")
        let first = CLIHarness.enrolledStore()
        defer { first.remove() }
        let setup = first.run(["sync", "setup", "usb/site.git"], environment: ["COHORT_MACHINE_SEED": "1"], directory: work)
        #expect(setup.status == 0, "\(setup.stderr)")
        for (folder, seed) in [("B", "2"), ("copies/second", "3")] {
            let other = CLIHarness()
            defer { other.remove() }
            let cloned = other.run(["clone", "usb/site.git", folder], environment: ["COHORT_MACHINE_SEED": seed], directory: work)
            #expect(cloned.status == 0, "\(folder): \(cloned.stderr)")
            #expect(other.run(["show", "101-0001", "--store", work + "/" + folder]).status == 0)
            let file = "/participants/101-0001.json"
            #expect(FileManager.default.contents(atPath: work + "/" + folder + file) == FileManager.default.contents(atPath: first.store + file))
        }
        // The first machine's origin names the same folder from inside its store: a sync reaches it.
        Self.enroll(first, "101-0002")
        #expect(Self.sync(first).outcome.status == 0)
    }

    @Test func theSameIDEnrolledOfflineOnTwoMachinesIsAConflictResolvedByRenumbering() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        // Two coordinators, offline, each enroll the next number: both get 101-0002.
        Self.enroll(site.first, "next")
        Self.enroll(second, "next")
        #expect(Self.sync(site.first).outcome.status == 0)
        let merged = Self.sync(second)
        #expect(merged.outcome.status == 0, "\(merged.outcome.stderr)")
        #expect(merged.json["conflicts"] as? Int == 1)
        #expect(Self.sync(site.first).outcome.status == 0)
        #expect(Self.participantFiles(second) == Self.participantFiles(site.first))
        for machine in [site.first, second] {
            let listed = machine.json(machine.run(["conflicts", "--format", "json"]).stdout)
            let conflicts = try #require(listed["conflicts"] as? [[String: Any]])
            #expect(conflicts.count == 1)
            #expect(Set(conflicts.first?.keys.map { $0 } ?? []) == ["id", "subject", "what", "mine", "theirs", "authors"])
            #expect(conflicts.first?["subject"] as? String == "101-0002" && conflicts.first?["what"] as? String == "enrolled on two machines")
            #expect(machine.run(["verify"]).status == 0)
        }
        let mine = second.run(["resolve", "101-0002", "C1", "--take", "mine", "--reason", "keep"])
        #expect(mine.status == 1 && mine.stderr.contains("renumber"), "\(mine.stderr)")
        #expect(second.run(["resolve", "101-0002", "C1", "--take", "renumber:101-0001", "--reason", "taken"]).status == 1)
        let renumbered = second.run(["resolve", "101-0002", "C1", "--take", "renumber:101-0003", "--reason", "two coordinators enrolled offline"])
        #expect(renumbered.status == 0, "\(renumbered.stderr)")
        #expect(Self.sync(second).outcome.status == 0)
        #expect(Self.sync(site.first).outcome.status == 0)
        #expect(Self.participantFiles(second) == Self.participantFiles(site.first))
        for machine in [site.first, second] {
            #expect(machine.run(["show", "101-0003"]).status == 0)
            #expect(machine.json(machine.run(["conflicts", "--format", "json"]).stdout)["conflicts"] as? [Any] != nil)
            #expect((machine.json(machine.run(["conflicts", "--format", "json"]).stdout)["conflicts"] as? [Any])?.isEmpty == true)
            let verified = machine.run(["verify"])
            #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        }
    }

    @Test func disjointParticipantsChangedOnTwoMachinesConvergeByteForByte() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        let third = site.clone()
        Self.enroll(site.first, "101-0002")
        site.first.ok(["note", "101-0001", "SCR", "Seen at the first machine."])
        Self.enroll(second, "101-0003")
        Self.enroll(third, "101-0004")
        for machine in [site.first, second, third, site.first, second] {
            let result = Self.sync(machine)
            #expect(result.outcome.status == 0, "\(result.outcome.stderr)")
        }
        let reference = Self.participantFiles(site.first)
        #expect(reference.keys.filter { $0.hasPrefix("participants/") }.count == 4)
        for machine in site.machines {
            #expect(Self.participantFiles(machine) == reference)
            let verify = machine.run(["verify"])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            // Git itself sees nothing left to commit.
            #expect(Site.git(["status", "--porcelain"], in: machine.store).output.isEmpty)
        }
    }

    @Test func aRemoteWhoseHistoryWasRewrittenIsRefusedAndNothingIsMerged() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        Self.enroll(second, "101-0002")
        #expect(Self.sync(second).outcome.status == 0)
        // Someone rewrites the remote from outside: a new root commit, force-pushed over the history.
        let outside = NSTemporaryDirectory() + "cohort-outside-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: outside) }
        #expect(Site.git(["clone", "-q", "--branch", "main", site.remote, outside]).status == 0)
        #expect(Site.git(["checkout", "-q", "--orphan", "rewritten"], in: outside).status == 0)
        #expect(Site.git(["commit", "-q", "-m", "rewritten"], in: outside).status == 0)
        #expect(Site.git(["push", "-q", "--force", "origin", "rewritten:main"], in: outside).status == 0)
        Self.enroll(site.first, "101-0003")
        let headBefore = Site.git(["rev-parse", "HEAD"], in: site.first.store).output
        let before = Self.participantFiles(site.first)
        let refused = site.first.run(["sync"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("rewritten or truncated"), "\(refused.stderr)")
        #expect(Self.participantFiles(site.first) == before)
        // Its own change was committed locally (nothing lost), and nothing of the remote came in.
        #expect(Site.git(["rev-parse", "HEAD~1"], in: site.first.store).output == headBefore)
        #expect(site.first.run(["show", "101-0002"]).status != 0)
        #expect(site.first.run(["verify"]).status == 0)
        // A truncated remote (its branch gone) is refused the same way.
        #expect(Site.git(["push", "-q", "origin", ":main"], in: outside).status == 0)
        #expect(second.run(["sync"]).stderr.contains("rewritten or truncated"))
    }

    @Test func withoutGitOrWithoutTheRemoteSyncSaysWhatToDoAndNothingIsLost() throws {
        var site = Site()
        defer { site.remove() }
        let noGit = site.first.run(["sync"], environment: ["PATH": "/nonexistent"])
        #expect(noGit.status == 1)
        #expect(noGit.stderr.contains("git is not installed: install it (apt install git) and sync again"), "\(noGit.stderr)")
        // Offline: the remote is away (the USB disk unplugged). Work goes on; sync says so and keeps it.
        let away = site.remote + "-away"
        try FileManager.default.moveItem(atPath: site.remote, toPath: away)
        Self.enroll(site.first, "101-0002")
        let offline = site.first.run(["sync"])
        #expect(offline.status == 1)
        #expect(offline.stderr.contains("cannot be reached"), "\(offline.stderr)")
        #expect(offline.stderr.contains("safe"))
        #expect(site.first.run(["show", "101-0002"]).status == 0)
        #expect(site.first.run(["verify"]).status == 0)
        try FileManager.default.moveItem(atPath: away, toPath: site.remote)
        let later = Self.sync(site.first)
        #expect(later.outcome.status == 0, "\(later.outcome.stderr)")
        #expect(later.json["pushed"] as? Int == 1)
        // A store never set up is told how.
        let plain = CLIHarness.enrolledStore()
        defer { plain.remove() }
        let unsynced = plain.run(["sync"])
        #expect(unsynced.status == 1)
        #expect(unsynced.stderr.contains("run cohort sync setup REMOTE first"))
        // Cloning into a folder that holds files is refused; nothing is written there.
        let refused = site.first.run(["clone", site.remote, plain.store])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not empty"))
    }

    @Test func aSyncedStoresRepositoryHoldsNoKeyAndNoDerivedFile() throws {
        // The default store folder ($XDG_DATA_HOME/cohort) also holds people's keys, in keys/.
        var cli = CLIHarness()
        let home = cli.store + "-home"
        cli.environment["COHORT_STORE"] = home + "/cohort"
        defer { cli.remove() }
        cli.ok(["init", "--protocol", "SCZ-5W-INPT"])
        Self.enroll(cli, "101-0001")
        let user = cli.run(["user", "add", "ana", "--role", "pi", "--full-name", "Dr Ana Ruiz", "--passphrase-fd", "0"], input: "correct horse battery\n")
        #expect(user.status == 0, "\(user.stderr)")
        #expect(FileManager.default.fileExists(atPath: home + "/cohort/keys"))
        _ = cli.run(["visits"])
        #expect(FileManager.default.fileExists(atPath: home + "/cohort/.cache"))
        let remote = NSTemporaryDirectory() + "cohort-remote-" + UUID().uuidString + ".git"
        defer { try? FileManager.default.removeItem(atPath: remote) }
        Site.git(["init", "-q", "--bare", remote])
        let setup = cli.run(["sync", "setup", remote])
        #expect(setup.status == 0, "\(setup.stderr)")
        let files = Site.git(["ls-tree", "-r", "--name-only", "main"], in: remote).output.split(separator: "\n").map(String.init)
        #expect(files.contains("participants/101-0001.json"))
        #expect(files.contains(".gitattributes"))
        #expect(!files.contains { $0.hasPrefix("keys/") || $0.contains(".key") || $0.hasPrefix(".cache") || $0 == ".lock" })
        #expect(!files.contains { $0.contains("cohort-machine") })
        #expect(files.contains { $0.hasPrefix("users/") }, "users' public keys sync")
        // Git is told never to merge a store file as text.
        let attributes = Site.git(["check-attr", "merge", "text", "--", "participants/101-0001.json", "audit/101-0001.jsonl", "cohort-store.json"],
                                  in: home + "/cohort").output
        #expect(attributes.components(separatedBy: "merge: unset").count == 4, "\(attributes)")
        #expect(cli.run(["verify"]).status == 0)
    }

    @Test func aSyncKilledAtRandomMomentsLeavesEveryMachineConsistentAndTheNextSyncFinishes() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        let seed: UInt64 = 2026_12_03
        var random = SeededGenerator(seed: seed)
        print("SyncCommandTests kill test seed \(seed)")
        var duringMerge = 0
        var lastDuration: UInt32 = 300_000
        for round in 0..<10 {
            Self.enroll(site.first, String(format: "101-%04d", 10 + round))
            site.first.ok(["note", "101-0001", "SCR", "Round \(round) on the first machine."])
            Self.enroll(second, String(format: "101-%04d", 50 + round))
            #expect(Self.sync(site.first).outcome.status == 0)
            // The second machine's sync has a real merge to make; it is killed part-way: right after one of
            // its git commands (even rounds), or at a moment within a sync's time, git and all (odd rounds).
            let moment: String
            if round % 2 == 0 {
                let after = Int.random(in: 1...24, using: &random)
                moment = "after git command \(after)"
                _ = second.run(["sync"], environment: ["COHORT_TEST_KILL_AFTER_GIT": "\(after)"])
            } else {
                let delay = UInt32.random(in: 0...lastDuration, using: &random)
                moment = "after \(delay) µs"
                Self.killPartWay(second, after: delay)
            }
            let interrupted = FileManager.default.fileExists(atPath: second.store + "/.git/cohort-sync-in-progress")
            if interrupted { duringMerge += 1 }
            print("round \(round): killed \(moment), \(interrupted ? "during the merge" : "outside the merge")")
            for machine in [second, site.first] {
                let verify = machine.run(["verify"])
                // verify only reads: a store whose merge was stopped part-way is read as it is, and said so.
                let halfMerged = machine.store == second.store && interrupted
                #expect(verify.status == 0 || (halfMerged && verify.stderr.contains("A sync of this store was interrupted")),
                        "round \(round), killed \(moment): \(verify.stdout)\(verify.stderr)")
            }
            #expect(FileManager.default.fileExists(atPath: second.store + "/.git/cohort-sync-in-progress") == interrupted, "verify only reads")
            let started = Date()
            for machine in [second, site.first, second] {
                let finished = Self.sync(machine)
                #expect(finished.outcome.status == 0, "round \(round), killed \(moment): \(finished.outcome.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: second.store + "/.git/cohort-sync-in-progress"), "the next sync takes it back")
            for machine in [second, site.first] {
                let verify = machine.run(["verify"])
                #expect(verify.status == 0, "round \(round), killed \(moment), after the syncs: \(verify.stdout)\(verify.stderr)")
            }
            lastDuration = UInt32(min(2_000_000, Date().timeIntervalSince(started) / 3 * 1_000_000))
            #expect(Self.participantFiles(second) == Self.participantFiles(site.first), "round \(round), killed \(moment)")
        }
        print("SyncCommandTests kill test: \(duringMerge) of 10 kills landed during a merge")
        #expect(second.run(["verify"]).status == 0)
    }

    @Test(arguments: ["push", "commit#2"])
    func aSyncKilledRightAfterItsMergeCommitOrItsPushKeepsTheMergeAndBothMachinesGoOn(killedAfter: String) throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        #expect(site.first.run(["note", "101-0001", "SCR", "first machine"]).status == 0)
        #expect(Self.sync(site.first).outcome.status == 0)
        #expect(second.run(["note", "101-0001", "W1", "second machine"]).status == 0)
        // Killed right after `git push` (the remote holds the merge) or right after the merge's commit (not
        // yet pushed; the first machine's commit was the first).
        _ = second.run(["sync"], environment: ["COHORT_TEST_KILL_AFTER_GIT": killedAfter])
        #expect(FileManager.default.fileExists(atPath: second.store + "/.git/cohort-sync-in-progress"), "the sync was killed part-way")
        let merge = Site.git(["rev-parse", "HEAD"], in: second.store).output
        let remoteHead = Site.git(["rev-parse", "main"], in: site.remote).output
        #expect((merge == remoteHead) == (killedAfter == "push"))
        // The second machine goes on working: its merge commit is kept, pushed or not.
        #expect(second.run(["note", "101-0001", "SCR", "second machine, later"]).status == 0)
        #expect(Site.git(["rev-parse", "HEAD"], in: second.store).output == merge, "the merge commit is never dropped")
        #expect(site.first.run(["note", "101-0001", "W2", "first machine, later"]).status == 0)
        for machine in [site.first, second, site.first, second] {
            let synced = Self.sync(machine)
            #expect(synced.outcome.status == 0, "killed after \(killedAfter): \(synced.outcome.stderr)")
        }
        #expect(Self.participantFiles(second) == Self.participantFiles(site.first))
        let trail = String(decoding: FileManager.default.contents(atPath: site.first.store + "/audit/101-0001.jsonl") ?? Data(), as: UTF8.self)
        #expect(trail.contains("second machine, later") && trail.contains("first machine, later"))
        for machine in [site.first, second] {
            let verified = machine.run(["verify"])
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        }
    }

    @Test func gitHooksNeverRunDuringASyncNeitherTheStoresNorAGlobalHooksFolder() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        let log = site.first.store + "-hooks.log"
        let global = site.first.store + "-global-hooks"
        try FileManager.default.createDirectory(atPath: global, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: log); try? FileManager.default.removeItem(atPath: global) }
        // Every hook a sync could trigger writes to the log and fails; the global ones are set by a user's own
        // git configuration.
        let hooks = ["pre-commit", "commit-msg", "post-commit", "pre-push", "post-merge", "post-checkout", "reference-transaction"]
        for folder in [site.first.store + "/.git/hooks", global] {
            for hook in hooks {
                let path = folder + "/" + hook
                try "#!/bin/sh\necho \"\(hook) ran\" >> \(log)\nexit 1\n".write(toFile: path, atomically: true, encoding: .utf8)
                chmod(path, 0o755)
            }
        }
        let config = global + "/gitconfig"
        try "[core]\n\thooksPath = \(global)\n".write(toFile: config, atomically: true, encoding: .utf8)
        Self.enroll(second, "101-0002")
        #expect(Self.sync(second).outcome.status == 0)
        site.first.ok(["note", "101-0001", "W1", "with hooks around"])
        let synced = Self.sync(site.first, environment: ["GIT_CONFIG_GLOBAL": config])
        #expect(synced.outcome.status == 0, "\(synced.outcome.stderr)")
        #expect(synced.json["pushed"] as? Int == 1 && (synced.json["received"] as? [Any])?.count == 1, "\(synced.outcome.stdout)")
        #expect(!FileManager.default.fileExists(atPath: log), "no hook ran: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    @Test func readingCommandsReadAStoreWhoseSyncWasInterruptedAsItIsAndLeaveTheRecoveryToTheNextSave() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        site.first.ok(["note", "101-0001", "SCR", "first machine"])
        Self.enroll(site.first, "101-0002")
        #expect(Self.sync(site.first).outcome.status == 0)
        second.ok(["note", "101-0001", "W1", "second machine"])
        // Killed right after `git merge` began: git's merge is under way, nothing is committed.
        _ = second.run(["sync"], environment: ["COHORT_TEST_KILL_AFTER_GIT": "merge"])
        let mark = second.store + "/.git/cohort-sync-in-progress"
        #expect(FileManager.default.fileExists(atPath: mark) && FileManager.default.fileExists(atPath: second.store + "/.git/MERGE_HEAD"))
        // Reading writes nothing, so it works even where the recovery could not (a full disk): it never runs it.
        for command in [["show", "101-0001"], ["visits"], ["participants"], ["verify"]] {
            let read = second.run(command)
            // verify reports what it finds in a half-merged store (the other machine's ledger is ahead of
            // this machine's trail until the merge is made); the others read.
            #expect(command == ["verify"] || read.status == 0, "\(command): \(read.stdout)\(read.stderr)")
            #expect(read.stderr.contains("A sync of this store was interrupted"), "\(command): \(read.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: mark), "no reading command took the sync back")
        // The next save takes it back, and the next sync finishes.
        second.ok(["note", "101-0001", "W2", "second machine, later"])
        #expect(!FileManager.default.fileExists(atPath: mark))
        #expect(Self.sync(second).outcome.status == 0)
        #expect(Self.sync(site.first).outcome.status == 0)
        #expect(Self.participantFiles(second) == Self.participantFiles(site.first))
    }

    @Test func yOnTheReviewSyncsAndSaysWhatCameInAndTheTopLineSaysWhenItLastSynced() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        Self.enroll(second, "101-0002")
        #expect(Self.sync(second).outcome.status == 0)
        let session = try TmuxSession(CLIHarness.binary, width: 100, height: 30,
                                      environment: ["COHORT_STORE": site.first.store, "COHORT_TODAY": "2026-11-25", "COHORT_USER": "lead",
                                                    "XDG_DATA_HOME": site.first.store + "-home", "TERM": "xterm-256color"])
        #expect(session.waitFor("synced "), "the top line says when the store last synced: \(session.screen())")
        session.send("Y")
        #expect(session.waitFor("Received 101-0002: 1 change by tester."), "\(session.screen())")
        #expect(session.screen().contains("Synced: Sent nothing new."), "\(session.screen())")
        session.send("q")
        #expect(session.waitFor("EXIT=0"))
        #expect(Self.participantFiles(site.first) == Self.participantFiles(second))
        #expect(site.first.run(["verify"]).status == 0)
    }

    @Test func aConflictFromARealSyncShowsAtTheTopOfTheReviewAndIsResolvedOnScreenWithAReason() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        // The same note written on both machines: the second's sync cannot pick one (docs/RULES.md, "Merging and conflicts").
        #expect(site.first.run(["note", "101-0001", "W1", "amy's words"], environment: ["COHORT_USER": "amy"]).status == 0)
        #expect(second.run(["note", "101-0001", "W1", "bob's words"], environment: ["COHORT_USER": "bob"]).status == 0)
        #expect(Self.sync(site.first).outcome.status == 0)
        let merged = Self.sync(second)
        #expect(merged.outcome.status == 0, "\(merged.outcome.stderr)")
        #expect(merged.json["conflicts"] as? Int == 1, "\(merged.outcome.stdout)")
        #expect(second.run(["conflicts"]).stdout.contains("101-0001 C1"))
        let session = try TmuxSession(CLIHarness.binary, width: 120, height: 30,
                                      environment: ["COHORT_STORE": second.store, "COHORT_TODAY": "2026-11-25", "COHORT_USER": "lead",
                                                    "XDG_DATA_HOME": second.store + "-home", "TERM": "xterm-256color"])
        #expect(session.waitFor("1 sync conflict (101-0001 C1)"), "the conflict line at the top of the review: \(session.screen())")
        session.send("X") // the review opens the participant the line names
        #expect(session.waitFor("SYNC CONFLICT C1"), "\(session.screen())")
        session.send("X") // the participant page asks which, what to take, and why
        #expect(session.waitFor("Resolve a sync conflict of 101-0001"), "\(session.screen())")
        session.send("Tab", "Tab")
        session.send("checked with bob on the phone", literal: true)
        session.send("Enter")
        #expect(session.waitFor("Saved: 101-0001 sync conflict C1 resolved (mine)"), "\(session.screen())")
        #expect(session.waitForGone("SYNC CONFLICT"), "the page is drawn again without it: \(session.screen())")
        session.send("q")
        // The review's own heading: the header's "synced" is on the participant page too, and the page's
        // "Saved: 101-0001 sync conflict" holds "1 sync conflict".
        #expect(session.waitFor("Overdue ("), "back on the review: \(session.screen())")
        #expect(!session.screen().contains("1 sync conflict ("), "the line is gone from the review: \(session.screen())")
        session.send("q")
        #expect(session.waitFor("EXIT=0"))
        #expect(second.run(["conflicts"]).stdout.contains("No sync conflicts."))
        let audit = second.run(["audit", "101-0001"])
        #expect(audit.stdout.contains("checked with bob on the phone") && audit.stdout.contains("lead"), "\(audit.stdout)")
        #expect(second.run(["verify"]).status == 0)
    }

    /// The machine that worked earlier but syncs second merges; the one whose work was already published
    /// goes on syncing (its records were never moved), both sides keep working, and all converge.
    @Test func aMachineWhoseSavesWereMergedByAnotherGoesOnSyncing() throws {
        var site = Site()
        defer { site.remove() }
        let second = site.clone()
        // The second machine writes first (its save is the earlier), the first writes later but syncs first.
        #expect(second.run(["note", "101-0001", "W1", "bob's words"], environment: ["COHORT_USER": "bob"]).status == 0)
        #expect(site.first.run(["note", "101-0001", "W1", "amy's words"], environment: ["COHORT_USER": "amy"]).status == 0)
        #expect(Self.sync(site.first).outcome.status == 0)
        let published = try #require(FileManager.default.contents(atPath: site.first.store + "/audit/101-0001.jsonl"))
        let merged = Self.sync(second)
        #expect(merged.outcome.status == 0 && merged.json["conflicts"] as? Int == 1, "\(merged.outcome.stdout)\(merged.outcome.stderr)")
        // Both go on working on the same participant, and sync in turn.
        for round in 0..<2 {
            for (machine, user) in [(site.first, "amy"), (second, "bob")] {
                #expect(machine.run(["note", "101-0001", "SCR", "round \(round) by \(user)"], environment: ["COHORT_USER": user]).status == 0)
                let synced = Self.sync(machine)
                #expect(synced.outcome.status == 0, "round \(round), \(user): \(synced.outcome.stderr)")
            }
        }
        #expect(Self.sync(site.first).outcome.status == 0)
        #expect(Self.participantFiles(second) == Self.participantFiles(site.first))
        // What the first machine published is still the start of the trail, byte for byte.
        let trail = try #require(FileManager.default.contents(atPath: site.first.store + "/audit/101-0001.jsonl"))
        #expect(trail.starts(with: published))
        for machine in [site.first, second] {
            let verified = machine.run(["verify"])
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
            let listed = machine.json(machine.run(["conflicts", "--format", "json"]).stdout)["conflicts"] as? [[String: Any]]
            // W1 set on both: amy's, published first, is kept; bob's waits (each SCR note written before
            // the other machine's came in is one more).
            let first = listed?.first { $0["id"] as? String == "C1" }
            #expect(first?["mine"] as? String == "amy's words" && first?["theirs"] as? String == "bob's words", "\(listed ?? [])")
        }
    }

    /// Starts `cohort sync` on `machine` and kills it, with every process it started, after `delay` µs.
    static func killPartWay(_ machine: CLIHarness, after delay: UInt32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIHarness.binary)
        process.arguments = ["sync"]
        process.environment = machine.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
        usleep(delay)
        let root = process.processIdentifier
        // Stopped first, so none of them starts another while the tree is collected.
        kill(root, SIGSTOP)
        var tree: [pid_t] = [root]
        var index = 0
        while index < tree.count {
            for child in children(of: tree[index]) where !tree.contains(child) {
                kill(child, SIGSTOP)
                tree.append(child)
            }
            index += 1
        }
        for pid in tree { kill(pid, SIGKILL) }
        process.waitUntilExit()
        usleep(50_000)
    }

    /// The processes whose parent is `pid` (from /proc).
    static func children(of pid: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> pid_t? in
            guard let child = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == pid ? child : nil
        }
    }
}
