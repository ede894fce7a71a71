/// A flag raised by one administration, and whether the lead has acknowledged it.
public struct DigestFlag: Sendable, Equatable {
    /// Visit code.
    public var visit: String
    /// Flag name.
    public var flag: String
    /// Date of the administration that raised it.
    public var date: CivilDate
    /// Urgent flags wait for an acknowledgement.
    public var isUrgent: Bool
    /// Acknowledged by the lead.
    public var isAcknowledged: Bool
    /// The days the administration's items were corrected.
    public var corrections: [CivilDate]

    /// Creates a flag.
    package init(visit: String, flag: String, date: CivilDate, isUrgent: Bool, isAcknowledged: Bool, corrections: [CivilDate] = []) {
        self.visit = visit; self.flag = flag; self.date = date; self.isUrgent = isUrgent; self.isAcknowledged = isAcknowledged
        self.corrections = corrections
    }
}
