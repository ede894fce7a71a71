import Foundation
import Testing

/// `cohort audit` marks a save "(unauthenticated)" when it carries no signature, decided by the record and
/// never by when users started (docs/RULES.md, "Users and roles"); the JSON says `authenticated`.
@Suite(.serialized) struct AuditAuthenticationTests {
    @Test func aStoreThatGainedUsersHalfWayMarksOnlyTheUnsignedSaves() throws {
        // Enrolled without users (unsigned saves), then a PI and a coordinator, then a signed save by cole.
        let cli = UserCommandTests.storeWithUsers()
        defer { cli.remove() }
        let saved = UserCommandTests.complete(cli, as: "cole", input: UserCommandTests.coordinatorPassphrase + "\n")
        #expect(saved.status == 0, "\(saved.stderr)")
        let records = try #require(cli.json(cli.ok(["audit", "101-0001", "--format", "json"]).stdout)["records"] as? [[String: Any]])
        let before = records.filter { $0["user"] as? String != "cole" }, after = records.filter { $0["user"] as? String == "cole" }
        #expect(!before.isEmpty && !after.isEmpty)
        #expect(before.allSatisfy { $0["authenticated"] as? Bool == false }, "\(before)")
        #expect(after.allSatisfy { $0["authenticated"] as? Bool == true }, "\(after)")
        let text = cli.ok(["audit", "101-0001"]).stdout.split(separator: "\n").dropFirst()
        #expect(text.filter { $0.contains("cole") }.allSatisfy { !$0.contains("(unauthenticated)") })
        #expect(text.filter { !$0.contains("cole") }.allSatisfy { $0.contains("(unauthenticated)") }, "\(text)")
        // The whole store's trail, merged in time order, says the same of every record.
        let whole = try #require(cli.json(cli.ok(["audit", "--format", "json"]).stdout)["records"] as? [[String: Any]])
        let mine = whole.filter { $0["subject"] as? String == "101-0001" }
        #expect(mine.map { $0["authenticated"] as? Bool } == records.map { $0["authenticated"] as? Bool })
        #expect(whole.filter { $0["subject"] is NSNull }.allSatisfy { $0["authenticated"] as? Bool == false })
        let wholeText = cli.ok(["audit"]).stdout
        #expect(wholeText.split(separator: "\n").filter { $0.contains("cole") && $0.contains("101-0001") }.allSatisfy { !$0.contains("(unauthenticated)") })
    }
}
