import CohortScreens
import CohortViewModels

/// A terminal in memory for tests: keys go in, the last frame comes out.
@MainActor
public final class FakeTerminal: Terminal {
    public var size: (width: Int, height: Int)
    /// Keys still to be read.
    public var keys: [Key]
    /// The last frame drawn.
    public private(set) var lastFrame: CellGrid?
    /// How many frames were drawn.
    public private(set) var frames = 0

    /// A terminal of `width` × `height` that will read `keys`.
    public init(width: Int = 100, height: Int = 30, keys: [Key] = []) {
        size = (width, height)
        self.keys = keys
    }

    public func draw(_ grid: CellGrid) {
        lastFrame = grid
        frames += 1
    }

    public func readKey() -> Key? { keys.isEmpty ? nil : keys.removeFirst() }
}
