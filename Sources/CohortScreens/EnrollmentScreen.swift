import CohortDomain
import CohortViewModels

/// The enrollment form, and after saving, the generated schedule.
struct EnrollmentScreen {
    let glyphs: Glyphs

    func draw(_ form: EnrollmentForm, state: AppState, data: Snapshot, in area: Area, on grid: inout CellGrid) {
        if let participant = form.enrolled {
            drawSchedule(participant, data: data, in: area, on: &grid)
            return
        }
        drawTitleBar("Enroll a participant", right: formKeys(.enrollment, state.keys, dot: glyphs.dot), y: area.top, on: &grid, glyphs: glyphs)
        let problems = state.enrollmentProblems(form)
        var y = area.top + 2
        for (field, label) in EnrollmentForm.labels where y < area.bottom {
            let focused = field == form.focus
            grid.put(DisplayWidth.pad(label, to: 18), x: 2, y: y, style: focused ? Style(.accent, bold: true) : .plain)
            let value = form.values[field] ?? ""
            let used = grid.put(value + (focused ? "_" : ""), x: 21, y: y, style: focused ? Style(.normal, bold: true) : .plain, limit: 24)
            let showError = form.touched.contains(field) || (focused && !value.isEmpty)
            if let problem = problems[field], showError {
                grid.put(DisplayWidth.truncate(problem, to: grid.width - 24 - used, ellipsis: glyphs.ellipsis), x: 23 + used, y: y, style: Style(.danger))
            } else if focused, let hint = hint(field, data: data, form: form) {
                grid.put(DisplayWidth.truncate(hint, to: grid.width - 24 - used, ellipsis: glyphs.ellipsis), x: 23 + used, y: y, style: Style(.muted))
            }
            y += 1
        }
        if let error = form.error, y + 1 < area.bottom {
            grid.put(DisplayWidth.truncate(error, to: grid.width - 4, ellipsis: glyphs.ellipsis), x: 2, y: y + 1, style: Style(.danger, bold: true))
        }
    }

    private func hint(_ field: EnrollmentRequest.Field, data: Snapshot, form: EnrollmentForm) -> String? {
        switch field {
        case .study: return data.context.sortedProtocols.map(\.id).joined(separator: ", ")
        case .arm: return data.context.protocols[form.values[.study] ?? ""]?.arms.joined(separator: ", ")
        case .consentDate, .baselineDate: return "YYYY-MM-DD"
        case .sex: return "F, M or X"
        default: return nil
        }
    }

    private func drawSchedule(_ participant: Participant, data: Snapshot, in area: Area, on grid: inout CellGrid) {
        drawTitleBar("Enrolled \(participant.subject) \(participant.initials) \(glyphs.dot) \(participant.study) \(glyphs.dot) \(participant.allocation)",
                     right: "", y: area.top, on: &grid, glyphs: glyphs)
        guard let studyProtocol = data.context.protocols[participant.study] else { return }
        var y = area.top + 2
        grid.put("VISIT  NAME                       DAY   TARGET      WINDOW", x: 1, y: y, style: Style(.muted, bold: true))
        y += 1
        for visit in participant.plannedVisits(studyProtocol) where y < area.bottom {
            let day = visit.definition.day.map { "D\($0)" } ?? "\(visit.definition.anchor ?? "")+\(visit.definition.offset ?? 0)"
            let line = DisplayWidth.pad(visit.code, to: 6) + " " + DisplayWidth.pad(visit.definition.name, to: 26) + " "
                + DisplayWidth.pad(day, to: 5) + " " + visit.target.description + "  " + visit.window.shortDescription
            grid.put(line, x: 1, y: y)
            y += 1
        }
    }
}
