/// The help overlay (`?`): the key table of the screen under it; any key closes it.
extension AppState {
    /// The intents help handles: every key closes it (an unbound one too, `handle(key:)`).
    static let helpIntents: Set<Intent> = [.back]

    /// A key on the help overlay.
    mutating func helpIntent(_ intent: Intent) -> [Effect] {
        switch intent {
        case .back: overlay = nil
        default: return doesNothing(intent)
        }
        return []
    }
}
