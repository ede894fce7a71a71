import CohortScreens
import CohortTerminal
import Testing

/// What the terminal front end redraws between two frames (`FrameDiff`): only what changed, whole wide
/// characters, style changes included, everything after a size change.
struct FrameDiffTests {
    typealias Run = FrameDiff.Run

    /// A 20 × 3 frame with a title bar and two lines of text.
    func frame(_ edit: (inout CellGrid) -> Void = { _ in }) -> CellGrid {
        var grid = CellGrid(width: 20, height: 3)
        grid.fill(y: 0, style: .title)
        grid.put(" Title", x: 0, y: 0, style: .title)
        grid.put("alpha beta", x: 1, y: 1)
        grid.put("gamma", x: 1, y: 2, style: Style(.danger))
        edit(&grid)
        return grid
    }

    @Test func identicalFramesWriteNothing() {
        let diff = FrameDiff(from: frame(), to: frame())
        #expect(!diff.clear)
        #expect(diff.runs.isEmpty)
    }

    @Test func oneChangedCellIsOneRunOfThatCell() {
        let diff = FrameDiff(from: frame(), to: frame { $0.put("B", x: 7, y: 1) })
        #expect(!diff.clear)
        #expect(diff.runs == [Run(x: 7, y: 1, text: "B", style: .plain, columns: 1)])
    }

    @Test func changesInOneRowAreWrittenAsTheSpanFromTheFirstToTheLast() {
        let diff = FrameDiff(from: frame(), to: frame { $0.put("A", x: 1, y: 1); $0.put("A", x: 7, y: 1) })
        #expect(diff.runs == [Run(x: 1, y: 1, text: "Alpha A", style: .plain, columns: 7)])
    }

    @Test func changesInTwoRowsAreOneRunEach() {
        let diff = FrameDiff(from: frame(), to: frame { $0.put("x", x: 3, y: 1); $0.put("y", x: 2, y: 2, style: Style(.danger)) })
        #expect(diff.runs == [Run(x: 3, y: 1, text: "x", style: .plain, columns: 1),
                              Run(x: 2, y: 2, text: "y", style: Style(.danger), columns: 1)])
    }

    @Test func aStyleOnlyChangeRewritesTheSameTextInTheNewStyle() {
        // The selection moves: the text stays, only reverse video changes.
        let diff = FrameDiff(from: frame(), to: frame { $0.put("gamma", x: 1, y: 2, style: Style(.danger, reverse: true)) })
        #expect(diff.runs == [Run(x: 1, y: 2, text: "gamma", style: Style(.danger, reverse: true), columns: 5)])
    }

    @Test func aSpanHoldingTwoStylesIsCutWhereTheStyleChanges() {
        let diff = FrameDiff(from: frame(), to: frame { $0.put("ab", x: 1, y: 1, style: .heading); $0.put("cd", x: 3, y: 1) })
        #expect(diff.runs == [Run(x: 1, y: 1, text: "ab", style: .heading, columns: 2),
                              Run(x: 3, y: 1, text: "cd", style: .plain, columns: 2)])
    }

    @Test func aWideCharacterIsWrittenWholeWithItsTwoColumns() {
        let diff = FrameDiff(from: frame(), to: frame { $0.put("東", x: 1, y: 1) })
        #expect(diff.runs == [Run(x: 1, y: 1, text: "東", style: .plain, columns: 2)])
    }

    @Test func aChangeInAWideCharactersRightHalfRewritesTheWholeCharacter() {
        // Before, column 2 held a narrow "x" after 東's left half; now it is 東's right half again: the
        // write starts at the left half, since a terminal cannot write half of a wide character.
        let before = frame { $0.put("東", x: 1, y: 1); $0.put("x", x: 2, y: 1) }
        let diff = FrameDiff(from: before, to: frame { $0.put("東", x: 1, y: 1) })
        #expect(diff.runs == [Run(x: 1, y: 1, text: "東", style: .plain, columns: 2)])
    }

    @Test func aSpanEndingOnAWideCharactersLeftHalfTakesItsRightHalfToo() {
        // Only column 1 differs (京 for 東), yet both columns are written.
        let before = frame { $0.put("東", x: 1, y: 1) }
        let diff = FrameDiff(from: before, to: frame { $0.put("京", x: 1, y: 1) })
        #expect(diff.runs == [Run(x: 1, y: 1, text: "京", style: .plain, columns: 2)])
    }

    @Test func theFirstFrameClearsAndWritesEveryCell() {
        let next = frame()
        let diff = FrameDiff(from: nil, to: next)
        #expect(diff.clear)
        #expect(Self.covers(diff, next))
    }

    @Test func aSizeChangeClearsAndWritesEveryCell() {
        let next = CellGrid(width: 21, height: 3)
        let diff = FrameDiff(from: frame(), to: next)
        #expect(diff.clear)
        #expect(Self.covers(diff, next))
        #expect(FrameDiff(from: frame(), to: CellGrid(width: 20, height: 4)).clear)
    }

    /// Whether the runs write every row from its first column to its last, with the frame's text.
    static func covers(_ diff: FrameDiff, _ grid: CellGrid) -> Bool {
        (0..<grid.height).allSatisfy { y in
            let row = diff.runs.filter { $0.y == y }
            let text = row.map(\.text).joined()
            let expected = (0..<grid.width).map { grid[$0, y].text }.joined()
            return row.first?.x == 0 && row.map(\.columns).reduce(0, +) == grid.width && text == expected
        }
    }
}
