/// The days a visit may be done on: `[target − minus, target + plus]`, both ends inclusive.
public struct VisitWindow: Hashable, Sendable {
    /// First day of the window.
    public let start: CivilDate
    /// Last day of the window.
    public let end: CivilDate

    /// The last day a scheduled visit planned for `scheduled` is not overdue: its window's end, or its
    /// scheduled date when it was planned after the window (docs/RULES.md, "Visits, windows and window states").
    public func dueBy(scheduled: CivilDate) -> CivilDate { max(end, scheduled) }

    /// The window around `target`.
    public init(target: CivilDate, minus: Int, plus: Int) {
        start = target.adding(days: -minus)
        end = target.adding(days: plus)
    }

    /// The window from `start` to `end`.
    public init(start: CivilDate, end: CivilDate) {
        self.start = start
        self.end = end
    }

    /// True when `date` falls inside the window.
    public func contains(_ date: CivilDate) -> Bool { start <= date && date <= end }

    /// Signed distance from the window: negative days before it, positive after, 0 inside.
    public func distance(to date: CivilDate) -> Int {
        if date < start { return date.days(since: start) }
        if date > end { return date.days(since: end) }
        return 0
    }

    /// Days outside the window of a visit completed on `completedDate` (negative early, positive late); nil
    /// when in the window or not completed.
    public func deviationDays(status: VisitStatus, completedDate: CivilDate?) -> Int? {
        guard status == .completed, let done = completedDate else { return nil }
        let distance = distance(to: done)
        return distance == 0 ? nil : distance
    }

    /// Compact display, e.g. `Nov 23–27` or `Nov 30–Dec 2`.
    public var shortDescription: String {
        if start == end { return start.shortDescription }
        let (_, startMonth, _) = start.parts
        let (_, endMonth, endDay) = end.parts
        return start.shortDescription + "–" + (startMonth == endMonth ? String(endDay) : end.shortDescription)
    }
}

/// Where a visit stands against its window (docs/RULES.md, "Participant lifecycle").
public enum WindowState: String, Sendable, Codable, CaseIterable {
    /// Scheduled, and the day is before the window.
    case upcoming
    /// Scheduled, and the day is inside the window.
    case open
    /// Scheduled, and the window has closed.
    case overdue
    /// Completed inside the window.
    case inWindow = "in-window"
    /// Completed before the window.
    case early
    /// Completed after the window.
    case late
    /// Marked missed.
    case missed
    /// Cancelled (the participant left).
    case cancelled
    /// Scheduled after the baseline, and Day 1 has not happened: in no list, nothing can be done yet.
    case waiting

    /// True for states that are a protocol-deviation risk or fact.
    public var isProblem: Bool { self == .overdue || self == .early || self == .late || self == .missed }

    /// The state of a visit with `status` and `window` on `day`; `done` is when a completed visit was done,
    /// or the day a scheduled one is planned for. A visit planned after its window is not overdue before its
    /// planned date (it reads `upcoming` between the window's end and that date); a scheduled visit waiting
    /// for Day 1 is `waiting` (docs/RULES.md, "Visits, windows and window states").
    public init(status: VisitStatus, window: VisitWindow, done: CivilDate, on day: CivilDate, waiting: Bool = false) {
        switch status {
        case .cancelled: self = .cancelled
        case .missed: self = .missed
        case .completed:
            let distance = window.distance(to: done)
            self = distance < 0 ? .early : distance > 0 ? .late : .inWindow
        case .scheduled where waiting:
            self = .waiting
        case .scheduled:
            self = day > window.dueBy(scheduled: done) ? .overdue : window.contains(day) ? .open : .upcoming
        }
    }
}

/// CDISC study-day arithmetic: Day 1 is the baseline date and there is no Day 0.
public enum StudyDay {
    /// The calendar date of study day `day` (`day` ≠ 0).
    public static func date(ofDay day: Int, baseline: CivilDate) -> CivilDate {
        baseline.adding(days: day >= 1 ? day - 1 : day)
    }

    /// The study day on which `date` falls.
    public static func day(of date: CivilDate, baseline: CivilDate) -> Int {
        let offset = date.days(since: baseline)
        return offset >= 0 ? offset + 1 : offset
    }
}
