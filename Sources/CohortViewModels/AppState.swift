import CohortDomain

/// Everything the screens show, as a value. `handle(_:)` is the only way it changes.
public struct AppState: Equatable, Sendable {
    /// The real today (for `t` and default dates).
    public let today: CivilDate
    /// Who is at the keyboard (for acknowledgements).
    public let user: String
    /// The local time zone: times typed and shown are on its clock.
    public let zone: TimeZone
    /// The moment now (the run loop moves it forward; `--now` holds it still).
    public var now: Moment
    /// The day under review.
    public var day: CivilDate
    /// What was read from the store; nil until the first load.
    public var data: Snapshot?
    /// Subject filter typed after `/` (empty: everyone).
    public var filter: String = ""
    /// The day's review rows for `day`, after the filter: today, overdue, closing.
    public private(set) var review = ReviewSections()
    /// Index of the selected row across the review's lists, in display order.
    public var selection = 0
    /// Rows a page holds (set from the terminal size).
    public var pageRows = 10
    /// Screens, the current one last; the review is always at the bottom.
    public var screens: [Screen] = [.review]
    /// A question or the help screen over the current screen.
    public var overlay: Overlay?
    /// The status line.
    public var status: StatusLine?
    /// When the store last synced with its git remote (nil: never, or not synced), for the review's top line.
    public var lastSync: Moment?
    /// Changes `u` can take back, newest last.
    public var undoStack: [UndoEntry] = []
    /// The key table: keys are read with it, and the footer, the help and every message that names a key
    /// name its keys.
    public internal(set) var keys: KeyTable = .defaults
    /// The rater's initials last given by this user, offered again at the next visit's score entry.
    public var raterInitials: String?
    /// The open summary screen's figures, recomputed only when its day or the data changes.
    private(set) var summaryCache: SummaryFigures?
    /// The summary's lists read from the records (late entries, open safety, acknowledgements), by day, as
    /// the last `Effect.loadSummaryRecords` brought them.
    private(set) var summaryRecords: [CivilDate: DaySummary.Records] = [:]
    /// A form to open once the change being saved is saved (a clinically significant value offers its AE).
    var offeredForm: RecordForm?
    /// The open roster's rows and counts, recomputed only when the data changes.
    public internal(set) var roster: RosterFigures?
    /// The idle lock of a store with users (nil without users: nothing to lock to).
    public var idleLock: IdleLock?

