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

    /// Creates one.
    public init(visit: String, test: String, value: Quantity, date: CivilDate, flag: MeasureFlag, alert: Bool, assessed: Bool) {
        self.visit = visit; self.test = test; self.value = value; self.date = date; self.flag = flag; self.alert = alert; self.assessed = assessed
    }

    /// Waits for the investigator's assessment.
    public var awaitsAssessment: Bool { flag.isOutOfRange && !assessed }
}
