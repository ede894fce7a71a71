import CohortViewModels

/// A question box over the screen: title, fields with the focused one marked, and the inline error.
struct PromptOverlay {
    let glyphs: Glyphs

    func draw(_ prompt: Prompt, width: Int, height: Int, on grid: inout CellGrid) {
        let boxWidth = min(width - 2, 76)
        // The question and the refusal are read whole: each wraps onto up to three lines.
        func wrapped(_ text: String) -> [String] {
            let lines = DisplayWidth.wrap(text, to: boxWidth - 2)
            return lines.count <= 3 ? lines : Array(lines.prefix(2)) + [DisplayWidth.truncate(lines.dropFirst(2).joined(separator: " "), to: boxWidth - 2, ellipsis: glyphs.ellipsis)]
        }
        let title = wrapped(prompt.title), error = prompt.error.map(wrapped) ?? []
        // What the focused category field takes, on the line under it.
        let labelWidth = (prompt.fields.map { DisplayWidth.of($0.label) }.max() ?? 0) + 2
        let choices = (prompt.fields.indices.contains(prompt.focus) ? prompt.fields[prompt.focus].choicesLine(dot: glyphs.dot) : nil)
            .map { DisplayWidth.wrap($0, to: boxWidth - labelWidth - 2) } ?? []
        let rows = title.count + 2 + prompt.fields.count + choices.count + (error.isEmpty ? 0 : error.count + 1)
        let left = (width - boxWidth) / 2
        let top = max(1, (height - rows) / 2)
        for y in top..<(top + rows) { grid.fill(y: y, from: left, to: left + boxWidth, style: Style(.normal, reverse: true)) }
        let box = Style(.normal, reverse: true)
        for (index, line) in title.enumerated() {
            grid.put(" " + line, x: left, y: top + index, style: Style(.normal, bold: true, reverse: true))
        }
        let fieldsTop = top + title.count + 1
        for (index, field) in prompt.fields.enumerated() {
            let y = fieldsTop + index + (index > prompt.focus ? choices.count : 0)
            grid.put(" " + field.label + ":", x: left, y: y, style: box)
            let focused = index == prompt.focus
            let room = boxWidth - labelWidth - 3
            // A passphrase is never drawn: one asterisk a character typed.
            let text = field.isSecret ? String(repeating: "*", count: field.text.count) : field.text
            let shown = DisplayWidth.of(text) >= room ? String(text.suffix(max(1, room - 2))) : text
            let used = grid.put(shown + (focused ? "_" : ""), x: left + labelWidth + 1, y: y, style: focused ? Style(.accent, bold: true) : .plain)
            if !field.hint.isEmpty && used + DisplayWidth.of(field.hint) + 2 < room {
                grid.put(field.hint, x: left + labelWidth + 3 + used, y: y, style: Style(.muted, reverse: true))
            }
            for (offset, line) in (index == prompt.focus ? choices : []).enumerated() {
                grid.put(line, x: left + labelWidth + 1, y: y + 1 + offset, style: Style(.muted, reverse: true))
            }
        }
        let errorTop = fieldsTop + prompt.fields.count + choices.count + 1
        for (index, line) in error.enumerated() {
            grid.put(" " + line, x: left, y: errorTop + index, style: Style(.danger, bold: true, reverse: true))
        }
    }
}

/// The `?` screen, generated from the key table: this context's keys, then the review's.
struct HelpOverlay {
    let keys: KeyTable

    func draw(_ context: KeyContext, width: Int, height: Int, on grid: inout CellGrid) {
        for y in 0..<(height - 1) { grid.fill(y: y, style: .plain) }
        grid.fill(y: 0, style: .title)
        let labels = keys.bindings(in: .help).filter { $0.intent == .back }.flatMap(\.keys).map(\.label)
        let closers = labels.count < 2 ? labels.joined() : labels.dropLast().joined(separator: ", ") + " or " + labels[labels.count - 1]
        grid.put(" Keys \(context == .review ? "" : "— \(context.title)")  (\(closers) closes)", x: 0, y: 0, style: .title)
        var y = 2, x = 0
        var contexts = [context]
        if context != .review { contexts.append(.review) }
        // A list longer than the screen goes on in a second column where the screen is wide enough.
        let column = width >= 80 ? width / 2 : width
        func room() -> Bool {
            if y < height - 2 { return true }
            guard x == 0, column < width else { return false }
            (x, y) = (column, 2)
            return true
        }
        for shown in contexts {
            guard room() else { break }
            grid.put(shown.title, x: x + 1, y: y, style: .heading)
            y += 1
            for binding in keys.bindings(in: shown) {
                guard room() else { break }
                grid.put(KeyTable.label(binding.keys), x: x + 3, y: y, style: Style(.accent, bold: true), limit: 16)
                grid.put(binding.help, x: x + 20, y: y, limit: (x == 0 ? column : width) - x - 21)
                y += 1
            }
            y += 1
        }
    }
}