    /// A fresh state for `today` (and the day under review), at `now` (default noon) on `zone`'s clock.
    public init(today: CivilDate, day: CivilDate? = nil, user: String, now: Moment? = nil, zone: TimeZone = TimeZone(secondsFromGMT: 0)!,
                keys: KeyTable = .defaults) {
        self.keys = keys
        self.today = today
        self.day = day ?? today
        self.user = user
        self.zone = zone
        self.now = now ?? Moment(minutes: today.dayNumber * 1440 + 720 - zone.secondsFromGMT() / 60, offset: zone.secondsFromGMT() / 60)
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
            case .roster: return .roster
            case .record: return .record
            case .queue: return .queue
            }
        }
    }

    /// The selected review row, if any.
    public var selectedEntry: ReviewEntry? { review.entry(at: selection) }

    /// Every urgent flag not yet acknowledged, by subject.
    public var urgentFlags: [VisitFlag] { data?.table.urgentFlags ?? [] }

    /// Takes in a fresh snapshot and recomputes the review.
    mutating func load(_ snapshot: Snapshot) {
        data = snapshot
        refreshReview()
        refreshPages()
    }

    /// Takes in the table as every file now says (after the check that follows the first frame). Full
    /// participants whose digest moved are dropped, to be read again when next needed.
    /// Returns the subjects dropped.
    @discardableResult
    mutating func takeChecked(_ table: ReviewTable?) -> Set<String> {
        guard var snapshot = data, let table else {
            data?.isFullyChecked = true
            return []
        }
        review = ReviewSections()
        var dropped = Set<String>()
        for (subject, participant) in snapshot.participants where ParticipantDigest(participant, context: snapshot.context) != table.digest(subject) {
            snapshot.participants[subject] = nil
            dropped.insert(subject)
        }
        snapshot.table = table
        snapshot.isFullyChecked = true
        data = snapshot
        refreshReview()
        refreshPages()
        return dropped
    }

    /// Takes in one participant read in full (saved or fetched): only its digest moves in the table.
    mutating func replace(_ participant: Participant) {
        guard var snapshot = data else { return }
        snapshot.participants[participant.subject] = participant
        if case .participant(var page) = screen, page.subject == participant.subject, let code = page.pendingVisit {
            page.selection = snapshot.context.protocols[participant.study]
                .flatMap { participant.visitsInDateOrder($0).firstIndex { $0.code == code } } ?? 0
            page.pendingVisit = nil
            screens[screens.count - 1] = .participant(page)
        }
        if let digest = ParticipantDigest(participant, context: snapshot.context), snapshot.table.digest(participant.subject) != digest {
            // Let go of the lists (which share the table's storage) so the table is changed in place, not copied.
            review = ReviewSections()
            data = nil
            snapshot.table.replace(digest)
        }
        data = snapshot
        refreshReview()
        refreshPages()
    }

    /// Recomputes what open summary and roster screens show, after the data changed.
    mutating func refreshPages() {
        refreshSummary()
        refreshRoster()
    }

    /// The page of the topmost screen `page` recognises, if one is open.
    private func topmost<Page>(_ page: (Screen) -> Page?) -> Page? {
        screens.reversed().lazy.compactMap(page).first
    }

    /// Recomputes the roster if a roster screen is open (after the data changed), keeping its search.
    mutating func refreshRoster() {
        let page = topmost { if case .roster(let page) = $0 { return page } else { return nil } }
        roster = page.flatMap { page in
            data.map { data in
                var figures = RosterFigures(table: data.table, studies: data.context.sortedProtocols.map(\.id))
                figures.search(page.query)
                return figures
            }
        }
    }

    /// Recomputes the summary figures if a summary screen is open (after its day or the data changed).
    mutating func refreshSummary() {
        let page = topmost { if case .summary(let page) = $0 { return page } else { return nil } }
        summaryCache = page.flatMap { computeSummary(for: $0.day) }.map { SummaryFigures(summary: $0.0, items: $0.1) }
    }

    /// Asks the store for the open summary's lists that need the records (when one is open): after it opens,
    /// its day moves or the data changes.
    func summaryRecordsEffects() -> [Effect] {
        let page = topmost { if case .summary(let page) = $0 { return page } else { return nil } }
        return page.map { [.loadSummaryRecords(day: $0.day, zone: zone)] } ?? []
    }

    /// Keeps the lists read from the records for `day` and shows them if its summary is open.
    mutating func takeSummaryRecords(_ records: DaySummary.Records, day: CivilDate) {
        summaryRecords[day] = records
        refreshSummary()
    }

    /// Recomputes the review rows after the data, the day or the filter changed; keeps the selection on the
    /// same visit unless asked not to (a new day starts at the top).
    mutating func refreshReview(keepingSelection: Bool = true) {
        let kept = keepingSelection ? selectedEntry.map { ($0.subject, $0.visit.code) } : nil
        review = ReviewSections()
        guard let table = data?.table else { return }
        let needle = filter.lowercased()
        let dayReview = table.review(on: day, matching: needle.isEmpty ? nil : { participant in
            participant.subject.lowercased().contains(needle) || participant.initials.lowercased().contains(needle)
        })
        review = ReviewSections(today: dayReview.today, overdue: dayReview.overdue, closing: dayReview.closing)
        // Keep the cursor on the same visit if it is still nearby; if it left the lists (done, moved to
        // another day), the cursor stays at the same place, on the row that took its place.
        if let kept, let found = review.position(of: kept, near: selection) { selection = found }
        selection = min(max(0, selection), max(0, review.count - 1))
    }
}

import Foundation
