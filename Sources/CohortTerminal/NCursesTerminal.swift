import CNCurses
import CohortScreens
import CohortViewModels
#if canImport(Glibc)
import Glibc
#endif

/// The real terminal, through ncursesw. The only code in Cohort that talks to ncurses.
@MainActor
public final class NCursesTerminal: Terminal {
    /// Why the screens cannot start; the message points to the plain commands.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether the locale can show Unicode (otherwise screens use ASCII glyphs).
    public let isUTF8: Bool
    private let colourPairs: Bool
    private var previous: CellGrid?

    /// Refuses a non-terminal or TERM=dumb, sets the locale (falling back to C.UTF-8), starts ncurses,
    /// and makes sure the terminal is restored on every exit path, signals and crashes included.
    public static func start(environment: [String: String]) throws -> NCursesTerminal {
        let plain = "Use the plain commands instead: cohort visits, cohort summary, cohort show SUBJECT (cohort --help lists them)."
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw Unavailable(description: "Cohort's screens need an interactive terminal, and standard input or output is not one. \(plain)")
        }
        let term = environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else {
            throw Unavailable(description: "Cohort's screens need a terminal that can move the cursor, and TERM is '\(term.isEmpty ? "unset" : term)'. \(plain)")
        }
        setlocale(LC_ALL, "")
        // What the user's terminal shows decides the glyphs: without a UTF-8 locale the whole screen is
        // ASCII. ncursesw itself still runs in C.UTF-8 so that wide-character input keeps working.
        let utf8 = String(cString: nl_langinfo(nl_item(CODESET))) == "UTF-8"
        if !utf8 { setlocale(LC_ALL, "C.UTF-8") }
        guard cohort_newterm() != nil else {
            throw Unavailable(description: "The terminal type '\(term)' is unknown to ncurses. \(plain)")
        }
        installRestoreHandlers()
        // A parent may have started us with signals blocked (a test runner's thread, some launchers);
        // ncurses learns of a resize only through SIGWINCH, so make sure it can arrive.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signal in [SIGWINCH, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&unblock, signal) }
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        raw()  // Ctrl-C arrives as a key and quits cleanly
        noecho()
        nonl()
        keypad(cohort_stdscr(), true)
        // A paste arrives as one `.paste` key, never as key presses (an Enter inside it must not submit).
        define_key("\u{1b}[200~", cohort_key_paste_start())
        define_key("\u{1b}[201~", cohort_key_paste_end())
        cohort_paste_mode(1)
        set_escdelay(25)
        // Wait at most a second for a key, so changes made by another copy show without one.
        timeout(idleMilliseconds)
        curs_set(0)
        var pairs = false
        if environment["NO_COLOR"] == nil, has_colors() {
            start_color()
            use_default_colors()
            init_pair(1, Int16(COLOR_CYAN), -1)
            init_pair(2, Int16(COLOR_GREEN), -1)
            init_pair(3, Int16(COLOR_YELLOW), -1)
            init_pair(4, Int16(COLOR_RED), -1)
            init_pair(5, Int16(COLOR_WHITE), Int16(COLOR_RED))
            pairs = true
        }
        return NCursesTerminal(isUTF8: utf8, colourPairs: pairs)
    }

    /// How long a key is waited for before the screen looks for changes made elsewhere.
    static let idleMilliseconds: Int32 = 1_000

    private init(isUTF8: Bool, colourPairs: Bool) {
        self.isUTF8 = isUTF8
        self.colourPairs = colourPairs
    }

    /// Restores the terminal.
    public func stop() {
        cohort_paste_mode(0)
        endwin()
    }

    public var size: (width: Int, height: Int) { (Int(cohort_cols()), Int(cohort_lines())) }

    public func draw(_ grid: CellGrid) {
        let diff = FrameDiff(from: previous, to: grid)
        if diff.clear { erase() }
        for run in diff.runs {
            attrset(Int32(bitPattern: attributes(for: run.style)))
            var characters = run.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
            characters.append(0)
            _ = mvaddnwstr(Int32(run.y), Int32(run.x), characters, Int32(characters.count - 1))
        }
        attrset(Int32(bitPattern: cohort_normal()))
        refresh()
        previous = grid
    }

    public func readKey() -> Key? {
        while true {
            var code: wint_t = 0
            let kind = wget_wch(cohort_stdscr(), &code)
            if kind == ERR { return .idle }
            if kind == KEY_CODE_YES {
                switch Int32(code) {
                case KEY_UP: return .up
                case KEY_DOWN: return .down
                case KEY_LEFT: return .left
                case KEY_RIGHT: return .right
                case KEY_NPAGE: return .pageDown
                case KEY_PPAGE: return .pageUp
                case KEY_HOME: return .home
                case KEY_END: return .end
                case KEY_BACKSPACE: return .backspace
                case KEY_ENTER: return .enter
                case KEY_BTAB: return .backTab
                case KEY_DC: return .delete
                case cohort_key_resize():
                    previous = nil
                    return .resize
                case cohort_key_paste_start():
                    return readPaste()
                default: continue
                }
            }
            guard let key = KeyDecoder.character(UInt32(code)) else { continue }
            return key
        }
    }

    /// A bracketed paste, read as one unit straight from the terminal in large blocks up to its end marker
    /// (or, if the marker never comes, what arrived within a second of the last byte); one over
    /// `Key.pasteLimit` is discarded whole. Bytes after the marker that are already there or arrive within
    /// `burstMilliseconds` belong to the paste (its text held the marker): it is discarded whole with them.
    /// Nothing after a paste goes back to ncurses: keys typed after it come after a gap and are read as keys.
    private func readPaste() -> Key {
        var block = [UInt8](repeating: 0, count: 1 << 16)
        func read(waiting milliseconds: Int32) -> [UInt8]? {
            var ready = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, milliseconds) > 0 else { return nil }
            let count = block.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            return count > 0 ? Array(block[..<count]) : nil
        }
        return PasteReader.read(next: { read(waiting: Self.idleMilliseconds) }, soon: { read(waiting: Self.burstMilliseconds) })
    }

    /// The longest gap within one burst of bytes from the terminal: a person types slower than this.
    static let burstMilliseconds: Int32 = 50

    private func attributes(for style: Style) -> attr_t {
        var attributes = cohort_normal()
        if style.bold { attributes |= cohort_bold() }
        if style.reverse { attributes |= cohort_reverse() }
        let pair: Int16
        switch style.tone {
        case .normal, .muted: pair = 0
        case .accent: pair = 1
        case .good: pair = 2
        case .warning: pair = 3
        case .danger: pair = 4
        case .urgent: pair = 5
        }
        if colourPairs {
            if pair > 0 { attributes |= cohort_color_pair(pair) }
        } else {
            // Monochrome: meaning by emphasis. Danger and urgent stay visible without colour.
            if style.tone == .danger || style.tone == .warning { attributes |= cohort_bold() }
            if style.tone == .urgent { attributes |= cohort_bold() | cohort_reverse() }
            if style.tone == .accent { attributes |= cohort_underline() }
        }
        return attributes
    }

    /// Terminal restored on SIGTERM/SIGHUP (then exit) and on crashes (then the default action, for a core).
    private static func installRestoreHandlers() {
        for signal in [SIGTERM, SIGHUP, SIGQUIT] {
            Glibc.signal(signal) { number in
                cohort_paste_mode(0)
                endwin()
                _exit(128 + number)
            }
        }
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            Glibc.signal(signal) { number in
                cohort_paste_mode(0)
                endwin()
                Glibc.signal(number, SIG_DFL)
                raise(number)
            }
        }
    }
}
