/// Every participant's digest, laid out for the day's lists: each visit is a fixed-size `Slot` in one
/// flat array, kept in two orders — by scheduled date, and (still-scheduled ones) by window end — so a
/// day's lists are ranges found by binary search. A participant's other facts (initials, scores, flags)
/// are read only when a row shows them, from `facts`, which may still be encoded (the store's cache): a
/// table of thousands opens at about the cost of copying its visits, and a day costs what it shows.
public struct ReviewTable: Sendable {
    /// One visit: everything the lists and the summary read, in fixed-size fields (dates as day numbers).
    package struct Slot: Sendable, Equatable {
        /// Index of the participant; −1 once replaced by a newer digest.
        package var person: Int32
        /// Index of the visit code in `codes`.
        package var code: Int16
        /// Position in the protocol's visit list.
        package var order: Int16
        /// `VisitStatus.allCases` index.
        package var status: UInt8
        /// Required forms (scales and measures) entered.
        package var entered: UInt8
        /// Forms required.
        package var required: UInt8
        /// 1 when a required scale is missing or has an unscored item.
        package var incomplete: UInt8
        /// 1 when the visit waits for Day 1: it is in neither order, so in no list.
        package var waiting: UInt8
        /// Target, window start and end, scheduled, completed and missed dates (`Slot.none` when absent).
        package var target, windowStart, windowEnd, scheduled, completed, missed: Int32

        /// The day number standing for "no date".
        package static let none = Int32.min

        /// The last day a still-scheduled visit is not overdue (`VisitWindow.dueBy`): the window's end, or
        /// the scheduled date of a visit planned after its window.
        package var dueBy: Int32 { max(windowEnd, scheduled) }

        /// True when the slot belongs in the by-scheduled order (every day list but the overdue and closing ones).
        var isListed: Bool { status != ReviewTable.cancelled && waiting == 0 }
        /// True when the slot belongs in the order by due day (overdue and closing).
        var isOpen: Bool { status == ReviewTable.scheduled && waiting == 0 }
    }

    /// The table's arrays, as the cache stores them.
    package struct Parts: Sendable, Equatable {
        /// Every visit.
        package var slots: [Slot]
        /// Per participant, the first slot and one past the last.
        package var slotStart: [Int32], slotEnd: [Int32]
        /// Per participant, the subject ID.
        package var subjects: [String]
        /// Visit codes by index.
        package var codes: [String]
        /// Slot indexes by (scheduled, subject, target), cancelled visits and visits waiting for Day 1 left out.
        package var byScheduled: [Int32]
        /// Slot indexes by (due day, subject, target), still-scheduled visits only, none waiting for Day 1
        /// (the due day is the window's end, or the scheduled date of a visit planned after its window).
        package var openByWindowEnd: [Int32]
        /// Every urgent flag not yet acknowledged, in subject order.
        package var urgentFlags: [VisitFlag]
        /// Every safety alert (reports not sent, prohibited medications taken), most pressing first
        /// (`SafetyAlert.precedes`): a frame shows the first few without sorting.
        package var safetyAlerts: [SafetyAlert]

        /// Creates parts.
        package init(slots: [Slot], slotStart: [Int32], slotEnd: [Int32], subjects: [String], codes: [String],
                    byScheduled: [Int32], openByWindowEnd: [Int32], urgentFlags: [VisitFlag], safetyAlerts: [SafetyAlert]) {
            self.slots = slots; self.slotStart = slotStart; self.slotEnd = slotEnd; self.subjects = subjects
            self.codes = codes; self.byScheduled = byScheduled; self.openByWindowEnd = openByWindowEnd; self.urgentFlags = urgentFlags
            self.safetyAlerts = safetyAlerts
        }
    }

    /// The arrays; `parts.subjects` has one entry per participant, the first `sortedCount` in order.
    package private(set) var parts: Parts
    /// Participants' facts other than visits, by index (possibly still encoded).
    private let facts: any DigestFacts
    /// Facts of participants replaced or added since `facts` was made.
    private var replacedFacts: [Int: ParticipantDigest] = [:]
    private var codeIndex: [String: Int16]
    private var sortedCount: Int

