import Foundation
import Testing

/// Issue 20's regression attack, through the real binary.
@Suite(.serialized)
struct RegressionAttackCommandTests {
    @Test func anExportIntoAStoreThatLostItsSiteFileIsRefusedNamingIt() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let other = CLIHarness.enrolledStore()
        defer { other.remove() }
        unlink(other.store + "/cohort-store.json")
        let before = other.snapshot()
        for out in [other.store + "/participants/101-0001.json", other.store + "/ledger/x.jsonl", other.store + "/report.csv"] {
            let outcome = cli.run(["export", "--out", out])
            #expect(outcome.status == 1 && outcome.stderr.contains("though no cohort-store.json"), "\(out): \(outcome.stderr)")
        }
        #expect(other.snapshot() == before)
    }
}
