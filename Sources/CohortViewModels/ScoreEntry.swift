import CohortDomain

/// Fast score entry for one visit: the visit's scales one after another, one keypress per item.
public struct ScoreEntry: Equatable, Sendable {
    /// One item's entry.
    public enum Item: Equatable, Sendable {
        /// Not typed yet.
        case pending
        /// A score.
        case score(Int)
        /// Marked `x`: not assessed.
        case notAssessed

        /// The value for scoring (nil while pending or not assessed).
        public var value: Int? { if case .score(let v) = self { return v } else { return nil } }
    }

    /// Subject ID.
    public let subject: String
    /// Visit code.
    public let visit: String
    /// The visit's required scales, in order.
    public let scales: [String]
    /// Index of the scale being entered.
    public var scaleIndex: Int
    /// The items of the current scale.
    public var items: [Item]
    /// The item the next keypress fills.
    public var cursor: Int
    /// Why the last keypress or save was refused.
    public var error: String?
    /// The rater's initials for this visit (asked when entry opens).
    public var rater: String?

    /// The scale being entered.
    public var scale: String { scales[scaleIndex] }

    /// The items as the domain scores them (nil for pending and not assessed).
    public var values: [Int?] { items.map(\.value) }

    /// How many items still have no entry.
    public var pendingCount: Int { items.filter { $0 == .pending }.count }

    /// Starts entry at scale `index`, pre-filled with what is saved.
    static func start(subject: String, visit: String, scales: [String], index: Int, participant: Participant,
                      catalog: ScaleCatalog) -> ScoreEntry {
        let code = scales[index]
        let count = catalog[code]?.items.count ?? 0
        let saved = participant.administration(visit: visit, scale: code)
        let items: [Item] = saved.map { $0.items.map { $0.map(Item.score) ?? .notAssessed } } ?? Array(repeating: .pending, count: count)
        return ScoreEntry(subject: subject, visit: visit, scales: scales, scaleIndex: index, items: items,
                          cursor: saved == nil ? 0 : count, error: nil, rater: nil)
    }
}
