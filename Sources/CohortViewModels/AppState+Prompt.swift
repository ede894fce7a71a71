import CohortDomain

/// The prompt overlay: its keys, typing into it, and its submission. What each prompt asks and how its
/// answer becomes a change lives with the screen that opens it; this file sends the change.
extension AppState {
    /// What a prompt's submission comes to.
    enum Submission {
        /// A change to check on a copy and save.
        case change(Change)
        /// Done without a change (the prompt closed itself): these effects follow.
        case effects([Effect])
        /// Refused: the prompt stays, its error set.
        case refused

        /// A change, or refused when the fields did not read (the prompt says why).
        init(_ change: Change?) { self = change.map(Submission.change) ?? .refused }
    }

    /// The intents a prompt handles.
    static let promptIntents: Set<Intent> = [.submit, .nextField, .previousField, .deleteBackward, .clearField, .cancel]

    /// A key on the prompt on top.
    mutating func promptIntent(_ intent: Intent, _ prompt: Prompt) -> [Effect] {
        var prompt = prompt
        switch intent {
        case .cancel:
            offeredForm = nil
            if case .undo(let entry) = prompt.purpose { undoStack.append(entry) } // not undone: still there to undo
            overlay = nil
            followTyping(in: prompt, cleared: true)
            return []
        case .nextField: prompt.focus = (prompt.focus + 1) % prompt.fields.count
        case .previousField: prompt.focus = (prompt.focus + prompt.fields.count - 1) % prompt.fields.count
        case .deleteBackward, .clearField:
            if intent == .clearField { prompt.fields[prompt.focus].text = "" }
            else if !prompt.fields[prompt.focus].text.isEmpty { prompt.fields[prompt.focus].text.removeLast() }
            followTyping(in: prompt)
        case .submit:
            return submit(prompt)
        default:
            return doesNothing(intent)
        }
        overlay = .prompt(prompt)
        return []
    }

    /// A character typed into the prompt's focused field.
    mutating func typeInPrompt(_ character: Character, _ prompt: Prompt) -> [Effect] {
        var prompt = prompt
        guard !character.isNewline, character.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) else { return [] }
        prompt.fields[prompt.focus].text.append(character)
        prompt.error = nil
        overlay = .prompt(prompt)
        followTyping(in: prompt)
        return []
    }

    /// The review's filter and the roster's search narrow the list as they are typed (Esc clears them).
    private mutating func followTyping(in prompt: Prompt, cleared: Bool = false) {
        if prompt.purpose == .filter { applyFilter(cleared ? "" : prompt.value(.subject)) }
        if prompt.purpose == .search { search(cleared ? "" : prompt.value(.search)) }
    }

    private mutating func submit(_ prompt: Prompt) -> [Effect] {
        var prompt = prompt
        switch submission(&prompt) {
        case .effects(let effects):
            return effects
        case .refused:
            overlay = .prompt(prompt)
            return []
        case .change(let change):
            if let refusal = dryRun(change) {
                prompt.error = refusal
                overlay = .prompt(prompt)
                offeredForm = nil
                return []
            }
            overlay = nil
            return [saving(change)]
        }
    }

    /// The submission of `prompt`, by the screen that asked it.
    private mutating func submission(_ prompt: inout Prompt) -> Submission {
        switch prompt.purpose {
        case .filter, .search:
            overlay = nil
            return .effects([])
        case .jump: return submitJump(&prompt)
        case .undo(let entry): return submitUndo(entry, prompt)
        case .visit, .acknowledge, .classify: return submitVisitPrompt(&prompt)
        case .withdraw, .randomize, .unscheduled, .reconsent, .correct: return submitLifecycle(&prompt)
        case .rater, .scoreReason, .unscheduledScale: return submitScorePrompt(&prompt)
        case .reportSent, .editRecord: return submitSafety(&prompt)
        case .assess(let subject): return submitAssessment(&prompt, subject: subject)
        case .sign(let subject, let scope): return submitSignature(&prompt, subject: subject, scope: scope)
        case .resolveConflict(let subject): return Self.submitResolve(&prompt, subject: subject)
        }
    }

    /// The effect that saves `change`, checked against the participant as this screen shows it, so a
    /// participant saved differently meanwhile (another copy, the command line) is never overwritten.
    func saving(_ change: Change) -> Effect {
        if case .revert = change { return .apply(change, basis: nil) } // an undo checks what it expects itself
        return .apply(change, basis: data?.participants[change.subject])
    }

    /// Checks a change against the domain rules on a copy, so a prompt can say what is wrong before anything
    /// is sent to the store (which applies the same rules again under its lock).
    func dryRun(_ change: Change) -> String? {
        guard let data, var participant = data.participants[change.subject] else { return "\(change.subject) is not loaded." }
        do {
            // Numbers held by others are checked by the store when it saves; the screen checks the rest.
            _ = try change.apply(to: &participant, in: ChangeEnvironment(context: data.context, today: today, user: user, site: UnknownSite()))
            return nil
        } catch let error as DomainError {
            return error.message
        } catch {
            return "\(error)"
        }
    }
}
