import CohortDomain

/// The investigator's queue (docs/RULES.md, "The investigator's queue"): its keys and the signing prompt.
extension AppState {
    /// The intents the queue handles.
    static let queueIntents: Set<Intent> = [.moveDown, .moveUp, .moveTop, .moveBottom, .openItem, .signItem, .back, .showHelp]

    /// A key on the queue.
    mutating func queueIntent(_ intent: Intent, _ page: QueuePage) -> [Effect] {
        var page = page
        if !page.showsItem, let moved = moving(page.selection, intent, count: page.items?.count ?? 0) {
            page.selection = moved
            replaceTop(.queue(page))
            return []
        }
        switch intent {
        case .openItem:
            guard page.selected != nil else { return nothingToSign(page) }
            page.showsItem.toggle()
        case .signItem:
            guard let item = page.selected else { return nothingToSign(page) }
            let scope = item.pending.scope
            var prompt = Prompt(.sign(subject: item.pending.subject, scope: scope),
                                title: "Sign \(item.pending.subject) \(scope): \(item.pending.what)",
                                fields: [Prompt.Field(.meaning, "Meaning", "approved", choices: Signature.Meaning.allCases.map(\.rawValue)),
                                         Self.secretField(.passphrase, "Passphrase")])
            prompt.focus(on: .passphrase) // the meaning is most often the one offered
            overlay = .prompt(prompt)
        case .back:
            if page.showsItem {
                page.showsItem = false
            } else {
                screens.removeLast()
                return []
            }
        case .showHelp:
            overlay = .help(.queue)
        default:
            return doesNothing(intent)
        }
        replaceTop(.queue(page))
        return []
    }

    /// A passphrase field: drawn as dots.
    static func secretField(_ name: Prompt.Name, _ label: String) -> Prompt.Field {
        var field = Prompt.Field(name, label)
        field.isSecret = true
        return field
    }

    private mutating func nothingToSign(_ page: QueuePage) -> [Effect] {
        status = StatusLine(page.items == nil ? "The queue is still being read." : "Nothing awaits a signature.", .info)
        return []
    }

    /// The signing prompt's answer: the meaning and the passphrase go to the store's signer.
    mutating func submitSignature(_ prompt: inout Prompt, subject: String, scope: SignatureScope) -> Submission {
        guard let meaning = Signature.Meaning(rawValue: prompt.value(.meaning)) else {
            prompt.error = "Meaning '\(Text.shown(prompt.value(.meaning)))' is not one of " + Signature.Meaning.allCases.map(\.rawValue).joined(separator: ", ") + "."
            prompt.focus(on: .meaning)
            return .refused
        }
        let passphrase = prompt.fields.first { $0.name == .passphrase }?.text ?? ""
        guard !passphrase.isEmpty else {
            prompt.error = "Type your passphrase: signing always asks for it."
            prompt.focus(on: .passphrase)
            return .refused
        }
        overlay = nil
        status = StatusLine("Signing \(subject) \(scope)…", .info)
        return .effects([.sign(subject: subject, scope: scope, meaning: meaning, passphrase: passphrase)])
    }

    /// Reads the queue again when one is open (after a save: a signature, or a change that invalidated one).
    func queueEffects() -> [Effect] {
        screens.contains { if case .queue = $0 { return true } else { return false } } ? [.loadQueue] : []
    }

    /// The queue as read: every open queue screen shows it, the selection kept within it.
    mutating func takeQueue(_ items: [QueueItem]) {
        for index in screens.indices {
            guard case .queue(var page) = screens[index] else { continue }
            page.items = items
            page.selection = min(page.selection, max(0, items.count - 1))
            if items.isEmpty { page.showsItem = false }
            screens[index] = .queue(page)
        }
    }
}
