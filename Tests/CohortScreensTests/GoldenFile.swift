import CohortScreens
import Foundation
import Testing

/// Golden screens: `Snapshots/NAME.txt` beside these tests, rewritten when RECORD_SNAPSHOTS=1.
/// Holds what a person sees, never escape bytes: the text lines, then the styled runs of each row (as
/// ratatui's buffer tests do), so a moved selection or a flag losing its colour fails like changed text.
/// A mismatch shows every differing line.
enum GoldenFile {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// Compares the frame, text and styles, with the golden `name`.
    static func check(_ grid: CellGrid, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        check(text: render(grid), named: name, sourceLocation: sourceLocation)
    }

    /// The golden form of a frame: its text lines, a rule, then one line per row holding anything not
    /// plain: `row: first-last style, …` (rows and columns counted from 1, row N is text line N; wide
    /// characters count two columns). A style is its tone (unless normal) and `bold`/`reverse`, joined by `+`.
    static func render(_ grid: CellGrid) -> String {
        var lines = grid.lines
        lines.append("── styles: row: columns style (row N is line N above; unlisted cells are plain) ──")
        for y in 0..<grid.height {
            let runs = styleRuns(grid, row: y).map { run in
                (run.first == run.last ? "\(run.first + 1)" : "\(run.first + 1)-\(run.last + 1)") + " " + name(of: run.style)
            }
            if !runs.isEmpty { lines.append("\(y + 1): " + runs.joined(separator: ", ")) }
        }
        return lines.joined(separator: "\n")
    }

    /// The runs of cells in one row that share a style other than plain.
    static func styleRuns(_ grid: CellGrid, row y: Int) -> [(first: Int, last: Int, style: Style)] {
        var runs: [(first: Int, last: Int, style: Style)] = []
        for x in 0..<grid.width {
            let style = grid[x, y].style
            guard style != .plain else { continue }
            if let last = runs.last, last.last == x - 1, last.style == style {
                runs[runs.count - 1].last = x
            } else {
                runs.append((x, x, style))
            }
        }
        return runs
    }

    /// `accent+bold`, `reverse`, `urgent+bold+reverse`.
    static func name(of style: Style) -> String {
        var parts: [String] = []
        if style.tone != .normal { parts.append("\(style.tone)") }
        if style.bold { parts.append("bold") }
        if style.reverse { parts.append("reverse") }
        return parts.joined(separator: "+")
    }

    private static func check(text: String, named name: String, sourceLocation: SourceLocation) {
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
