/// A participant's visit with its derived dates and how far its forms (scales and measures) are entered.
public struct VisitDigest: Sendable, Equatable {
    /// Visit code.
    public var code: String
    /// Position in the protocol's visit list.
    public var order: Int
    /// Status.
    public var status: VisitStatus
    /// Target date.
    public var target: CivilDate
    /// Window around the target.
    public var window: VisitWindow
    /// The day it is planned for.
    public var scheduled: CivilDate
    /// Completion date, when completed.
    public var completedDate: CivilDate?
    /// Date marked missed.
    public var missedDate: CivilDate?
    /// Required scales entered and required measures with a value.
    public var enteredForms: Int
    /// Scales and measures the protocol requires at this visit.
    public var requiredForms: Int
    /// A required scale is missing or has an unscored item.
    public var isIncomplete: Bool
    /// It waits for Day 1 (`PlannedVisit.isWaitingForDayOne`): in no day list, nothing can be done yet.
    public var isWaitingForDayOne: Bool

    /// Creates a visit digest.
    package init(code: String, order: Int, status: VisitStatus, target: CivilDate, window: VisitWindow, scheduled: CivilDate,
                completedDate: CivilDate?, missedDate: CivilDate?, enteredForms: Int, requiredForms: Int, isIncomplete: Bool,
                isWaitingForDayOne: Bool = false) {
        self.code = code; self.order = order; self.status = status; self.target = target; self.window = window
        self.scheduled = scheduled; self.completedDate = completedDate; self.missedDate = missedDate
        self.enteredForms = enteredForms; self.requiredForms = requiredForms; self.isIncomplete = isIncomplete
        self.isWaitingForDayOne = isWaitingForDayOne
    }

    /// The window state on `day` (docs/RULES.md, "Visits, windows and window states").
    public func windowState(on day: CivilDate) -> WindowState {
        WindowState(status: status, window: window, done: completedDate ?? scheduled, on: day, waiting: isWaitingForDayOne)
    }

    /// What its plan says beyond the window state (waiting for Day 1, planned outside its window).
    public var plan: VisitPlan? { VisitPlan(status: status, window: window, scheduled: scheduled, waiting: isWaitingForDayOne) }

    /// Days outside the window for a completed visit (negative early, positive late); nil when in window or not done.
    public var deviationDays: Int? { window.deviationDays(status: status, completedDate: completedDate) }
}
