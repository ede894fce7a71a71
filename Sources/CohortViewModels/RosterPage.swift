import CohortDomain

/// The roster screen (docs/RULES.md, "The roster and the screening log"): every participant, narrowed by what was typed after `/`.
public struct RosterPage: Equatable, Sendable {
    /// The search text (empty: everyone).
    public var query = ""
    /// Index of the selected row among the rows the search keeps.
    public var selection = 0

    /// A roster showing everyone.
    public init() {}
}

/// One participant as the roster shows it: where they stand and what waits for the lead.
public struct RosterRow: Equatable, Sendable {
    /// Subject ID.
    public let subject: String
    /// Initials.
    public let initials: String
    /// Protocol id.
    public let study: String
    /// Where the participant is in the study.
    public let status: ParticipantStatus
    /// `arm A`, the randomization number, or `not yet` (the roster's short form of the allocation).
    public let randomization: String
    /// True once given an arm or a randomization number.
    public let isAllocated: Bool
    /// The next scheduled visit.
    public let next: NextVisit?
    /// Urgent flags not yet acknowledged.
    public let urgentFlags: Int
    /// Deviations the lead has not classified yet.
    public let unclassifiedDeviations: Int
    /// Adverse events whose initial report is not sent yet.
    public let reportsDue: Int
    /// Adverse events with a follow-up report pending.
    public let followUpsPending: Int
    /// Prohibited medications still taken.
    public let prohibitedMedications: Int
    /// Out-of-range values awaiting the investigator's assessment.
    public let valuesToAssess: Int
    /// What the search looks in, lowercased once.
    let searchText: String

    /// The row of `digest` (with its visits).
    init(_ digest: ParticipantDigest) {
        subject = digest.subject; initials = digest.initials; study = digest.study; status = digest.status
        randomization = digest.arm.map { "arm \($0)" } ?? digest.randomization?.number ?? "not yet"
        isAllocated = digest.arm != nil || digest.randomization != nil; next = digest.nextVisit
        urgentFlags = digest.urgentFlags.count; unclassifiedDeviations = digest.unclassifiedDeviations.count
        reportsDue = digest.adverseEvents.filter(\.awaitsReport).count
        followUpsPending = digest.adverseEvents.filter(\.followUpPending).count
        prohibitedMedications = digest.prohibitedMedications.filter(\.ongoing).count
        valuesToAssess = digest.flaggedMeasures.filter(\.awaitsAssessment).count
        searchText = [subject, initials, study, status.rawValue, randomization].joined(separator: " ").lowercased()
    }

    /// True when something on the row cannot wait (an urgent flag, a report not sent, a prohibited medication).
    public var isPressing: Bool { urgentFlags > 0 || reportsDue > 0 || prohibitedMedications > 0 }

    /// What waits for the lead (urgent flags to acknowledge, reports to send, prohibited medications taken,
    /// follow-up reports, out-of-range values to assess, deviations to classify), in words; empty when
    /// nothing does.
    public var open: String {
        var parts: [String] = []
        if urgentFlags > 0 { parts.append(Text.count(urgentFlags, "urgent flag")) }
        if reportsDue > 0 { parts.append(Text.count(reportsDue, "report") + " due") }
        if prohibitedMedications > 0 { parts.append(Text.count(prohibitedMedications, "prohibited med", plural: "prohibited meds")) }
        if followUpsPending > 0 { parts.append(Text.count(followUpsPending, "follow-up") + " due") }
        if valuesToAssess > 0 { parts.append(Text.count(valuesToAssess, "value") + " to assess") }
        if unclassifiedDeviations > 0 { parts.append(Text.count(unclassifiedDeviations, "deviation")) }
        return parts.joined(separator: ", ")
    }

    /// True when every word of `query` (lowercased) is in the row.
    func matches(_ query: String) -> Bool {
        query.split(separator: " ").allSatisfy { searchText.contains($0) }
    }
}
