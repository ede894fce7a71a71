import CohortDomain

/// Score entry: one scale's items, a digit a keypress; the rater asked once per visit; a reason asked to
/// change a saved scale (docs/RULES.md, "Scores").
extension AppState {
    /// The intents score entry handles.
    static let scoreEntryIntents: Set<Intent> = [.deleteBackward, .markNotAssessed, .submit, .nextField, .cancel, .moveUp, .moveDown]

    /// A key on score entry.
    mutating func scoreIntent(_ intent: Intent, _ entry: ScoreEntry) -> [Effect] {
        var entry = entry
        switch intent {
        case .markNotAssessed:
            guard entry.cursor < entry.items.count else { break }
            let wasEntered = entry.items[entry.cursor] != .pending
            entry.items[entry.cursor] = .notAssessed
            entry.cursor = Self.afterEntry(entry, correcting: wasEntered)
            entry.error = nil
        case .moveUp:
            entry.cursor = max(0, entry.cursor - 1)
            entry.error = nil
        case .moveDown:
            entry.cursor = min(entry.items.count, entry.cursor + 1)
            entry.error = nil
        case .deleteBackward:
            guard entry.cursor > 0 else { break }
            entry.cursor -= 1
            entry.items[entry.cursor] = .pending
            entry.error = nil
        case .submit:
            guard entry.pendingCount == 0 else {
                entry.error = "\(Text.count(entry.pendingCount, "item")) still to enter (\(key(.markNotAssessed, in: .scoreEntry)) marks an item not assessed)."
                break
            }
            let saved = data?.participants[entry.subject]?.administration(visit: entry.visit, scale: entry.scale)
            if let saved {
                if saved.items == entry.values {
                    status = StatusLine("\(entry.scale) unchanged.", .info)
                    if let participant = data?.participants[entry.subject] { advanceScale(entry, participant: participant) }
                    return []
                }
                overlay = .prompt(Prompt(.scoreReason(entry), title: "\(entry.scale) for \(entry.subject) \(entry.visit) is already saved: why change it?",
                                         fields: [Prompt.Field(.reason, "Reason")]))
                return []
            }
            if entry.values.allSatisfy({ $0 == nil }) {
                overlay = .prompt(Prompt(.scoreReason(entry), title: "Every \(entry.scale) item is x: the scale was not done at \(entry.subject) \(entry.visit). Why?",
                                         fields: [Prompt.Field(.reason, "Reason")]))
                return []
            }
            let change = Change.score(subject: entry.subject, visit: entry.visit, scale: entry.scale, items: entry.values, date: nil,
                                      rater: entry.rater, reason: nil)
            if let refusal = dryRun(change) {
                entry.error = refusal
                break
            }
            return [saving(change)]
        case .nextField:
            if let participant = data?.participants[entry.subject] { advanceScale(entry, participant: participant) }
            return []
        case .cancel:
            screens.removeLast()
            status = StatusLine("Left score entry; items not saved with \(key(.submit, in: .scoreEntry)) were dropped.", .info)
            return []
        default:
            return doesNothing(intent)
        }
        replaceTop(.scoreEntry(entry))
        return []
    }

    /// A digit typed for the item under the cursor.
    mutating func typeScore(_ character: Character, _ entry: ScoreEntry) -> [Effect] {
        var entry = entry
        guard let scale = data?.context.scales[entry.scale] else { return [] }
        guard scale.isDigitEntry else {
            entry.error = "\(scale.code) has scores above 9, which one keypress cannot hold: enter it with `cohort score`."
            replaceTop(.scoreEntry(entry))
            return []
        }
        guard let digit = character.wholeNumberValue, character.isASCII else {
            entry.error = "Type a digit per item, \(key(.markNotAssessed, in: .scoreEntry)) for not assessed, \(key(.deleteBackward, in: .scoreEntry)) to go back."
            replaceTop(.scoreEntry(entry))
            return []
        }
        guard entry.cursor < entry.items.count else {
            entry.error = "All \(entry.items.count) items are entered: \(key(.submit, in: .scoreEntry)) saves, \(key(.deleteBackward, in: .scoreEntry)) goes back."
            replaceTop(.scoreEntry(entry))
            return []
        }
        let item = scale.items[entry.cursor]
        guard (item.min...item.max).contains(digit) else {
            entry.error = "\(item.code) \(item.name) is \(item.min)–\(item.max); \(digit) is out of range."
            replaceTop(.scoreEntry(entry))
            return []
        }
        let wasEntered = entry.items[entry.cursor] != .pending
        entry.items[entry.cursor] = .score(digit)
        entry.cursor = Self.afterEntry(entry, correcting: wasEntered)
        entry.error = nil
        replaceTop(.scoreEntry(entry))
        return []
    }

    /// Where the cursor goes after an item is entered: the next item; after a correction (arrows back to an
    /// item already entered), the first item still to enter, so one wrong item costs one keypress.
    static func afterEntry(_ entry: ScoreEntry, correcting: Bool) -> Int {
        guard correcting else { return entry.cursor + 1 }
        return entry.items.firstIndex(of: .pending) ?? entry.items.count
    }

