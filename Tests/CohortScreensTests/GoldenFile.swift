import Foundation
import Testing

/// Golden screen text: `Snapshots/NAME.txt` beside these tests, rewritten when RECORD_SNAPSHOTS=1.
/// Holds what a person sees (text lines), never escape bytes; a mismatch reports the first differing line.
enum GoldenFile {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static func check(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = folder.appendingPathComponent(name + ".txt")
        let actual = text + "\n"
        let expected = try? String(contentsOf: url, encoding: .utf8)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" && expected != actual {
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            // Recording is never a pass: review the diff, then run again without RECORD_SNAPSHOTS.
            Issue.record("Recorded \(name).txt; review it and run the tests again without RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
            return
        }
        guard let expected else {
            Issue.record("No golden file \(name).txt: run RECORD_SNAPSHOTS=1 swift test and review it", sourceLocation: sourceLocation)
            return
        }
        guard expected != actual else { return }
        let a = actual.components(separatedBy: "\n"), e = expected.components(separatedBy: "\n")
        let line = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
        Issue.record("""
            \(name).txt differs at line \(line + 1):
              expected: \(line < e.count ? e[line] : "<end>")
              actual:   \(line < a.count ? a[line] : "<end>")
            """, sourceLocation: sourceLocation)
    }
}
