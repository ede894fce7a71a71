/// Every participant's digest, with the visits kept in two orders — by scheduled date, and (still
/// scheduled ones) by window end — so a day's lists are ranges found by binary search: what a day costs
/// is what the screen shows, not what the store holds. One participant is replaced after each save.
public struct ReviewTable: Sendable, Equatable {
    /// A visit of a participant: indexes into `people` and its `visits`.
    public struct SlotRef: Sendable, Hashable {
        /// Index in `people`.
        public let person: Int32
        /// Index in that participant's visits.
        public let visit: Int32

        /// Creates a reference.
        public init(person: Int32, visit: Int32) { self.person = person; self.visit = visit }
    }

    /// Every participant's digest; the first `sortedCount` are in subject order, later additions follow.
    public private(set) var people: [ParticipantDigest]
    /// Not-cancelled visits ordered by (scheduled date, subject, target).
    public private(set) var byScheduled: [SlotRef]
    /// Still-scheduled visits ordered by (window end, subject, target).
    public private(set) var openByWindowEnd: [SlotRef]
    /// Every urgent flag not yet acknowledged, in subject order (kept, so no frame scans the site for them).
    public private(set) var urgentFlags: [VisitFlag]
    private var sortedCount: Int

    /// Builds the table from digests (in any order).
    public init(_ digests: [ParticipantDigest]) {
        people = digests.sorted { $0.subject < $1.subject }
        sortedCount = people.count
        var scheduled: [SlotRef] = [], open: [SlotRef] = []
        for (person, digest) in people.enumerated() {
            for (index, visit) in digest.visits.enumerated() {
                let ref = SlotRef(person: Int32(person), visit: Int32(index))
                if visit.status != .cancelled { scheduled.append(ref) }
                if visit.status == .scheduled { open.append(ref) }
            }
        }
        byScheduled = []
        openByWindowEnd = []
        urgentFlags = []
        scheduled.sort { scheduledKey($0) < scheduledKey($1) }
        open.sort { windowEndKey($0) < windowEndKey($1) }
        byScheduled = scheduled
        openByWindowEnd = open
        urgentFlags = people.filter(\.hasUrgentFlag).flatMap(\.urgentFlags)
    }

    /// The table of `participants` (those whose protocol is unknown are left out).
    public init(participants: [Participant], context: StudyContext) {
        self.init(participants.compactMap { ParticipantDigest($0, context: context) })
    }

    /// Reassembles a table saved by `parts` (the cache); nil when the parts do not fit together.
    public init?(people: [ParticipantDigest], byScheduled: [SlotRef], openByWindowEnd: [SlotRef]) {
        var visitCounts: [Int32] = []
        visitCounts.reserveCapacity(people.count)
        for index in people.indices { visitCounts.append(Int32(people[index].visits.count)) }
        let valid = { (ref: SlotRef) in
            ref.person >= 0 && Int(ref.person) < visitCounts.count && ref.visit >= 0 && ref.visit < visitCounts[Int(ref.person)]
        }
        guard byScheduled.allSatisfy(valid), openByWindowEnd.allSatisfy(valid) else { return nil }
        self.people = people
        self.byScheduled = byScheduled
        self.openByWindowEnd = openByWindowEnd
        var sorted = min(1, people.count)
        while sorted < people.count, people[sorted - 1].subject < people[sorted].subject { sorted += 1 }
        sortedCount = sorted
        urgentFlags = people.filter(\.hasUrgentFlag).sorted { $0.subject < $1.subject }.flatMap(\.urgentFlags)
    }

    /// The digest of `subject`, if present.
    public func digest(_ subject: String) -> ParticipantDigest? { index(of: subject).map { people[$0] } }

    /// The position of `subject` in `people`.
    public func index(of subject: String) -> Int? {
        var low = 0, high = sortedCount
        while low < high {
            let middle = (low + high) / 2
            if people[middle].subject < subject { low = middle + 1 } else { high = middle }
        }
        if low < sortedCount, people[low].subject == subject { return low }
        return people[sortedCount...].firstIndex { $0.subject == subject }
    }

    /// Every subject ID, sorted.
    public var subjects: [String] { people.map(\.subject).sorted() }


    /// Replaces (or adds) one participant's digest, moving only its visits in the two orders.
    public mutating func replace(_ digest: ParticipantDigest) {
        let person: Int
        if let found = index(of: digest.subject) {
            person = found
            for index in people[person].visits.indices {
                let ref = SlotRef(person: Int32(person), visit: Int32(index))
                remove(ref, from: \.byScheduled, key: scheduledKey)
                remove(ref, from: \.openByWindowEnd, key: windowEndKey)
            }
            people[person] = digest
        } else {
            person = people.count
            people.append(digest)
        }
        for (index, visit) in digest.visits.enumerated() {
            let ref = SlotRef(person: Int32(person), visit: Int32(index))
            if visit.status != .cancelled { insert(ref, into: \.byScheduled, key: scheduledKey) }
            if visit.status == .scheduled { insert(ref, into: \.openByWindowEnd, key: windowEndKey) }
        }
        urgentFlags.removeAll { $0.subject == digest.subject }
        urgentFlags.insert(contentsOf: digest.urgentFlags, at: urgentFlags.firstIndex { $0.subject > digest.subject } ?? urgentFlags.endIndex)
    }

