/// One of a day's lists: slot indexes into the table, turned into entries only when read, so a list of
/// thousands costs nothing until its rows are drawn.
public struct ReviewList: RandomAccessCollection, Sendable, Equatable {
    private let table: ReviewTable
    private let slots: [Int32]

    /// An empty list.
    public init() { table = ReviewTable([]); slots = [] }

    init(table: ReviewTable, slots: [Int32]) { self.table = table; self.slots = slots }

    public var startIndex: Int { 0 }
    public var endIndex: Int { slots.count }
    public subscript(position: Int) -> ReviewEntry { table.entry(slots[position]) }

    /// Subject and visit code at `position`, without reading the participant's other facts.
    public func visitKey(at position: Int) -> (String, String) { table.visitKey(slots[position]) }

    public static func == (a: ReviewList, b: ReviewList) -> Bool { a.elementsEqual(b) }
}
