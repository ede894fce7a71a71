import CohortDomain

/// The participant page: its timeline's cursor and scroll, and the keys that act on the participant shown.
extension AppState {
    /// The intents the participant page handles.
    static let participantIntents = Set<Intent>(visitActions.keys).union([
        .moveDown, .moveUp, .pageDown, .pageUp, .enterScores, .acknowledgeFlag, .noteDeviation,
        .withdrawParticipant, .randomizeParticipant, .addUnscheduledVisit, .correctEnrollment, .recordReconsent, .addAdverseEvent,
        .addMedication, .editRecord, .markReportSent, .enterMeasures, .assessMeasure, .resolveConflict, .undo, .jumpToParticipant, .back, .showHelp,
    ])

    /// A key on the participant page.
    mutating func participantIntent(_ intent: Intent, _ page: ParticipantPage) -> [Effect] {
        guard let data, let participant = data.participants[page.subject],
              let studyProtocol = data.context.protocols[participant.study] else {
            // Still being read: only the way out works.
            if intent == .back { screens.removeLast() } else { status = StatusLine("Still reading \(page.subject)…", .info) }
            return []
        }
        if let effects = safetyIntent(intent, subject: participant.subject) { return effects }
        let visits = participant.visitsInDateOrder(studyProtocol)
        let selected = visits.indices.contains(page.selection) ? visits[page.selection] : nil
        var page = page
        if Self.visitActions[intent] != nil || intent == .enterScores {
            guard let selected else { return nothingSelected() }
            return visitIntent(intent, participant: participant, visit: selected)
        }
        switch intent {
        case .moveDown: page.selection = min(page.selection + 1, max(0, visits.count - 1))
        case .moveUp: page.selection = max(page.selection - 1, 0)
        case .pageDown:
            // At most as far as there are lines below the timeline (sections, events, medications, measures, scales, trail).
            let lines = 10 + participant.adverseEvents.count + participant.medications.count
                + Set(participant.measurements.map(\.test)).count + Set(studyProtocol.visits.flatMap(\.scales)).count + (page.audit?.count ?? 0)
            page.scroll = min(page.scroll + max(1, pageRows / 2), max(0, lines - pageRows / 2))
        case .pageUp: page.scroll = max(0, page.scroll - max(1, pageRows / 2))
        case .acknowledgeFlag:
            guard let flag = participant.unacknowledgedUrgentFlags(context: data.context).first else {
                status = StatusLine("\(participant.subject) has no urgent flag waiting for acknowledgement.", .info)
                return []
            }
            overlay = .prompt(Self.acknowledgePrompt(subject: participant.subject, flag: flag))
        case .noteDeviation:
            // The selected visit's deviation; else a prohibited medication's or a late report's not classified yet.
            let unclassifiedMedication = (participant.medications.map(\.id) + participant.adverseEvents.map(\.id)).first { id in
                participant.deviation(at: id, studyProtocol) != nil && participant.deviationClass(at: id) == nil
            }
            guard let code = selected.flatMap({ participant.deviation(at: $0.code, studyProtocol) == nil ? nil : $0.code }) ?? unclassifiedMedication,
                  let deviation = participant.deviation(at: code, studyProtocol) else {
                status = StatusLine("The selected visit has no protocol deviation to classify.", .info)
                return []
            }
            overlay = .prompt(Self.classifyPrompt(subject: participant.subject, visit: code, kind: deviation.kind,
                                                  classified: participant.deviationClass(at: code)))
        case .randomizeParticipant:
            guard studyProtocol.blinded else {
                status = StatusLine("\(studyProtocol.id) is open-label: the arm was recorded at enrollment.", .info)
                return []
            }
            overlay = .prompt(Self.randomizePrompt(participant, today: today))
        case .withdrawParticipant:
            overlay = .prompt(Self.withdrawPrompt(participant, today: today))
        case .addUnscheduledVisit, .correctEnrollment, .recordReconsent:
            overlay = .prompt(Self.enrollmentPrompt(intent, participant, today: today))
        case .enterMeasures:
            guard let visit = selected else { return nothingSelected() }
            guard visit.status == .completed else {
                status = StatusLine("\(participant.subject) \(visit.code) is \(visit.status.rawValue): complete it first (\(key(.completeVisit, in: .participant))), then enter measures.", .error)
                return []
            }
            // The visit's required measures, or every measure at a visit that requires none or is unscheduled.
            let tests = visit.definition.requiredMeasures.isEmpty || visit.unscheduled != nil ? data.context.scales.measures.map(\.code) : visit.definition.requiredMeasures
            screens.append(.record(.measures(subject: participant.subject, visit: visit.code, tests: tests, participant: participant,
                                             catalog: data.context.scales)))
            return []
        case .assessMeasure:
            overlay = .prompt(assessPrompt(participant, studyProtocol: studyProtocol))
        case .resolveConflict:
            guard let prompt = Self.resolvePrompt(participant) else {
                status = StatusLine("\(participant.subject) has no open sync conflict.", .info)
                return []
            }
            overlay = .prompt(prompt)
        case .undo: return undo()
        case .jumpToParticipant: overlay = .prompt(Self.jumpPrompt)
        case .back:
            screens.removeLast()
            return [] // the page under it (another participant's, too) stays as it was
        case .showHelp: overlay = .help(.participant)
        default: return doesNothing(intent)
        }
        if case .participant = screen { replaceTop(.participant(page)) }
        return []
    }
}
