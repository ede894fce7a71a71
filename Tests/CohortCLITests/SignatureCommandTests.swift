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
