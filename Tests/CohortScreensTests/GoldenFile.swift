import Foundation
import Testing

/// Golden screen text: `Snapshots/NAME.txt` beside these tests, rewritten when RECORD_SNAPSHOTS=1.
/// Holds what a person sees (text lines), never escape bytes; a mismatch shows every differing line.
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
        Issue.record("\(name).txt differs (- golden, + actual):\n\(difference(expected: expected, actual: actual))",
                     sourceLocation: sourceLocation)
    }

    /// The differing lines, numbered, as a reader compares them: `-` the golden line, `+` the actual one
    /// (at most 40 lines, so a whole new screen does not flood the log).
    static func difference(expected: String, actual: String) -> String {
        let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
        var lines: [String] = []
        for index in 0..<max(e.count, a.count) {
            let old = index < e.count ? e[index] : nil, new = index < a.count ? a[index] : nil
            guard old != new else { continue }
            let number = String(index + 1).padding(toLength: 4, withPad: " ", startingAt: 0)
            if let old { lines.append("\(number)- \(old)") }
            if let new { lines.append("\(number)+ \(new)") }
        }
        return (lines.count > 40 ? Array(lines.prefix(40)) + ["… \(lines.count - 40) more lines differ"] : lines).joined(separator: "\n")
    }
}
