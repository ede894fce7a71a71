import CohortDomain
import CohortFileStore
@testable import CohortScreens
import CohortTestSupport
import CohortViewModels
import Foundation
import Testing

/// Sync conflicts wait at the top of the review, on one line, until resolved (docs/RULES.md, "Merging and conflicts").
struct SyncConflictScreenTests {
    @Test func theReviewShowsOpenConflictsOnOneLineAtItsTopAndNoneOnceResolved() throws {
        var scene = try ScreenTests.Scene()
        defer { scene.remove() }
        #expect(!scene.frame(100, 30).text.contains("sync conflict"))
        let store = try JSONFileStore(directory: scene.directory, scales: TestData.scales, user: "tester")
        // The last subject: its alerts sort after every other participant's, and its conflicts still lead.
        let subject = try #require(try store.subjects().last)
        for words in ["bob's words", "cole's words"] {
            let conflict = SyncConflict(id: "", subject: subject, what: "/visits/0/note", mine: "\"amy's words\"", theirs: "\"\(words)\"",
                                        authors: ["amy", "bob"], change: .note(subject: subject, visit: "SCR", text: words))
            try store.apply(.recordConflict(subject: subject, conflict: conflict), today: ScreenTests.today, user: "sync")
        }
        scene.run([.checkFiles])
        let lines = scene.frame(100, 30).text.split(separator: "\n").map(String.init)
        let line = try #require(lines.firstIndex { $0.contains("2 sync conflicts") })
        #expect(lines[line].contains("\(subject) C1, \(subject) C2") && lines[line].contains("cohort conflicts"))
        // Above any safety alert.
        if let report = lines.firstIndex(where: { $0.contains("REPORT") || $0.contains("PROHIBITED") || $0.contains("ALERT ") }) { #expect(line < report) }
        for id in ["C1", "C2"] {
            try store.apply(.resolveConflict(subject: subject, id: id, take: .mine, reason: "kept"), today: ScreenTests.today, user: "tester")
        }
        scene.run([.checkFiles])
        #expect(!scene.frame(100, 30).text.contains("sync conflict"))
    }

    @Test func theParticipantPageListsItsOpenConflictsWithTheKeyThatResolvesThem() throws {
        var scene = try ScreenTests.Scene()
        defer { scene.remove() }
        let conflict = SyncConflict(id: "", subject: "101-0002", what: "/visits/0/note", mine: "\"amy's words\"", theirs: "\"bob's words\"",
                                    authors: ["amy", "bob"], change: .note(subject: "101-0002", visit: "SCR", text: "bob's words"))
        scene.run([.apply(.recordConflict(subject: "101-0002", conflict: conflict), basis: nil), .checkFiles])
        // X on the review opens the participant the conflicts line names first.
        scene.press(.character("X"))
        let text = scene.frame(100, 34).text
        #expect(text.contains("SYNC CONFLICT C1 (X resolves) /visits/0/note  mine (kept): amy's words (amy)  theirs (not applie"), "\(text)")
        GoldenFile.check(scene.frame(100, 34), named: "participant-conflict-100x34")
    }
}
