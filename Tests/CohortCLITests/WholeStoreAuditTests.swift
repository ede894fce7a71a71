import CohortFileStore
import Foundation
import Testing

/// `cohort audit` of the whole store streams in time order through the derived order in `.cache/` and
/// prints exactly what it printed when it read every trail first (docs/RULES.md, "The trail is the record").
@Suite(.serialized) struct WholeStoreAuditTests {
    /// The SHA-256 of `cohort audit` and `cohort audit --format json` of `cohort demo --participants 12
    /// --seed 3` on 2026-11-25, as the listing that read and sorted every trail before printing gave them
    /// (saved by the 2026-12-03 build before the change; regenerate only if the demo itself changes).
    static let textBefore = "53a804e1655be42c321c4e6c8c7a45acbd3effe05ef07e0fea6a1d9a219429bf"
    static let jsonBefore = "14871681f5148097f6cc79a83f6799746c61cd6d17564de728380ebfb12e954f"

    @Test func theWholeStoresListingIsByteForByteWhatItWasWithOrWithoutTheIndex() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        cli.ok(["demo", "--participants", "12", "--seed", "3"])
        let index = cli.store + "/.cache/audit-order"
        for format in ["text", "json"] {
            let expected = format == "text" ? Self.textBefore : Self.jsonBefore
            unlink(index)
            let made = cli.ok(["audit", "--format", format])
            #expect(made.status == 0 && made.stderr.isEmpty, "\(made.stderr)")
            #expect(SHA256.hex(Array(made.stdout.utf8)) == expected, "\(format), the index made")
            #expect(FileManager.default.fileExists(atPath: index))
            #expect(SHA256.hex(Array(cli.ok(["audit", "--format", format]).stdout.utf8)) == expected, "\(format), the index used")
        }
        // The text listing's widths are kept with the index; an index made for JSON alone is made again.
        unlink(index)
        cli.ok(["audit", "--format", "json"])
        #expect(SHA256.hex(Array(cli.ok(["audit"]).stdout.utf8)) == Self.textBefore)
    }
}
