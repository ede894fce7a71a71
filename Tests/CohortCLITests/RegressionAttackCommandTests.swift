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

    @Test func noDateOrMomentAfter9979IsTakenSoNoScheduleReachesAFifthYearDigit() {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        for arguments in [["visits", "--now", "9999-12-23T10:00"], ["visits", "--now", "9979-12-31T20:00-14:00"], ["visits", "--today", "9980-01-01"],
                          ["visits", "--now", "9980-01-01T00:00Z"], ["reschedule", "101-0001", "W1", "9980-01-01", "--reason", "x"]] {
            let outcome = cli.run(arguments)
            #expect(outcome.status == 1 && outcome.stderr.contains("too late") && outcome.stderr.contains("9979-12-31"), "\(arguments): \(outcome.stderr)")
        }
        // A baseline is at most a year after consent, which is at most today: 9980-12-31 at the latest.
        #expect(cli.run(["enroll", "next", "--initials", "AB", "--birth-year", "1984", "--sex", "F", "--baseline", "9999-12-30"]).status == 1)
        #expect(cli.run(["visits", "--now", "9979-12-31T23:59Z"]).status == 0)
        #expect(cli.run(["visits", "--today", "9979-12-31"]).status == 0)
        let enrolled = cli.run(["enroll", "next", "--initials", "AB", "--birth-year", "1984", "--sex", "F", "--baseline", "9979-12-31", "--today", "9979-12-31"])
        #expect(enrolled.status == 0 && !enrolled.stdout.contains("10000"), "\(enrolled.stderr)")
    }
}
