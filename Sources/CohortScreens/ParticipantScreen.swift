import CohortDomain
import CohortReports
import CohortViewModels

/// One participant: details, urgent flags, the visit timeline, each scale across visits with a
/// sparkline and change from baseline, and the audit trail.
struct ParticipantScreen {
    let glyphs: Glyphs

    func draw(_ page: ParticipantPage, state: AppState, data: Snapshot, in area: Area, on grid: inout CellGrid) {
        guard let participant = data.participants[page.subject], let studyProtocol = data.context.protocols[participant.study] else {
            drawTitleBar("\(page.subject) \(glyphs.dot) reading\(glyphs.ellipsis)", y: area.top, on: &grid, glyphs: glyphs)
            return
        }
        drawTitleBar("\(participant.subject) \(participant.initials) \(glyphs.dot) born \(participant.birthYear) \(glyphs.dot) \(participant.sex.rawValue) \(glyphs.dot) \(participant.study) \(glyphs.dot) \(participant.allocation)",
                     right: participant.status.rawValue, y: area.top, on: &grid, glyphs: glyphs)
        var y = area.top + 1
        var details = "Consent \(participant.consentDate)  Planned Day 1 \(participant.baselineDate)"
        let origin = participant.origin(studyProtocol)
        if origin != participant.baselineDate { details += "  Day 1 \(origin)" }
        if let exit = participant.exit { details += "  Left \(exit.date)" + (exit.category.map { " (\($0.rawValue))" } ?? "") + ": \(exit.reason)" }
        grid.put(details, x: 1, y: y, style: Style(.muted))
        y += 1
        for flag in participant.unacknowledgedUrgentFlags(context: data.context) where y < area.bottom {
            grid.fill(y: y, style: Style(.urgent, bold: true, reverse: true))
            grid.put(" \(glyphs.warning) URGENT \(flag.flag) at \(flag.visit) (\(flag.date)) \(glyphs.dot) a acknowledges", x: 0, y: y, style: Style(.urgent, bold: true, reverse: true))
            y += 1
        }
        y += 1
        // Timeline.
        let visits = participant.plannedVisits(studyProtocol)
        let wide = grid.width >= 90
        grid.put(wide ? "VISIT  NAME                 SCHEDULED   WINDOW        STATUS     STATE      SCALES DEVIATION" : "VISIT  SCHEDULED   STATE      SCALES DEVIATION",
                 x: 1, y: y, style: Style(.muted, bold: true))
        y += 1
        for (index, visit) in visits.enumerated() where y < area.bottom {
            let selected = index == page.selection
            if selected { grid.fill(y: y, style: .selected) }
            let base = selected ? Style.selected : Style.plain
            // Forms entered of those required, as on the review: scales, then measures.
            let entered = visit.definition.scales.filter { participant.administration(visit: visit.code, scale: $0).map { !$0.isNotDone } ?? false }.count
                + visit.definition.requiredMeasures.filter { participant.measurement(visit: visit.code, test: $0)?.value != nil }.count
            let required = visit.definition.scales.count + visit.definition.requiredMeasures.count
            let state = visit.windowState(on: state.day)
            var stateText = state.rawValue
            if let days = visit.deviationDays { stateText += days < 0 ? " \(-days)d" : " +\(days)d" }
            var x = 1
            x += grid.put(DisplayWidth.pad(visit.code, to: 6), x: x, y: y, style: base) + 1
            if wide { x += grid.put(DisplayWidth.pad(visit.definition.name, to: 20), x: x, y: y, style: base) + 1 }
            x += grid.put(visit.scheduled.description, x: x, y: y, style: base) + 2
            if wide { x += grid.put(DisplayWidth.pad(visit.window.shortDescription, to: 13), x: x, y: y, style: base) + 1 }
            if wide { x += grid.put(DisplayWidth.pad(visit.status.rawValue, to: 10), x: x, y: y, style: base) + 1 }
            var stateStyle = base
            stateStyle.tone = tone(of: state)
            x += grid.put(DisplayWidth.pad(stateText, to: 10), x: x, y: y, style: stateStyle) + 1
            x += grid.put(DisplayWidth.pad("\(entered)/\(required)", to: 6), x: x, y: y, style: base) + 1
            // The kind shows in the state column; its class here (n classifies it).
            if participant.deviation(at: visit.code, studyProtocol) != nil {
                let classified = participant.deviationClass(at: visit.code)
                var style = base
                style.tone = classified == nil ? .warning : .muted
                grid.put(DisplayWidth.truncate(classified?.classification.rawValue ?? DeviationClass.unclassified.rawValue,
                                               to: max(0, grid.width - x - 1), ellipsis: glyphs.ellipsis), x: x, y: y, style: style)
            }
            y += 1
        }
        y += 1
        // Scales across visits.
        let scales = studyProtocol.visits.flatMap(\.scales).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for code in scales where y < area.bottom {
            guard let scale = data.context.scales[code], scale.total || scale.items.count == 1 else { continue }
            let points: [(String, Int)] = visits.compactMap { visit in
                guard let administration = participant.administration(visit: visit.code, scale: code) else { return nil }
                let value = scale.total ? participant.result(of: administration, context: data.context)?.total : administration.items.first ?? nil
                return value.map { (visit.code, $0) }
            }
            guard !points.isEmpty else { continue }
            let range = scale.totalRange ?? (scale.items[0].min...scale.items[0].max)
            let spark = points.map { _, value in
                let step = Double(value - range.lowerBound) / Double(max(1, range.upperBound - range.lowerBound))
                return glyphs.bars[min(glyphs.bars.count - 1, max(0, Int(step * Double(glyphs.bars.count - 1) + 0.5)))]
            }.joined()
            var line = "\(DisplayWidth.pad(code, to: 7)) \(spark)  " + points.map { "\($0.0) \($0.1)" }.joined(separator: "  ")
            if scale.total, let last = participant.administrations.filter({ $0.scale == code })
                .max(by: { (studyProtocol.order(of: $0.visit) ?? 0) < (studyProtocol.order(of: $1.visit) ?? 0) }),
               let result = participant.result(of: last, context: data.context), let change = result.change {
                line += "  \(glyphs.dot) change \(ScoreText.signed(change))"
                if let percent = result.improvementPercent { line += " (\(ScoreText.percentText(percent)))" }
                if result.isResponder == true { line += " responder" }
            }
            grid.put(DisplayWidth.truncate(line, to: grid.width - 2, ellipsis: glyphs.ellipsis), x: 1, y: y)
            y += 1
        }
        y = drawMeasures(participant, studyProtocol: studyProtocol, visits: visits.map(\.code), data: data, y: y, bottom: area.bottom, on: &grid)
        y = drawSafety(participant, studyProtocol: studyProtocol, state: state, y: y, bottom: area.bottom, on: &grid)
        // Audit trail, newest last, as much as fits.
        guard y + 2 < area.bottom else { return }
        y += 1
        grid.put("Audit trail", x: 0, y: y, style: .heading)
        y += 1
        let lines = page.audit ?? []
        for line in lines.suffix(area.bottom - y) {
            let text = "\(line.time.prefix(16).replacingOccurrences(of: "T", with: " ")) \(line.user): \(line.text)"
            grid.put(DisplayWidth.truncate(text, to: grid.width - 2, ellipsis: glyphs.ellipsis), x: 1, y: y, style: Style(.muted))
            y += 1
        }
    }