    /// Builds the table from digests (in any order).
    public init(_ digests: [ParticipantDigest]) {
        let people = digests.sorted { $0.subject < $1.subject }
        facts = StoredFacts(people.map { var facts = $0; facts.visits = []; return facts })
        parts = Parts(slots: [], slotStart: [], slotEnd: [], subjects: people.map(\.subject), codes: [],
                      byScheduled: [], openByWindowEnd: [], urgentFlags: [], safetyAlerts: [])
        codeIndex = [:]
        sortedCount = people.count
        for (person, digest) in people.enumerated() {
            parts.slotStart.append(Int32(parts.slots.count))
            for visit in digest.visits { parts.slots.append(slot(of: visit, person: person)) }
            parts.slotEnd.append(Int32(parts.slots.count))
        }
        var scheduled = parts.slots.indices.filter { parts.slots[$0].isListed }.map(Int32.init)
        var open = parts.slots.indices.filter { parts.slots[$0].isOpen }.map(Int32.init)
        // Compared through a constant: through `self`, still being made, each comparison copied the table.
        let ordering = self
        scheduled.sort { ordering.scheduledKey($0) < ordering.scheduledKey($1) }
        open.sort { ordering.windowEndKey($0) < ordering.windowEndKey($1) }
        parts.byScheduled = scheduled
        parts.openByWindowEnd = open
        parts.urgentFlags = people.flatMap(\.urgentFlags)
        parts.safetyAlerts = people.flatMap(\.safetyAlerts).sorted(by: SafetyAlert.precedes)
    }

    /// The table of `participants` (those whose protocol is unknown are left out).
    public init(participants: [Participant], context: StudyContext) {
        self.init(participants.compactMap { ParticipantDigest($0, context: context) })
    }

    /// Reassembles a table from the cache's parts and facts; nil when they do not fit together.
    package init?(parts: Parts, facts: any DigestFacts) {
        let people = parts.subjects.count, slotCount = Int32(parts.slots.count), codeCount = Int16(clamping: parts.codes.count)
        guard facts.count == people, parts.slotStart.count == people, parts.slotEnd.count == people,
              zip(parts.slotStart, parts.slotEnd).allSatisfy({ 0 <= $0 && $0 <= $1 && $1 <= slotCount }),
              parts.slots.allSatisfy({ $0.person >= -1 && $0.person < Int32(people) && 0 <= $0.code && $0.code < codeCount && Int($0.status) < VisitStatus.allCases.count }),
              parts.byScheduled.allSatisfy({ 0 <= $0 && $0 < slotCount }),
              parts.openByWindowEnd.allSatisfy({ 0 <= $0 && $0 < slotCount }) else { return nil }
        self.parts = parts
        self.facts = facts
        codeIndex = Dictionary(parts.codes.enumerated().map { ($1, Int16($0)) }, uniquingKeysWith: { a, _ in a })
        var sorted = min(1, people)
        while sorted < people, parts.subjects[sorted - 1] < parts.subjects[sorted] { sorted += 1 }
        sortedCount = sorted
    }

    // MARK: - Reading

    /// How many participants.
    public var count: Int { parts.subjects.count }

    /// Every subject ID, sorted.
    public var subjects: [String] { sortedCount == count ? parts.subjects : parts.subjects.sorted() }

    /// Every urgent flag not yet acknowledged, in subject order.
    public var urgentFlags: [VisitFlag] { parts.urgentFlags }

    /// Every safety alert, most pressing first.
    public var safetyAlerts: [SafetyAlert] { parts.safetyAlerts }

    /// The position of `subject`.
    public func index(of subject: String) -> Int? {
        var low = 0, high = sortedCount
        while low < high {
            let middle = (low + high) / 2
            if parts.subjects[middle] < subject { low = middle + 1 } else { high = middle }
        }
        if low < sortedCount, parts.subjects[low] == subject { return low }
        return parts.subjects[sortedCount...].firstIndex(of: subject)
    }

    /// The digest of `subject`, if present.
    public func digest(_ subject: String) -> ParticipantDigest? { index(of: subject).map(person) }

    /// The whole digest of the participant at `index`.
    public func person(_ index: Int) -> ParticipantDigest {
        var digest = personFacts(index)
        digest.visits = (Int(parts.slotStart[index])..<Int(parts.slotEnd[index])).map { visit(at: $0) }
        return digest
    }

    /// Every participant's digest, in table order (reads every one: for the summary and the cache).
    public var people: [ParticipantDigest] { (0..<count).map(person) }

    /// The participant's facts without its visits (cheaper when only initials or scores are wanted).
    package func personFacts(_ index: Int) -> ParticipantDigest {
        replacedFacts[index] ?? facts.digestWithoutVisits(at: index)
    }

    /// The visit in slot `index`.
    package func visit(at index: Int) -> VisitDigest {
        let slot = parts.slots[index]
        func date(_ value: Int32) -> CivilDate? { value == Slot.none ? nil : CivilDate(dayNumber: Int(value)) }
        let target = CivilDate(dayNumber: Int(slot.target))
        return VisitDigest(code: parts.codes[Int(slot.code)], order: Int(slot.order), status: VisitStatus.allCases[Int(slot.status)],
                           target: target, window: VisitWindow(start: CivilDate(dayNumber: Int(slot.windowStart)), end: CivilDate(dayNumber: Int(slot.windowEnd))),
                           scheduled: CivilDate(dayNumber: Int(slot.scheduled)), completedDate: date(slot.completed), missedDate: date(slot.missed),
                           enteredForms: Int(slot.entered), requiredForms: Int(slot.required), isIncomplete: slot.incomplete != 0,
                           isWaitingForDayOne: slot.waiting != 0)
    }

