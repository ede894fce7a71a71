/// A column of a list screen; narrow terminals drop the columns with the lowest `keep` first.
struct ListColumn<Row>: Sendable {
    let title: String
    let width: Int
    let keep: Int
    let value: @Sendable (Row) -> String

    /// The columns of `columns` that fit in `width`, in display order (each takes its width and a gap).
    static func fitting(_ columns: [ListColumn], width: Int) -> [ListColumn] {
        var chosen = columns
        while chosen.reduce(0, { $0 + $1.width + 1 }) + 2 > width, let weakest = chosen.min(by: { $0.keep < $1.keep }) {
            chosen.removeAll { $0.title == weakest.title }
        }
        return chosen
    }
}