    /// Adverse events (open ones first, each with its report clock) and medications (prohibited ones in red);
    /// returns the next free line.
    private func drawSafety(_ participant: Participant, studyProtocol: StudyProtocol, state: AppState, y: Int, bottom: Int,
                            on grid: inout CellGrid) -> Int {
        var y = y
        let rules = SafetyRules(studyProtocol)
        if !participant.adverseEvents.isEmpty, y + 1 < bottom {
            y += 1
            grid.put("Adverse events (A adds, E changes, T report sent)", x: 0, y: y, style: .heading)
            y += 1
            let events = participant.adverseEvents.filter { $0.end == nil } + participant.adverseEvents.filter { $0.end != nil }
            for event in events where y < bottom {
                let line = AdverseEventLine(subject: participant.subject, event: event, rules: rules, now: state.now, zone: state.zone)
                let seriousness = event.isSerious ? "SERIOUS " + event.criteria.map(\.rawValue).joined(separator: ",") : (line.specialInterest ? "special interest" : "")
                let parts = [event.id, event.term, "\(event.onset)–\(event.end?.description ?? "")", event.severity.rawValue + (event.grade.map { " g\($0)" } ?? ""),
                             seriousness, "related \(event.related?.rawValue ?? "?")", event.outcome.rawValue,
                             line.report == .notRequired ? "" : line.reportText(at: state.now), event.followUpPending ? "follow-up pending" : ""]
                let pressing = line.report == .due || line.report == .overdue || event.followUpPending
                grid.put(DisplayWidth.truncate(parts.filter { !$0.isEmpty }.joined(separator: "  "), to: grid.width - 2, ellipsis: glyphs.ellipsis), x: 1, y: y,
                         style: pressing ? Style(.danger, bold: line.report == .overdue) : (event.end == nil ? .plain : Style(.muted)))
                y += 1
            }
        }
        if !participant.medications.isEmpty, y + 1 < bottom {
            y += 1
            grid.put("Medications (M adds, E changes)", x: 0, y: y, style: .heading)
            y += 1
            let dayOne = participant.origin(studyProtocol)
            for medication in participant.medications where y < bottom {
                let line = MedicationLine(subject: participant.subject, medication: medication, dayOne: dayOne, rules: rules)
                let parts = [medication.id, medication.name, [medication.dose, medication.route, medication.frequency].compactMap { $0 }.joined(separator: " "),
                             "\(medication.start)–\(medication.end?.description ?? "")", line.category.rawValue,
                             medication.rescue ? "rescue" : "", line.prohibited ? "PROHIBITED" : ""]
                grid.put(DisplayWidth.truncate(parts.filter { !$0.isEmpty }.joined(separator: "  "), to: grid.width - 2, ellipsis: glyphs.ellipsis), x: 1, y: y,
                         style: line.prohibited ? Style(.danger, bold: true) : (line.category == .prior ? Style(.muted) : .plain))
                y += 1
            }
        }
        return y
    }

