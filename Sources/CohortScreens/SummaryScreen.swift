import CohortDomain
import CohortReports
import CohortViewModels

/// The end-of-day summary: safety first, then the figures, every count with the names behind it (three to
/// a line, as the text summary has them); it scrolls (PgDn, PgUp), and follows the selected urgent flag or
/// deviation (j/k) to acknowledge or classify it.
struct SummaryScreen {
    let glyphs: Glyphs

    /// One line of the summary, with its place among the lines that can be selected.
    private struct Line {
        let text: String
        let style: Style
        let item: Int?
    }

    func draw(_ page: SummaryPage, state: AppState, data: Snapshot, in area: Area, on grid: inout CellGrid) {
        guard let (summary, items) = state.summary(for: page.day) else { return }
        let report = SummaryReport(summary: summary, table: data.table, site: data.site, now: state.now)
        drawTitleBar(report.heading, right: weekday(page.day), y: area.top, on: &grid, glyphs: glyphs)
        var lines: [Line] = []
        var actionable = 0
        for section in report.sections {
            let isActionable = section.title.hasPrefix("URGENT") || section.title.hasPrefix("Protocol deviations")
            lines.append(Line(text: section.title, style: section.isSafety ? Style(.danger, bold: true) : .heading, item: nil))
            for line in section.lines {
                let style: Style = section.isSafety && line != "none" ? Style(.danger, bold: section.title.hasPrefix("URGENT")) : .plain
                var item: Int?
                if isActionable && line != "none" && !items.isEmpty {
                    item = actionable
                    actionable += 1
                }
                lines.append(Line(text: "  " + line, style: style, item: item))
            }
        }
        let room = area.height - 1
        let overflows = lines.count > room
        let visible = overflows ? room - 1 : room
        // The scroll asked for, moved as little as needed to keep the selected item on screen.
        var offset = min(max(0, page.scroll), max(0, lines.count - visible))
        if page.followsSelection, let selected = lines.firstIndex(where: { $0.item == page.selection }) {
            if selected < offset { offset = selected }
            if selected >= offset + visible { offset = selected - visible + 1 }
        }
        var y = area.top + 1
        for line in lines[offset..<min(lines.count, offset + visible)] {
            var style = line.style
            if line.item == page.selection {
                style.reverse = true
                grid.fill(y: y, style: style)
            }
            grid.put(DisplayWidth.truncate(line.text, to: grid.width - 1, ellipsis: glyphs.ellipsis), x: 0, y: y, style: style)
            y += 1
        }
        if overflows {
            drawScrollHint(offset: offset, visible: visible, total: lines.count, keys: "\(state.keys.label(for: .pageDown, in: .summary)) \(state.keys.label(for: .pageUp, in: .summary)) scroll", y: area.bottom - 1, on: &grid, glyphs: glyphs)
        }
    }
}
