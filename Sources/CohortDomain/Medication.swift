/// A medication the participant takes or took (docs/RULES.md, "Adverse events and medications"): prior when it ended before Day 1, else
/// concomitant; prohibited when concomitant and named in the protocol's prohibited list.
public struct Medication: Codable, Sendable, Equatable {
    /// `CM1`, `CM2`, … per participant, in order of entry.
    public var id: String
    /// The medication as written (generic name preferred).
    public var name: String
    /// First day taken.
    public var start: CivilDate
    /// Last day taken, once stopped.
    public var end: CivilDate?
    /// Dose as written ("1 mg").
    public var dose: String?
    /// Route ("oral").
    public var route: String?
    /// Frequency ("as needed", "twice daily").
    public var frequency: String?
    /// What it is for.
    public var indication: String?
    /// Given as rescue medication under the protocol.
    public var rescue: Bool
    /// The sponsor's coded name (WHODrug, SDTM CMDECOD), once the sponsor has coded it; absent from the
    /// file until recorded, so older files read and replay byte for byte.
    public var decod: String? = nil

    /// Prior or concomitant.
    public enum Category: String, Sendable, CaseIterable { case prior, concomitant }

    /// Creates a medication record.
    public init(id: String, name: String, start: CivilDate, end: CivilDate? = nil, dose: String? = nil, route: String? = nil,
                frequency: String? = nil, indication: String? = nil, rescue: Bool = false) {
        self.id = id; self.name = name; self.start = start; self.end = end; self.dose = dose; self.route = route
        self.frequency = frequency; self.indication = indication; self.rescue = rescue
    }

    /// Prior when it ended before Day 1 (`dayOne`), else concomitant.
    public func category(dayOne: CivilDate) -> Category {
        if let end, end < dayOne { return .prior }
        return .concomitant
    }

    /// The day a prohibited medication became a deviation: its start, or Day 1 if it started before.
    public func deviationDate(dayOne: CivilDate) -> CivilDate { max(start, dayOne) }
}
