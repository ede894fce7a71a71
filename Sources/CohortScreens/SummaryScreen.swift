import CohortDomain
import CohortReports
import CohortViewModels

/// The end-of-day summary: safety first, then the figures; urgent flags and deviations can be selected
/// to acknowledge or annotate.
struct SummaryScreen {
    let glyphs: Glyphs

    func draw(_ page: SummaryPage, state: AppState, data: Snapshot, in area: Area, on grid: inout CellGrid) {
        guard let (summary, items) = state.summary(for: page.day) else { return }
        // One column as wide as the screen while it fits; two on a wide screen when it does not.
        var half = grid.width
        var report = SummaryReport(summary: summary, table: data.table, site: data.site, nameWidth: half - 3, now: state.now)
        if grid.width >= 100, report.sections.reduce(0, { $0 + 1 + $1.lines.count }) > area.height - 1 {
            half = grid.width / 2
            report = SummaryReport(summary: summary, table: data.table, site: data.site, nameWidth: half - 3, now: state.now)
        }
        drawTitleBar(report.heading, right: weekday(page.day), y: area.top, on: &grid, glyphs: glyphs)
        var y = area.top + 1
        var actionable = 0
        var column = 0
        for section in report.sections {
            let isActionable = section.title.hasPrefix("URGENT") || section.title.hasPrefix("Protocol deviations")
            if y + 1 + section.lines.count >= area.bottom, column == 0, half < grid.width, y > area.top + 1 {
                column = half
                y = area.top + 1
            }
            guard y < area.bottom else { break }
            grid.put(section.title, x: column, y: y, style: section.isSafety ? Style(.danger, bold: true) : .heading)
            y += 1
            for line in section.lines where y < area.bottom {
                var style: Style = section.isSafety && line != "none" ? Style(.danger, bold: section.title.hasPrefix("URGENT")) : .plain
                if isActionable && line != "none" {
                    if actionable == page.selection && !items.isEmpty {
                        style.reverse = true
                        grid.fill(y: y, from: column, to: column + half - 1, style: style)
                    }
                    actionable += 1
                }
                grid.put(DisplayWidth.truncate("  " + line, to: half - 1, ellipsis: glyphs.ellipsis), x: column, y: y, style: style)
                y += 1
            }
        }
    }
}
