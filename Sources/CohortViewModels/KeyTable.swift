/// Where a key is pressed: each screen or overlay has its own bindings.
public enum KeyContext: String, CaseIterable, Sendable {
    case review, roster, participant, scoreEntry = "score-entry", prompt, enrollment, enrolled, record, summary, queue, help

    /// Title used in the help screen.
    public var title: String {
        switch self {
        case .review: return "Daily review"
        case .roster: return "Participants (roster)"
        case .participant: return "Participant"
        case .scoreEntry: return "Score entry"
        case .prompt: return "Questions"
        case .enrollment: return "Enrollment form"
        case .enrolled: return "Enrollment saved (schedule shown)"
        case .record: return "Adverse event, medication or measures form"
        case .summary: return "End-of-day summary"
        case .queue: return "Investigator's queue (what awaits a signature)"
        case .help: return "Help"
        }
    }

    /// Contexts where printable characters are typed text rather than commands.
    public var takesText: Bool { self == .prompt || self == .enrollment || self == .scoreEntry || self == .record }
}

/// One binding: in `context`, any of `keys` asks for `intent`; `help` explains it.
public struct KeyBinding: Sendable, Equatable {
    /// Where it applies.
    public let context: KeyContext
    /// The keys, first one shown in footers.
    public let keys: [Key]
    /// What they ask for.
    public let intent: Intent
    /// A short explanation (help screen, footer).
    public let help: String
    /// Whether the footer shows it.
    public let inFooter: Bool
}

/// The key table: data that drives dispatch, the footer hints, the `?` help screen and docs/keybindings.md.
public struct KeyTable: Sendable, Equatable {
    /// Every binding, in display order.
    public let bindings: [KeyBinding]

    /// Creates a table.
    public init(_ bindings: [KeyBinding]) { self.bindings = bindings }

    /// The intent bound to `key` in `context`, if any.
    public func intent(for key: Key, in context: KeyContext) -> Intent? {
        bindings.first { $0.context == context && $0.keys.contains(key) }?.intent
    }

    /// The same table with `intent` in `context` on `keys` instead.
    public func rebinding(_ intent: Intent, in context: KeyContext, to keys: [Key]) -> KeyTable {
        KeyTable(bindings.map { binding in
            guard binding.context == context, binding.intent == intent else { return binding }
            return KeyBinding(context: context, keys: keys, intent: intent, help: binding.help, inFooter: binding.inFooter)
        })
    }

    /// The bindings of a context, in order.
    public func bindings(in context: KeyContext) -> [KeyBinding] { bindings.filter { $0.context == context } }

    /// Footer hints for a context, each with its first key (`Enter participant  c complete …`; help lists
    /// every key); `isWayOut` marks back, quit and help, which a narrow footer keeps.
    public func footer(for context: KeyContext) -> [(keys: String, help: String, isWayOut: Bool)] {
        bindings(in: context).filter(\.inFooter).map { ($0.keys[0].label, $0.help, [.back, .quit, .showHelp].contains($0.intent)) }
    }

    /// The intents bound in `context`.
    public func intents(in context: KeyContext) -> Set<Intent> { Set(bindings(in: context).map(\.intent)) }

    /// The first key bound to `intent` in `context` (`c`, `Enter`), for a message that names it; the
    /// intent's name when nothing binds it there, so a message never names a key that does not work.
    public func label(for intent: Intent, in context: KeyContext) -> String {
        bindings(in: context).first { $0.intent == intent }?.keys.first?.label ?? intent.rawValue
    }

    /// `j/↓`.
    public static func label(_ keys: [Key]) -> String { keys.map(\.label).joined(separator: "/") }

