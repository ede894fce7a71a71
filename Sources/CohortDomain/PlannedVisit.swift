/// A participant's visit with everything derived from the protocol: target, window, scheduled date.
public struct PlannedVisit: Sendable, Equatable {
    /// The protocol's definition.
    public let definition: VisitDefinition
    /// The participant's record of it.
    public let record: VisitRecord
    /// The target date (follows the anchor visit's completion).
    public let target: CivilDate
    /// The window around the target.
    public let window: VisitWindow
    /// The participant's consent date: nothing is scheduled before it.
    let consentDate: CivilDate
    /// It comes after the baseline in protocol order and the baseline is not completed: nothing after Day 1
    /// happens before Day 1 (docs/RULES.md, "Visits, windows and window states"). Never true of a cancelled
    /// visit, of the early-termination visit, of a visit that follows it after a withdrawal, or of an
    /// unscheduled visit.
    public internal(set) var isWaitingForDayOne: Bool = false
    /// The unscheduled visit it is, when it is one (no protocol definition; docs/RULES.md,
    /// "Visits, windows and window states").
    public internal(set) var unscheduled: UnscheduledVisit? = nil
    /// The day it is planned for: the hand-set date, else the target, and never before consent.
    public var scheduled: CivilDate { max(record.rescheduledDate ?? target, consentDate) }
    /// Visit code.
    public var code: String { definition.code }
    /// Status.
    public var status: VisitStatus { record.status }

    /// The window state on `day` (docs/RULES.md, "Visits, windows and window states").
    public func windowState(on day: CivilDate) -> WindowState {
        WindowState(status: record.status, window: window, done: record.completedDate ?? scheduled, on: day, waiting: isWaitingForDayOne)
    }

    /// What its plan says beyond the window state (waiting for Day 1, planned outside its window).
    public var plan: VisitPlan? { VisitPlan(status: status, window: window, scheduled: scheduled, waiting: isWaitingForDayOne) }

    /// Refuses a change to the visit while it waits for Day 1, saying what to do.
    func requireDayOne(_ subject: String, to what: String, baseline: String?) throws {
        guard isWaitingForDayOne else { return }
        let first = baseline.map { "complete the baseline visit \($0) first" } ?? "complete the baseline visit first"
        throw DomainError("\(subject) visit \(code) comes after the baseline and Day 1 has not happened: it cannot \(what) yet; \(first).")
    }

    /// Days outside the window for a completed visit (negative early, positive late); nil when in window or not done.
    public var deviationDays: Int? { window.deviationDays(status: record.status, completedDate: record.completedDate) }

    /// "2 days late", "1 day early": how far outside its window the visit was completed; nil in window or not done.
    public var deviationWords: String? { deviationDays.map { "\(Text.count(abs($0), "day")) \($0 < 0 ? "early" : "late")" } }
}

extension Participant {
    /// Visits whose completion is early or late now and was not so (or not so by as much) in `before`: what a
    /// change just made a deviation of, so the one who made it is told at once (docs/RULES.md, "Deviations").
    public func deviationsCreated(since before: Participant?, _ studyProtocol: StudyProtocol) -> [PlannedVisit] {
        let earlier = Dictionary((before?.plannedVisits(studyProtocol) ?? []).map { ($0.code, $0.deviationDays) }, uniquingKeysWith: { a, _ in a })
        return plannedVisits(studyProtocol).filter { $0.deviationDays != nil && earlier[$0.code] != $0.deviationDays }
    }

    /// Day 1 of the study for this participant (docs/RULES.md, "Study days and dates"): the date the baseline visit was completed
    /// once it is, the planned baseline date until then. Protocols count from first dose.
    public func origin(_ studyProtocol: StudyProtocol) -> CivilDate {
        completedDayOne(studyProtocol) ?? baselineDate
    }

    /// Day 1 once it has happened (the baseline visit completed), or nil while it has not: SDTM's
    /// reference start (RFSTDTC), and the one study days count from in a data set (docs/RULES.md, "Study days and dates").
    public func completedDayOne(_ studyProtocol: StudyProtocol) -> CivilDate? {
        guard let baseline = studyProtocol.baselineVisit, let record = visit(baseline.code), record.status == .completed else { return nil }
        return record.completedDate
    }

    /// Every visit with its target date and window, in protocol order, computed from the data as it
    /// stands: study days count from the origin; anchored visits follow the anchor's completion date, or
    /// its target while it is not completed; no window or scheduled date falls before consent (no study
    /// procedure happens before it).
    public func plannedVisits(_ studyProtocol: StudyProtocol) -> [PlannedVisit] {
        let origin = origin(studyProtocol)
        // After a withdrawal, a visit anchored to one that was cancelled follows the early-termination visit.
        let termination = status == .withdrawn ? studyProtocol.earlyTerminationVisit.flatMap { visit($0.code) != nil ? $0 : nil } : nil
        var targets: [String: CivilDate] = [:]
        // Visits dated from the withdrawal (the early-termination visit, and those that follow it) do not wait for Day 1.
        var followsExit: Set<String> = []
        func target(of definition: VisitDefinition) -> CivilDate {
            if let known = targets[definition.code] { return known }
            let date: CivilDate
            if definition.isEarlyTermination {
                date = exit?.date ?? origin
            } else if let day = definition.day {
                date = StudyDay.date(ofDay: day, baseline: origin)
            } else if var anchorCode = definition.anchor, var anchor = studyProtocol.visit(anchorCode) {
                if let termination, visit(anchorCode)?.status == .cancelled {
                    anchorCode = termination.code
                    anchor = termination
                }
                let anchorRecord = visit(anchorCode)
                let anchorTarget = target(of: anchor)
                let from = anchorRecord?.status == .completed ? (anchorRecord?.completedDate ?? anchorTarget) : anchorTarget
                date = from.adding(days: definition.offset ?? 0)
                if anchor.isEarlyTermination || followsExit.contains(anchor.code) { followsExit.insert(definition.code) }
            } else {
                date = origin // unreachable for a validated protocol
            }
            targets[definition.code] = date
            return date
        }
        let baselineIndex = studyProtocol.visits.firstIndex { $0.isBaseline }
        let dayOneHappened = studyProtocol.baselineVisit.flatMap { visit($0.code) }?.status == .completed
        return studyProtocol.visits.enumerated().compactMap { index, definition in
            guard let record = visit(definition.code) else { return nil }
            let date = target(of: definition)
            let window = VisitWindow(target: date, minus: definition.minus, plus: definition.plus)
            let waiting = !dayOneHappened && baselineIndex.map { index > $0 } == true && record.status != .cancelled
                && !definition.isEarlyTermination && !followsExit.contains(definition.code)
            return PlannedVisit(definition: definition, record: record, target: date,
                                window: VisitWindow(start: max(window.start, consentDate), end: max(window.end, consentDate)),
                                consentDate: consentDate, isWaitingForDayOne: waiting)
        }
    }

    /// One visit with its derived dates, or an error naming the protocol's visit codes.
    public func plannedVisit(_ code: String, _ studyProtocol: StudyProtocol) throws -> PlannedVisit {
        guard let found = plannedVisits(studyProtocol).first(where: { $0.code == code }) else {
            throw DomainError("\(subject) has no visit '\(code)'. Visits in \(studyProtocol.id): \(studyProtocol.visits.map(\.code).joined(separator: ", ")).")
        }
        return found
    }
}
