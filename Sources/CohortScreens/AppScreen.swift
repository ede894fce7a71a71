import CohortDomain
import CohortViewModels

/// Draws the whole application state into a grid: the current screen, then any overlay, then the
/// status and key-hint lines. Every frame is drawn from state alone; nothing remembers the last frame.
public struct AppScreen {
    /// Smallest usable size.
    public static let minimumWidth = 40, minimumHeight = 12

    /// Symbols (Unicode or ASCII).
    public let glyphs: Glyphs
    /// Creates a renderer; the key table it names keys from is the state's (`AppState.keys`).
    public init(glyphs: Glyphs = .unicode) { self.glyphs = glyphs }

    /// Rows the review list can show at this height (the view model pages by it).
    public static func listRows(height: Int) -> Int { max(1, height - 8) }

    /// The frame for `state` at `width` × `height`.
    public func render(_ state: AppState, width: Int, height: Int) -> CellGrid {
        let grid = draw(state, width: width, height: height)
        // The ASCII glyph set means the terminal cannot show anything else: text from the data included.
        return glyphs == .ascii ? grid.inASCII() : grid
    }

    private func draw(_ state: AppState, width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else {
            let lines = ["Terminal too small: \(width)×\(height).", "Cohort needs at least \(Self.minimumWidth)×\(Self.minimumHeight).", "Enlarge the window, or \(state.keys.label(for: .quit, in: .review)) to quit."]
            for (index, line) in lines.enumerated() {
                let y = height / 2 - 1 + index
                grid.put(DisplayWidth.truncate(line, to: width, ellipsis: glyphs.ellipsis), x: 0, y: y, style: index == 0 ? Style(.warning, bold: true) : .plain)
            }
            return grid
        }
        guard let data = state.data else {
            grid.put("Loading the store…", x: 1, y: 1)
            return grid
        }
        let body = Area(top: 0, bottom: height - 2, width: width)
        switch state.screen {
        case .review: ReviewScreen(glyphs: glyphs).draw(state, data: data, in: body, on: &grid)
        case .participant(let page): ParticipantScreen(glyphs: glyphs).draw(page, state: state, data: data, in: body, on: &grid)
        case .scoreEntry(let entry): ScoreEntryScreen(glyphs: glyphs).draw(entry, state: state, data: data, in: body, on: &grid)
        case .enrollment(let form): EnrollmentScreen(glyphs: glyphs).draw(form, state: state, data: data, in: body, on: &grid)
        case .summary(let page): SummaryScreen(glyphs: glyphs).draw(page, state: state, data: data, in: body, on: &grid)
        case .roster(let page): RosterScreen(glyphs: glyphs).draw(page, state: state, data: data, in: body, on: &grid)
        case .record(let form): RecordFormScreen(glyphs: glyphs).draw(form, state: state, in: body, on: &grid)
        case .queue(let page): QueueScreen(glyphs: glyphs).draw(page, state: state, data: data, in: body, on: &grid)
        }
        switch state.overlay {
        case .prompt(let prompt)?: PromptOverlay(glyphs: glyphs).draw(prompt, width: width, height: height, on: &grid)
        case .help(let context)?: HelpOverlay(keys: state.keys).draw(context, width: width, height: height, on: &grid)
        case nil: break
        }
        drawStatus(state.status, y: height - 2, on: &grid)
        drawFooter(state.keyContext, keys: state.keys, y: height - 1, on: &grid)
        return grid
    }

    private func drawStatus(_ status: StatusLine?, y: Int, on grid: inout CellGrid) {
        guard let status else { return }
        let style: Style
        switch status.kind {
        case .info: style = .plain
        case .saved: style = Style(.good)
        case .error: style = Style(.danger, bold: true)
        case .urgent: style = Style(.urgent, bold: true, reverse: true)
        }
        // A message longer than the line takes the line above too (over the bottom of the screen), so an
        // instruction is read whole.
        let wrapped = DisplayWidth.wrap(status.text, to: grid.width - 2)
        let lines = wrapped.count <= 2 ? wrapped : [wrapped[0], wrapped.dropFirst().joined(separator: " ")]
        for (index, line) in lines.enumerated() {
            let row = y - lines.count + 1 + index
            grid.fill(y: row, style: status.kind == .urgent ? style : .plain)
            grid.put(DisplayWidth.truncate(" " + line, to: grid.width, ellipsis: glyphs.ellipsis), x: 0, y: row, style: style)
        }
    }

