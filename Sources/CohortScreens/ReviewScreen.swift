import CohortDomain
import CohortReports
import CohortViewModels

/// The home screen: today's visits, the overdue backlog and windows closing, with the day's header.
struct ReviewScreen {
    let glyphs: Glyphs

    typealias Column = ListColumn<ReviewRow>

    static let columns: [Column] = [
        // Room for a 4-digit site's IDs (1234-0001); the study day stays at 80 columns, initials go first.
        Column(title: "SUBJECT", width: 9, keep: 9) { $0.subject },
        Column(title: "INIT", width: 4, keep: 2) { $0.initials },
        Column(title: "VISIT", width: 16, keep: 8) { $0.visit },
        Column(title: "DAY", width: 4, keep: 3) { $0.studyDay },
        Column(title: "WINDOW", width: 12, keep: 5) { $0.window },
        Column(title: "STATE", width: 9, keep: 7) { $0.state.rawValue },
        Column(title: "FORMS", width: 6, keep: 6) { $0.forms },
        Column(title: "PRIMARY", width: 14, keep: 4) { $0.primary },
    ]

    /// The columns that fit in `width`, in display order.
    static func fitting(_ width: Int) -> [Column] { Column.fitting(columns, width: width) }

    /// When the store last synced with the other machines: the time today, else the day and time.
    func syncNote(_ state: AppState) -> String? {
        guard let at = state.lastSync?.shown(in: state.zone) else { return nil }
        return "synced " + (at.date == state.now.date ? at.timeOfDay : "\(at.date) \(at.timeOfDay)")
    }

    func draw(_ state: AppState, data: Snapshot, in area: Area, on grid: inout CellGrid) {
        let dayNote = state.day == state.today ? "today" : "\(state.day.days(since: state.today) > 0 ? "+" : "")\(state.day.days(since: state.today)) days"
        drawTitleBar("Cohort \(glyphs.dot) \(data.site) \(glyphs.dot) \(weekday(state.day)) \(state.day) (\(dayNote))",
                     right: [state.filter.isEmpty ? nil : "filter: \(state.filter)", syncNote(state)].compactMap { $0 }.joined(separator: " \(glyphs.dot) "),
                     y: area.top, on: &grid, glyphs: glyphs)
        var y = area.top + 1
        if let reading = data.reading {
            // A store read without its cache fills in a part at a time: until the last file is read the lists
            // are not complete, and the screen says so on every frame (docs/RULES.md, "Opening a store").
            grid.fill(y: y, style: Style(.warning, bold: true))
            grid.put(DisplayWidth.truncate(" \(glyphs.warning) READING \(reading.read) of \(reading.total) participants \(glyphs.dot) the lists are not complete yet",
                                           to: grid.width, ellipsis: glyphs.ellipsis), x: 0, y: y, style: Style(.warning, bold: true))
            y += 1
        }
        let urgent = state.urgentFlags
        if let first = urgent.first {
            let more = urgent.count > 1 ? " (+\(urgent.count - 1) more)" : ""
            grid.fill(y: y, style: Style(.urgent, bold: true, reverse: true))
            grid.put(DisplayWidth.truncate(" \(glyphs.warning) URGENT \(first.flag): \(first.subject) \(first.visit) not yet acknowledged\(more) \(glyphs.dot) \(state.keys.label(for: .showSummary, in: .review)) summary", to: grid.width, ellipsis: glyphs.ellipsis),
                     x: 0, y: y, style: Style(.urgent, bold: true, reverse: true))
            y += 1
        }
        y = drawSafetyAlerts(data.table.safetyAlerts, now: state.now, zone: state.zone, keys: state.keys, y: y, on: &grid)
        if !data.unreadable.isEmpty {
            // Listed until fixed: a participant whose file cannot be read must not vanish from the day.
            let named = data.unreadable.prefix(8).joined(separator: ", ") + (data.unreadable.count > 8 ? " +\(data.unreadable.count - 8)" : "")
            grid.fill(y: y, style: Style(.danger, bold: true))
            grid.put(DisplayWidth.truncate(" \(glyphs.warning) UNREADABLE, not in the lists: \(named) \(glyphs.dot) cohort verify says why",
                                           to: grid.width, ellipsis: glyphs.ellipsis), x: 0, y: y, style: Style(.danger, bold: true))
            y += 1
        }
        let columns = Self.fitting(grid.width)
        var x = 1
        for column in columns {
            grid.put(column.title, x: x, y: y, style: Style(.muted, bold: true), limit: column.width)
            x += column.width + 1
        }
        y += 1

        // Lines are worked out by position, never listed: a day with thousands of rows costs what a page shows.
        let lines = ReviewLines(sections: [("Today", state.review.today), ("Overdue", state.review.overdue), ("Window closing", state.review.closing)])
        let overflows = lines.count > area.bottom - y
        let visible = area.bottom - y - (overflows ? 1 : 0)
        let selectedLine = lines.lineIndex(ofRow: state.selection)
        let offset = max(0, min(selectedLine - visible + 2, lines.count - visible))
        for lineIndex in offset..<min(lines.count, offset + max(0, visible)) {
            switch lines.line(at: lineIndex) {
            case .header(let title, let count):
                grid.put("\(title) (\(count))", x: 0, y: y, style: .heading)
            case .none:
                grid.put("  none", x: 0, y: y, style: Style(.muted))
            case .row(let rowIndex, let entry):
                let row = ReviewRow(entry: entry, on: state.day, context: data.context)
                let selected = rowIndex == state.selection
                if selected { grid.fill(y: y, style: .selected) }
                var column = 1
                for spec in columns {
                    var style = selected ? Style.selected : .plain
                    if spec.title == "STATE" { style.tone = tone(of: row.state); style.bold = row.state.isProblem }
                    let isLast = spec.title == columns.last?.title
                    var text = spec.title == "PRIMARY" && row.isMarked ? "\(glyphs.warning) " + spec.value(row) : spec.value(row)
                    // A visit planned outside its window says so in the last column, whatever columns fit, first.
                    if isLast, let plan = row.plan { text = plan.description + " \(glyphs.dot) " + text }
                    if spec.title == "PRIMARY" && row.isMarked { style.tone = .danger; style.bold = true }
                    let room = isLast ? grid.width - column : spec.width
                    grid.put(DisplayWidth.truncate(text, to: room, ellipsis: glyphs.ellipsis), x: column, y: y, style: style, limit: room)
                    column += spec.width + 1
                }
            }
            y += 1
        }
        if overflows {
            drawScrollHint(offset: offset, visible: visible, total: lines.count, noun: "line", y: area.bottom - 1, on: &grid, glyphs: glyphs)
        }
    }
}

