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
    /// The unscheduled visit it is, when it is one (no protocol definition; docs/RULES.md, Visits, windows
    /// and window states).
    public internal(set) var unscheduled: UnscheduledVisit? = nil
    /// The day it is planned for: the hand-set date, else the target, and never before consent.
    public var scheduled: CivilDate { max(record.rescheduledDate ?? target, consentDate) }
    /// Visit code.
    public var code: String { definition.code }
    /// Status.
    public var status: VisitStatus { record.status }

    /// The window state on `day` (§3.3).
    public func windowState(on day: CivilDate) -> WindowState {
        WindowState(status: record.status, window: window, done: record.completedDate ?? scheduled, on: day)
    }

    /// Days outside the window for a completed visit (negative early, positive late); nil when in window or not done.
    public var deviationDays: Int? { window.deviationDays(status: record.status, completedDate: record.completedDate) }
}

extension Participant {
    /// Day 1 of the study for this participant (PRODUCT.md §3.1): the date the baseline visit was completed
    /// once it is, the planned baseline date until then. Protocols count from first dose.
    public func origin(_ studyProtocol: StudyProtocol) -> CivilDate {
        guard let baseline = studyProtocol.baselineVisit, let record = visit(baseline.code), record.status == .completed,
              let done = record.completedDate else { return baselineDate }
        return done
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
                let from = anchorRecord?.status == .completed ? (anchorRecord?.completedDate ?? target(of: anchor)) : target(of: anchor)
                date = from.adding(days: definition.offset ?? 0)
            } else {
                date = origin // unreachable for a validated protocol
            }
            targets[definition.code] = date
            return date
        }
        return studyProtocol.visits.compactMap { definition in
            guard let record = visit(definition.code) else { return nil }
            let date = target(of: definition)
            let window = VisitWindow(target: date, minus: definition.minus, plus: definition.plus)
            return PlannedVisit(definition: definition, record: record, target: date,
                                window: VisitWindow(start: max(window.start, consentDate), end: max(window.end, consentDate)),
                                consentDate: consentDate)
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
