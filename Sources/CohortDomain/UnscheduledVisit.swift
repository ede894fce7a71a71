/// A visit outside the protocol's schedule (a repeat lab, an extra C-SSRS): completed when it is added, on
/// its date, where any scale and measure may be recorded (docs/RULES.md, "Visits, windows and window states").
/// It has no protocol definition and is kept apart from `visits` (which mirror the protocol one for one), so
/// it never enters the day lists, is never a deviation and is never a baseline.
public struct UnscheduledVisit: Codable, Sendable, Equatable {
    /// `U1`, `U2`, … per participant, in order of entry.
    public var code: String
    /// The day it took place.
    public var date: CivilDate
    /// Why it took place.
    public var reason: String

    /// Creates one.
    public init(code: String, date: CivilDate, reason: String) { self.code = code; self.date = date; self.reason = reason }

    /// The most a participant has: `U99` is the last, so an SDTM VISITNUM (scheduled + 0.01 × n) never
    /// reaches the next scheduled visit's number.
    public static let most = 99

    /// Its number n (`U3` → 3).
    public var number: Int { Int(code.dropFirst()) ?? 0 }

    /// The SDTM `VISIT` name: `UNSCHEDULED n`.
    public var name: String { "UNSCHEDULED \(number)" }

}

extension Participant {
    /// Adds an unscheduled visit on `date`, completed (docs/RULES.md, "Visits, windows and window states"):
    /// not before consent or after today; after a screen failure only up to its date (the person never
    /// entered the study); after a withdrawal still allowed (a safety visit); never after death.
    @discardableResult
    public mutating func addUnscheduledVisit(on date: CivilDate, reason: String?, today: CivilDate) throws -> String? {
        let why = try FreeText.required(reason, what: "reason for the unscheduled visit (e.g. \"repeat ALT\")")
        if date > today { throw DomainError("The unscheduled visit's date \(date) is after today (\(today)); enter the real date.") }
        if date < consentDate { throw DomainError("The unscheduled visit's date \(date) is before \(subject)'s consent date \(consentDate): nothing happens before consent.") }
        if let death = dayOfDeath, date > death { throw DomainError("The unscheduled visit's date \(date) is after \(subject)'s death (\(death)).") }
        if status == .screenFailed, let exit, date > exit.date {
            throw DomainError("\(subject) screen-failed on \(exit.date): an unscheduled visit after that (\(date)) is not part of the study.")
        }
        guard unscheduledVisits.count < UnscheduledVisit.most else {
            throw DomainError("\(subject) already has \(UnscheduledVisit.most) unscheduled visits, the most a participant can have.")
        }
        unscheduledVisits.append(UnscheduledVisit(code: "U\(unscheduledVisits.count + 1)", date: date, reason: why))
        return why
    }

    /// An unscheduled visit as the rest of the app sees visits: completed on its date, its window that one
    /// day, and a definition that names it and lists what was recorded at it (so its forms read complete).
    func planned(_ unscheduled: UnscheduledVisit) -> PlannedVisit {
        var record = VisitRecord(code: unscheduled.code)
        record.status = .completed
        record.completedDate = unscheduled.date
        let scales = administrations.filter { $0.visit == unscheduled.code }.map(\.scale)
        let tests = measurements.filter { $0.visit == unscheduled.code }.map(\.test)
        let definition = VisitDefinition(code: unscheduled.code, name: "Unscheduled \(unscheduled.number)", minus: 0, plus: 0,
                                         scales: scales, measures: tests.isEmpty ? nil : tests)
        return PlannedVisit(definition: definition, record: record, target: unscheduled.date,
                            window: VisitWindow(target: unscheduled.date, minus: 0, plus: 0), consentDate: consentDate, unscheduled: unscheduled)
    }

    /// The unscheduled visit `code`, if the participant has it.
    public func unscheduledVisit(_ code: String) -> UnscheduledVisit? { unscheduledVisits.first { $0.code == code } }

    /// A visit at which results are entered: a protocol visit (`plannedVisit`) or an unscheduled one.
    public func visitForEntry(_ code: String, _ studyProtocol: StudyProtocol) throws -> PlannedVisit {
        if let unscheduled = unscheduledVisit(code) { return planned(unscheduled) }
        return try plannedVisit(code, studyProtocol)
    }

    /// Every visit, scheduled and unscheduled, in date order: the protocol's visits in protocol order, each
    /// unscheduled visit placed before the first of them dated after it (a visit's date: completed, else
    /// missed, else scheduled). What the participant page, `cohort show` and the audit list.
    public func visitsInDateOrder(_ studyProtocol: StudyProtocol) -> [PlannedVisit] {
        let scheduled = plannedVisits(studyProtocol)
        var extra = unscheduledVisits.sorted { ($0.date, $0.number) < ($1.date, $1.number) }[...]
        var all: [PlannedVisit] = []
        for visit in scheduled {
            let date = visit.record.completedDate ?? visit.record.missedDate ?? visit.scheduled
            while let next = extra.first, next.date < date {
                all.append(planned(next))
                extra.removeFirst()
            }
            all.append(visit)
        }
        return all + extra.map(planned)
    }

    /// The SDTM `VISITNUM` and `VISIT` of a visit code: a protocol visit's number in protocol order (from 1)
    /// and its name; an unscheduled visit's `UNSCHEDULED n` and the VISITNUM of the last protocol visit that
    /// took place on or before its date (completed or missed; 0 when none), plus 0.01 × n
    /// (docs/RULES.md, "Score exports").
    public func sdtmVisit(_ code: String, _ studyProtocol: StudyProtocol) -> (number: String, name: String) {
        guard let unscheduled = unscheduledVisit(code) else {
            return (String((studyProtocol.order(of: code) ?? 0) + 1), studyProtocol.visit(code)?.name ?? code)
        }
        let before = plannedVisits(studyProtocol).compactMap { visit -> (CivilDate, Int)? in
            guard let done = visit.record.completedDate ?? visit.record.missedDate, done <= unscheduled.date,
                  let order = studyProtocol.order(of: visit.code) else { return nil }
            return (done, order + 1)
        }
        let base = before.max { $0 < $1 }?.1 ?? 0
        let hundredths = unscheduled.number
        return ("\(base).\(hundredths < 10 ? "0" : "")\(hundredths)", unscheduled.name)
    }

    /// A sort key that puts a visit code in SDTM VISITNUM order (a protocol visit, then its unscheduled
    /// followers); unknown codes last.
    public func visitOrder(_ code: String, _ studyProtocol: StudyProtocol) -> Double {
        // Protocol visits (nearly every result) answer without planning the schedule.
        if unscheduledVisit(code) == nil { return studyProtocol.order(of: code).map { Double($0 + 1) } ?? .greatestFiniteMagnitude }
        return Double(sdtmVisit(code, studyProtocol).number) ?? .greatestFiniteMagnitude
    }
}
