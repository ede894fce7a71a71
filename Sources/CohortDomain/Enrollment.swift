/// What the enrollment form (or `cohort enroll`) collects, before it becomes a participant.
public struct EnrollmentRequest: Sendable, Equatable {
    /// Proposed subject ID, or `next` for the next free one (taken by the store under its lock).
    public var subject: String
    /// The subject ID that asks the store for the next free one.
    public static let nextSubject = "next"
    /// Initials as typed.
    public var initials: String
    /// Birth year as typed.
    public var birthYear: String
    /// Sex as typed (`F`, `M`, `X`).
    public var sex: String
    /// Protocol id.
    public var study: String
    /// Arm (may be empty when the protocol has one arm).
    public var arm: String
    /// Consent date as typed.
    public var consentDate: String
    /// Baseline (Day 1) date as typed.
    public var baselineDate: String
    /// The informed-consent form's version as typed (empty: not recorded).
    public var icfVersion: String = ""

    /// Creates a request from typed values.
    public init(subject: String, initials: String, birthYear: String, sex: String, study: String, arm: String,
                consentDate: String, baselineDate: String) {
        self.subject = subject; self.initials = initials; self.birthYear = birthYear; self.sex = sex
        self.study = study; self.arm = arm; self.consentDate = consentDate; self.baselineDate = baselineDate
    }

    /// The form's fields, in tab order.
    public enum Field: String, CaseIterable, Sendable {
        case subject, initials, birthYear, sex, study, arm, consentDate, icfVersion, baselineDate
    }

    /// Every field problem, keyed by field, each a short sentence for display beside the field. `site` is
    /// the store's site number: an ID of another site (or number 0000) is a typo.
    public func problems(protocols: [StudyProtocol], takenSubjects: Set<String>, today: CivilDate, site: String? = nil) -> [Field: String] {
        var found: [Field: String] = [:]
        if let problem = SubjectID.problem(subject, site: site, taken: takenSubjects) {
            found[.subject] = problem + (takenSubjects.contains(subject) ? "; the next free ID is suggested" : "")
        }
        let letters = initials.uppercased()
        if !(2...3).contains(letters.count) || !letters.allSatisfy({ $0.isASCII && $0.isLetter }) {
            found[.initials] = "initials are 2 or 3 letters"
        }
        let year = Int(birthYear)
        if year == nil || birthYear.count != 4 { found[.birthYear] = "birth year is four digits, e.g. 1984" }
        if Sex(rawValue: sex.uppercased()) == nil { found[.sex] = "sex is F, M or X" }
        let studyProtocol = protocols.first { $0.id == study }
        if studyProtocol == nil {
            found[.study] = "unknown study; choose one of " + protocols.map(\.id).joined(separator: ", ")
        }
        if let studyProtocol, studyProtocol.blinded, !arm.isEmpty {
            found[.arm] = "\(studyProtocol.id) is blinded: no arm is chosen at the site (randomize with the sponsor's number instead)"
        } else if let studyProtocol, !studyProtocol.blinded, resolvedArm(studyProtocol) == nil {
            found[.arm] = "choose an arm: " + studyProtocol.arms.joined(separator: ", ")
        }
        let consent = CivilDate(consentDate)
        let baseline = CivilDate(baselineDate)
        if consent == nil { found[.consentDate] = "consent date must be a real date, YYYY-MM-DD" }
        else if let consent, consent > today { found[.consentDate] = "consent date \(consent) is after today (\(today))" }
        if !icfVersion.isEmpty, let problem = Consent.versionProblem(icfVersion) { found[.icfVersion] = problem }
        if baseline == nil { found[.baselineDate] = "baseline date must be a real date, YYYY-MM-DD" }
        else if let consent, let baseline, baseline < consent { found[.baselineDate] = "baseline \(baseline) is before consent \(consent)" }
        else if let consent, let baseline, baseline > consent.adding(days: 366) {
            found[.baselineDate] = "baseline \(baseline) is more than a year after consent \(consent); check the date"
        }
        if let year, found[.birthYear] == nil, let consent, year > consent.year || year < 1900 {
            // An age outside the protocol's limits only warns (`warnings`): consented people are enrolled.
            found[.birthYear] = "birth year \(year) is not possible"
        }
        return found
    }