extension ReviewScreen {
    /// The most pressing safety alerts, one line each (reports overdue, then due soonest, then prohibited
    /// medications), up to a quarter of the screen; returns the next free line. The list is kept with the table, so this
    /// costs a few lines of text per frame, not a pass over the site.
    func drawSafetyAlerts(_ alerts: [SafetyAlert], now: Moment, zone: TimeZone, keys: KeyTable, y: Int, on grid: inout CellGrid) -> Int {
        // Sync conflicts first, on one line whatever their number (docs/RULES.md, "Merging and conflicts"):
        // the table keeps them ahead of the rest, so a frame looks at what it shows, not at every alert.
        let room = max(3, grid.height / 4)
        let conflictCount = alerts.prefix { $0.kind == .syncConflict }.count
        let conflicts = alerts.prefix(min(3, conflictCount)), others = alerts[conflictCount...], otherCount = others.count
        var y = y
        if conflictCount > 0 {
            let which = conflicts.map { "\($0.subject) \($0.record)" }.joined(separator: ", ") + (conflictCount > 3 ? ", \(glyphs.ellipsis)" : "")
            let text = " \(glyphs.warning) \(Text.count(conflictCount, "sync conflict")) (\(which)) \(glyphs.dot) \(keys.label(for: .resolveConflict, in: .review)) opens the first to resolve \(glyphs.dot) cohort conflicts"
            grid.fill(y: y, style: Style(.urgent, bold: true))
            grid.put(DisplayWidth.truncate(text, to: grid.width, ellipsis: glyphs.ellipsis), x: 0, y: y, style: Style(.urgent, bold: true))
            y += 1
        }
        guard otherCount > 0 else { return y }
        // As many as a quarter of the screen holds (at least three); the table keeps them most pressing first.
        let shown = otherCount > room ? room - 1 : otherCount
        for alert in others.prefix(shown) {
            let text: String, style: Style
            if let due = alert.due {
                text = " \(glyphs.warning) REPORT \(alert.subject) \(alert.record) \(alert.text) \(ReportClock.words(due: due, at: now, zone: zone)) \(glyphs.dot) \(keys.label(for: .markReportSent, in: .review)) sent"
                style = now <= due ? Style(.danger, bold: true) : Style(.urgent, bold: true, reverse: true)
            } else if alert.kind == .measureAlert {
                text = " \(glyphs.warning) ALERT \(alert.subject) \(alert.record) \(alert.text) \(glyphs.dot) assess cs/ncs"
                style = Style(.danger, bold: true)
            } else {
                text = " \(glyphs.warning) PROHIBITED MEDICATION \(alert.subject) \(alert.record) \(alert.text) still taken \(glyphs.dot) tell the PI"
                style = Style(.danger, bold: true)
            }
            grid.fill(y: y, style: style)
            grid.put(DisplayWidth.truncate(text, to: grid.width, ellipsis: glyphs.ellipsis), x: 0, y: y, style: style)
            y += 1
        }
        if otherCount > shown {
            grid.put(" +\(otherCount - shown) more safety alerts: \(keys.label(for: .showSummary, in: .review)) summary, \(keys.label(for: .showRoster, in: .review)) roster", x: 0, y: y, style: Style(.danger))
            y += 1
        }
        return y
    }
}

/// The review's lines — per section a heading, then its rows or "none" — found by position.
struct ReviewLines {
    /// One line of the list.
    enum Line { case header(String, Int), row(Int, ReviewEntry), none }

    let sections: [(title: String, entries: ReviewList)]

    /// Every line, headings included.
    var count: Int { sections.reduce(0) { $0 + 1 + max($1.entries.count, 1) } }

    /// The line at `index` (0 ..< count).
    func line(at index: Int) -> Line {
        var index = index, rowsBefore = 0
        for section in sections {
            if index == 0 { return .header(section.title, section.entries.count) }
            index -= 1
            if section.entries.isEmpty {
                if index == 0 { return .none }
                index -= 1
            } else {
                if index < section.entries.count { return .row(rowsBefore + index, section.entries[index]) }
                index -= section.entries.count
                rowsBefore += section.entries.count
            }
        }
        return .none
    }

    /// The line showing row `row` (rows count across sections, headings not included).
    func lineIndex(ofRow row: Int) -> Int {
        var line = 0, row = row
        for section in sections {
            line += 1
            if row < section.entries.count { return line + row }
            row -= section.entries.count
            line += max(section.entries.count, 1)
        }
        return 0
    }
}

import Foundation