    /// The key table as Markdown (docs/keybindings.md is this text).
    public func markdown() -> String {
        var lines = ["# Cohort key bindings", "", "Generated from the key table (`KeyTable.defaults`); do not edit by hand.", ""]
        for context in KeyContext.allCases {
            let rows = bindings(in: context)
            guard !rows.isEmpty else { continue }
            lines += ["## \(context.title)", "", "| keys | action | name |", "|---|---|---|"]
            lines += rows.map { "| \(Self.label($0.keys).replacingOccurrences(of: "|", with: "\\|")) | \($0.help) | `\($0.intent.rawValue)` |" }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// The default bindings: vim keys and arrows both work.
    public static let defaults = KeyTable([
        b(.review, [.character("j"), .down], .moveDown, "next visit", footer: false),
        b(.review, [.character("k"), .up], .moveUp, "previous visit", footer: false),
        b(.review, [.pageDown, .control("d")], .pageDown, "page down", footer: false),
        b(.review, [.pageUp, .control("u")], .pageUp, "page up", footer: false),
        b(.review, [.character("g"), .home], .moveTop, "first visit", footer: false),
        b(.review, [.character("G"), .end], .moveBottom, "last visit", footer: false),
        // Footer hints drop from the end when they do not fit: the daily jobs come first.
        b(.review, [.enter], .openParticipant, "open"),
        b(.review, [.character("c")], .completeVisit, "complete"),
        b(.review, [.character("s")], .enterScores, "scores"),
        b(.review, [.character("e")], .enroll, "enroll"),
        b(.review, [.character("p")], .showRoster, "roster"),
        b(.review, [.character("S")], .showSummary, "summary"),
        b(.review, [.character("m")], .markMissed, "missed"),
        b(.review, [.character("r")], .rescheduleVisit, "reschedule"),
        b(.review, [.character("/")], .filterSubjects, "filter"),
        b(.review, [.character("u")], .undo, "undo"),
        b(.review, [.character("A")], .addAdverseEvent, "adverse event", footer: false),
        b(.review, [.character("M")], .addMedication, "medication", footer: false),
        b(.review, [.character("T")], .markReportSent, "report sent", footer: false),
        b(.review, [.character("o")], .jumpToParticipant, "open by ID", footer: false),
        b(.review, [.character("["), .left], .previousDay, "previous day", footer: false),
        b(.review, [.character("]"), .right], .nextDay, "next day", footer: false),
        b(.review, [.character("t")], .backToToday, "today", footer: false),
        b(.review, [.character("I")], .showQueue, "to sign", footer: false),
        b(.review, [.character("Y")], .syncStore, "sync with the other machines", footer: false),
        b(.review, [.character("X")], .resolveConflict, "open the first sync conflict", footer: false),
        b(.review, [.character("?")], .showHelp, "help"),
        b(.review, [.character("q"), .control("c")], .quit, "quit"),

        b(.roster, [.character("j"), .down], .moveDown, "next participant", footer: false),
        b(.roster, [.character("k"), .up], .moveUp, "previous participant", footer: false),
        b(.roster, [.pageDown, .control("d")], .pageDown, "page down", footer: false),
        b(.roster, [.pageUp, .control("u")], .pageUp, "page up", footer: false),
        b(.roster, [.character("g"), .home], .moveTop, "first participant", footer: false),
        b(.roster, [.character("G"), .end], .moveBottom, "last participant", footer: false),
        b(.roster, [.enter], .openParticipant, "open"),
        b(.roster, [.character("/")], .filterSubjects, "search"),
        b(.roster, [.character("o")], .jumpToParticipant, "open by ID"),
        b(.roster, [.character("A")], .addAdverseEvent, "adverse event"),
        b(.roster, [.character("M")], .addMedication, "medication", footer: false),
        b(.roster, [.character("T")], .markReportSent, "report sent", footer: false),
        b(.roster, [.escape, .character("q")], .back, "back"),
        b(.queue, [.character("j"), .down], .moveDown, "next item", footer: false),
        b(.queue, [.character("k"), .up], .moveUp, "previous item", footer: false),
        b(.queue, [.character("g"), .home], .moveTop, "oldest", footer: false),
        b(.queue, [.character("G"), .end], .moveBottom, "newest", footer: false),
        b(.queue, [.enter], .openItem, "item and its history"),
        b(.queue, [.character("s")], .signItem, "sign"),
        b(.queue, [.escape, .character("q")], .back, "back"),
        b(.queue, [.character("?")], .showHelp, "help"),
        b(.roster, [.character("?")], .showHelp, "help"),

        b(.participant, [.character("j"), .down], .moveDown, "next visit", footer: false),
        b(.participant, [.character("k"), .up], .moveUp, "previous visit", footer: false),
        b(.participant, [.pageDown, .control("d")], .pageDown, "scroll down (events, measures, scales, trail)", footer: false),
        b(.participant, [.pageUp, .control("u")], .pageUp, "scroll up", footer: false),
        b(.participant, [.character("c")], .completeVisit, "complete"),
        b(.participant, [.character("m")], .markMissed, "missed"),
        b(.participant, [.character("r")], .rescheduleVisit, "reschedule"),
        b(.participant, [.character("s")], .enterScores, "scores"),
        b(.participant, [.character("a")], .acknowledgeFlag, "acknowledge flag"),
        b(.participant, [.character("n")], .noteDeviation, "classify deviation"),
        b(.participant, [.character("w")], .withdrawParticipant, "withdraw"),
        b(.participant, [.character("R")], .randomizeParticipant, "randomize (blinded)"),
        b(.participant, [.character("U")], .addUnscheduledVisit, "unscheduled visit", footer: false),
        b(.participant, [.character("F")], .correctEnrollment, "correct enrollment facts", footer: false),
        b(.participant, [.character("i")], .recordReconsent, "re-consent (ICF version)", footer: false),
        b(.participant, [.character("N")], .noteVisit, "note on the visit", footer: false),
        b(.participant, [.character("X")], .resolveConflict, "resolve a sync conflict", footer: false),
        b(.participant, [.character("A")], .addAdverseEvent, "adverse event"),
        b(.participant, [.character("M")], .addMedication, "medication"),
        b(.participant, [.character("E")], .editRecord, "change AE/medication"),
        b(.participant, [.character("T")], .markReportSent, "report sent"),
        b(.participant, [.character("V")], .enterMeasures, "measures (vitals, labs)"),
        b(.participant, [.character("C")], .assessMeasure, "assess out-of-range value"),
        b(.participant, [.character("u")], .undo, "undo"),
        b(.participant, [.character("o")], .jumpToParticipant, "open another by ID", footer: false),
        b(.participant, [.escape, .character("q")], .back, "back"),
        b(.participant, [.character("?")], .showHelp, "help"),

        b(.scoreEntry, [.backspace], .deleteBackward, "back one item"),
        b(.scoreEntry, [.character("x"), .character("X")], .markNotAssessed, "not assessed"),
        b(.scoreEntry, [.enter], .submit, "save scale"),
        b(.scoreEntry, [.tab], .nextField, "skip scale"),
        b(.scoreEntry, [.escape], .cancel, "leave (unsaved items are dropped)"),
        b(.scoreEntry, [.left, .up], .moveUp, "previous item"),
        b(.scoreEntry, [.right, .down], .moveDown, "next item"),

        b(.prompt, [.enter], .submit, "confirm"),
        b(.prompt, [.tab, .down], .nextField, "next field", footer: false),
        b(.prompt, [.backTab, .up], .previousField, "previous field", footer: false),
        b(.prompt, [.backspace], .deleteBackward, "delete", footer: false),
        b(.prompt, [.control("u")], .clearField, "clear the field", footer: false),
        b(.prompt, [.escape], .cancel, "cancel"),

        b(.enrollment, [.tab, .down], .nextField, "next field"),
        b(.enrollment, [.backTab, .up], .previousField, "previous field"),
        b(.enrollment, [.backspace], .deleteBackward, "delete", footer: false),
        b(.enrollment, [.control("u")], .clearField, "clear the field", footer: false),
        b(.enrollment, [.enter], .submit, "save"),
        b(.enrollment, [.escape], .cancel, "cancel, nothing saved"),

        b(.enrolled, [.enter, .escape], .back, "back to the review"),

        b(.record, [.tab, .down], .nextField, "next field"),
        b(.record, [.backTab, .up], .previousField, "previous field"),
        b(.record, [.backspace], .deleteBackward, "delete", footer: false),
        b(.record, [.control("u")], .clearField, "clear the field", footer: false),
        b(.record, [.enter], .submit, "save"),
        b(.record, [.escape], .cancel, "cancel, nothing saved"),

        b(.summary, [.character("j"), .down], .moveDown, "next item", footer: false),
        b(.summary, [.character("k"), .up], .moveUp, "previous item", footer: false),
        b(.summary, [.pageDown, .control("d")], .pageDown, "scroll down", footer: false),
        b(.summary, [.pageUp, .control("u")], .pageUp, "scroll up", footer: false),
        b(.summary, [.character("a")], .acknowledgeFlag, "acknowledge flag"),
        b(.summary, [.character("n")], .noteDeviation, "classify deviation"),
        b(.summary, [.character("["), .left], .previousDay, "previous day"),
        b(.summary, [.character("]"), .right], .nextDay, "next day"),
        b(.summary, [.character("o")], .jumpToParticipant, "open a participant by ID", footer: false),
        b(.summary, [.escape, .character("q")], .back, "back"),
        b(.summary, [.character("?")], .showHelp, "help"),

        b(.help, [.escape, .character("q"), .character("?"), .enter], .back, "close help"),
    ])

    private static func b(_ context: KeyContext, _ keys: [Key], _ intent: Intent, _ help: String, footer: Bool = true) -> KeyBinding {
        KeyBinding(context: context, keys: keys, intent: intent, help: help, inFooter: footer)
    }
}
