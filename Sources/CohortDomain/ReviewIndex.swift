/// The day lists' visits bucketed by date, so a day's review costs what that day holds, not what the
/// store holds. Built once from the participants; one participant is replaced after each save.
public struct ReviewIndex: Sendable, Equatable {
    /// Everything needed to place one visit in the lists.
    struct Slot: Sendable, Equatable {
        let subject: String
        let visit: PlannedVisit
    }

    private var participants: [String: Participant] = [:]
    private var slots: [String: [Slot]] = [:]
    /// Not-cancelled visits by scheduled date.
    private var byScheduled: [CivilDate: [Slot]] = [:]
    /// Still-scheduled visits by window end.
    private var openByWindowEnd: [CivilDate: [Slot]] = [:]
    private let context: StudyContext

    /// Indexes `participants`.
    public init(participants: [Participant], context: StudyContext) {
        self.context = context
        for participant in participants { insert(participant) }
    }

    /// Replaces (or adds) one participant.
    public mutating func update(_ participant: Participant) {
        remove(participant.subject)
        insert(participant)
    }

    /// The day's lists, identical to `DayReview(date:participants:context:)` over the same participants,
    /// optionally only for participants `matching`.
    public func review(on date: CivilDate, matching: ((Participant) -> Bool)? = nil) -> DayReview {
        func entries(_ found: [Slot]) -> [ReviewEntry] {
            found.compactMap { slot in
                guard let participant = participants[slot.subject], matching?(participant) ?? true else { return nil }
                return ReviewEntry(participant: participant, visit: slot.visit)
            }
        }
        // Buckets are kept in list order (subject, then target), and taken in date order, so the lists come
        // out in §5 order without sorting the whole backlog on every change of day.
        let today = (byScheduled[date] ?? []).filter { $0.visit.status != .cancelled }
        var overdue: [Slot] = [], closing: [Slot] = []
        for end in openByWindowEnd.keys.sorted() {
            guard let found = openByWindowEnd[end] else { continue }
            if end < date {
                overdue += found
            } else if end <= date.adding(days: DayReview.closingHorizon) {
                closing += found.filter { $0.visit.window.start <= date && $0.visit.scheduled != date }
            }
        }
        return DayReview(date: date, inOrder: entries(today), overdue: entries(overdue), closing: entries(closing))
    }

    private static func listOrder(_ a: Slot, _ b: Slot) -> Bool { (a.subject, a.visit.target) < (b.subject, b.visit.target) }

    private mutating func insert(_ participant: Participant) {
        guard let studyProtocol = context.protocols[participant.study] else { return }
        participants[participant.subject] = participant
        let planned = participant.plannedVisits(studyProtocol).map { Slot(subject: participant.subject, visit: $0) }
        slots[participant.subject] = planned
        for slot in planned {
            if slot.visit.status != .cancelled { Self.insert(slot, into: &byScheduled[slot.visit.scheduled, default: []]) }
            if slot.visit.status == .scheduled { Self.insert(slot, into: &openByWindowEnd[slot.visit.window.end, default: []]) }
        }
    }

    /// Inserts keeping the bucket in list order.
    private static func insert(_ slot: Slot, into bucket: inout [Slot]) {
        let index = bucket.firstIndex { listOrder(slot, $0) } ?? bucket.endIndex
        bucket.insert(slot, at: index)
    }

    private mutating func remove(_ subject: String) {
        participants[subject] = nil
        for slot in slots.removeValue(forKey: subject) ?? [] {
            byScheduled[slot.visit.scheduled]?.removeAll { $0.subject == subject }
            openByWindowEnd[slot.visit.window.end]?.removeAll { $0.subject == subject }
        }
    }
}