    /// Moves to the visit's next scale, or back to where entry started after the last one.
    mutating func advanceScale(_ entry: ScoreEntry, participant: Participant) {
        guard let catalog = data?.context.scales else { return }
        let next = entry.scaleIndex + 1
        if next < entry.scales.count {
            var following = ScoreEntry.start(subject: entry.subject, visit: entry.visit, scales: entry.scales, index: next,
                                             participant: participant, catalog: catalog)
            following.rater = entry.rater // asked once per visit
            replaceTop(.scoreEntry(following))
        } else if let studyProtocol = data?.context.protocols[participant.study], let definition = studyProtocol.visit(entry.visit),
                  !definition.requiredMeasures.isEmpty {
            // Then the visit's measures, in the same flow.
            replaceTop(.record(.measures(subject: entry.subject, visit: entry.visit, tests: definition.requiredMeasures,
                                         participant: participant, catalog: catalog)))
        } else {
            screens.removeLast()
            let studyProtocol = data?.context.protocols[participant.study]
            let missing = studyProtocol.flatMap { participant.plannedVisits($0).first { $0.code == entry.visit } }
                .map { participant.incompleteScales(of: $0) } ?? []
            if status?.kind != .urgent {
                status = missing.isEmpty ? StatusLine("Saved: every scale of \(entry.subject) \(entry.visit) is entered.", .saved)
                                         : StatusLine("\(entry.subject) \(entry.visit) still lacks: \(missing.joined(separator: ", ")).", .info)
            }
        }
    }

    /// Opens score entry on a completed visit's scales (or its measures when it has none); an unscheduled
    /// visit asks which scale first.
    mutating func enterScores(participant: Participant, visit: PlannedVisit) -> [Effect] {
        let subject = participant.subject
        guard visit.status == .completed else {
            status = StatusLine("\(subject) \(visit.code) is \(visit.status.rawValue): complete it first (\(key(.completeVisit, in: keyContext))), then enter scores.", .error)
            return []
        }
        guard let catalog = data?.context.scales else { return [] }
        if visit.unscheduled != nil {
            // Any scale may be recorded at an unscheduled visit: which one is asked first.
            overlay = .prompt(Self.unscheduledScalePrompt(subject: subject, visit: visit.code, participant: participant, context: data?.context))
            return []
        }
        guard !visit.definition.scales.isEmpty else {
            guard !visit.definition.requiredMeasures.isEmpty else {
                status = StatusLine("\(subject) \(visit.code) has no scales or measures to enter.", .info)
                return []
            }
            screens.append(.record(.measures(subject: subject, visit: visit.code, tests: visit.definition.requiredMeasures,
                                             participant: participant, catalog: catalog)))
            return []
        }
        screens.append(.scoreEntry(ScoreEntry.start(subject: subject, visit: visit.code, scales: visit.definition.scales,
                                                    index: 0, participant: participant, catalog: catalog)))
        // Who rates is asked once per visit, the last initials offered.
        overlay = .prompt(raterPrompt(subject: subject, visit: visit.code))
        return []
    }

    /// Asks the rater's initials, the last ones given offered.
    func raterPrompt(subject: String, visit: String) -> Prompt {
        Prompt(.rater(subject: subject, visit: visit), title: "Rater for \(subject) \(visit): your initials",
               fields: [Prompt.Field(.rater, "Rater", raterInitials ?? "", hint: "2 or 3 letters")])
    }

    /// Asks which scale to record at an unscheduled visit: any scale may be; the protocol's come first in the hint.
    static func unscheduledScalePrompt(subject: String, visit: String, participant: Participant, context: StudyContext?) -> Prompt {
        let studyScales = context?.protocols[participant.study].map { p in p.visits.flatMap(\.scales) } ?? []
        var seen = Set<String>()
        let hint = (studyScales + (context?.scales.all.map(\.code) ?? [])).filter { seen.insert($0).inserted }
        return Prompt(.unscheduledScale(subject: subject, visit: visit), title: "Which scale at \(subject) \(visit)?",
                      fields: [Prompt.Field(.scale, "Scale", hint: hint.joined(separator: " "))])
    }

    /// The answer to a score entry's prompt: the rater, the scale of an unscheduled visit, or the reason to change a scale.
    mutating func submitScorePrompt(_ prompt: inout Prompt) -> Submission {
        switch prompt.purpose {
        case .rater:
            let initials = prompt.value(.rater).uppercased()
            guard (2...3).contains(initials.count), initials.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                prompt.error = "The rater's initials are 2 or 3 letters."
                return .refused
            }
            raterInitials = initials
            if case .scoreEntry(var entry) = screen {
                entry.rater = initials
                replaceTop(.scoreEntry(entry))
            }
            overlay = nil
            return .effects([])
        case .unscheduledScale(let subject, let visit):
            guard let participant = data?.participants[subject], let catalog = data?.context.scales else { return .effects([]) }
            let typed = prompt.value(.scale)
            guard let scale = catalog[typed.uppercased()] ?? catalog[typed] else {
                prompt.error = "Scale: one of " + catalog.all.map(\.code).joined(separator: ", ") + "."
                return .refused
            }
            overlay = .prompt(raterPrompt(subject: subject, visit: visit))
            screens.append(.scoreEntry(ScoreEntry.start(subject: subject, visit: visit, scales: [scale.code], index: 0, participant: participant,
                                                        catalog: catalog)))
            return .effects([])
        case .scoreReason(let entry):
            return .change(.score(subject: entry.subject, visit: entry.visit, scale: entry.scale, items: entry.values, date: nil, rater: entry.rater,
                                  reason: prompt.value(.reason)))
        default:
            return .refused
        }
    }
}
