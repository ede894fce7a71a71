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
        // Every consent with its ICF version, when one was recorded or the participant re-consented.
        let consents = participant.icfVersion == nil && participant.reconsents.isEmpty ? participant.consentDate.description
            : participant.consents.map(\.description).joined(separator: ", ")
        var details = "Consent \(consents)  Planned Day 1 \(participant.baselineDate)"
        let origin = participant.origin(studyProtocol)
        if origin != participant.baselineDate { details += "  Day 1 \(origin)" }
        if let exit = participant.exit { details += "  Left \(exit.date)" + (exit.category.map { " (\($0.rawValue))" } ?? "") + ": \(exit.reason)" }
        grid.put(details, x: 1, y: y, style: Style(.muted))
        y += 1
        // A locked casebook says so at the top, and the casebook's signatures stand under it
        // (docs/RULES.md, "Signatures").
        if let lock = participant.casebookLock, y < area.bottom {
            grid.put(DisplayWidth.truncate(SignatureLines.lockWords(lock), to: grid.width - 2, ellipsis: glyphs.ellipsis), x: 1, y: y, style: Style(.warning, bold: true))
            y += 1
        }
        for line in signatureLines(.casebook, participant, prefix: "Casebook: ", x: 1) where y < area.bottom {
            grid.put(DisplayWidth.truncate(line.text, to: grid.width - line.x - 1, ellipsis: glyphs.ellipsis), x: line.x, y: y, style: line.style)
            y += 1
        }
        for flag in participant.unacknowledgedUrgentFlags(context: data.context) where y < area.bottom {
            grid.fill(y: y, style: Style(.urgent, bold: true, reverse: true))
            grid.put(" \(glyphs.warning) URGENT \(flag.flag) at \(flag.visit) (\(flag.date)) \(glyphs.dot) \(state.keys.label(for: .acknowledgeFlag, in: .participant)) acknowledges", x: 0, y: y, style: Style(.urgent, bold: true, reverse: true))
            y += 1
        }
        // Open sync conflicts, each with both values and their authors, and the key that resolves them
        // (docs/RULES.md, "Merging and conflicts").
        for conflict in participant.conflicts where y < area.bottom {
            // The key first: a long value is cut at the edge, never the way out.
            let text = " \(glyphs.warning) SYNC CONFLICT \(conflict.id) (\(state.keys.label(for: .resolveConflict, in: .participant)) resolves) "
                + ConflictsText.describe(conflict)
            grid.fill(y: y, style: Style(.urgent, bold: true))
            grid.put(DisplayWidth.truncate(text, to: grid.width, ellipsis: glyphs.ellipsis), x: 0, y: y, style: Style(.urgent, bold: true))
            y += 1
        }
        y += 1
        // Timeline, unscheduled visits among the others in date order.
        let visits = participant.visitsInDateOrder(studyProtocol)
        let wide = grid.width >= 90
        grid.put(wide ? "VISIT  NAME                 SCHEDULED   WINDOW        STATUS     STATE      FORMS  DEVIATION" : "VISIT  SCHEDULED   STATE      FORMS  DEVIATION",
                 x: 1, y: y, style: Style(.muted, bold: true))
        y += 1
        for (index, visit) in visits.enumerated() where y < area.bottom {
            let selected = index == page.selection
            if selected { grid.fill(y: y, style: .selected) }
            let base = selected ? Style.selected : Style.plain
            let (entered, required) = participant.forms(of: visit.definition)
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
            // The kind shows in the state column; its class here (n classifies it). A visit still to come
            // says what its plan says instead (waiting for Day 1, planned outside its window).
            if let plan = visit.plan, visit.status == .scheduled {
                var style = base
                style.tone = .muted
                grid.put(DisplayWidth.truncate(plan.description, to: max(0, grid.width - x - 1), ellipsis: glyphs.ellipsis), x: x, y: y, style: style)
            } else if participant.deviation(at: visit.code, studyProtocol) != nil {
                let classified = participant.deviationClass(at: visit.code)
                var style = base
                style.tone = classified == nil ? .warning : .muted
                grid.put(DisplayWidth.truncate(classified?.classification.rawValue ?? DeviationClass.unclassified.rawValue,
                                               to: max(0, grid.width - x - 1), ellipsis: glyphs.ellipsis), x: x, y: y, style: style)
            }
            y += 1
        }
        // The selected visit's note, under the timeline (none: no line).
        if let visit = visits.indices.contains(page.selection) ? visits[page.selection] : nil, let note = visit.record.note, y < area.bottom {
            grid.put(DisplayWidth.truncate("Note \(visit.code): \(note)", to: max(0, grid.width - 2), ellipsis: glyphs.ellipsis), x: 1, y: y, style: Style(.muted))
            y += 1
        }
        y += 1
        // Below the timeline, a list that scrolls (PgDn, PgUp): safety first, then measures, scales, the trail.
        let safety = SafetyLines(participant, context: data.context, now: state.now, zone: state.zone)
        var body = safetyLines(safety, participant, state: state)
        body += measureLines(safety.readings, participant)
        body += scaleLines(participant, studyProtocol: studyProtocol, visits: visits, data: data)
        body += suicidalityLines(participant, studyProtocol: studyProtocol, data: data)
        body += deviationLines(participant, studyProtocol: studyProtocol)
        body += eligibilityLines(participant, studyProtocol: studyProtocol)
        if let audit = page.audit, !audit.isEmpty {
            body.append(BodyLine(text: "", style: .plain))
            body.append(BodyLine(text: "Audit trail", style: .heading, x: 0))
            body += audit.map { line in
                BodyLine(text: "\(line.time.prefix(16).replacingOccurrences(of: "T", with: " ")) +00:00 \(line.user): \(line.text)", style: Style(.muted))
            }
        }
        let room = area.bottom - y
        guard room > 0, !body.isEmpty else { return }
        let overflows = body.count > room
        let visible = overflows ? room - 1 : room
        let offset = min(max(0, page.scroll), max(0, body.count - visible))
        for line in body[offset..<min(body.count, offset + visible)] {
            grid.put(DisplayWidth.truncate(line.text, to: grid.width - line.x - 1, ellipsis: glyphs.ellipsis), x: line.x, y: y, style: line.style)
            y += 1
        }
        if overflows {
            drawScrollHint(offset: offset, visible: visible, total: body.count, keys: "\(state.keys.label(for: .pageDown, in: .participant)) \(state.keys.label(for: .pageUp, in: .participant)) scroll", y: area.bottom - 1, on: &grid, glyphs: glyphs)
        }
    }

    /// The signatures of `scope` under the thing they sign, as `SignatureLines` words them: valid ones
    /// quiet, an invalidated one in amber with the change that invalidated it.
    private func signatureLines(_ scope: SignatureScope, _ participant: Participant, prefix: String = "", x: Int = 3) -> [BodyLine] {
        participant.signatures.filter { $0.scope == scope.description }.flatMap { signature in
            SignatureLines.lines([signature]).enumerated().map { index, text in
                BodyLine(text: (index == 0 ? prefix : String(repeating: " ", count: prefix.count)) + text,
                         style: signature.isValid ? Style(.good) : Style(.warning), x: x)
            }
        }
    }

    /// The deviations that carry a signature (valid or invalidated), each with its class and signatures;
    /// the timeline shows every deviation's class.
    private func deviationLines(_ participant: Participant, studyProtocol: StudyProtocol) -> [BodyLine] {
        let codes = participant.signatures.compactMap { signature -> String? in
            if case .deviation(let code)? = try? SignatureScope(signature.scope) { return code }
            return nil
        }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard !codes.isEmpty else { return [] }
        var lines = [BodyLine(text: "", style: .plain), BodyLine(text: "Deviations signed", style: .heading, x: 0)]
        for code in codes {
            let kind = participant.deviation(at: code, studyProtocol)?.kind.rawValue ?? "no longer a deviation"
            let classification = participant.deviationClass(at: code)?.classification.rawValue ?? DeviationClass.unclassified.rawValue
            lines.append(BodyLine(text: "\(code) \(glyphs.dot) \(kind) \(glyphs.dot) \(classification)", style: .plain))
            lines += signatureLines(.deviation(code), participant)
        }
        return lines
    }

    /// The eligibility checklist as `cohort show` prints it, with its signatures.
    private func eligibilityLines(_ participant: Participant, studyProtocol: StudyProtocol) -> [BodyLine] {
        guard let checklist = participant.eligibilityChecklist(studyProtocol) else { return [] }
        let text = EligibilityText.lines(checklist, signed: !participant.validSignatures(of: .eligibility).isEmpty, participant: participant)
        return [BodyLine(text: "", style: .plain), BodyLine(text: text[0], style: .heading, x: 0)]
            + text.dropFirst().map { BodyLine(text: String($0.dropFirst(2)), style: .plain) }
            + signatureLines(.eligibility, participant)
    }

    /// The sparkline bar for a value at `step` (0 to 1) of its band.
    private func bar(_ step: Double) -> String {
        glyphs.bars[min(glyphs.bars.count - 1, max(0, Int(step * Double(glyphs.bars.count - 1) + 0.5)))]
    }

    /// One line of the scrolling part of the view.
    struct BodyLine {
        let text: String
        let style: Style
        var x = 1
    }

    /// Scales across visits: a sparkline, the values, change from baseline.
    private func scaleLines(_ participant: Participant, studyProtocol: StudyProtocol, visits: [PlannedVisit], data: Snapshot) -> [BodyLine] {
        let scales = studyProtocol.visits.flatMap(\.scales).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let lines = scales.compactMap { code -> BodyLine? in
            guard let scale = data.context.scales[code], scale.total || scale.items.count == 1 else { return nil }
            let points: [(String, Int)] = visits.compactMap { visit in
                guard let administration = participant.administration(visit: visit.code, scale: code) else { return nil }
                let value = scale.total ? participant.result(of: administration, context: data.context)?.total : administration.items.first ?? nil
                return value.map { (visit.code, $0) }
            }
            guard !points.isEmpty else { return nil }
            let range = scale.totalRange ?? (scale.items[0].min...scale.items[0].max)
            let spark = points.map { _, value in
                let step = Double(value - range.lowerBound) / Double(max(1, range.upperBound - range.lowerBound))
                return bar(step)
            }.joined()
            var line = "\(DisplayWidth.pad(code, to: 7)) \(spark)  " + points.map { "\($0.0) \($0.1)" }.joined(separator: "  ")
            if scale.total, let last = participant.administrations.filter({ $0.scale == code })
                .max(by: { (studyProtocol.order(of: $0.visit) ?? 0) < (studyProtocol.order(of: $1.visit) ?? 0) }),
               let result = participant.result(of: last, context: data.context), let change = result.change {
                line += "  \(glyphs.dot) change \(ScoreText.signed(change))"
                if let percent = result.improvementPercent { line += " (\(ScoreText.percentText(percent)))" }
                if result.isResponder == true { line += " responder" }
            }
            return BodyLine(text: line, style: .plain)
        }
        return lines.isEmpty ? [] : [BodyLine(text: "", style: .plain), BodyLine(text: "Scales", style: .heading, x: 0)] + lines
    }

    /// Every C-SSRS administration, one row each (visit, date, the six answers, its flag), even without a
    /// total; then who acknowledged each urgent flag, on what day, and what was done.
    private func suicidalityLines(_ participant: Participant, studyProtocol: StudyProtocol, data: Snapshot) -> [BodyLine] {
        var lines: [BodyLine] = []
        let code = "CSSRS"
        let administrations = participant.administrations.filter { $0.scale == code }
            .sorted { (studyProtocol.order(of: $0.visit) ?? .max, $0.date) < (studyProtocol.order(of: $1.visit) ?? .max, $1.date) }
        if let scale = data.context.scales[code], !administrations.isEmpty {
            lines += [BodyLine(text: "", style: .plain),
                      BodyLine(text: "C-SSRS (" + scale.items.map { $0.code.lowercased() }.joined(separator: " ") + ")", style: .heading, x: 0)]
            for administration in administrations {
                let answers = administration.items.map { $0.map { $0 > 0 ? "Y" : "N" } ?? "x" }.joined(separator: " ")
                let flags = participant.result(of: administration, context: data.context)?.flags ?? []
                let urgent = flags.contains { $0.urgent }
                let text = "\(DisplayWidth.pad(administration.visit, to: 6)) \(administration.date)  \(answers)"
                    + (administration.isNotDone ? "  not done" + (administration.notDoneReason.map { ": \($0)" } ?? "") : "")
                    + (flags.isEmpty ? "" : "  " + flags.map(\.flag).joined(separator: ", "))
                lines.append(BodyLine(text: text, style: urgent ? Style(.danger, bold: true) : .plain))
            }
        }
        if !participant.acknowledgements.isEmpty {
            lines += [BodyLine(text: "", style: .plain), BodyLine(text: "Urgent flags acknowledged", style: .heading, x: 0)]
            for done in participant.acknowledgements {
                lines.append(BodyLine(text: "\(done.visit) \(done.flag) \(glyphs.dot) \(done.date) by \(done.user)"
                                      + (done.action.map { ": \($0)" } ?? ""), style: .plain))
                lines += signatureLines(.flag(visit: done.visit, flag: done.flag), participant)
            }
        }
        return lines
    }

    /// Each measure across visits: a sparkline within the normal range band, the values with their flags
    /// (`H`, `L`, `!` an alert), and what awaits the investigator's assessment in red.
    private func measureLines(_ readings: [MeasureReading], _ participant: Participant) -> [BodyLine] {
        guard !readings.isEmpty else { return [] }
        let tests = readings.map(\.measurement.test).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return [BodyLine(text: "", style: .plain), BodyLine(text: "Measures (V enters, C assesses an out-of-range value)", style: .heading, x: 0)]
            + tests.flatMap { test in
                let series = readings.filter { $0.measurement.test == test }
                let values = series.compactMap(\.measurement.value)
                let range = series.last?.range
                // The band: the normal range widened to the values seen.
                let low = ([range?.low].compactMap { $0 } + values).min()?.value ?? 0
                let high = ([range?.high].compactMap { $0 } + values).max()?.value ?? 1
                let spark = series.map { reading -> String in
                    guard let value = reading.measurement.value?.value else { return " " }
                    let step = high > low ? NSDecimalNumber(decimal: (value - low) / (high - low)).doubleValue : 0.5
                    return bar(step)
                }.joined()
                let points = series.map { reading -> String in
                    let mark = (reading.flag == .high ? "H" : reading.flag == .low ? "L" : "") + (reading.alert ? "!" : "")
                    return "\(reading.measurement.visit) \(reading.measurement.value?.description ?? "nd")\(mark)"
                }
                let awaiting = series.filter(\.awaitsAssessment).map(\.measurement.visit)
                // What awaits assessment comes first, so a narrow screen still shows it.
                let head = "\(DisplayWidth.pad(test, to: 7)) " + (awaiting.isEmpty ? "" : "\(glyphs.warning) assess \(awaiting.joined(separator: ", "))  ")
                let line = BodyLine(text: head + "\(spark)  " + points.joined(separator: "  ") + "  \(glyphs.dot) normal \(range?.description ?? "none")",
                                    style: awaiting.isEmpty ? .plain : Style(.danger, bold: true))
                // Each assessment's signatures, under its test, named by visit.
                return [line] + series.flatMap { reading in
                    signatureLines(.measure(visit: reading.measurement.visit, test: test), participant, prefix: "\(reading.measurement.visit): ")
                }
            }
    }

    /// Adverse events (open ones first, the report clock first on each line) and medications (prohibited
    /// ones in red).
    private func safetyLines(_ safety: SafetyLines, _ participant: Participant, state: AppState) -> [BodyLine] {
        var lines: [BodyLine] = []
        if !safety.events.isEmpty {
            lines += [BodyLine(text: "", style: .plain), BodyLine(text: "Adverse events (A adds, E changes, T report sent)", style: .heading, x: 0)]
            let all = safety.events
            // Reports owed first, then the other open events, then the ended ones.
            func rank(_ line: AdverseEventLine) -> Int {
                line.report == .overdue ? 0 : line.report == .due ? 1 : line.event.followUpPending ? 2 : line.event.end == nil ? 3 : 4
            }
            for line in all.enumerated().sorted(by: { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }).map(\.element) {
                let event = line.event
                let seriousness = event.isSerious ? "SERIOUS " + event.criteria.map(\.rawValue).joined(separator: ",") : (line.specialInterest ? "special interest" : "")
                let parts = [event.id, event.term, line.report == .notRequired ? "" : line.reportText,
                             event.followUpPending ? "follow-up pending" : "", seriousness, "\(event.onset)–\(event.end?.description ?? "")",
                             event.severity.rawValue + (event.grade.map { " g\($0)" } ?? ""), "related \(event.related?.rawValue ?? "?")", event.outcome.rawValue]
                let pressing = line.report == .due || line.report == .overdue || event.followUpPending
                lines.append(BodyLine(text: parts.filter { !$0.isEmpty }.joined(separator: "  "),
                                      style: pressing ? Style(.danger, bold: line.report == .overdue) : (event.end == nil ? .plain : Style(.muted))))
                lines += signatureLines(.adverseEvent(event.id), participant)
            }
        }
        if !safety.medications.isEmpty {
            lines += [BodyLine(text: "", style: .plain), BodyLine(text: "Medications (M adds, E changes)", style: .heading, x: 0)]
            let all = safety.medications
            // Prohibited ones first.
            for line in all.filter(\.prohibited) + all.filter({ !$0.prohibited }) {
                let medication = line.medication
                let parts = [medication.id, medication.name, line.prohibited ? "PROHIBITED" : "",
                             [medication.dose, medication.route, medication.frequency].compactMap { $0 }.joined(separator: " "),
                             "\(medication.start)–\(medication.end?.description ?? "")", line.category.rawValue, medication.rescue ? "rescue" : ""]
                lines.append(BodyLine(text: parts.filter { !$0.isEmpty }.joined(separator: "  "),
                                      style: line.prohibited ? Style(.danger, bold: true) : (line.category == .prior ? Style(.muted) : .plain)))
            }
        }
        return lines
    }
}

import Foundation
