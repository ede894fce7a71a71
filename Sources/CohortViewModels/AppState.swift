import CohortDomain

/// Everything the screens show, as a value. `handle(_:)` is the only way it changes.
public struct AppState: Equatable, Sendable {
    /// The real today (for `t` and default dates).
    public let today: CivilDate
    /// Who is at the keyboard (for acknowledgements).
    public let user: String
    /// The day under review.
    public var day: CivilDate
    /// What was read from the store; nil until the first load.
    public var data: Snapshot?
    /// Subject filter typed after `/` (empty: everyone).
    public var filter: String = ""
    /// The day's review rows for `day`, after the filter: today, overdue, closing.
    public private(set) var review = ReviewSections()
    /// Index of the selected row in `review.all`.
    public var selection = 0
    /// Rows a page holds (set from the terminal size).
    public var pageRows = 10
    /// Screens, the current one last; the review is always at the bottom.
    public var screens: [Screen] = [.review]
    /// A question or the help screen over the current screen.
    public var overlay: Overlay?
    /// The status line.
    public var status: StatusLine?
    /// Changes `u` can take back, newest last.
    public var undoStack: [UndoEntry] = []
    /// The visits bucketed by date, so moving between days does not walk the whole store.
    private var index: ReviewIndex?
    /// Urgent flags not yet acknowledged, by subject, kept up to date so no frame rescans the store.
    private var urgentBySubject: [String: [VisitFlag]] = [:]
    /// The open summary screen's figures, recomputed only when its day or the data changes.
    private(set) var summaryCache: SummaryFigures?

    /// A fresh state for `today` (and the day under review).
    public init(today: CivilDate, day: CivilDate? = nil, user: String) {
        self.today = today
        self.day = day ?? today
        self.user = user
    }

    /// The screen on top.
    public var screen: Screen { screens.last ?? .review }

    /// The key context of what is on top.
    public var keyContext: KeyContext {
        switch overlay {
        case .prompt?: return .prompt
        case .help?: return .help
        case nil:
            switch screen {
            case .review: return .review
            case .participant: return .participant
            case .scoreEntry: return .scoreEntry
            case .enrollment(let form): return form.enrolled == nil ? .enrollment : .enrolled
            case .summary: return .summary
            }
        }
    }

    /// The selected review row, if any.
    public var selectedEntry: ReviewEntry? {
        review.all.indices.contains(selection) ? review.all[selection] : nil
    }

    /// Every urgent flag not yet acknowledged, by subject.
    public var urgentFlags: [VisitFlag] { urgentBySubject.keys.sorted().flatMap { urgentBySubject[$0] ?? [] } }

    /// Takes in a fresh snapshot: indexes it and recomputes the review.
    mutating func load(_ snapshot: Snapshot) {
        data = snapshot
        index = ReviewIndex(participants: Array(snapshot.participants.values), context: snapshot.context)
        urgentBySubject = [:]
        for participant in snapshot.participants.values { noteUrgentFlags(of: participant) }
        refreshReview()
        refreshSummary()
    }

    /// Takes in one saved participant: only its entries are recomputed.
    mutating func replace(_ participant: Participant) {
        data?.participants[participant.subject] = participant
        index?.update(participant)
        noteUrgentFlags(of: participant)
        refreshReview()
        refreshSummary()
    }

    private mutating func noteUrgentFlags(of participant: Participant) {
        guard let context = data?.context else { return }
        let flags = participant.unacknowledgedUrgentFlags(context: context)
        urgentBySubject[participant.subject] = flags.isEmpty ? nil : flags
    }

    /// Recomputes the summary figures if a summary screen is open (after its day or the data changed).
    mutating func refreshSummary() {
        let page = screens.lazy.compactMap { screen -> SummaryPage? in
            if case .summary(let page) = screen { return page } else { return nil }
        }.last
        summaryCache = page.flatMap { computeSummary(for: $0.day) }.map { SummaryFigures(summary: $0.0, items: $0.1) }
    }

    /// Recomputes the review rows after the data, the day or the filter changed; keeps the selection on the same visit.
    mutating func refreshReview() {
        let kept = selectedEntry.map { ($0.subject, $0.visit.code) }
        guard let index else { review = ReviewSections(); return }
        let needle = filter.lowercased()
        let dayReview = index.review(on: day, matching: needle.isEmpty ? nil : { participant in
            participant.subject.lowercased().contains(needle) || participant.initials.lowercased().contains(needle)
        })
        review = ReviewSections(today: dayReview.today, overdue: dayReview.overdue, closing: dayReview.closing)
        if let kept, let index = review.all.firstIndex(where: { $0.subject == kept.0 && $0.visit.code == kept.1 }) {
            selection = index
        }
        selection = min(max(0, selection), max(0, review.all.count - 1))
    }
}

/// A day's summary figures with the lines the lead can act on.
struct SummaryFigures: Equatable, Sendable {
    let summary: DaySummary
    let items: [SummaryItem]
}

/// The day's lists, and all of them in display order for the cursor.
public struct ReviewSections: Equatable, Sendable {
    /// Scheduled on the day.
    public let today: [ReviewEntry]
    /// Window closed, not done.
    public let overdue: [ReviewEntry]
    /// Window closing within two days.
    public let closing: [ReviewEntry]
    /// Every row in display order (kept, not recomputed on each key press).
    public let all: [ReviewEntry]

    /// The sections of a day's review.
    public init(today: [ReviewEntry] = [], overdue: [ReviewEntry] = [], closing: [ReviewEntry] = []) {
        self.today = today; self.overdue = overdue; self.closing = closing
        all = today + overdue + closing
    }
}

/// A full screen.
public enum Screen: Equatable, Sendable {
    case review
    case participant(ParticipantPage)
    case scoreEntry(ScoreEntry)
    case enrollment(EnrollmentForm)
    case summary(SummaryPage)
}

/// Something drawn over the current screen.
public enum Overlay: Equatable, Sendable {
    case prompt(Prompt)
    case help(KeyContext)
}

/// The line at the bottom that says what just happened.
public struct StatusLine: Equatable, Sendable {
    /// What kind of news it is (drives colour).
    public enum Kind: Sendable { case info, saved, error, urgent }
    /// The words.
    public let text: String
    /// Its kind.
    public let kind: Kind

    /// Creates a status line.
    public init(_ text: String, _ kind: Kind) { self.text = text; self.kind = kind }
}

/// A change that `u` can take back.
public struct UndoEntry: Equatable, Sendable {
    /// What was done, in words.
    public let description: String
    /// The participant before.
    public let before: Participant
    /// The participant after (undo refuses if it changed since).
    public let after: Participant
}

/// The participant view: which visit is selected, and the audit trail once read.
public struct ParticipantPage: Equatable, Sendable {
    /// Subject ID.
    public let subject: String
    /// Index of the selected visit in protocol order.
    public var selection = 0
    /// The participant's audit trail, newest last (nil until read).
    public var audit: [AuditLine]?

    /// A page for `subject`.
    public init(subject: String) { self.subject = subject }
}
