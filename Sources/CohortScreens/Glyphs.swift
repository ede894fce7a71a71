/// The symbols screens draw, with a plain-ASCII set for terminals without a UTF-8 locale.
public struct Glyphs: Equatable, Sendable {
    /// Sparkline steps, lowest first.
    public let bars: [String]
    /// Warning sign.
    public let warning: String
    /// Separator between header parts.
    public let dot: String
    /// Ellipsis.
    public let ellipsis: String

    public static let unicode = Glyphs(bars: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], warning: "⚠", dot: "·", ellipsis: "…")
    public static let ascii = Glyphs(bars: ["_", ".", "-", "=", "+", "*", "#", "@"], warning: "!", dot: "|", ellipsis: "~")
}
