import CohortViewModels

/// The idle lock's frame (docs/RULES.md, "The idle lock"): nothing of the data, only who must type their
/// passphrase, one dot per character typed, and the status line.
struct LockScreen {
    /// Symbols (Unicode or ASCII).
    let glyphs: Glyphs

    /// Draws the lock of `lock` over an empty grid.
    func draw(_ lock: IdleLock, width: Int, height: Int, on grid: inout CellGrid) {
        let dot = glyphs == .ascii ? "*" : "•"
        let lines = ["Cohort is locked: nothing is shown until the passphrase is typed again.", "",
                     "Passphrase for \(lock.user): " + String(repeating: dot, count: min(lock.typed.count, 40)), "",
                     "Enter unlocks; Backspace erases."]
        for (index, line) in lines.enumerated() {
            grid.put(DisplayWidth.truncate(line, to: width - 2, ellipsis: glyphs.ellipsis), x: 1, y: height / 2 - 2 + index,
                     style: index == 0 ? Style(.warning, bold: true) : .plain)
        }
    }
}
