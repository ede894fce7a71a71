import CohortDomain
import CohortViewModels

/// The adverse-event, medication or measures form: one field a line, each field's problem (or flag, or
/// hint) beside it, the refusal of the rules across fields below.
struct RecordFormScreen {
    let glyphs: Glyphs

    func draw(_ form: RecordForm, state: AppState, in area: Area, on grid: inout CellGrid) {
        drawTitleBar(form.title, right: formKeys(.record, state.keys, dot: glyphs.dot), y: area.top, on: &grid, glyphs: glyphs)
        let problems = form.problems(zone: state.zone)
        var y = area.top + 2
        // On a short screen the fields scroll so the one being typed into is always shown, with the line
        // under it naming what a category field takes.
        let choices = (form.fields.indices.contains(form.focus) ? form.fields[form.focus].choicesLine(dot: glyphs.dot) : nil)
            .map { DisplayWidth.wrap($0, to: grid.width - 24) } ?? []
        let rows = max(1, area.bottom - y - 2 - choices.count)
        let first = max(0, min(form.focus - rows + 1, form.fields.count - rows))
        for (index, field) in form.fields.enumerated().dropFirst(first) where y < area.bottom {
            let focused = index == form.focus
            grid.put(DisplayWidth.pad(field.label, to: 19), x: 2, y: y, style: focused ? Style(.accent, bold: true) : .plain)
            let used = grid.put(field.text + (focused ? "_" : ""), x: 22, y: y, style: focused ? Style(.normal, bold: true) : .plain, limit: 30)
            let room = grid.width - 25 - used
            if let problem = problems[index], form.touched.contains(index) || (focused && !field.text.isEmpty) {
                grid.put(DisplayWidth.truncate(problem, to: room, ellipsis: glyphs.ellipsis), x: 24 + used, y: y, style: Style(.danger))
            } else if let note = state.measureNote(form, field: index) {
                // The value's flag as typed.
                let quiet = !note.refused && !note.outOfRange && !note.alert
                grid.put(DisplayWidth.truncate(note.text, to: room, ellipsis: glyphs.ellipsis), x: 24 + used, y: y,
                         style: quiet ? Style(.good) : Style(.danger, bold: note.alert || note.refused))
            } else if focused, !field.hint.isEmpty {
                grid.put(DisplayWidth.truncate(field.hint, to: room, ellipsis: glyphs.ellipsis), x: 24 + used, y: y, style: Style(.muted))
            }
            y += 1
            for line in focused ? choices : [] where y < area.bottom {
                grid.put(line, x: 22, y: y, style: Style(.muted))
                y += 1
            }
        }
        if let error = form.error, y + 1 < area.bottom {
            // The refusal names the rule; it may take two lines.
            for (offset, line) in DisplayWidth.wrap(error, to: grid.width - 4).prefix(max(1, area.bottom - y - 1)).enumerated() {
                grid.put(line, x: 2, y: y + 1 + offset, style: Style(.danger, bold: true))
            }
        }
    }
}
