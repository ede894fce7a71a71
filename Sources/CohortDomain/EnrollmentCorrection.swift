/// Enrollment facts to correct (docs/RULES.md, "Participant lifecycle"): each nil keeps what was recorded.
public struct EnrollmentCorrection: Sendable, Equatable, Codable {
    /// New initials, as typed.
    public var initials: String?
    /// New birth year, as typed.
    public var birthYear: String?
    /// New sex, as typed (`F`, `M`, `X`).
    public var sex: String?
    /// New first-consent date.
    public var consent: CivilDate?
    /// New planned baseline (Day 1) date.
    public var baseline: CivilDate?

    /// Creates a correction.
    public init(initials: String? = nil, birthYear: String? = nil, sex: String? = nil, consent: CivilDate? = nil, baseline: CivilDate? = nil) {
        self.initials = initials; self.birthYear = birthYear; self.sex = sex; self.consent = consent; self.baseline = baseline
    }

    /// The correction that makes `participant`'s facts read as `form` says (only what differs).
    public static func from(_ participant: Participant, initials: String, birthYear: String, sex: String, consent: CivilDate?,
                            baseline: CivilDate?) -> EnrollmentCorrection {
        EnrollmentCorrection(initials: initials.uppercased() == participant.initials ? nil : initials,
                             birthYear: birthYear == String(participant.birthYear) ? nil : birthYear,
                             sex: sex.uppercased() == participant.sex.rawValue ? nil : sex,
                             consent: consent == participant.consentDate ? nil : consent,
                             baseline: baseline == participant.baselineDate ? nil : baseline)
    }
}

extension Participant {
    /// The earliest thing done to the participant that consent must precede, with what it was: a visit
    /// completed or missed, an unscheduled visit, a score, a measure, an AE's onset, the randomization, a
    /// re-consent or the withdrawal. (Prior medications started before consent by nature: not counted.)
    public var firstProcedure: (date: CivilDate, what: String)? {
        var found: [(date: CivilDate, what: String)] = []
        for visit in visits {
            if let done = visit.completedDate, visit.status == .completed { found.append((done, "\(visit.code) was completed on \(done)")) }
            if let missed = visit.missedDate, visit.status == .missed { found.append((missed, "\(visit.code) was marked missed on \(missed)")) }
        }
        found += unscheduledVisits.map { ($0.date, "unscheduled visit \($0.code) took place on \($0.date)") }
        found += administrations.map { ($0.date, "\($0.scale) at \($0.visit) is dated \($0.date)") }
        found += measurements.map { ($0.date, "\($0.test) at \($0.visit) is dated \($0.date)") }
        found += adverseEvents.map { ($0.onset, "\($0.id) began on \($0.onset)") }
        if let randomization { found.append((randomization.date, "the randomization is dated \(randomization.date)")) }
        found += reconsents.map { ($0.date, "a re-consent is dated \($0.date)") }
        if let exit { found.append((exit.date, "\(status.rawValue) on \(exit.date)")) }
        return found.min { $0.date < $1.date }
    }

    /// Corrects enrollment facts (docs/RULES.md, "Participant lifecycle"). Every rule of enrollment still holds;
    /// a consent date after a recorded procedure is refused, naming it; the planned baseline moves only while
    /// the baseline visit is not completed (the uncompleted schedule follows it). Always with a reason.
    @discardableResult
    public mutating func correct(_ correction: EnrollmentCorrection, reason: String?, studyProtocol: StudyProtocol,
                                 today: CivilDate) throws -> String? {
        let why = try FreeText.required(reason, what: "reason for the correction (e.g. \"transcription error, see ICF\")")
        var request = EnrollmentRequest(subject: subject, initials: correction.initials ?? initials,
                                        birthYear: correction.birthYear ?? String(birthYear), sex: correction.sex ?? sex.rawValue,
                                        study: study, arm: arm ?? "", consentDate: (correction.consent ?? consentDate).description,
                                        baselineDate: (correction.baseline ?? baselineDate).description)
        request.icfVersion = icfVersion ?? ""
        let problems = request.problems(protocols: [studyProtocol], takenSubjects: [], today: today)
        if !problems.isEmpty {
            let lines = EnrollmentRequest.Field.allCases.compactMap { field in problems[field].map { "\(field.rawValue): \($0)" } }
            throw DomainError("Cannot correct \(subject): " + lines.joined(separator: "; ") + ".")
        }
        if let consent = correction.consent, consent > consentDate, let first = firstProcedure, first.date < consent {
            throw DomainError("\(subject)'s consent cannot be moved to \(consent): \(first.what), before it. Consent comes before every procedure; correct that record first.")
        }
        if let baseline = correction.baseline, baseline != baselineDate, let code = studyProtocol.baselineVisit?.code,
           let done = visit(code), done.status == .completed {
            throw DomainError("\(subject)'s baseline visit \(code) was completed on \(done.completedDate?.description ?? "?"): Day 1 is that date, not a planned one. Correct the completion instead (`cohort complete \(subject) \(code) --date DATE --reason TEXT`).")
        }
        var corrected = self
        corrected.initials = request.initials.uppercased()
        corrected.birthYear = Int(request.birthYear) ?? birthYear
        corrected.sex = Sex(rawValue: request.sex.uppercased()) ?? sex
        corrected.consentDate = correction.consent ?? consentDate
        corrected.baselineDate = correction.baseline ?? baselineDate
        guard corrected != self else {
            throw DomainError("\(subject)'s enrollment facts already read so: nothing to correct (give --initials, --birth-year, --sex, --consent or --baseline with a new value).")
        }
        self = corrected
        return why
    }
}