    /// The entry for slot `index`.
    package func entry(_ index: Int32) -> ReviewEntry {
        ReviewEntry(participant: personFacts(Int(parts.slots[Int(index)].person)), visit: visit(at: Int(index)))
    }

    /// Subject and visit code of slot `index`.
    package func visitKey(_ index: Int32) -> (String, String) {
        let slot = parts.slots[Int(index)]
        return (parts.subjects[Int(slot.person)], parts.codes[Int(slot.code)])
    }

    /// The day's lists (docs/RULES.md, "The day's lists and the summary"), optionally only for participants
    /// `matching` (given facts without visits). A visit planned after its window is overdue only once its
    /// planned date has passed, and never in the closing list (it was planned so on purpose).
    public func review(on date: CivilDate, matching: ((ParticipantDigest) -> Bool)? = nil) -> DayReview {
        let day = Int32(date.dayNumber)
        let today = parts.byScheduled[range(in: parts.byScheduled, from: day, to: day + 1, \.scheduled)]
        let overdueEnd = range(in: parts.openByWindowEnd, from: Int32.min, to: day, \.dueBy).upperBound
        let closingEnd = range(in: parts.openByWindowEnd, from: day, to: day + Int32(DayReview.closingHorizon) + 1, \.dueBy).upperBound
        let closing = parts.openByWindowEnd[overdueEnd..<closingEnd].filter { index in
            let slot = parts.slots[Int(index)]
            return slot.windowStart <= day && slot.scheduled != day && slot.scheduled <= slot.windowEnd
        }
        func list<S: Collection>(_ slots: S) -> ReviewList where S.Element == Int32 {
            guard let matching else { return ReviewList(table: self, slots: Array(slots)) }
            return ReviewList(table: self, slots: slots.filter { matching(personFacts(Int(parts.slots[Int($0)].person))) })
        }
        return DayReview(date: date, today: list(today), overdue: list(parts.openByWindowEnd[..<overdueEnd]), closing: list(closing))
    }

    // MARK: - Changing

    /// Replaces (or adds) one participant's digest, moving only its visits in the two orders.
    public mutating func replace(_ digest: ParticipantDigest) {
        let person: Int
        if let found = index(of: digest.subject) {
            person = found
            for index in Int(parts.slotStart[person])..<Int(parts.slotEnd[person]) {
                remove(Int32(index), from: .byScheduled)
                remove(Int32(index), from: .openByWindowEnd)
                parts.slots[index].person = -1
            }
        } else {
            person = count
            parts.subjects.append(digest.subject)
            parts.slotStart.append(0)
            parts.slotEnd.append(0)
        }
        var facts = digest
        facts.visits = []
        replacedFacts[person] = facts
        parts.slotStart[person] = Int32(parts.slots.count)
        for visit in digest.visits {
            parts.slots.append(slot(of: visit, person: person))
            let index = Int32(parts.slots.count - 1)
            if parts.slots[Int(index)].isListed { insert(index, into: .byScheduled) }
            if parts.slots[Int(index)].isOpen { insert(index, into: .openByWindowEnd) }
        }
        parts.slotEnd[person] = Int32(parts.slots.count)
        parts.urgentFlags.removeAll { $0.subject == digest.subject }
        parts.urgentFlags.insert(contentsOf: digest.urgentFlags,
                                 at: parts.urgentFlags.firstIndex { $0.subject > digest.subject } ?? parts.urgentFlags.endIndex)
        parts.safetyAlerts.removeAll { $0.subject == digest.subject }
        for alert in digest.safetyAlerts {
            var low = 0, high = parts.safetyAlerts.count
            while low < high {
                let middle = (low + high) / 2
                if SafetyAlert.precedes(parts.safetyAlerts[middle], alert) { low = middle + 1 } else { high = middle }
            }
            parts.safetyAlerts.insert(alert, at: low)
        }
    }

    /// The table without the slots left behind by replaced participants (so a cache written after many
    /// saves does not carry them forever).
    package func compacted() -> ReviewTable {
        guard parts.slots.contains(where: { $0.person < 0 }) else { return self }
        var table = self
        var newIndex = [Int32](repeating: -1, count: parts.slots.count)
        table.parts.slots = []
        table.parts.slots.reserveCapacity(parts.slots.count)
        for person in 0..<count {
            table.parts.slotStart[person] = Int32(table.parts.slots.count)
            for index in Int(parts.slotStart[person])..<Int(parts.slotEnd[person]) {
                newIndex[index] = Int32(table.parts.slots.count)
                table.parts.slots.append(parts.slots[index])
            }
            table.parts.slotEnd[person] = Int32(table.parts.slots.count)
        }
        table.parts.byScheduled = parts.byScheduled.map { newIndex[Int($0)] }
        table.parts.openByWindowEnd = parts.openByWindowEnd.map { newIndex[Int($0)] }
        return table
    }