    /// Each measure across visits: a sparkline within the normal range band, the values with their flags
    /// (`H`, `L`, `!` an alert), and what awaits the investigator's assessment in red; returns the next line.
    private func drawMeasures(_ participant: Participant, studyProtocol: StudyProtocol, visits: [String], data: Snapshot, y: Int, bottom: Int,
                              on grid: inout CellGrid) -> Int {
        let readings = participant.measureReadings(studyProtocol, catalog: data.context.scales)
        guard !readings.isEmpty, y + 1 < bottom else { return y }
        var y = y + 1
        grid.put("Measures (V enters, C assesses an out-of-range value)", x: 0, y: y, style: .heading)
        y += 1
        let tests = readings.map(\.measurement.test).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for test in tests where y < bottom {
            let series = readings.filter { $0.measurement.test == test }
            let values = series.compactMap(\.measurement.value)
            let range = series.last?.range
            // The band: the normal range widened to the values seen.
            let low = ([range?.low].compactMap { $0 } + values).min()?.value ?? 0
            let high = ([range?.high].compactMap { $0 } + values).max()?.value ?? 1
            let spark = series.map { reading -> String in
                guard let value = reading.measurement.value?.value else { return " " }
                let step = high > low ? NSDecimalNumber(decimal: (value - low) / (high - low)).doubleValue : 0.5
                return glyphs.bars[min(glyphs.bars.count - 1, max(0, Int(step * Double(glyphs.bars.count - 1) + 0.5)))]
            }.joined()
            let points = series.map { reading -> String in
                let mark = (reading.flag == .high ? "H" : reading.flag == .low ? "L" : "") + (reading.alert ? "!" : "")
                return "\(reading.measurement.visit) \(reading.measurement.value?.description ?? "nd")\(mark)"
            }
            let awaiting = series.filter(\.awaitsAssessment).map(\.measurement.visit)
            var line = "\(DisplayWidth.pad(test, to: 7)) \(spark)  " + points.joined(separator: "  ") + "  \(glyphs.dot) normal \(range?.description ?? "none")"
            if !awaiting.isEmpty { line += "  \(glyphs.warning) assess " + awaiting.joined(separator: ", ") }
            grid.put(DisplayWidth.truncate(line, to: grid.width - 2, ellipsis: glyphs.ellipsis), x: 1, y: y,
                     style: awaiting.isEmpty ? .plain : Style(.danger, bold: true))
            y += 1
        }
        return y
    }
}

import Foundation
