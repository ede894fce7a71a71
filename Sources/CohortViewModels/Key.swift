/// A key press, decoded from the terminal by the front end.
public enum Key: Hashable, Sendable {
    /// A printable character.
    case character(Character)
    /// Ctrl with a letter (lowercase), e.g. `.control("c")`.
    case control(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab, backTab, delete
    /// The terminal was resized.
    case resize
    /// No key within a second: the run loop looks whether another copy changed the store.
    case idle
    /// Text pasted into the terminal (bracketed paste): it goes into the focused text field, never runs
    /// as key presses.
    case paste(String)
    /// A paste over `pasteLimit` bytes, read to its end and dropped whole (its size in bytes).
    case pasteDiscarded(bytes: Int)
    /// A paste whose text held the paste-end marker, discarded whole with what followed the marker in the
    /// same burst (its size in bytes), so that none of it runs as keys.
    case pasteHeldEndMarker(bytes: Int)

    /// The most a paste may hold, in bytes of UTF-8; the terminal keeps no more of one in memory. A field
    /// takes far less (`FreeText.maximumBytes`): this bound is what the terminal reads as one unit.
    public static let pasteLimit = 64 * 1024

    /// How the key is written in help and footers (`j`, `↓`, `Enter`).
    public var label: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .control(let c): return "Ctrl-" + c.uppercased()
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .delete: return "Del"
        case .resize: return "resize"
        case .paste, .pasteDiscarded, .pasteHeldEndMarker: return "paste"
        case .idle: return "idle"
        }
    }
}
