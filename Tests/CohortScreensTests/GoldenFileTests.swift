import CohortScreens
import Testing

/// The golden form of a frame: text, then the styled runs of each row; and the diff a mismatch prints.
struct GoldenFileTests {
    @Test func aFrameIsItsTextThenEachStyledRowsRuns() {
        var grid = CellGrid(width: 12, height: 3)
        grid.fill(y: 0, style: .title)
        grid.put(" Title", x: 0, y: 0, style: .title)
        grid.put("ok", x: 1, y: 1, style: Style(.good))
        grid.put("東!", x: 4, y: 1, style: Style(.urgent, bold: true, reverse: true))
        grid.put("plain", x: 1, y: 2)
        #expect(GoldenFile.render(grid) == """
             Title
             ok 東!
             plain
            ── styles: row: columns style (row N is line N above; unlisted cells are plain) ──
            1: 1-12 bold+reverse
            2: 2-3 good, 5-7 urgent+bold+reverse
            """)
    }

    @Test func aMovedSelectionShowsInTheDiffAsItsStyleLine() {
        func frame(selected: Int) -> String {
            var grid = CellGrid(width: 8, height: 3)
            for y in 0..<3 {
                if y == selected { grid.fill(y: y, style: .selected) }
                grid.put("row \(y)", x: 1, y: y, style: y == selected ? .selected : .plain)
            }
            return GoldenFile.render(grid)
        }
        #expect(GoldenFile.difference(expected: frame(selected: 0), actual: frame(selected: 1)) == """
            5   - 1: 1-8 reverse
            5   + 2: 1-8 reverse
            """)
    }
}
