/// A result outside its normal range or raising an alert: what the summary, the roster and the review
/// need of it.
public struct FlaggedMeasure: Sendable, Equatable {
    /// The visit it belongs to.
    public var visit: String
    /// The measure code.
    public var test: String
    /// The value.
    public var value: Quantity
    /// The day it is dated.
    public var date: CivilDate
    /// `low`, `high` or `normal` (an alert on a value within its range).
    public var flag: MeasureFlag
    /// A protocol alert holds.
    public var alert: Bool
    /// The investigator's assessment was given.
    public var assessed: Bool
    /// The alert's rule in words, when an alert holds (the review's banner shows it).
    public var rule: String?

    /// Creates one.
    package init(visit: String, test: String, value: Quantity, date: CivilDate, flag: MeasureFlag, alert: Bool, assessed: Bool, rule: String? = nil) {
        self.visit = visit; self.test = test; self.value = value; self.date = date; self.flag = flag; self.alert = alert; self.assessed = assessed
        self.rule = rule
    }

    /// Waits for the investigator's assessment.
    public var awaitsAssessment: Bool { (flag.isOutOfRange || alert) && !assessed }

    /// An alert not yet assessed: it waits at the top of the review and marks the participant's row
    /// (docs/RULES.md, "Vital signs, lab values and ECG measures").
    public var isOpenAlert: Bool { alert && !assessed }
}
