import CohortDomain

/// Score entry and the enrollment form.
extension AppState {
    mutating func typeScore(_ character: Character, _ entry: ScoreEntry) -> [Effect] {
        var entry = entry
        guard let scale = data?.context.scales[entry.scale] else { return [] }
        guard scale.isDigitEntry else {
            entry.error = "\(scale.code) has scores above 9, which one keypress cannot hold: enter it with `cohort score`."
            replaceTop(.scoreEntry(entry))
            return []
        }
        guard let digit = character.wholeNumberValue, character.isASCII else {
            entry.error = "Type a digit per item, x for not assessed, Backspace to go back."
            replaceTop(.scoreEntry(entry))
            return []
        }
        guard entry.cursor < entry.items.count else {
            entry.error = "All \(entry.items.count) items are entered: Enter saves, Backspace goes back."
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
                entry.error = "\(Text.count(entry.pendingCount, "item")) still to enter (x marks an item not assessed)."
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
                                         fields: [Prompt.Field("Reason")]))
                return []
            }
            if entry.values.allSatisfy({ $0 == nil }) {
                overlay = .prompt(Prompt(.scoreReason(entry), title: "Every \(entry.scale) item is x: the scale was not done at \(entry.subject) \(entry.visit). Why?",
                                         fields: [Prompt.Field("Reason")]))
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
            status = StatusLine("Left score entry; items not saved with Enter were dropped.", .info)
            return []
        default:
            break
        }
        replaceTop(.scoreEntry(entry))
        return []
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

    mutating func enrollmentIntent(_ intent: Intent, _ form: EnrollmentForm) -> [Effect] {
        var form = form
        if form.enrolled != nil {
            if intent == .back { screens.removeLast() }
            return []
        }
        let fields = EnrollmentRequest.Field.allCases
        let index = fields.firstIndex(of: form.focus) ?? 0
        switch intent {
        case .nextField:
            form.touched.insert(form.focus)
            // A study typed in part (any case) is completed when only one study starts so.
            if form.focus == .study, let typed = form.values[.study]?.lowercased(), !typed.isEmpty, let studies = data?.context.sortedProtocols.map(\.id) {
                let matching = studies.filter { $0.lowercased().hasPrefix(typed) }
                if matching.count == 1 { form.values[.study] = matching[0] }
            }
            form.focus = fields[(index + 1) % fields.count]
        case .previousField:
            form.touched.insert(form.focus)
            form.focus = fields[(index + fields.count - 1) % fields.count]
        case .deleteBackward:
            if form.values[form.focus]?.isEmpty == false { form.values[form.focus]?.removeLast() }
            form.touched.insert(form.focus)
        case .clearField:
            form.values[form.focus] = ""
            form.touched.insert(form.focus)
        case .submit:
            let problems = enrollmentProblems(form)
            if let first = fields.first(where: { problems[$0] != nil }) {
                form.touched = Set(fields)
                form.focus = first
                break
            }
            return [.enroll(form.request)]
        case .cancel:
            screens.removeLast()
            status = StatusLine("Enrollment cancelled; nothing was saved.", .info)
            return []
        default:
            break
        }
        replaceTop(.enrollment(form))
        return []
    }

    /// The form's problems as the domain sees them (shown inline for touched fields).
    public func enrollmentProblems(_ form: EnrollmentForm) -> [EnrollmentRequest.Field: String] {
        guard let data else { return [:] }
        // Only the form's own subject can clash, so only it is looked up (not a set of the whole site per key press).
        let subject = form.request.subject
        let taken: Set<String> = data.table.digest(subject) == nil ? [] : [subject]
        return form.request.problems(protocols: data.context.sortedProtocols, takenSubjects: taken, today: today, site: data.siteNumber)
    }
}