    /// The entry a reference points at.
    public func entry(_ ref: SlotRef) -> ReviewEntry {
        let digest = people[Int(ref.person)]
        return ReviewEntry(participant: digest, visit: digest.visits[Int(ref.visit)])
    }

    /// The day's lists (§3.5), optionally only for participants `matching`.
    public func review(on date: CivilDate, matching: ((ParticipantDigest) -> Bool)? = nil) -> DayReview {
        let today = byScheduled[range(in: byScheduled, from: date, to: date.adding(days: 1)) { visit(at: $0).scheduled }]
        let overdueEnd = range(in: openByWindowEnd, from: CivilDate(dayNumber: Int.min / 2), to: date) { visit(at: $0).window.end }.upperBound
        let closingRange = overdueEnd..<range(in: openByWindowEnd, from: date, to: date.adding(days: DayReview.closingHorizon + 1)) { visit(at: $0).window.end }.upperBound
        let closing = openByWindowEnd[closingRange].filter { ref in
            let visit = visit(at: ref)
            return visit.window.start <= date && visit.scheduled != date
        }
        func list<S: Collection>(_ refs: S) -> ReviewList where S.Element == SlotRef {
            guard let matching else { return ReviewList(table: self, refs: Array(refs)) }
            return ReviewList(table: self, refs: refs.filter { matching(people[Int($0.person)]) })
        }
        return DayReview(date: date, today: list(today), overdue: list(openByWindowEnd[..<overdueEnd]), closing: list(closing))
    }

    // MARK: - Ordering

    private func visit(at ref: SlotRef) -> VisitDigest { people[Int(ref.person)].visits[Int(ref.visit)] }

    private func scheduledKey(_ ref: SlotRef) -> (Int, String, Int) {
        let visit = visit(at: ref)
        return (visit.scheduled.dayNumber, people[Int(ref.person)].subject, visit.target.dayNumber)
    }

    private func windowEndKey(_ ref: SlotRef) -> (Int, String, Int) {
        let visit = visit(at: ref)
        return (visit.window.end.dayNumber, people[Int(ref.person)].subject, visit.target.dayNumber)
    }

    /// The indexes of `refs` (ordered by `date` first) whose date is in `from..<to`.
    private func range(in refs: [SlotRef], from: CivilDate, to: CivilDate, date: (SlotRef) -> CivilDate) -> Range<Int> {
        func firstIndex(notBefore bound: CivilDate) -> Int {
            var low = 0, high = refs.count
            while low < high {
                let middle = (low + high) / 2
                if date(refs[middle]) < bound { low = middle + 1 } else { high = middle }
            }
            return low
        }
        return firstIndex(notBefore: from)..<firstIndex(notBefore: to)
    }

    private func firstIndex(in refs: [SlotRef], notBefore key: (Int, String, Int), _ keyOf: (SlotRef) -> (Int, String, Int)) -> Int {
        var low = 0, high = refs.count
        while low < high {
            let middle = (low + high) / 2
            if keyOf(refs[middle]) < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private mutating func insert(_ ref: SlotRef, into list: WritableKeyPath<ReviewTable, [SlotRef]>, key: (SlotRef) -> (Int, String, Int)) {
        let index = firstIndex(in: self[keyPath: list], notBefore: key(ref), key)
        self[keyPath: list].insert(ref, at: index)
    }

    private mutating func remove(_ ref: SlotRef, from list: WritableKeyPath<ReviewTable, [SlotRef]>, key: (SlotRef) -> (Int, String, Int)) {
        let refs = self[keyPath: list]
        var index = firstIndex(in: refs, notBefore: key(ref), key)
        // Equal keys can only belong to the same participant; look through them for this exact visit.
        while index < refs.count, key(refs[index]) == key(ref) {
            if refs[index] == ref { self[keyPath: list].remove(at: index); return }
            index += 1
        }
    }
}

/// One of a day's lists: references into the table, turned into entries only when read, so a list of
/// thousands costs nothing until its rows are drawn.
public struct ReviewList: RandomAccessCollection, Sendable, Equatable {
    private let table: ReviewTable
    private let refs: [ReviewTable.SlotRef]

    /// An empty list.
    public init() { table = ReviewTable([]); refs = [] }

    init(table: ReviewTable, refs: [ReviewTable.SlotRef]) { self.table = table; self.refs = refs }

    public var startIndex: Int { 0 }
    public var endIndex: Int { refs.count }
    public subscript(position: Int) -> ReviewEntry { table.entry(refs[position]) }

    public static func == (a: ReviewList, b: ReviewList) -> Bool { a.elementsEqual(b) }
}
