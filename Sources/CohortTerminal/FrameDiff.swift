import CohortScreens

/// What a front end writes to turn the frame on screen into the next one: whether to clear first, and
/// the runs of cells to write. Pure, so the redraw logic is tested without a terminal; `NCursesTerminal`
/// only turns each run into ncurses calls.
public struct FrameDiff: Equatable, Sendable {
    /// One stretch of a row written at once: its text from column `x` of row `y`, all in one style.
    public struct Run: Equatable, Sendable {
        /// The first column written.
        public let x: Int
        /// The row.
        public let y: Int
        /// The cells' text joined (a wide character's right half adds nothing: it is one character).
        public let text: String
        /// The style of every cell in the run.
        public let style: Style
        /// The columns the run covers on screen.
        public let columns: Int

        /// Creates a run.
        public init(x: Int, y: Int, text: String, style: Style, columns: Int) {
            self.x = x; self.y = y; self.text = text; self.style = style; self.columns = columns
        }
    }

    /// Whether the screen is cleared before the runs are written: on the first frame and when the size
    /// changed, when every cell of the new frame is written.
    public let clear: Bool
    /// The runs to write, row by row, left to right.
    public let runs: [Run]

    /// The difference from `previous` (nil: nothing known to be on screen) to `next`. In each row the
    /// span from the first to the last changed cell is written, widened to whole wide characters (a
    /// terminal cannot write half of one), cut into runs where the style changes.
    public init(from previous: CellGrid?, to next: CellGrid) {
        let known = previous.flatMap { $0.width == next.width && $0.height == next.height ? $0 : nil }
        clear = known == nil
        var runs: [Run] = []
        for y in 0..<next.height {
            var first = -1, last = -1
            for x in 0..<next.width where known == nil || known![x, y] != next[x, y] {
                if first < 0 { first = x }
                last = x
            }
            guard first >= 0 else { continue }
            while first > 0 && next[first, y].text.isEmpty { first -= 1 }
            var x = first
            while x <= last {
                let style = next[x, y].style
                var text = ""
                let start = x
                while x <= last || (x < next.width && next[x, y].text.isEmpty) {
                    guard x < next.width, next[x, y].style == style else { break }
                    text += next[x, y].text
                    x += 1
                }
                runs.append(Run(x: start, y: y, text: text, style: style, columns: x - start))
            }
        }
        self.runs = runs
    }
}
