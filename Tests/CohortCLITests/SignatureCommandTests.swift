import CohortDomain
import Foundation
import Testing

/// `cohort sign`, `unlock`, `signatures` and `show --summary` through the real binary (docs/RULES.md,
/// "Signatures", "The investigator's queue"): what a store without users answers, the queue, refusals
/// that write nothing.
@Suite struct SignatureCommandTests {
    let now = "2026-11-25T18:02"

    /// The enrolled store with a serious AE (AE1, aware 11-24) and a mild one (AE2) on 101-0001.
    func store() -> CLIHarness {
        let cli = CLIHarness.enrolledStore()
        cli.okAt("2026-11-24T12:00", ["ae", "add", "101-0001", "--term", "Fall with hip fracture", "--onset", "2026-11-23", "--severity", "severe",
                                      "--serious", "hospitalization", "--related", "unlikely", "--aware", "2026-11-23T21:40"])
        cli.okAt("2026-11-24T12:05", ["ae", "add", "101-0001", "--term", "Nausea", "--onset", "2026-11-23", "--severity", "mild"])
        return cli
    }

    @Test func thePendingQueueListsWhatAwaitsASignatureWithItsWait() {
        let cli = store()
        defer { cli.remove() }
        let outcome = cli.runAt(now, ["signatures", "--pending", "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let pending = cli.json(outcome.stdout)["pending"] as? [[String: Any]] ?? []
        let ae = pending.first { $0["scope"] as? String == "AE1" }
        #expect(ae?["subject"] as? String == "101-0001" && ae?["since"] as? String == "2026-11-23" && ae?["daysWaited"] as? Int == 2)
        #expect(ae?["what"] as? String == "serious AE Fall with hip fracture")
        #expect(!pending.contains { $0["scope"] as? String == "AE2" })
        #expect(Set(ae?.keys.map { $0 } ?? []) == ["subject", "scope", "what", "since", "daysWaited"])
        let text = cli.runAt(now, ["signatures", "--pending"]).stdout
        #expect(text.hasPrefix("WAITED") && text.split(separator: "\n").contains { $0.split(separator: " ").prefix(4) == ["2", "days", "101-0001", "AE1"] })
    }

    @Test func aStoreWithoutUsersHasNoSignaturesAndCannotSign() {
        let cli = store()
        defer { cli.remove() }
        let listed = cli.runAt(now, ["signatures", "--format", "json"])
        #expect(listed.status == 0 && cli.json(listed.stdout)["signatures"] as? [Any] != nil && (cli.json(listed.stdout)["signatures"] as? [Any])?.isEmpty == true)
        #expect(cli.runAt(now, ["signatures"]).stdout == "No signatures.\n")
        let before = cli.snapshot()
        let refused = cli.runAt(now, ["sign", "101-0001", "AE1", "--meaning", "approved"])
        #expect(refused.status == 1 && refused.stderr.contains("no users, so nobody can sign 101-0001 AE1"))
        #expect(cli.snapshot() == before)
    }

    @Test func refusalsNameWhatIsWrongAndWriteNothing() {
        let cli = store()
        defer { cli.remove() }
        let before = cli.snapshot()
        let scope = cli.runAt(now, ["sign", "101-0001", "AE01", "--meaning", "approved"])
        #expect(scope.status == 1 && scope.stderr.contains("is not a signature scope; a scope is AE<n>, deviation:VISIT"))
        let meaning = cli.runAt(now, ["sign", "101-0001", "AE1", "--meaning", "liked"])
        #expect(meaning.status == 64)
        let nothing = cli.runAt(now, ["sign", "101-0001", "flag:W1:cssrs-urgent", "--meaning", "approved"])
        #expect(nothing.status == 1, "\(nothing.stderr)")
        let summary = cli.runAt(now, ["sign", "101-0001", "summary:2026-11-24", "--meaning", "reviewed"])
        #expect(summary.status == 1 && summary.stderr.contains("sign it with `cohort sign - summary:2026-11-24`"))
        let unlock = cli.runAt(now, ["unlock", "101-0001", "--reason", "late lab"])
        #expect(unlock.status == 1 && unlock.stderr.contains("101-0001's casebook is not locked."))
        #expect(cli.runAt(now, ["show"]).status == 64)
        #expect(cli.runAt(now, ["show", "101-0001", "--summary", "2026-11-24"]).status == 64)
        #expect(cli.snapshot() == before)
    }

    @Test func showSummaryPrintsTheDayAsRecordedAndSaysItIsNotSigned() {
        let cli = store()
        defer { cli.remove() }
        let text = cli.runAt(now, ["show", "--summary", "2026-11-24"])
        #expect(text.status == 0, "\(text.stderr)")
        let recorded = cli.runAt(now, ["summary", "--date", "2026-11-24", "--as-recorded"]).stdout
        #expect(text.stdout.hasPrefix(recorded.trimmingCharacters(in: .newlines)))
        #expect(text.stdout.hasSuffix("Signatures\n  Not signed (`cohort sign - summary:2026-11-24 --meaning reviewed`).\n"))
        let json = cli.json(cli.runAt(now, ["show", "--summary", "2026-11-24", "--format", "json"]).stdout)
        #expect((json["summary"] as? [String: Any])?["date"] as? String == "2026-11-24" && (json["signatures"] as? [Any])?.isEmpty == true)
    }
}

/// Signing in a store with users (docs/RULES.md, "Signatures"): the passphrase at every signing, the
/// manifestation, the binding JSON, invalidation by a change, the lock, the day's summary.
@Suite(.serialized) struct SigningCommandTests {
    let now = "2026-11-25T18:02"
    let pi = UserCommandTests.piPassphrase

    /// Runs `arguments` as `user` with `passphrase` on standard input, at `now`: `--now` and the system clock
    /// (faketime), since a signature's time is the system's (docs/RULES.md, "Signatures").
    func run(_ cli: CLIHarness, _ arguments: [String], as user: String = "ana", passphrase: String? = nil, at time: String? = nil) -> CLIHarness.Outcome {
        let moment = time ?? now
        return cli.run([moment.replacingOccurrences(of: "T", with: " ") + ":00", CLIHarness.binary] + arguments
                       + ["--user", user, "--passphrase-fd", "0", "--now", moment],
                       executable: RecordedSummaryTests.faketime, input: (passphrase ?? pi) + "\n")
    }

    /// The store with users and a serious AE1 on 101-0001, recorded by the PI.
    func store() -> CLIHarness {
        let cli = UserCommandTests.storeWithUsers()
        let added = run(cli, ["ae", "add", "101-0001", "--term", "Fall with hip fracture", "--onset", "2026-11-23", "--severity", "severe",
                              "--serious", "hospitalization", "--related", "unlikely", "--aware", "2026-11-23T21:40"], at: "2026-11-24T12:00")
        #expect(added.status == 0, "\(added.stderr)")
        return cli
    }

    @Test func aSignatureAsksForThePassphraseAndIsShownWhereverItsThingIs() throws {
        let cli = store()
        defer { cli.remove() }
        let noPassphrase = cli.run(["sign", "101-0001", "AE1", "--meaning", "approved", "--user", "ana", "--now", now])
        #expect(noPassphrase.status == 1 && noPassphrase.stderr.contains("--passphrase-fd"), "\(noPassphrase.stderr)")
        let wrong = run(cli, ["sign", "101-0001", "AE1", "--meaning", "approved"], passphrase: "not the passphrase")
        #expect(wrong.status == 1 && wrong.stderr.contains("Wrong passphrase for ana"))
        let coordinator = run(cli, ["sign", "101-0001", "AE1", "--meaning", "approved"], as: "cole", passphrase: UserCommandTests.coordinatorPassphrase)
        #expect(coordinator.status == 1 && coordinator.stderr.contains("may not sign records"), "\(coordinator.stderr)")
        let signed = run(cli, ["sign", "101-0001", "AE1", "--meaning", "approved"])
        #expect(signed.status == 0, "\(signed.stderr)")
        let manifestation = "Signed (approved) by Dr Ana Ruiz, PI, 2026-11-25 18:02 +00:00"
        #expect(signed.stdout.contains(manifestation))
        #expect(cli.run(["show", "101-0001"]).stdout.contains("101-0001  AE1  " + manifestation))
        let shown = try #require((cli.json(cli.run(["show", "101-0001", "--format", "json"]).stdout)["signatures"] as? [[String: Any]])?.last)
        #expect(shown["manifestation"] as? String == manifestation && shown["status"] as? String == "valid")

        let listed = try #require(cli.json(cli.run(["signatures", "--format", "json"]).stdout)["signatures"] as? [[String: Any]])
        let entry = try #require(listed.first { $0["scope"] as? String == "AE1" })
        #expect(Set(entry.keys) == ["subject", "scope", "meaning", "user", "fullName", "role", "time", "contentHash", "status"])
        #expect(entry["subject"] as? String == "101-0001" && entry["meaning"] as? String == "approved" && entry["user"] as? String == "ana")
        #expect(entry["fullName"] as? String == "Dr Ana Ruiz" && entry["role"] as? String == "pi" && entry["time"] as? String == "2026-11-25T18:02+00:00")
        #expect((entry["contentHash"] as? String)?.count == 64 && entry["status"] as? String == "valid")
        let pending = cli.run(["signatures", "--pending", "--format", "json", "--now", now]).stdout
        #expect(!pending.contains("\"AE1\""))
        #expect(cli.run(["verify"]).status == 0)
    }

    @Test func aChangeToTheSignedAEAsksForAReasonAndInvalidatesItsSignature() throws {
        let cli = store()
        defer { cli.remove() }
        #expect(run(cli, ["sign", "101-0001", "AE1", "--meaning", "approved"]).status == 0)
        let changed = run(cli, ["ae", "update", "101-0001", "AE1", "--severity", "moderate", "--reason", "re-graded after imaging"])
        #expect(changed.status == 0, "\(changed.stderr)")
        let listed = try #require(cli.json(cli.run(["signatures", "101-0001", "--format", "json"]).stdout)["signatures"] as? [[String: Any]])
        #expect(listed.first { $0["scope"] as? String == "AE1" }?["status"] as? String == "invalidated")
        #expect(cli.run(["show", "101-0001"]).stdout.contains("— invalidated 2026-11-25 by 101-0001 AE1 updated (re-graded after imaging)"))
        #expect(cli.run(["signatures", "--pending", "--format", "json", "--now", now]).stdout.contains("\"AE1\""))
        #expect(cli.run(["verify"]).status == 0)
        // The hand-off package carries the study's signatures, with their status, beside its datasets.
        let study = try #require(cli.json(cli.run(["show", "101-0001", "--format", "json"]).stdout)["study"] as? String)
        let out = cli.store + "-package"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let exported = cli.run(["export", "--format", "sdtm", "--study", study, "--out", out])
        #expect(exported.status == 0 && exported.stdout.contains("signatures.json"), "\(exported.stderr)")
        let carried = try #require(cli.json(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/signatures.json")), as: UTF8.self))["signatures"] as? [[String: Any]])
        #expect(carried.contains { $0["subject"] as? String == "101-0001" && $0["scope"] as? String == "AE1" && $0["status"] as? String == "invalidated" })
    }

    @Test func aLockedCasebookRefusesChangesUntilThePIUnlocksIt() throws {
        let cli = store()
        defer { cli.remove() }
        #expect(run(cli, ["sign", "101-0001", "casebook", "--meaning", "approved", "--lock"]).status == 0)
        let before = cli.snapshot()
        let refused = run(cli, ["complete", "101-0001", "SCR", "--date", "2026-11-10"], as: "cole", passphrase: UserCommandTests.coordinatorPassphrase)
        #expect(refused.status == 1 && refused.stderr.contains("casebook is locked"), "\(refused.stderr)")
        let byCoordinator = run(cli, ["unlock", "101-0001", "--reason", "late lab"], as: "cole", passphrase: UserCommandTests.coordinatorPassphrase)
        #expect(byCoordinator.status == 1 && byCoordinator.stderr.contains("needs the PI"), "\(byCoordinator.stderr)")
        #expect(cli.snapshot() == before)
        #expect(cli.run(["show", "101-0001"]).stdout.contains("Casebook locked by ana"))
        let unlocked = run(cli, ["unlock", "101-0001", "--reason", "late lab result"])
        #expect(unlocked.status == 0, "\(unlocked.stderr)")
        let listed = try #require(cli.json(cli.run(["signatures", "101-0001", "--format", "json"]).stdout)["signatures"] as? [[String: Any]])
        #expect(listed.first { $0["scope"] as? String == "casebook" }?["status"] as? String == "invalidated")
        #expect(run(cli, ["complete", "101-0001", "SCR", "--date", "2026-11-10"], as: "cole", passphrase: UserCommandTests.coordinatorPassphrase).status == 0)
    }

    /// Attack 7, finding 2: a signature's time (and the casebook lock's) is the system time of the signing,
    /// never `--now` or `--today`, so no signature is backdated.
    @Test func aSignatureAndALockCarryTheSystemTimeNotNowOrToday() throws {
        let cli = store()
        defer { cli.remove() }
        func at(_ clock: String, _ arguments: [String]) -> CLIHarness.Outcome {
            cli.run([clock, CLIHarness.binary] + arguments + ["--user", "ana", "--passphrase-fd", "0", "--now", "2026-11-21T09:00"],
                    executable: RecordedSummaryTests.faketime, input: pi + "\n")
        }
        #expect(at("2026-11-25 18:10:00", ["sign", "101-0001", "AE1", "--meaning", "approved"]).status == 0)
        #expect(at("2026-11-25 18:12:00", ["sign", "101-0001", "casebook", "--meaning", "approved", "--lock"]).status == 0)
        let listed = try #require(cli.json(cli.run(["signatures", "--format", "json"]).stdout)["signatures"] as? [[String: Any]])
        #expect((listed.first { $0["scope"] as? String == "AE1" }?["time"] as? String)?.hasPrefix("2026-11-25T18:10") == true, "\(listed)")
        #expect((listed.first { $0["scope"] as? String == "casebook" }?["time"] as? String)?.hasPrefix("2026-11-25T18:12") == true, "\(listed)")
        #expect(cli.run(["show", "101-0001"]).stdout.contains("Casebook locked by ana"))
        let lock = try #require(cli.json(cli.run(["show", "101-0001", "--format", "json"]).stdout)["casebookLock"] as? [String: Any])
        #expect((lock["time"] as? String)?.hasPrefix("2026-11-25T18:12") == true, "\(lock)")
        #expect(cli.run(["verify"]).status == 0)
    }

    /// Enrolls 101-0002 with the system clock on 2026-11-24 (faketime): a day with something recorded, whose
    /// trail reads in time order (a summary is signed only for a day with records).
    func recordOn24(_ cli: CLIHarness) {
        let enrolled = run(cli, ["enroll", "101-0002", "--initials", "CD", "--birth-year", "1980", "--sex", "F", "--consent", "2026-11-20",
                                 "--baseline", "2026-11-30"], at: "2026-11-24T09:00")
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
    }

    /// Attack 7, finding 4: a day's summary is never signed ahead of its day nor for a day with nothing
    /// recorded; once a later record for that day moves it, `show --summary` says invalidated, in text and JSON.
    @Test func aSummaryIsNeverSignedAheadOrEmptyAndAMovedOneReadsInvalidated() throws {
        let cli = store()
        defer { cli.remove() }
        // The review cache is derived data a read may bring up to date; the store's records stay as they were.
        func records() -> [String: Data] { cli.snapshot().filter { !$0.key.hasPrefix(".cache/") } }
        let before = records()
        let ahead = run(cli, ["sign", "-", "summary:2026-11-26", "--meaning", "reviewed"])
        #expect(ahead.status == 1 && ahead.stderr.contains("summary:2026-11-26 is after today (2026-11-25)"), "\(ahead.stderr)")
        let empty = run(cli, ["sign", "-", "summary:2026-11-22", "--meaning", "reviewed"])
        #expect(empty.status == 1 && empty.stderr.contains("Nothing was recorded on 2026-11-22"), "\(empty.stderr)")
        #expect(records() == before)
        recordOn24(cli)
        #expect(run(cli, ["sign", "-", "summary:2026-11-24", "--meaning", "reviewed"]).status == 0)
        let late = run(cli, ["ae", "add", "101-0002", "--term", "Syncope", "--onset", "2026-11-24", "--severity", "severe",
                             "--serious", "hospitalization", "--related", "unlikely", "--aware", "2026-11-24T19:00"], at: "2026-11-24T20:00")
        #expect(late.status == 0, "\(late.stderr)")
        let text = cli.run(["show", "--summary", "2026-11-24"]).stdout
        #expect(text.contains("Signed (reviewed) by Dr Ana Ruiz, PI, 2026-11-25 18:02 +00:00 — invalidated: the day's summary as recorded changed"), "\(text)")
        let shown = try #require(cli.json(cli.run(["show", "--summary", "2026-11-24", "--format", "json"]).stdout)["signatures"] as? [[String: Any]])
        #expect(shown.first?["status"] as? String == "invalidated")
        #expect((shown.first?["manifestation"] as? String)?.contains("invalidated: the day's summary as recorded changed") == true, "\(shown)")
    }

    @Test func theDaysSummaryAsRecordedIsSignedAndShownWithItsSignature() throws {
        let cli = store()
        defer { cli.remove() }
        recordOn24(cli)
        let refused = run(cli, ["sign", "-", "summary:2026-11-24", "--meaning", "reviewed", "--lock"])
        #expect(refused.status == 1)
        let signed = run(cli, ["sign", "-", "summary:2026-11-24", "--meaning", "reviewed"])
        #expect(signed.status == 0, "\(signed.stderr)")
        let shown = cli.run(["show", "--summary", "2026-11-24"]).stdout
        #expect(shown.hasSuffix("Signatures\n  summary:2026-11-24  Signed (reviewed) by Dr Ana Ruiz, PI, 2026-11-25 18:02 +00:00\n"), "\(shown)")
        let listed = try #require(cli.json(cli.run(["signatures", "--format", "json"]).stdout)["signatures"] as? [[String: Any]])
        #expect(listed.contains { $0["subject"] as? String == "-" && $0["scope"] as? String == "summary:2026-11-24" && $0["status"] as? String == "valid" })
        #expect(cli.run(["verify"]).status == 0)
    }
}
