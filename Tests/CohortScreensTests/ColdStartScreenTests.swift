import CohortTestSupport
import CohortDemo
import CohortDomain
@testable import CohortFileStore
import CohortScreens
import CohortStore
import CohortTerminal
import CohortViewModels
import Foundation
import Testing

/// A terminal that keeps every frame's text.
@MainActor
private final class RecordingTerminal: Terminal {
    var size: (width: Int, height: Int) = (100, 30)
    var keys: [Key]
    var frames: [String] = []
    init(keys: [Key]) { self.keys = keys }
    func draw(_ grid: CellGrid) { frames.append(grid.lines.joined(separator: "\n")) }
    func readKey() -> Key? { keys.isEmpty ? nil : keys.removeFirst() }
}

/// Starting without a cache (docs/RULES.md, "Opening a store"): frames fill in, each one says how far the
/// reading has got, and keys wait for the last file.
@MainActor
struct ColdStartScreenTests {
    @Test func framesFillInAndSayTheListsAreNotCompleteUntilTheLastFile() throws {
        let directory = NSTemporaryDirectory() + "cohort-cold-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let today = ScreenTests.today
        _ = try DemoSite.build(directory: directory, participants: 24, seed: 1, today: today, scales: TestData.scales)
        try? FileManager.default.removeItem(atPath: directory + "/.cache")
        let store = try JSONFileStore(directory: directory, scales: TestData.scales, user: "tester")
        store.readStep = ReadStep(files: 10, firstSeconds: 0, seconds: 0)
        let terminal = RecordingTerminal(keys: [.character("j"), .character("q")])
        let final = InteractiveSession.run(AppState(today: today, user: "tester"),
                                           runner: EffectRunner(store: store, today: today, user: "tester"), terminal: terminal)
        #expect(terminal.frames.count >= 4)
        #expect(terminal.frames[0].contains("READING 10 of 24 participants · the lists are not complete yet"))
        #expect(terminal.frames[1].contains("READING 20 of 24 participants"))
        // The keys were read only once the last file was: `j` moved the selection on the complete lists.
        #expect(terminal.frames.dropFirst(2).allSatisfy { !$0.contains("READING") })
        #expect(final.data?.table.count == 24 && final.data?.isFullyChecked == true && final.data?.reading == nil)
        #expect(final.selection == 1)
        // The whole table is what the files say, and the cache was written for the next start.
        let reference = try JSONFileStore(directory: directory, scales: TestData.scales, user: "t").loadTable(.full)
        #expect(final.data?.table == reference.table)
        #expect(FileManager.default.fileExists(atPath: directory + "/.cache/review-table"))
    }

    @Test func theReadingBannerIsDrawnOnThePartShown() throws {
        var scene = try ScreenTests.Scene()
        defer { scene.remove() }
        guard var data = scene.state.data else { Issue.record("no data"); return }
        data.reading = ReadingProgress(read: 3000, total: 9999)
        _ = scene.state.handle(.loaded(data))
        GoldenFile.check(scene.frame(80, 24), named: "review-reading-80x24")
    }
}
