import CohortDomain

/// The end-of-day summary screen: the day and the selected actionable line (flag or deviation).
public struct SummaryPage: Equatable, Sendable {
    /// The day summarised.
    public var day: CivilDate
    /// Index into the actionable items.
    public var selection = 0
    /// Lines scrolled down (the screen keeps it within the lines there are).
    public var scroll = 0
    /// After j/k the screen scrolls to keep the selected line in view; after PgDn/PgUp it does not.
    public var followsSelection = true

    /// A page for `day`.
    public init(day: CivilDate) { self.day = day }
}

/// A line of the summary the lead can act on.
public enum SummaryItem: Equatable, Sendable {
    /// An urgent flag not yet acknowledged.
    case urgentFlag(VisitFlag)
    /// A protocol deviation, with the lead's class and note once given.
    case deviation(DaySummary.Deviation, classified: DeviationClassification?)
}

extension AppState {
    /// The summary figures and actionable items for `day` (kept while the summary screen is open, so a key
    /// press there does not recount the whole store).
    public func summary(for day: CivilDate) -> (DaySummary, [SummaryItem])? {
        if let cached = summaryCache, cached.summary.date == day { return (cached.summary, cached.items) }
        return computeSummary(for: day)
    }

    func computeSummary(for day: CivilDate) -> (DaySummary, [SummaryItem])? {
        guard let data else { return nil }
        var summary = DaySummary(date: day, table: data.table, zone: zone)
        if let records = summaryRecords[day] { summary.add(records) }
        let deviations = summary.deviations.map { deviation in
            SummaryItem.deviation(deviation, classified: data.table.digest(deviation.subject)?.deviationClasses.first { $0.visit == deviation.visit })
        }
        return (summary, urgentFlags.map(SummaryItem.urgentFlag) + deviations)
    }
}
