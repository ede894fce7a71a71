/// A protocol's alert on a measure (docs/RULES.md, "Vital signs, lab values and ECG measures"): one rule, raised by a result that holds it.
public struct MeasureAlert: Codable, Sendable, Hashable {
    /// The rules an alert may have.
    public enum Rule: String, CaseIterable, Sendable {
        case above, below, aboveTimesUpperNormal, riseFromBaseline
    }

    /// The measure's code.
    public var test: String
    /// Value > N.
    public var above: Quantity?
    /// Value < N.
    public var below: Quantity?
    /// Value > N × the upper normal limit of the range used.
    public var aboveTimesUpperNormal: Quantity?
    /// Value − the baseline visit's value ≥ N (no alert without a baseline value).
    public var riseFromBaseline: Quantity?

    /// Creates an alert.
    public init(test: String, above: Quantity? = nil, below: Quantity? = nil, aboveTimesUpperNormal: Quantity? = nil, riseFromBaseline: Quantity? = nil) {
        self.test = test; self.above = above; self.below = below; self.aboveTimesUpperNormal = aboveTimesUpperNormal
        self.riseFromBaseline = riseFromBaseline
    }

    /// The rules given.
    public var rules: [Rule] {
        [(Rule.above, above), (.below, below), (.aboveTimesUpperNormal, aboveTimesUpperNormal), (.riseFromBaseline, riseFromBaseline)]
            .compactMap { $0.1 == nil ? nil : $0.0 }
    }

    /// The rule in words, as the review's banner shows it (`above 3 × ULN 40`, `rise ≥ 20 from baseline`).
    public func words(upper: Quantity?) -> String {
        if let above { return "above \(above)" }
        if let below { return "below \(below)" }
        if let times = aboveTimesUpperNormal { return "above \(times) × ULN" + (upper.map { " \($0)" } ?? "") }
        if let rise = riseFromBaseline { return "rise ≥ \(rise) from baseline" }
        return "alert"
    }

    /// True when `value` holds this alert, with the upper normal limit `upper` of the range used and the
    /// baseline visit's value `baseline` (either may be unknown: that rule then holds nothing).
    public func holds(_ value: Quantity, upper: Quantity?, baseline: Quantity?) -> Bool {
        if let above, above < value { return true }
        if let below, value < below { return true }
        if let times = aboveTimesUpperNormal, let upper, Quantity(times.value * upper.value) < value { return true }
        if let rise = riseFromBaseline, let baseline, rise <= Quantity(value.value - baseline.value) { return true }
        return false
    }
}
