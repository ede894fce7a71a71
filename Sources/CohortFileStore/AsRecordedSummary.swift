import CohortDomain
import CohortStore
import Foundation

/// A day's summary as recorded (docs/RULES.md, "The day's lists and the summary"): every trail replayed to
/// the end of the day. What `summary --as-recorded` prints, and what `cohort sign - summary:DATE` signs
/// (and the demo's PI signs for a past day).
public struct AsRecordedSummary {
    /// The review table of every participant as the day ended.
    public let table: ReviewTable
    /// What needs the trail: entries recorded that day for earlier days, acknowledgements, open safety items.
    public let records: DaySummary.Records
    /// The summary.
    public let summary: DaySummary
    /// The end of the day, the moment the summary is read at.
    public let now: Moment
    /// Participants that could not be read.
    public let problems: [StoreError]
    /// Whether some participant's trail has a record made on the day (a day with none has nothing to sign).
    public let recordedOnDay: Bool

    /// Every participant as it stood at the end of `day` on `zone`'s clock: the trails written since the
    /// day began replayed, the rest as the review table holds them (`JSONFileStore.recordedDay`).
    public init(_ day: CivilDate, store: JSONFileStore, zone: TimeZone) throws {
        let recorded = try store.recordedDay(day, zone: zone)
        table = recorded.table
        records = recorded.records
        problems = recorded.problems
        recordedOnDay = recorded.recordedOnDay
        now = Moment.endOf(day, in: zone)
        var summary = DaySummary(date: day, table: table, zone: zone)
        summary.add(records)
        self.summary = summary
    }

    /// The canonical JSON of the summary as `--as-recorded --format json` gives it: a signature's content.
    public var content: Data { CompactJSON.bytes(summary, userInfo: [Quantity.asNumbers: true]) }
}
