import Foundation
import Testing

/// `cohort demo --users` through the real binary (docs/RULES.md, "The demo"): signed, invalidated and
/// pending items, which `cohort signatures`, `cohort ae list` and `cohort show` carry; it verifies.
@Suite(.serialized) struct DemoPeopleCommandTests {
    @Test func theDemoWithUsersHasSignedAndPendingItemsShownWhereverTheyAre() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        let made = cli.run(["demo", "--users", "--today", "2026-11-25"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(cli.run(["verify"]).status == 0)
        let signatures = try #require(cli.json(cli.ok(["signatures", "--format", "json", "--today", "2026-11-25"]).stdout)["signatures"] as? [[String: Any]])
        let statuses = Set(signatures.compactMap { $0["status"] as? String })
        #expect(statuses == ["valid", "invalidated"], "\(statuses)")
        #expect(signatures.contains { ($0["scope"] as? String)?.hasPrefix("summary:") == true && $0["status"] as? String == "valid" })
        let pending = try #require(cli.json(cli.ok(["signatures", "--pending", "--format", "json", "--today", "2026-11-25"]).stdout)["pending"] as? [[String: Any]])
        #expect(!pending.isEmpty)
        // An invalidated AE: the AE list carries its signatures (text and JSON), and so does `cohort show`.
        let invalidated = try #require(signatures.first { $0["status"] as? String == "invalidated" && ($0["scope"] as? String)?.hasPrefix("AE") == true })
        let subject = try #require(invalidated["subject"] as? String), scope = try #require(invalidated["scope"] as? String)
        #expect(pending.contains { $0["subject"] as? String == subject && $0["scope"] as? String == scope })
        let list = cli.ok(["ae", "list", subject, "--today", "2026-11-25"]).stdout
        #expect(list.contains("\(subject)  \(scope)  Signed (reviewed) by Dr Ana Ruiz, PI"), "\(list)")
        #expect(list.contains("invalidated") && list.contains("causality re-assessed after the discharge summary"), "\(list)")
        let events = try #require(cli.json(cli.ok(["ae", "list", subject, "--format", "json", "--today", "2026-11-25"]).stdout)["adverseEvents"] as? [[String: Any]])
        let shown = try #require(events.first { $0["id"] as? String == scope }?["signatures"] as? [[String: Any]])
        #expect(shown.first?["status"] as? String == "invalidated")
        #expect((shown.first?["manifestation"] as? String)?.contains("invalidated") == true)
        #expect(cli.ok(["show", subject, "--today", "2026-11-25"]).stdout.contains("invalidated"))
        // The plain demo has no users and no signatures: its AE list JSON has exactly the binding members.
        let plain = CLIHarness()
        defer { plain.remove() }
        #expect(plain.run(["demo", "--today", "2026-11-25"]).status == 0)
        let plainEvents = try #require(plain.json(plain.ok(["ae", "list", "--format", "json", "--today", "2026-11-25"]).stdout)["adverseEvents"] as? [[String: Any]])
        #expect(!plainEvents.isEmpty && plainEvents.allSatisfy { $0["signatures"] == nil })
    }
}
