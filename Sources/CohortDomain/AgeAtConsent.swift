/// The age at consent against a protocol's age limits, known from the birth year alone
/// (docs/RULES.md, "Participant lifecycle"). Consented people outside the limits are enrolled (so the
/// screening log is complete): this only warns; the eligibility checklist or a screen failure
/// (`eligibility-not-met`) records the outcome.
public enum AgeAtConsent {
    /// The two ages a person born in `birthYear` may have on `consent` (the birthday before or after it).
    public static func possibleAges(birthYear: Int, consent: CivilDate) -> ClosedRange<Int> {
        (consent.year - birthYear - 1)...(consent.year - birthYear)
    }

    /// The age at consent when the birth year alone settles it: only on 31 December, when every
    /// birthday of the year has passed; nil otherwise (the age is one of `possibleAges`).
    public static func exactAge(birthYear: Int, consent: CivilDate) -> Int? {
        let (year, month, day) = consent.parts
        return month == 12 && day == 31 ? year - birthYear : nil
    }

    /// What to tell the lead about the age at consent: outside a limit for certain, or maybe on either
    /// side of one. Empty when the protocol has no limits or both ages are within them.
    public static func warnings(birthYear: Int, consent: CivilDate, studyProtocol: StudyProtocol) -> [String] {
        let ages = possibleAges(birthYear: birthYear, consent: consent)
        let limit: String
        switch (studyProtocol.minAge, studyProtocol.maxAge) {
        case let (low?, high?): limit = "the \(low)–\(high) limit"
        case let (low?, nil): limit = "the minimum age \(low)"
        case let (nil, high?): limit = "the maximum age \(high)"
        case (nil, nil): return []
        }
        let aged = "born \(birthYear), aged \(ages.lowerBound) or \(ages.upperBound) at consent on \(consent)"
        if let low = studyProtocol.minAge {
            if ages.upperBound < low { return ["\(aged): below \(limit) of \(studyProtocol.id); enrolled, so the screening log is complete — record the outcome (eligibility checklist, or screen failure eligibility-not-met)"] }
            if ages.lowerBound < low { return ["\(aged): check the date of birth against \(limit)"] }
        }
        if let high = studyProtocol.maxAge {
            if ages.lowerBound > high { return ["\(aged): above \(limit) of \(studyProtocol.id); enrolled, so the screening log is complete — record the outcome (eligibility checklist, or screen failure eligibility-not-met)"] }
            if ages.upperBound > high { return ["\(aged): check the date of birth against \(limit)"] }
        }
        return []
    }
}

extension EnrollmentRequest {
    /// Warnings that do not stop the enrollment: an age outside (or maybe outside) the protocol's limits.
    public func warnings(protocols: [StudyProtocol]) -> [String] {
        guard let year = Int(birthYear), let consent = CivilDate(consentDate),
              let studyProtocol = protocols.first(where: { $0.id == study }) else { return [] }
        return AgeAtConsent.warnings(birthYear: year, consent: consent, studyProtocol: studyProtocol)
    }
}
