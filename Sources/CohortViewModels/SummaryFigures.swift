import CohortDomain

/// A day's summary figures with the lines the lead can act on.
struct SummaryFigures: Equatable, Sendable {
    let summary: DaySummary
    let items: [SummaryItem]
}
