import CohortDomain
import CohortViewModels

/// The roster: counts per study and status on top, then every participant (or those the search keeps)
/// with status, allocation, next visit and what waits for the lead.
struct RosterScreen {
    let glyphs: Glyphs

    static let columns: [ListColumn<RosterRow>] = [
        ListColumn(title: "SUBJECT", width: 9, keep: 9) { $0.subject },
        ListColumn(title: "INIT", width: 4, keep: 3) { $0.initials },
        ListColumn(title: "STUDY", width: 12, keep: 5) { $0.study },
        ListColumn(title: "STATUS", width: 13, keep: 7) { $0.status.rawValue },
        ListColumn(title: "RAND/ARM", width: 11, keep: 4) { $0.randomization },
        ListColumn(title: "NEXT VISIT", width: 14, keep: 6) { $0.next.map { "\($0.visit) \($0.date)" } ?? "—" },
        ListColumn(title: "OPEN", width: 14, keep: 8) { $0.open },
    ]

    func draw(_ page: RosterPage, state: AppState, data: Snapshot, in area: Area, on grid: inout CellGrid) {
        guard let roster = state.roster else { return }
        let matching = page.query.isEmpty ? "" : " \(glyphs.dot) \(roster.shown.count) match \"\(page.query)\""
        drawTitleBar("Roster \(glyphs.dot) \(Text.count(roster.rows.count, "participant"))\(matching)", right: data.site, y: area.top, on: &grid, glyphs: glyphs)
        var y = area.top + 1
        for count in roster.counts where y < area.bottom - 3 {
            y = drawCount(count, y: y, on: &grid)
        }
        y += 1
        let columns = ListColumn.fitting(Self.columns, width: grid.width)
        var x = 1
        for column in columns {
            grid.put(column.title, x: x, y: y, style: Style(.muted, bold: true), limit: column.width)
            x += column.width + 1
        }
        y += 1
        guard !roster.shown.isEmpty else {
            let empty = roster.rows.isEmpty ? "No participants yet; \(state.keys.label(for: .enroll, in: .review)) on the daily review enrolls one."
                                            : "No participant matches \"\(page.query)\"; \(state.keys.label(for: .filterSubjects, in: .roster)) and \(state.keys.label(for: .back, in: .roster)) clear the search."
            grid.put(DisplayWidth.truncate(empty, to: grid.width - 2, ellipsis: glyphs.ellipsis), x: 1, y: y, style: Style(.muted))
            return
        }
        let overflows = roster.shown.count > area.bottom - y
        let visible = max(0, area.bottom - y - (overflows ? 1 : 0))
        let offset = max(0, min(page.selection - visible + 2, roster.shown.count - visible))
        for position in offset..<min(roster.shown.count, offset + visible) {
            guard let row = roster.row(at: position) else { break }
            let selected = position == page.selection
            if selected { grid.fill(y: y, style: .selected) }
            var column = 1
            for spec in columns {
                var style = selected ? Style.selected : .plain
                if spec.title == "STATUS" { style.tone = row.status.hasLeft ? .muted : .normal }
                if spec.title == "NEXT VISIT", let next = row.next, next.date < state.today { style.tone = .danger }
                if spec.title == "OPEN" { style.tone = row.isPressing ? .danger : .warning; style.bold = row.isPressing }
                let room = spec.title == columns.last?.title ? grid.width - column : spec.width
                let text = spec.title == "OPEN" && row.isPressing ? "\(glyphs.warning) " + spec.value(row) : spec.value(row)
                grid.put(DisplayWidth.truncate(text, to: room, ellipsis: glyphs.ellipsis), x: column, y: y, style: style, limit: room)
                column += spec.width + 1
            }
            y += 1
        }
        if overflows {
            drawScrollHint(offset: offset, visible: visible, total: roster.shown.count, y: area.bottom - 1, on: &grid, glyphs: glyphs)
        }
    }

    /// One study's counts, wrapped onto a second line on a narrow screen; returns the next free line.
    private func drawCount(_ count: StudyCount, y: Int, on grid: inout CellGrid) -> Int {
        let parts = ParticipantStatus.allCases.map { "\($0.rawValue) \(count.byStatus[$0] ?? 0)" } + ["randomized \(count.randomized)"]
        var y = y
        var x = grid.put("\(count.study) (\(count.byStatus.values.reduce(0, +)))", x: 1, y: y, style: .heading) + 3
        for (index, part) in parts.enumerated() {
            var text = index == 0 ? part : "\(glyphs.dot) \(part)"
            if x + DisplayWidth.of(text) >= grid.width, index > 0 {
                y += 1
                x = 3
                text = part
            }
            x += grid.put(text, x: x, y: y) + 1
        }
        return y + 1
    }
}
