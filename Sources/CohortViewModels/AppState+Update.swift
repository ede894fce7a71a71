import CohortDomain
import Foundation

/// The update function: (state, action) → new state + effects. Pure: the run loop executes the effects
/// and feeds their outcomes back as actions. This file only dispatches: a key to its intent, an intent to
/// the handler of the screen or overlay on top (one file each), an outcome to `AppState+Outcomes`.
extension AppState {
    /// Turns a key into an action through the key table (`table`, kept for the messages that name keys;
    /// else the one kept) and handles it.
    public mutating func handle(key: Key, table: KeyTable? = nil) -> [Effect] {
        if let table, table != keys { keys = table }
        let context = keyContext
        if case .paste(let text) = key { return paste(text, in: context) }
        if case .pasteDiscarded(let bytes) = key { return discardPaste(of: Text.byteSize(bytes)) }
        if case .pasteHeldEndMarker(let bytes) = key {
            status = StatusLine("Paste of \(Text.byteSize(bytes)) discarded: the paste held a paste-end marker, so it was discarded whole; nothing was typed or done.", .error)
            return []
        }
        if let intent = keys.intent(for: key, in: context) { return handle(.intent(intent)) }
        if case .character(let character) = key, context.takesText { return handle(.type(character)) }
        if case .resize = key { return [] }
        if context == .help { return handle(.intent(.back)) }
        return doesNothing(key: key.label)
    }

    /// Handles one action.
    public mutating func handle(_ action: Action) -> [Effect] {
        switch action {
        case .type(let character): return type(character)
        case .intent(let intent): return perform(intent)
        default: return outcome(action)
        }
    }

    /// The intents the handler of `context` handles. Every binding of the key table reaches one of them,
    /// and each of them is bound (KeyTableTests).
    static func handledIntents(in context: KeyContext) -> Set<Intent> {
        switch context {
        case .review: return reviewIntents
        case .roster: return rosterIntents
        case .participant: return participantIntents
        case .scoreEntry: return scoreEntryIntents
        case .prompt: return promptIntents
        case .enrollment: return enrollmentIntents
        case .enrolled: return enrolledIntents
        case .record: return recordIntents
        case .summary: return summaryIntents
        case .queue: return queueIntents
        case .help: return helpIntents
        }
    }

    /// The key a message names for `intent` in `context`, as the key table binds it.
    func key(_ intent: Intent, in context: KeyContext) -> String { keys.label(for: intent, in: context) }

    /// The one place a key that does nothing where it is pressed says so (never a silent no-op).
    mutating func doesNothing(key label: String) -> [Effect] {
        status = StatusLine("\(label) does nothing here; \(key(.showHelp, in: .review)) lists the keys.", .info)
        return []
    }

    /// An intent that reached a handler which does not act on it.
    mutating func doesNothing(_ intent: Intent) -> [Effect] {
        doesNothing(key: keys.label(for: intent, in: keyContext))
    }

    /// Hands `intent` to the handler of what is on top.
    private mutating func perform(_ intent: Intent) -> [Effect] {
        guard Self.handledIntents(in: keyContext).contains(intent) else { return doesNothing(intent) }
        switch overlay {
        case .help?: return helpIntent(intent)
        case .prompt(let prompt)?: return promptIntent(intent, prompt)
        case nil: break
        }
        status = nil
        switch screen {
        case .review: return reviewIntent(intent)
        case .participant(let page): return participantIntent(intent, page)
        case .scoreEntry(let entry): return scoreIntent(intent, entry)
        case .enrollment(let form): return enrollmentIntent(intent, form)
        case .summary(let page): return summaryIntent(intent, page)
        case .roster(let page): return rosterIntent(intent, page)
        case .record(let form): return recordIntent(intent, form)
        case .queue(let page): return queueIntent(intent, page)
        }
    }

    /// A printable character typed into what is on top.
    private mutating func type(_ character: Character) -> [Effect] {
        if case .prompt(let prompt)? = overlay { return typeInPrompt(character, prompt) }
        switch screen {
        case .scoreEntry(let entry): return typeScore(character, entry)
        case .record(let form): typeInRecord(character, form)
        case .enrollment(let form): typeInEnrollment(character, form)
        case .review, .participant, .summary, .roster, .queue: break // no text field: typing is not offered (KeyContext.takesText)
        }
        return []
    }

    /// A paste goes into the focused text field only, as typed text: line breaks and tabs become spaces
    /// and other control characters are dropped, so nothing in it can submit, move or run an action.
    private mutating func paste(_ text: String, in context: KeyContext) -> [Effect] {
        // Longer than any field takes: dropped whole, never typed in part (docs/RULES.md, "Subject IDs and free text").
        if text.count > FreeText.maximumLength || text.utf8.count > FreeText.maximumBytes {
            return discardPaste(of: text.utf8.count < 1024 ? Text.count(text.count, "character") : Text.byteSize(text.utf8.count))
        }
        guard context.takesText else {
            status = StatusLine("A paste goes only into a text field; nothing was done.", .info)
            return []
        }
        var effects: [Effect] = []
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" { effects += handle(.type(" ")); continue }
            guard !Text.isControl(scalar) else { continue }
            effects += handle(.type(Character(scalar)))
        }
        return effects
    }

    /// An over-long paste: nothing of it is typed or run, and the status line says so.
    private mutating func discardPaste(of size: String) -> [Effect] {
        status = StatusLine("Paste of \(size) discarded: a field takes at most \(FreeText.maximumLength) characters (\(FreeText.maximumBytes) bytes); nothing was typed or done.", .error)
        return []
    }

    /// Replaces the screen on top.
    mutating func replaceTop(_ screen: Screen) {
        screens[screens.count - 1] = screen
    }
}
