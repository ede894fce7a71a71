import CohortDomain
import CohortReports
import CohortViewModels

/// Score entry: the items in columns, the cursor on the next item, live totals, change and flags.
struct ScoreEntryScreen {
    let glyphs: Glyphs

    func draw(_ entry: ScoreEntry, state: AppState, data: Snapshot, in area: Area, on grid: inout CellGrid) {
        guard let scale = data.context.scales[entry.scale], let participant = data.participants[entry.subject],
              let studyProtocol = data.context.protocols[participant.study] else { return }
        let visitName = studyProtocol.visit(entry.visit)?.name ?? entry.visit
        drawTitleBar("Scores \(glyphs.dot) \(entry.subject) \(entry.visit) \(visitName) \(glyphs.dot) \(scale.code) (\(entry.scaleIndex + 1)/\(entry.scales.count))",
                     right: scale.title, y: area.top, on: &grid, glyphs: glyphs)
        var y = area.top + 1
        let result = participant.result(items: entry.values, visit: entry.visit, scale: scale, studyProtocol: studyProtocol)
        let urgent = result.flags.filter(\.urgent)
        for flag in urgent {
            grid.fill(y: y, style: Style(.urgent, bold: true, reverse: true))
            grid.put(" \(glyphs.warning) URGENT \(flag.flag): \(entry.subject) needs a safety assessment now", x: 0, y: y, style: Style(.urgent, bold: true, reverse: true))
            y += 1
        }
        y += 1
        // Items in as many columns as fit.
        let cellWidth = 30
        let columns = max(1, (grid.width - 2) / cellWidth)
        let rowsNeeded = (scale.items.count + columns - 1) / columns
        let rowsAvailable = max(1, area.bottom - y - 5)
        let columnsUsed = rowsNeeded > rowsAvailable ? max(columns, (scale.items.count + rowsAvailable - 1) / rowsAvailable) : columns
        let width = max(12, (grid.width - 2) / columnsUsed)
        let rows = (scale.items.count + columnsUsed - 1) / columnsUsed
        for (index, item) in scale.items.enumerated() {
            let column = index / rows, row = index % rows
            guard y + row < area.bottom - 4 else { continue }
            let value: String
            switch entry.items[index] {
            case .pending: value = index == entry.cursor ? "_" : "."
            case .score(let v): value = String(v)
            case .notAssessed: value = "x"
            }
            let current = index == entry.cursor
            let label = Self.label(item, in: scale, width: width - 6, ellipsis: glyphs.ellipsis)
            let text = DisplayWidth.pad(label, to: width - 6) + " " + value
            var style: Style = current ? .selected : .plain
            if case .notAssessed = entry.items[index] { style.tone = .muted }
            grid.put(text, x: 1 + column * width, y: y + row, style: style, limit: width - 1)
        }
        y += min(rows, rowsAvailable) + 1
        // Live results.
        let entered = entry.items.filter { $0 != .pending }.count
        var live = "\(entered)/\(entry.items.count) entered"
        if entry.pendingCount == 0 {
            live += "  \(glyphs.dot)  " + ScoreText.summary(items: entry.values, result: result, scale: scale)
        } else if scale.total {
            live += "  \(glyphs.dot)  running sum \(entry.values.compactMap { $0 }.reduce(0, +))"
        }
        // Totals on one line, change from baseline on the next, so neither is cut on an 80-column terminal.
        for part in live.components(separatedBy: "; ") where y < area.bottom {
            grid.put(DisplayWidth.truncate(part, to: grid.width - 2, ellipsis: glyphs.ellipsis), x: 1, y: y, style: Style(.accent, bold: true))
            y += 1
        }
        if !result.flags.isEmpty {
            grid.put("Flags: " + result.flags.map(\.flag).joined(separator: ", "), x: 1, y: y, style: Style(.danger, bold: true))
            y += 1
        }
        if entry.cursor < scale.items.count {
            let item = scale.items[entry.cursor]
            var hint = "Next: \(item.code) \(item.name), \(item.min)–\(item.max)"
            if let anchors = item.anchors ?? scale.anchors { hint += "  (" + anchors.enumerated().map { "\(item.min + $0.offset) \($0.element)" }.joined(separator: ", ") + ")" }
            grid.put(DisplayWidth.truncate(hint, to: grid.width - 2, ellipsis: glyphs.ellipsis), x: 1, y: y, style: Style(.muted))
        } else {
            grid.put("All items entered: \(state.keys.label(for: .submit, in: .scoreEntry)) saves \(scale.code).", x: 1, y: y, style: Style(.good, bold: true))
        }
        y += 1
        if let error = entry.error, y < area.bottom {
            grid.put(DisplayWidth.truncate(error, to: grid.width - 2, ellipsis: glyphs.ellipsis), x: 1, y: y, style: Style(.danger, bold: true))
        }
    }

    /// An item's label within `width`: when it does not fit, the words it shares with another item of the
    /// scale give way first ("…with some intent to act"), so items that differ only at the end stay
    /// told apart.
    static func label(_ item: ScaleItem, in scale: ScaleDefinition, width: Int, ellipsis: String) -> String {
        let full = "\(item.code) \(item.name)"
        guard DisplayWidth.of(full) > width else { return full }
        let words = item.name.split(separator: " ")
        let shared = scale.items.filter { $0.code != item.code }.map { other in
            zip(words, other.name.split(separator: " ")).prefix { $0.0 == $0.1 }.count
        }.max() ?? 0
        guard shared >= 2, shared < words.count else { return full }
        return "\(item.code) \(ellipsis)" + words[shared...].joined(separator: " ")
    }
}
