import CohortScreens
import CohortViewModels

/// What the run loop needs from a terminal: its size, a way to show a frame, and keys.
@MainActor
public protocol Terminal: AnyObject {
    /// Columns and rows.
    var size: (width: Int, height: Int) { get }
    /// Shows `grid`, writing only what changed since the last frame.
    func draw(_ grid: CellGrid)
    /// The next key, waiting about a second for one (`.idle` when none came); nil when input has ended.
    func readKey() -> Key?
}
