@testable import CohortScreens
import CohortViewModels
import Testing

/// The selected visit's note shows under the participant page's timeline (docs/RULES.md, "Visit notes").
struct VisitNoteScreenTests {
    @Test func theSelectedVisitsNoteShowsUnderTheTimelineAndNoLineWithoutOne() throws {
        var scene = try ScreenTests.Scene()
        defer { scene.remove() }
        scene.press(.down, .down, .enter)
        let before = scene.frame(100, 34).text
        #expect(!before.contains("Note "))
        scene.press(.character("N"))
        scene.type("Brought her own diary")
        scene.press(.enter)
        let lines = scene.frame(100, 34).text.split(separator: "\n", omittingEmptySubsequences: false)
        let note = try #require(lines.firstIndex { $0.contains("Brought her own diary") })
        #expect(lines[note].contains("Note ") && lines[note].contains(": Brought her own diary"))
        // Right under the last visit of the timeline: the line before it is a visit row, not a blank.
        #expect(!lines[note - 1].trimmingCharacters(in: .whitespaces).isEmpty)
        scene.press(.character("k"))
        #expect(!scene.frame(100, 34).text.contains("Brought her own diary"))
    }
}
