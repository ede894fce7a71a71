import Foundation
import Testing

/// `cohort note SUBJECT VISIT TEXT` (docs/RULES.md, "Visit notes").
struct VisitNoteCommandTests {
    func visit(_ cli: CLIHarness, _ code: String) -> [String: Any]? {
        (cli.json(cli.ok(["show", "101-0001", "--format", "json"]).stdout)["visits"] as? [[String: Any]])?.first { $0["visit"] as? String == code }
    }

    @Test func aNoteIsStoredOnTheVisitShownAuditedAndAbsentUntilWritten() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        // No note written: no note key anywhere, in the file or in show.
        #expect(before.allSatisfy { !String(decoding: $0.value, as: UTF8.self).contains("\"note\"") })
        #expect(visit(cli, "SCR")?.keys.contains("note") == false)

        let saved = cli.run(["note", "101-0001", "SCR", "Came with her sister; asked about the night shifts."])
        #expect(saved.status == 0, "\(saved.stderr)")
        #expect(visit(cli, "SCR")?["note"] as? String == "Came with her sister; asked about the night shifts.")
        #expect(visit(cli, "W1")?.keys.contains("note") == false)
        #expect(cli.ok(["audit", "101-0001"]).stdout.contains("note"))
        #expect(cli.run(["verify"]).status == 0)

        // A new note replaces the last.
        #expect(cli.run(["note", "101-0001", "SCR", "Second thoughts."]).status == 0)
        #expect(visit(cli, "SCR")?["note"] as? String == "Second thoughts.")
    }

    @Test func aBadNoteIsRefusedAndNothingIsWritten() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        let tooLong = cli.run(["note", "101-0001", "SCR", String(repeating: "a", count: 501)])
        #expect(tooLong.status == 1 && tooLong.stderr.contains("500"), "\(tooLong.stderr)")
        let control = cli.run(["note", "101-0001", "SCR", "bell\u{07}here"])
        #expect(control.status == 1, "\(control.stderr)")
        let empty = cli.run(["note", "101-0001", "SCR", "  "])
        #expect(empty.status == 1 && empty.stderr.contains("note is required"), "\(empty.stderr)")
        let noVisit = cli.run(["note", "101-0001", "W9", "hello"])
        #expect(noVisit.status == 1 && noVisit.stderr.contains("no visit W9"), "\(noVisit.stderr)")
        #expect(cli.snapshot() == before)
    }
}