    /// The footer's hints in table order; when they do not all fit, the ways out and to help (back, quit,
    /// `?` help) stay and the other hints are dropped from the end.
    private func drawFooter(_ context: KeyContext, keys: KeyTable, y: Int, on grid: inout CellGrid) {
        let hints = keys.footer(for: context)
        func width(_ hint: (keys: String, help: String, isWayOut: Bool)) -> Int { DisplayWidth.of(hint.keys) + 1 + DisplayWidth.of(hint.help) + 2 }
        // Each hint takes its width and a gap of two; the last needs no gap, and the footer starts at column 1.
        var room = grid.width + 1 - hints.filter(\.isWayOut).reduce(0) { $0 + width($1) }
        let shown = hints.filter { hint in
            guard !hint.isWayOut else { return true }
            room -= width(hint)
            return room >= 0
        }
        var x = 1
        for (keys, help, _) in shown {
            let keyWidth = DisplayWidth.of(keys), helpWidth = DisplayWidth.of(help)
            guard x + keyWidth + 1 + helpWidth <= grid.width else { break }
            grid.put(keys, x: x, y: y, style: Style(.accent, bold: true))
            grid.put(help, x: x + keyWidth + 1, y: y, style: Style(.muted))
            x += keyWidth + helpWidth + 3
        }
    }
}

/// A band of rows for a screen's body.
struct Area {
    let top: Int
    let bottom: Int
    let width: Int
    var height: Int { bottom - top }
}

/// Title bar: reverse video across the width, left and right text.
/// A form's title-bar hint, from the key table in use: `Tab next · Enter save · Esc cancel`.
func formKeys(_ context: KeyContext, _ keys: KeyTable, dot: String) -> String {
    "\(keys.label(for: .nextField, in: context)) next \(dot) \(keys.label(for: .submit, in: context)) save \(dot) \(keys.label(for: .cancel, in: context)) cancel"
}

func drawTitleBar(_ left: String, right: String = "", y: Int, on grid: inout CellGrid, glyphs: Glyphs) {
    grid.fill(y: y, style: .title)
    let rightWidth = DisplayWidth.of(right)
    grid.put(DisplayWidth.truncate(" " + left, to: grid.width - rightWidth - 2, ellipsis: glyphs.ellipsis), x: 0, y: y, style: .title)
    if rightWidth > 0 { grid.put(right, x: grid.width - rightWidth - 1, y: y, style: .title) }
}

/// The line under a list that does not fit: how many lines are above and below what is shown (`noun`
/// counts them, e.g. "3 lines above"), and `keys` to scroll when the list scrolls by itself.
func drawScrollHint(offset: Int, visible: Int, total: Int, noun: String? = nil, keys: String? = nil, y: Int, on grid: inout CellGrid,
                    glyphs: Glyphs) {
    func amount(_ count: Int) -> String { noun.map { Text.count(count, $0) } ?? String(count) }
    let parts = [offset > 0 ? amount(offset) + " above" : "", offset + visible < total ? amount(total - offset - visible) + " below" : "",
                 keys ?? ""].filter { !$0.isEmpty }
    grid.put(parts.joined(separator: " \(glyphs.dot) "), x: 1, y: y, style: Style(.muted))
}

/// The tone a window state is shown in.
func tone(of state: WindowState) -> Style.Tone {
    switch state {
    case .overdue, .missed, .late, .early: return .danger
    case .open: return .warning
    case .inWindow: return .good
    case .upcoming, .cancelled, .waiting: return .muted
    }
}

/// Weekday name of a date (1970-01-01 was a Thursday).
func weekday(_ date: CivilDate) -> String {
    ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((date.dayNumber % 7) + 7) % 7]
}
