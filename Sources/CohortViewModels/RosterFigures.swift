import CohortDomain

/// How many participants of a study are in each status, and how many were randomized (or given an arm).
public struct StudyCount: Equatable, Sendable {
    /// Protocol id.
    public let study: String
    /// Participants per status, every status present (zeros included).
    public var byStatus: [ParticipantStatus: Int]
    /// Participants allocated: an arm at enrollment or a randomization number.
    public var randomized: Int
}

/// The roster as computed once from the table: every row by subject, the counts, and the rows the current
/// search keeps (kept while the roster is open, so a key press there does not go through the whole store).
public struct RosterFigures: Equatable, Sendable {
    /// Every participant, by subject.
    public let rows: [RosterRow]
    /// One count per study of the store, by study id.
    public let counts: [StudyCount]
    /// The search the `shown` rows answer.
    public private(set) var query = ""
    /// Indices into `rows` the search keeps.
    public private(set) var shown: [Int]

    /// The roster of `table`, covering every study of `studies`.
    init(table: ReviewTable, studies: [String]) {
        rows = (0..<table.count).map { RosterRow(table.person($0)) }.sorted { $0.subject < $1.subject }
        var counts = Dictionary(uniqueKeysWithValues: studies.map {
            ($0, StudyCount(study: $0, byStatus: Dictionary(uniqueKeysWithValues: ParticipantStatus.allCases.map { ($0, 0) }), randomized: 0))
        })
        for row in rows {
            counts[row.study, default: StudyCount(study: row.study, byStatus: [:], randomized: 0)].byStatus[row.status, default: 0] += 1
            if row.isAllocated { counts[row.study]?.randomized += 1 }
        }
        self.counts = counts.values.sorted { $0.study < $1.study }
        shown = Array(rows.indices)
    }

    /// Keeps the rows matching `query` (case-insensitive; every word must appear).
    mutating func search(_ query: String) {
        guard query != self.query else { return }
        self.query = query
        let needle = query.lowercased()
        shown = needle.isEmpty ? Array(rows.indices) : rows.indices.filter { rows[$0].matches(needle) }
    }

    /// The row at `position` among the shown rows.
    public func row(at position: Int) -> RosterRow? {
        shown.indices.contains(position) ? rows[shown[position]] : nil
    }
}
