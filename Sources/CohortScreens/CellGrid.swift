/// What a cell's text should look like; the front end maps tones to colours, or to bold and reverse
/// on a monochrome terminal, or to nothing under NO_COLOR.
public struct Style: Hashable, Sendable {
    /// Meaning, not colour.
    public enum Tone: Hashable, Sendable { case normal, accent, good, warning, danger, muted, urgent }
    /// The tone.
    public var tone: Tone
    /// Bold.
    public var bold: Bool
    /// Reverse video (selection, title bars).
    public var reverse: Bool

    /// Creates a style.
    public init(_ tone: Tone = .normal, bold: Bool = false, reverse: Bool = false) {
        self.tone = tone; self.bold = bold; self.reverse = reverse
    }

    public static let plain = Style()
    public static let heading = Style(.accent, bold: true)
    public static let title = Style(.normal, bold: true, reverse: true)
    public static let selected = Style(.normal, reverse: true)
}

/// One screen cell: a grapheme (empty for the right half of a wide character) and its style.
public struct Cell: Hashable, Sendable {
    /// The text drawn; "" marks the second column of a wide character.
    public var text: String
    /// Its style.
    public var style: Style

    public static let blank = Cell(text: " ", style: .plain)
}

/// An in-memory screen: screens draw into it, tests read it as text, the front end flushes what changed.
public struct CellGrid: Equatable, Sendable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Cells, row by row.
    public private(set) var cells: [Cell]

    /// A blank grid.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The cell at (x, y).
    public subscript(x: Int, y: Int) -> Cell { cells[y * width + x] }

    /// The grid for a terminal without UTF-8: every cell's text in plain ASCII, column for column (dashes,
    /// arrows and minus signs as `-` and `>`, anything else outside ASCII — names typed in other scripts —
    /// as `?`, one per column it takes).
    public func inASCII() -> CellGrid {
        var grid = self
        for index in grid.cells.indices where !grid.cells[index].text.allSatisfy(\.isASCII) || grid.cells[index].text.isEmpty {
            let text = grid.cells[index].text
            grid.cells[index].text = text.isEmpty ? "?" : (Self.asciiFallbacks[text] ?? "?")
        }
        return grid
    }

    private static let asciiFallbacks: [String: String] = [
        "–": "-", "—": "-", "−": "-", "→": ">", "←": "<", "·": "|", "…": "~", "⚠": "!", "✓": "v", "×": "x",
        "“": "\"", "”": "\"", "‘": "'", "’": "'",
    ]

    /// Writes `text` from (x, y), clipped at `limit` columns (default: the right edge). Returns columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let end = min(width, x + (limit ?? width))
        var column = max(0, x)
        for character in text {
            let columns = DisplayWidth.of(character)
            if columns == 0 { continue }
            guard column + columns <= end else { break }
            cells[y * width + column] = Cell(text: String(character), style: style)
            if columns == 2 { cells[y * width + column + 1] = Cell(text: "", style: style) }
            column += columns
        }
        return column - max(0, x)
    }

    /// Fills a row segment with blanks in `style` (for bars and selections).
    public mutating func fill(y: Int, from x: Int = 0, to end: Int? = nil, style: Style) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, end ?? width) { cells[y * width + column] = Cell(text: " ", style: style) }
    }

    /// The rows as text, trailing spaces removed: what a person sees, for tests and golden files.
    public var lines: [String] {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width { line += self[x, y].text }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// The whole grid as text.
    public var text: String { lines.joined(separator: "\n") }
}

/// On-screen width of text. Swift's `count` counts characters, not columns: 東京 is 4 columns.
public enum DisplayWidth {
    /// Columns one character takes: 0 for combining marks and format characters, 2 for wide ones.
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.isASCII { return first.value < 0x20 || first.value == 0x7f ? 0 : 1 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if first.properties.isEmojiPresentation { return 2 }
        return wideRanges.contains { $0.contains(first.value) } ? 2 : 1
    }

    /// Columns a string takes.
    public static func of(_ text: String) -> Int { text.reduce(0) { $0 + of($1) } }

    /// East Asian Wide and Fullwidth blocks.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// `text` cut to `columns`, with an ellipsis when cut.
    public static func truncate(_ text: String, to columns: Int, ellipsis: String = "…") -> String {
        guard of(text) > columns else { return text }
        guard columns > 0 else { return "" }
        var result = ""
        var used = 0
        let room = columns - of(ellipsis)
        for character in text {
            let w = of(character)
            if used + w > room { break }
            result.append(character)
            used += w
        }
        return result + ellipsis
    }

    /// `text` broken into lines of at most `columns`, between words where it can.
    public static func wrap(_ text: String, to columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if of(candidate) <= columns { line = candidate; continue }
            if !line.isEmpty { lines.append(line) }
            line = word
            while of(line) > columns {
                let head = truncate(line, to: columns, ellipsis: "")
                lines.append(head)
                line = String(line.dropFirst(head.count))
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// `text` padded with spaces (or truncated) to exactly `columns`.
    public static func pad(_ text: String, to columns: Int) -> String {
        let cut = truncate(text, to: columns)
        return cut + String(repeating: " ", count: max(0, columns - of(cut)))
    }
}
