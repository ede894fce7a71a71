import CohortScreens
import CohortViewModels

/// The interactive loop: draw the state, read a key, update, run the effects, repeat until quit.
@MainActor
public enum InteractiveSession {
    /// Runs until `quit` or the end of input; returns the final state. `clock` gives the `.clock` action
    /// before each frame (nil: the state's moment stands still).
    @discardableResult
    public static func run(_ initial: AppState, runner: EffectRunner, terminal: Terminal, screen: AppScreen = AppScreen(),
                           clock: (() -> Action)? = nil) -> AppState {
        var state = initial
        var afterFrame: [Effect] = []
        func execute(_ effects: [Effect]) -> Bool {
            var pending = effects
            while !pending.isEmpty {
                let effect = pending.removeFirst()
                if effect == .quit { return false }
                if effect.waitsForFrame { afterFrame.append(effect); continue }
                if let outcome = runner.run(effect) { pending += state.handle(outcome) }
            }
            return true
        }
        var running = execute([.load])
        while running {
            let (width, height) = terminal.size
            _ = state.handle(.resized(rows: AppScreen.listRows(height: height)))
            if let clock { _ = state.handle(clock()) }
            terminal.draw(screen.render(state, width: width, height: height))
            if !afterFrame.isEmpty {
                let waiting = afterFrame
                afterFrame = []
                running = execute(waiting.compactMap { runner.run($0) }.flatMap { state.handle($0) })
                continue
            }
            guard let key = terminal.readKey() else { break }
            if key == .resize { continue }
            if key == .idle {
                running = execute([.watch])
                continue
            }
            // Too small to use: only quitting works, so nothing happens unseen.
            if width < AppScreen.minimumWidth || height < AppScreen.minimumHeight {
                if key == .character("q") || key == .control("c") { break }
                continue
            }
            running = execute(state.handle(key: key))
        }
        return state
    }
}
