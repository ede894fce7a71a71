import CohortDomain

/// The enrollment form: a new participant, field by field, each field's problem shown as it is typed
/// (docs/RULES.md, "Participant lifecycle").
extension AppState {
    /// The intents the enrollment form handles while it is filled in.
    static let enrollmentIntents: Set<Intent> = [.nextField, .previousField, .deleteBackward, .clearField, .submit, .cancel]
    /// The intents it handles once saved (the schedule shown).
    static let enrolledIntents: Set<Intent> = [.back]

    /// A key on the enrollment form (or on the schedule it shows once saved).
    mutating func enrollmentIntent(_ intent: Intent, _ form: EnrollmentForm) -> [Effect] {
        var form = form
        if form.enrolled != nil {
            switch intent {
            case .back: screens.removeLast()
            default: return doesNothing(intent)
            }
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
            return doesNothing(intent)
        }
        replaceTop(.enrollment(form))
        return []
    }

    /// A character typed into the form's focused field (nothing once it is saved).
    mutating func typeInEnrollment(_ character: Character, _ form: EnrollmentForm) {
        var form = form
        guard form.enrolled == nil, !character.isNewline else { return }
        form.values[form.focus, default: ""].append(character)
        form.touched.insert(form.focus)
        form.error = nil
        replaceTop(.enrollment(form))
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
