/// One result of a measure at a visit (docs/RULES.md, "Vital signs, lab values and ECG measures"): a value in the measure's unit, or not done with a
/// reason; the laboratory's own normal range when it gave one; the investigator's assessment once given.
public struct Measurement: Codable, Sendable, Equatable {
    /// The visit it belongs to.
    public var visit: String
    /// The measure's code.
    public var test: String
    /// Nil when not done.
    public var value: Quantity?
    /// The measure's unit (as CDISC writes it).
    public var unit: String
    /// The day it was measured (the visit's completion date unless given).
    public var date: CivilDate
    /// The laboratory's normal range for this result, when it gave one.
    public var range: NormalRange?
    /// Why it was not done.
    public var notDone: String?
    /// The investigator's clinical-significance assessment of an out-of-range result.
    public var assessment: SignificanceAssessment?

    /// Creates a result.
    public init(visit: String, test: String, value: Quantity?, unit: String, date: CivilDate, range: NormalRange? = nil,
                notDone: String? = nil, assessment: SignificanceAssessment? = nil) {
        self.visit = visit; self.test = test; self.value = value; self.unit = unit; self.date = date; self.range = range
        self.notDone = notDone; self.assessment = assessment
    }
}

/// Clinically significant or not: the investigator's word on a value outside its normal range.
public enum Significance: String, Codable, Sendable, CaseIterable { case cs, ncs }

/// An assessment, who gave it and when.
public struct SignificanceAssessment: Codable, Sendable, Equatable {
    /// Clinically significant or not.
    public var significance: Significance
    /// The investigator's comment.
    public var comment: String?
    /// The day it is dated.
    public var date: CivilDate
    /// Who gave it.
    public var user: String

    /// Creates one.
    public init(significance: Significance, comment: String?, date: CivilDate, user: String) {
        self.significance = significance; self.comment = comment; self.date = date; self.user = user
    }
}

/// What a new result gives (`cohort measure`, the entry screen).
public struct MeasureEntry: Equatable, Sendable, Codable {
    /// The measure code.
    public var test: String
    /// The value, or nil with `notDone`.
    public var value: Quantity?
    /// Why it was not done.
    public var notDone: String?
    /// The unit as written (nil: the measure's).
    public var unit: String?
    /// The laboratory's normal range.
    public var range: NormalRange?
    /// Nil: the visit's completion date (or, for a correction, the date already saved).
    public var date: CivilDate?

    /// Creates one.
    public init(test: String, value: Quantity?, notDone: String? = nil, unit: String? = nil, range: NormalRange? = nil, date: CivilDate? = nil) {
        self.test = test; self.value = value; self.notDone = notDone; self.unit = unit; self.range = range; self.date = date
    }
}

/// A result read against its ranges and the protocol's alerts, as the data stands.
public struct MeasureReading: Sendable, Equatable {
    /// The result read.
    public let measurement: Measurement
    /// The normal range used: the result's, else the protocol's, else the definition's (nil when none).
    public let range: NormalRange?
    /// `low`, `high` or `normal`; nil when not done.
    public let flag: MeasureFlag?
    /// A protocol alert holds.
    public let alert: Bool
    /// The rule of the alert that holds, in words (nil without one).
    public var alertRule: String? = nil

    /// True when the investigator's assessment is awaited (out of range or raising an alert, not assessed yet).
    public var awaitsAssessment: Bool { (flag?.isOutOfRange == true || alert) && measurement.assessment == nil }
}
