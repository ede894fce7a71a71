import CohortViewModels

/// A character read from the terminal as a key: the part of key decoding that needs no ncurses
/// (function keys, whose codes ncurses defines, stay in `NCursesTerminal`).
public enum KeyDecoder {
    /// The key for a character `code` (not a function key): Enter for CR and LF (a terminal in raw mode
    /// with `nonl` sends CR), Backspace for DEL and Ctrl-H, Tab, Escape, Ctrl-A…Ctrl-Z, else the character
    /// itself; nil for a code that is no Unicode scalar.
    public static func character(_ code: UInt32) -> Key? {
        switch code {
        case 10, 13: return .enter
        case 27: return .escape
        case 127, 8: return .backspace
        case 9: return .tab
        case 1...26: return .control(Character(Unicode.Scalar(code + 96)!))
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .character(Character(scalar))
        }
    }
}