    /// The arm to use in an open-label study: the one typed (matched without regard to case), or the only
    /// arm; nil for a blinded study.
    public func resolvedArm(_ studyProtocol: StudyProtocol) -> String? {
        if studyProtocol.blinded { return nil }
        if arm.isEmpty { return studyProtocol.arms.count == 1 ? studyProtocol.arms[0] : nil }
        return studyProtocol.arms.first { $0.lowercased() == arm.lowercased() }
    }

    /// Validates and builds the participant with its full schedule.
    public func enroll(protocols: [StudyProtocol], takenSubjects: Set<String>, today: CivilDate, site: String? = nil) throws -> Participant {
        let problems = problems(protocols: protocols, takenSubjects: takenSubjects, today: today, site: site)
        guard problems.isEmpty else {
            let lines = Field.allCases.compactMap { field in problems[field].map { "\(field.rawValue): \($0)" } }
            throw DomainError("Cannot enroll \(subject): " + lines.joined(separator: "; ") + ".")
        }
        // Every force-unwrap below was checked by `problems` above.
        let studyProtocol = protocols.first { $0.id == study }!
        let baseline = CivilDate(baselineDate)!
        var participant = Participant(
            subject: subject, initials: initials.uppercased(), birthYear: Int(birthYear)!, sex: Sex(rawValue: sex.uppercased())!,
            study: study, arm: resolvedArm(studyProtocol), consentDate: CivilDate(consentDate)!, baselineDate: baseline,
            status: .screening, visits: studyProtocol.visits.filter { !$0.isEarlyTermination }.map { VisitRecord(code: $0.code) })
        participant.icfVersion = icfVersion.isEmpty ? nil : icfVersion
        return participant
    }
}

/// Subject IDs: the store's file names derive from them, so they are short and plain.
public enum SubjectID {
    /// Why `text` is not a usable subject ID, or nil when it is. A subject ID is coded: the site number
    /// (3–4 ASCII digits), `-`, and a 4-digit number (`101-0007`); never a name or a birth date.
    public static func problem(_ text: String) -> String? {
        guard !text.isEmpty else { return "subject ID is empty" }
        let parts = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        let isDigits = { (part: Substring.UTF8View.SubSequence) in part.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
        guard parts.count == 2, (3...4).contains(parts[0].count), isDigits(parts[0]), parts[1].count == 4, isDigits(parts[1]) else {
            return "subject ID '\(Text.shown(text, longest: 24))' is not a coded ID: the site number (3 or 4 digits), '-', then 4 digits, e.g. 101-0007"
        }
        return nil
    }

    /// Why `text` cannot be a new participant's ID at `site` (nil: the site is not checked) when `taken` are
    /// the IDs used there, or nil when it can: enrollment and renumbering check the same.
    public static func problem(_ text: String, site: String?, taken: Set<String>) -> String? {
        if let problem = problem(text) { return problem }
        if let site, !text.hasPrefix(site + "-") { return "\(text) is not an ID of this site (\(site)-NNNN)" }
        if site != nil, text.hasSuffix("-0000") { return "subject numbers start at 0001" }
        if taken.contains(text) { return "\(text) is already used at this site (enrolled now or before; an ID is never given twice)" }
        return nil
    }

    /// The next free ID following the site pattern `SSS-NNNN`: one past the highest number used at `site`.
    /// Past 9999 (a site's last number) it takes the lowest number never used; when none is left, the
    /// answer names a number past 9999, which enrollment refuses as not a coded ID.
    public static func next(after taken: some Sequence<String>, site: String) -> String {
        var highest = 0
        var used = Set<Int>()
        for subject in taken {
            let parts = subject.split(separator: "-")
            if parts.count == 2, parts[0] == site, let number = Int(parts[1]) {
                highest = max(highest, number)
                used.insert(number)
            }
        }
        let number = highest < 9_999 ? highest + 1 : ((1...9_999).first { !used.contains($0) } ?? 10_000)
        let digits = String(number)
        return site + "-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
