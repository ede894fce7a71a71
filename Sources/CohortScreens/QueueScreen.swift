import CohortDomain
import CohortViewModels

/// The investigator's queue: what awaits a signature, oldest first, with how long each has waited; or the
/// selected item whole — what a signature covers and the signatures its scope had.
struct QueueScreen {
    let glyphs: Glyphs

    func draw(_ page: QueuePage, state: AppState, data: Snapshot, in area: Area, on grid: inout CellGrid) {
        guard let items = page.items else {
            drawTitleBar("To sign", right: data.site, y: area.top, on: &grid, glyphs: glyphs)
            grid.put("Reading what awaits a signature…", x: 1, y: area.top + 2, style: Style(.muted))
            return
        }
        drawTitleBar("To sign \(glyphs.dot) \(Text.count(items.count, "item")), oldest first", right: data.site, y: area.top, on: &grid, glyphs: glyphs)
        if page.showsItem, let item = page.selected { return drawItem(item, today: state.today, in: area, on: &grid) }
        guard !items.isEmpty else {
            grid.put("Nothing awaits a signature.", x: 1, y: area.top + 2, style: Style(.muted))
            return
        }
        var y = area.top + 2
        let header = ["WAITED", "SUBJECT", "SCOPE", "WHAT"]
        let widths = [8, 9, max(12, min(24, items.map { $0.pending.scope.description.count }.max() ?? 12))]
        func row(_ cells: [String], style: Style) {
            var x = 1
            for (index, cell) in cells.enumerated() {
                let room = index < widths.count ? widths[index] : grid.width - x
                grid.put(DisplayWidth.truncate(cell, to: room, ellipsis: glyphs.ellipsis), x: x, y: y, style: style, limit: room)
                x += room + 1
            }
        }
        row(header, style: Style(.muted, bold: true))
        y += 1
        let overflows = items.count > area.bottom - y
        let visible = max(0, area.bottom - y - (overflows ? 1 : 0))
        let offset = max(0, min(page.selection - visible + 2, items.count - visible))
        for position in offset..<min(items.count, offset + visible) {
            let item = items[position], selected = position == page.selection
            if selected { grid.fill(y: y, style: .selected) }
            let waited = item.pending.daysWaited(state.today)
            row([Text.count(waited, "day"), item.pending.subject, item.pending.scope.description, item.pending.what],
                style: selected ? .selected : Style(waited > 7 ? .warning : .normal))
            y += 1
        }
        if overflows {
            drawScrollHint(offset: offset, visible: visible, total: items.count, y: area.bottom - 1, on: &grid, glyphs: glyphs)
        }
    }

    /// One item whole: what is signed, line by line, and its signatures (the invalidated ones with why).
    private func drawItem(_ item: QueueItem, today: CivilDate, in area: Area, on grid: inout CellGrid) {
        var y = area.top + 2
        let pending = item.pending
        grid.put("\(pending.subject)  \(pending.scope)  \(pending.what)", x: 1, y: y, style: .heading)
        y += 1
        grid.put("Waiting since \(pending.since) (\(Text.count(pending.daysWaited(today), "day")))", x: 1, y: y, style: Style(.muted))
        y += 2
        var lines = ["What a signature covers"] + item.content.map { "  " + $0 }
        lines += ["", "Signatures"] + (item.history.isEmpty ? ["  none yet"] : item.history.map { "  " + $0 })
        for line in lines where y < area.bottom {
            let style: Style = line.hasPrefix(" ") || line.isEmpty ? .plain : Style(.normal, bold: true)
            grid.put(DisplayWidth.truncate(line, to: grid.width - 2, ellipsis: glyphs.ellipsis), x: 1, y: y, style: style)
            y += 1
        }
    }
}
