@testable import CohortScreens
import CohortViewModels
import Testing

/// The investigator's queue as text (docs/RULES.md, "The investigator's queue"): the list oldest first, one
/// item whole, and the signing prompt whose passphrase is never drawn.
struct QueueScreenTests {
    @Test func theQueueTheItemAndTheSigningPrompt() throws {
        var scene = try ScreenTests.Scene()
        defer { scene.remove() }
        scene.press(.character("I"))
        GoldenFile.check(scene.frame(100, 30), named: "queue-100x30")
        scene.press(.enter)
        GoldenFile.check(scene.frame(100, 30), named: "queue-item-100x30")
        scene.press(.escape, .character("s"))
        scene.type("secret words here")
        let prompt = scene.frame(100, 30).text
        GoldenFile.check(scene.frame(100, 30), named: "queue-sign-100x30")
        #expect(!prompt.contains("secret") && prompt.contains(String(repeating: "*", count: 17)))
    }
}