    // MARK: - Ordering

    fileprivate static let scheduled = UInt8(VisitStatus.allCases.firstIndex(of: .scheduled) ?? 0)
    fileprivate static let cancelled = UInt8(VisitStatus.allCases.firstIndex(of: .cancelled) ?? 0)

    private mutating func slot(of visit: VisitDigest, person: Int) -> Slot {
        let code: Int16
        if let known = codeIndex[visit.code] {
            code = known
        } else {
            code = Int16(parts.codes.count)
            parts.codes.append(visit.code)
            codeIndex[visit.code] = code
        }
        func day(_ date: CivilDate?) -> Int32 { date.map { Int32(clamping: $0.dayNumber) } ?? Slot.none }
        return Slot(person: Int32(person), code: code, order: Int16(clamping: visit.order),
                    status: UInt8(VisitStatus.allCases.firstIndex(of: visit.status) ?? 0),
                    entered: UInt8(clamping: visit.enteredForms), required: UInt8(clamping: visit.requiredForms),
                    incomplete: visit.isIncomplete ? 1 : 0, waiting: visit.isWaitingForDayOne ? 1 : 0, target: day(visit.target), windowStart: day(visit.window.start),
                    windowEnd: day(visit.window.end), scheduled: day(visit.scheduled), completed: day(visit.completedDate),
                    missed: day(visit.missedDate))
    }

    /// Ordered by day, subject, target, then protocol order (a withdrawal can put the early-termination
    /// visit on the same day and target as another).
    private func scheduledKey(_ index: Int32) -> (Int32, String, Int32, Int16) {
        let slot = parts.slots[Int(index)]
        return (slot.scheduled, parts.subjects[Int(slot.person)], slot.target, slot.order)
    }

    private func windowEndKey(_ index: Int32) -> (Int32, String, Int32, Int16) {
        let slot = parts.slots[Int(index)]
        return (slot.dueBy, parts.subjects[Int(slot.person)], slot.target, slot.order)
    }

    /// The positions in `order` (sorted by `date` first) whose date is in `from..<to`.
    private func range(in order: [Int32], from: Int32, to: Int32, _ date: KeyPath<Slot, Int32>) -> Range<Int> {
        func firstPosition(notBefore bound: Int32) -> Int {
            var low = 0, high = order.count
            while low < high {
                let middle = (low + high) / 2
                if parts.slots[Int(order[middle])][keyPath: date] < bound { low = middle + 1 } else { high = middle }
            }
            return low
        }
        return firstPosition(notBefore: from)..<firstPosition(notBefore: to)
    }

    /// The two orders the table keeps.
    private enum Order {
        case byScheduled, openByWindowEnd

        var path: WritableKeyPath<Parts, [Int32]> { self == .byScheduled ? \.byScheduled : \.openByWindowEnd }
    }

    private func key(_ index: Int32, in order: Order) -> (Int32, String, Int32, Int16) {
        order == .byScheduled ? scheduledKey(index) : windowEndKey(index)
    }

    /// Where slot `index` goes in `order` (the first position whose key is not smaller).
    private func insertionPoint(of index: Int32, in order: Order) -> Int {
        let list = parts[keyPath: order.path], wanted = key(index, in: order)
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if key(list[middle], in: order) < wanted { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Where slot `index` is in `order`. Equal keys can only belong to one participant: look through them.
    private func position(of index: Int32, in order: Order) -> Int? {
        let list = parts[keyPath: order.path], wanted = key(index, in: order)
        var position = insertionPoint(of: index, in: order)
        while position < list.count, key(list[position], in: order) == wanted {
            if list[position] == index { return position }
            position += 1
        }
        return nil
    }

    // Positions are found first and the array changed after, so no copy of it is alive while it changes
    // (that would copy the whole order on every save).
    private mutating func insert(_ index: Int32, into order: Order) {
        let position = insertionPoint(of: index, in: order)
        parts[keyPath: order.path].insert(index, at: position)
    }

    private mutating func remove(_ index: Int32, from order: Order) {
        guard let position = position(of: index, in: order) else { return }
        parts[keyPath: order.path].remove(at: position)
    }
}

extension ReviewTable: Equatable {
    /// Tables are equal when they hold the same digests (the orders follow from them).
    public static func == (a: ReviewTable, b: ReviewTable) -> Bool {
        a.count == b.count && a.parts.subjects == b.parts.subjects && a.urgentFlags == b.urgentFlags
            && (0..<a.count).allSatisfy { a.person($0) == b.person($0) }
    }
}
