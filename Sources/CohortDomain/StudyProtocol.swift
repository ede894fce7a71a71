import Foundation

/// A study definition (binding file format, docs/RULES.md, "Protocols"): arms, primary scale and the visit plan.
public struct StudyProtocol: Codable, Sendable, Hashable {
    /// Study identifier (`SCZ-5W-INPT`).
    public var id: String
    /// Human title.
    public var title: String
    /// True for a blinded study: the site never sees or chooses an arm and records the randomization
    /// number from the sponsor's system instead (docs/RULES.md, "Protocols"; "Participant lifecycle").
    public var blinded: Bool
    /// Treatment arms of an open-label study (empty for a blinded one).
    public var arms: [String]
    /// The scale whose change from baseline is the primary endpoint.
    public var primaryScale: String
    /// Improvement percentage that makes a responder on the primary scale; the scale's default when absent.
    public var responderPercent: Double?
    /// Youngest age at consent the protocol admits, if it limits it.
    public var minAge: Int?
    /// Oldest age at consent the protocol admits, if it limits it.
    public var maxAge: Int?
    /// Hours from the site's awareness of a serious adverse event to its initial report (default 24).
    public var saeReportHours: Int?
    /// Adverse-event terms of special interest: reported like serious ones.
    public var specialInterest: [String]
    /// Medications not allowed while in the study, each a name with its aliases.
    public var prohibitedMedications: [ProhibitedName]
    /// The protocol's own normal ranges by measure code (over the definitions').
    public var ranges: [String: NormalRange]
    /// Values that raise an alert.
    public var alerts: [MeasureAlert]
    /// Flags the protocol adds to scales with a total.
    public var scaleFlags: [ScaleFlag]
    /// Visits in protocol order.
    public var visits: [VisitDefinition]
    /// The entry criteria, when the protocol lists them (docs/RULES.md, "Eligibility"): randomization and
    /// the baseline wait for a complete, eligible checklist.
    public var eligibility: EligibilityCriteria?
    /// The sponsor's name, when given (the SDTM package's TS `SPONSOR`).
    public var sponsor: String?
    /// How many participants the protocol plans to enroll, when given (TS `PLANSUB`).
    public var plannedSubjects: Int?

    /// The report deadline when the protocol does not say: "within 24 hours" (docs/RULES.md, "Adverse events and medications").
    public static let defaultReportHours = 24
    /// The longest report clock a protocol may set (7 days).
    public static let longestReportHours = 168

    /// Creates a protocol value (not yet validated).
    public init(id: String, title: String, blinded: Bool = false, arms: [String], primaryScale: String, responderPercent: Double? = nil,
                minAge: Int? = nil, maxAge: Int? = nil, saeReportHours: Int? = nil, specialInterest: [String] = [],
                prohibitedMedications: [ProhibitedName] = [], ranges: [String: NormalRange] = [:], alerts: [MeasureAlert] = [], scaleFlags: [ScaleFlag] = [], visits: [VisitDefinition],
                eligibility: EligibilityCriteria? = nil) {
        self.eligibility = eligibility
        self.ranges = ranges; self.alerts = alerts; self.scaleFlags = scaleFlags
        self.id = id; self.title = title; self.blinded = blinded; self.arms = arms; self.primaryScale = primaryScale
        self.responderPercent = responderPercent; self.minAge = minAge; self.maxAge = maxAge; self.saeReportHours = saeReportHours
        self.specialInterest = specialInterest; self.prohibitedMedications = prohibitedMedications; self.visits = visits
    }

    private enum CodingKeys: String, CodingKey {
        case id, title, blinded, arms, primaryScale, responderPercent, minAge, maxAge, saeReportHours, specialInterest, prohibitedMedications
        case ranges, alerts, scaleFlags, visits, eligibility, sponsor, plannedSubjects
    }

    /// Writes the file format; the safety members only when given, so protocols written before they existed
    /// read back byte for byte.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(blinded, forKey: .blinded)
        try container.encode(arms, forKey: .arms)
        try container.encode(primaryScale, forKey: .primaryScale)
        try container.encodeIfPresent(responderPercent, forKey: .responderPercent)
        try container.encodeIfPresent(minAge, forKey: .minAge)
        try container.encodeIfPresent(maxAge, forKey: .maxAge)
        try container.encodeIfPresent(saeReportHours, forKey: .saeReportHours)
        if !specialInterest.isEmpty { try container.encode(specialInterest, forKey: .specialInterest) }
        if !prohibitedMedications.isEmpty { try container.encode(prohibitedMedications, forKey: .prohibitedMedications) }
        if !ranges.isEmpty { try container.encode(ranges, forKey: .ranges) }
        if !alerts.isEmpty { try container.encode(alerts, forKey: .alerts) }
        if !scaleFlags.isEmpty { try container.encode(scaleFlags, forKey: .scaleFlags) }
        try container.encode(visits, forKey: .visits)
        try container.encodeIfPresent(eligibility, forKey: .eligibility)
        try container.encodeIfPresent(sponsor, forKey: .sponsor)
        try container.encodeIfPresent(plannedSubjects, forKey: .plannedSubjects)
    }

    /// Reads the file format: `blinded` defaults to false, and a blinded study lists no `arms`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        title = try container.decode(String.self, forKey: .title)
        blinded = try container.decodeIfPresent(Bool.self, forKey: .blinded) ?? false
        arms = try container.decodeIfPresent([String].self, forKey: .arms) ?? []
        primaryScale = try container.decode(String.self, forKey: .primaryScale)
        responderPercent = try container.decodeIfPresent(Double.self, forKey: .responderPercent)
        minAge = try container.decodeIfPresent(Int.self, forKey: .minAge)
        maxAge = try container.decodeIfPresent(Int.self, forKey: .maxAge)
        saeReportHours = try container.decodeIfPresent(Int.self, forKey: .saeReportHours)
        specialInterest = try container.decodeIfPresent([String].self, forKey: .specialInterest) ?? []
        prohibitedMedications = try container.decodeIfPresent([ProhibitedName].self, forKey: .prohibitedMedications) ?? []
        ranges = try container.decodeIfPresent([String: NormalRange].self, forKey: .ranges) ?? [:]
        alerts = try container.decodeIfPresent([MeasureAlert].self, forKey: .alerts) ?? []
        scaleFlags = try container.decodeIfPresent([ScaleFlag].self, forKey: .scaleFlags) ?? []
        visits = try container.decode([VisitDefinition].self, forKey: .visits)
        eligibility = try container.decodeIfPresent(EligibilityCriteria.self, forKey: .eligibility)
        sponsor = try container.decodeIfPresent(String.self, forKey: .sponsor)
        plannedSubjects = try container.decodeIfPresent(Int.self, forKey: .plannedSubjects)
    }

    /// The largest protocol file accepted.
    public static let maximumFileSize = 1 << 20
    /// The members a protocol file may have; any other is refused (a typo must not be dropped silently).
    static let protocolKeys: Set<String> = ["id", "title", "blinded", "arms", "primaryScale", "responderPercent", "minAge", "maxAge",
                                            "saeReportHours", "specialInterest", "prohibitedMedications", "ranges", "alerts", "scaleFlags", "visits",
                                            "eligibility", "sponsor", "plannedSubjects"]
    /// The members a visit may have.
    static let visitKeys: Set<String> = ["code", "name", "day", "anchor", "offset", "minus", "plus", "scales", "measures", "baseline",
                                         "earlyTermination", "afterWithdrawal"]
    /// The members an alert may have: the test and one rule.
    static let alertKeys = Set(["test"] + MeasureAlert.Rule.allCases.map(\.rawValue))

    /// Decodes and validates a protocol file; every problem is named, in one error.
    public static func parse(_ data: Data, scales: ScaleCatalog) throws -> StudyProtocol {
        guard data.count <= maximumFileSize else {
            throw DomainError("The protocol file is \(data.count) bytes; a protocol is at most 1 MiB.")
        }
        try DuplicateKeys.refuse(in: data, what: "The protocol file")
        var unknown: [String] = []
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            // A number too large for any member (past 2^53, where whole numbers stop being exact, and not a
            // whole number an Int holds, which the member's own rule then names) would otherwise be
            // reported as "not valid JSON": name the member.
            unknown += outOfRangeNumbers(object, at: "")
            unknown += object.keys.filter { !protocolKeys.contains($0) }.sorted().map { "unknown member '\(Text.shown($0))'" }
            if let number = object["plannedSubjects"] as? NSNumber, number.doubleValue.rounded() != number.doubleValue {
                unknown.append("plannedSubjects must be a whole number (it is \(number))")
            }
            for (index, visit) in ((object["visits"] as? [Any]) ?? []).enumerated() {
                guard let visit = visit as? [String: Any] else { continue }
                unknown += visit.keys.filter { !visitKeys.contains($0) }.sorted().map { "visit \(index + 1) has unknown member '\(Text.shown($0))'" }
                // A fraction would otherwise be reported as "not valid JSON": say which number is wrong.
                for key in ["day", "offset", "minus", "plus"] {
                    if let number = visit[key] as? NSNumber, number.doubleValue.rounded() != number.doubleValue {
                        unknown.append("visit \(index + 1) \(key) must be a whole number (it is \(number))")
                    }
                }
            }
            for (index, alert) in ((object["alerts"] as? [Any]) ?? []).enumerated() {
                guard let alert = alert as? [String: Any] else { continue }
                unknown += alert.keys.filter { !alertKeys.contains($0) }.sorted().map { "alert \(index + 1) has unknown member '\(Text.shown($0))'" }
            }
            for (index, entry) in ((object["prohibitedMedications"] as? [Any]) ?? []).enumerated() {
                guard let entry = entry as? [String: Any] else { continue }
                unknown += entry.keys.filter { !ProhibitedName.keys.contains($0) }.sorted().map { "prohibitedMedications \(index + 1) has unknown member '\(Text.shown($0))'" }
            }
            if let criteria = object["eligibility"] as? [String: Any] {
                unknown += criteria.keys.filter { !EligibilityCriteria.keys.contains($0) }.sorted().map { "eligibility has unknown member '\(Text.shown($0))'" }
                for kind in ["inclusion", "exclusion"] {
                    for (index, criterion) in ((criteria[kind] as? [Any]) ?? []).enumerated() {
                        guard let criterion = criterion as? [String: Any] else { continue }
                        unknown += criterion.keys.filter { !EligibilityCriterion.keys.contains($0) }.sorted()
                            .map { "eligibility \(kind) \(index + 1) has unknown member '\(Text.shown($0))'" }
                    }
                }
            }
            for (index, flag) in ((object["scaleFlags"] as? [Any]) ?? []).enumerated() {
                guard let flag = flag as? [String: Any] else { continue }
                unknown += flag.keys.filter { !ScaleFlag.keys.contains($0) }.sorted().map { "scaleFlags \(index + 1) has unknown member '\(Text.shown($0))'" }
                if let item = flag["itemAtLeast"] as? [String: Any] {
                    unknown += item.keys.filter { !ScaleFlag.itemKeys.contains($0) }.sorted().map { "scaleFlags \(index + 1) itemAtLeast has unknown member '\(Text.shown($0))'" }
                }
            }
        }
        let decoded: StudyProtocol
        do {
            if let fraction = unknown.first(where: { $0.contains("must be a whole number") || $0.contains("is out of range") }) {
                throw DomainError("The protocol is not in the protocol file format: \(fraction).")
            }
            decoded = try JSONDecoder().decode(StudyProtocol.self, from: data)
        } catch let error as DecodingError {
            throw DomainError("The protocol is not in the protocol file format: \(error.plainDescription)" +
                              (unknown.isEmpty ? "" : "; " + unknown.joined(separator: "; ")) + ".")
        }
        let problems = unknown + decoded.problems(scales: scales)
        guard problems.isEmpty else {
            throw DomainError("Protocol \(Text.shown(decoded.id)) is refused: " + problems.joined(separator: "; ") + ".")
        }
        return decoded
    }

    /// Every number in `value` of magnitude 2^53 or more that no Int holds, named by its member path (`visits[2].plus`).
    static func outOfRangeNumbers(_ value: Any, at path: String) -> [String] {
        switch value {
        case let object as [String: Any]:
            return object.keys.sorted().flatMap { outOfRangeNumbers(object[$0]!, at: path.isEmpty ? $0 : path + "." + $0) }
        case let array as [Any]:
            return array.enumerated().flatMap { outOfRangeNumbers($0.element, at: path + "[\($0.offset)]") }
        case let number as NSNumber where abs(number.doubleValue) >= 9_007_199_254_740_992 && Int(number.stringValue) == nil:
            return ["\(Text.shown(path)) is out of range (it is \(number)); no member of a protocol takes a number that large"]
        default:
            return []
        }
    }

    /// The visit definition with this code, if any.
    public func visit(_ code: String) -> VisitDefinition? { visits.first { $0.code == code } }

    /// The baseline visit (validation guarantees exactly one).
    public var baselineVisit: VisitDefinition? { visits.first { $0.isBaseline } }

    /// The early-termination visit, if the protocol has one.
    public var earlyTerminationVisit: VisitDefinition? { visits.first { $0.isEarlyTermination } }

    /// Position of a visit in protocol order.
    public func order(of code: String) -> Int? { visits.firstIndex { $0.code == code } }

    /// True when `code` comes after the baseline visit in protocol order (change from baseline applies).
    public func isAfterBaseline(_ code: String) -> Bool {
        guard let baseline = baselineVisit, let base = order(of: baseline.code), let here = order(of: code) else { return false }
        return here > base
    }

    /// The study days a visit may fall on, and the largest offset and window.
    public static let dayLimit = 3650
    public static let windowLimit = 365

    /// Every rule (docs/RULES.md, "Protocols") this protocol breaks, each a short phrase; empty when it is valid. Linear in the
    /// protocol's size: anchors must come after the visit they follow, so no chain is walked twice.
    public func problems(scales: ScaleCatalog) -> [String] {
        var found: [String] = []
        if !Self.isCode(id, longest: 32) {
            found.append("the id '\(Text.shown(id))' must be 1 to 32 of A-Z a-z 0-9 _ -")
        }
        if let problem = Text.problem(title, what: "the title") { found.append(problem) }
        if blinded && !arms.isEmpty { found.append("a blinded protocol lists no arms (the site records the randomization number instead)") }
        if !blinded && arms.isEmpty { found.append("no arms are listed (an open-label protocol lists at least one; a blinded one says \"blinded\": true)") }
        if Set(arms.map { $0.lowercased() }).count != arms.count { found.append("an arm is listed twice (arms are matched ignoring case)") }
        for arm in arms {
            if let problem = Text.problem(arm, what: "arm '\(Text.shown(arm))'") { found.append(problem) }
            else if let hidden = FreeText.hiddenCharacter(in: arm) { found.append("arm '\(Text.shown(arm))' holds \(hidden), so it could never match what is typed") }
        }
        if let scale = scales[primaryScale] {
            if !scale.total { found.append("the primary scale \(primaryScale) has no total, so there is no change from baseline to compare") }
        } else {
            found.append("the primary scale '\(Text.shown(primaryScale))' is not a known scale")
        }
        if !visits.isEmpty && !visits.contains(where: { $0.scales.contains(primaryScale) }) {
            found.append("the primary scale \(Text.shown(primaryScale)) is collected at no visit (list it in the scales of the visits that rate it)")
        }
        if let percent = responderPercent, !(0...100).contains(percent) {
            found.append("responderPercent \(percent) is not between 0 and 100")
        }
        if let low = minAge, !(0...150).contains(low) { found.append("minAge \(low) is not an age") }
        if let high = maxAge, !(0...150).contains(high) { found.append("maxAge \(high) is not an age") }
        if let low = minAge, let high = maxAge, low > high { found.append("minAge \(low) is above maxAge \(high)") }
        if let hours = saeReportHours, !(1...Self.longestReportHours).contains(hours) { found.append("saeReportHours \(hours) is not 1 to \(Self.longestReportHours)") }
        // TS SPONSOR and PLANSUB (docs/RULES.md, "Protocols"): free text that fits TSVAL, a positive count.
        if let sponsor {
            if let problem = Text.problem(sponsor, what: "the sponsor", longest: 200) { found.append(problem) }
            else if sponsor != sponsor.trimmingCharacters(in: .whitespaces) { found.append("the sponsor begins or ends with a blank") }
            else if let hidden = FreeText.hiddenCharacter(in: sponsor) { found.append("the sponsor holds \(hidden)") }
        }
        if let planned = plannedSubjects, planned < 1 { found.append("plannedSubjects \(planned) is not a positive whole number of participants") }
        let prohibitedNames = prohibitedMedications.flatMap(\.allNames)
        for (member, terms) in [("specialInterest", specialInterest), ("prohibitedMedications", prohibitedNames)] {
            for term in terms {
                if let problem = Self.termProblem(term, member: member) { found.append(problem) }
            }
            if Set(terms.map { WholeWords.words($0) }).count != terms.count { found.append("\(member) lists a term twice") }
        }
        for (code, range) in ranges.sorted(by: { $0.key < $1.key }) {
            if scales.measure(code) == nil { found.append("ranges names unknown measure '\(Text.shown(code))'") }
            if let low = range.low, let high = range.high, high < low { found.append("the range of \(Text.shown(code)) has low \(low) above high \(high)") }
        }
        for (code, range) in ranges.sorted(by: { $0.key < $1.key }) {
            guard let definition = scales.measure(code) else { continue }
            for end in [range.low, range.high].compactMap({ $0 }) where !definition.plausible.contains(end) {
                found.append("the range of \(code) has \(end), outside what is possible (\(definition.plausible) \(definition.unit))")
            }
        }
        for (index, alert) in alerts.enumerated() {
            let definition = scales.measure(alert.test)
            if definition == nil { found.append("alert \(index + 1) names unknown measure '\(Text.shown(alert.test))'") }
            if alert.rules.count != 1 {
                found.append("alert \(index + 1) has \(alert.rules.count) rules; give exactly one of " + MeasureAlert.Rule.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let zero = Quantity(0)
            if let times = alert.aboveTimesUpperNormal {
                if times <= zero { found.append("alert \(index + 1) has aboveTimesUpperNormal \(times); it is above 0") }
                if definition != nil, (ranges[alert.test] ?? definition?.normal)?.high == nil {
                    found.append("alert \(index + 1) is aboveTimesUpperNormal but \(alert.test) has no upper normal limit; give one in ranges")
                }
            }
            if let rise = alert.riseFromBaseline, rise <= zero { found.append("alert \(index + 1) has riseFromBaseline \(rise); it is above 0") }
            if let definition {
                for limit in [alert.above, alert.below].compactMap({ $0 }) where !definition.plausible.contains(limit) {
                    found.append("alert \(index + 1) on \(alert.test) at \(limit) is outside what is possible (\(definition.plausible)): it could never be raised")
                }
            }
        }
        let builtIn = ScaleFlag.builtInNames(scales)
        for (index, flag) in scaleFlags.enumerated() {
            found += flag.problems(number: index + 1, scales: scales, builtIn: builtIn)
        }
        if Set(scaleFlags.map(\.flag)).count != scaleFlags.count { found.append("scaleFlags names a flag twice (an acknowledgement names the flag)") }
        found += eligibility?.problems() ?? []
        if visits.isEmpty { found.append("no visits are listed") }
        // Each visit's nominal study day (anchored: the anchor's plus the offset), in list order.
        var nominal: [String: Int] = [:]
        var previousDay: Int?
        for visit in visits {
            let code = Text.shown(visit.code)
            if !Self.isCode(visit.code, longest: 16) { found.append("visit code '\(code)' must be 1 to 16 of A-Z a-z 0-9 _ -") }
            if nominal[visit.code] != nil { found.append("visit code \(code) is used twice") }
            // `U` and digits name a participant's unscheduled visits (docs/RULES.md, "Protocols").
            if visit.code.first == "U", visit.code.count > 1, visit.code.dropFirst().allSatisfy(\.isASCII), Int(visit.code.dropFirst()) != nil {
                found.append("visit code \(code) is reserved: U followed by digits names an unscheduled visit")
            }
            if let problem = Text.problem(visit.name, what: "the name of visit \(code)") { found.append(problem) }
            for scale in visit.scales where scales[scale] == nil {
                found.append("visit \(code) lists unknown scale '\(Text.shown(scale))'")
            }
            if Set(visit.scales).count != visit.scales.count { found.append("visit \(code) lists a scale twice") }
            for measure in visit.requiredMeasures where scales.measure(measure) == nil {
                found.append("visit \(code) lists unknown measure '\(Text.shown(measure))'")
            }
            if Set(visit.requiredMeasures).count != visit.requiredMeasures.count { found.append("visit \(code) lists a measure twice") }
            if !(0...Self.windowLimit).contains(visit.minus) || !(0...Self.windowLimit).contains(visit.plus) {
                found.append("visit \(code) has a window of minus \(visit.minus), plus \(visit.plus) days; minus and plus are 0 to \(Self.windowLimit)")
            }
            var day: Int?
            if visit.isEarlyTermination {
                if visit.day != nil || visit.anchor != nil || visit.offset != nil {
                    found.append("the early-termination visit \(code) has no day, anchor or offset (its target is the withdrawal date)")
                }
                if visit.isBaseline { found.append("the early-termination visit \(code) cannot be the baseline") }
                nominal[visit.code] = Self.dayLimit
                continue
            }
            switch (visit.day, visit.anchor) {
            case (nil, nil): found.append("visit \(code) has neither a day nor an anchor")
            case (.some, .some): found.append("visit \(code) has both a day and an anchor")
            case (.some(let value), nil):
                if visit.offset != nil { found.append("visit \(code) has a day and an offset; an offset goes only with an anchor") }
                if value == 0 { found.append("visit \(code) is on day 0, which does not exist (Day 1 is baseline)") }
                else if !(-Self.dayLimit...Self.dayLimit).contains(value) { found.append("visit \(code) is on day \(value); days are -\(Self.dayLimit) to \(Self.dayLimit)") }
                else {
                    day = value
                    if value < 0 && value + visit.plus >= 0 { found.append("visit \(code) comes before baseline but its window reaches Day 1 or later") }
                    if value > 1 && value - visit.minus <= 1 { found.append("visit \(code) comes after baseline but its window reaches Day 1 or earlier") }
                }
            case (nil, .some(let anchor)):
                if let offset = visit.offset, !(0...Self.dayLimit).contains(offset) {
                    found.append("visit \(code) has offset \(offset); offsets are 0 to \(Self.dayLimit)")
                } else if visit.offset == nil {
                    found.append("visit \(code) has an anchor but no offset")
                } else if visits.contains(where: { $0.code == anchor && $0.isEarlyTermination }) {
                    // The early-termination visit exists only after a withdrawal; a visit anchored to it
                    // would be on the schedule, with no date, from enrollment.
                    found.append("visit \(code) is anchored to the early-termination visit \(Text.shown(anchor)); anchor it to a visit of the schedule and mark it afterWithdrawal (it then follows \(Text.shown(anchor)) after a withdrawal)")
                } else if let anchorDay = nominal[anchor] {
                    day = anchorDay + (visit.offset ?? 0)
                    if let value = day, value > Self.dayLimit { found.append("visit \(code) falls on day \(value), after day \(Self.dayLimit)"); day = nil }
                } else if visits.contains(where: { $0.code == anchor }) {
                    found.append("visit \(code) is anchored to \(Text.shown(anchor)), which is not listed before it (anchored visits come after their anchor, so anchors cannot form a cycle)")
                } else {
                    found.append("visit \(code) is anchored to unknown visit \(Text.shown(anchor))")
                }
            }
            if let day {
                if let previousDay, day < previousDay {
                    found.append("visit \(code) (day \(day)) is listed after a visit on day \(previousDay); list visits in the order of their study days")
                }
                previousDay = day
                nominal[visit.code] = day
            } else {
                nominal[visit.code] = nominal[visit.code] ?? previousDay ?? 0
            }
        }
        if visits.filter(\.isEarlyTermination).count > 1 { found.append("more than one visit is marked earlyTermination") }
        for visit in visits where visit.isEarlyTermination && visit.afterWithdrawal == true {
            found.append("the early-termination visit \(Text.shown(visit.code)) is itself the withdrawal; it cannot also be kept after it")
        }
        let baselines = visits.filter(\.isBaseline)
        if baselines.count != 1 {
            found.append(baselines.isEmpty ? "no visit is marked baseline" : "\(baselines.count) visits are marked baseline (\(baselines.map { Text.shown($0.code) }.joined(separator: ", "))); exactly one must be")
        } else if baselines[0].day == nil {
            found.append("the baseline visit \(Text.shown(baselines[0].code)) must have a study day, not an anchor")
        } else if baselines[0].day != 1 {
            found.append("the baseline visit \(Text.shown(baselines[0].code)) is on day \(baselines[0].day ?? 0); the baseline is Day 1 by definition")
        }
        return found
    }

    /// What is wrong with one `specialInterest` term or prohibited medication name or alias (each alias is
    /// checked as a name), if anything.
    static func termProblem(_ term: String, member: String) -> String? {
        if let problem = Text.problem(term, what: "\(member) term '\(Text.shown(term))'") { return problem }
        if let hidden = FreeText.hiddenCharacter(in: term) {
            return "\(member) term '\(Text.shown(term))' holds \(hidden), so it could never match what is typed"
        }
        if WholeWords.words(term).isEmpty { return "\(member) term '\(Text.shown(term))' has no letters or digits to match" }
        return nil
    }

    /// 1 to `longest` of A–Z a–z 0–9 `_` `-`.
    static func isCode(_ text: String, longest: Int) -> Bool {
        (1...longest).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}

/// One planned visit of a protocol.
public struct VisitDefinition: Codable, Sendable, Hashable {
    /// Short code (`W1`).
    public var code: String
    /// Display name (`Week 1`).
    public var name: String
    /// Study day (CDISC: Day 1 is baseline, no Day 0), for visits fixed to the baseline.
    public var day: Int?
    /// The visit this one follows, for visits timed from another visit.
    public var anchor: String?
    /// Days after the anchor visit's completion (or its target while not completed).
    public var offset: Int?
    /// Days the window opens before the target.
    public var minus: Int
    /// Days the window stays open after the target.
    public var plus: Int
    /// Scales required at this visit.
    public var scales: [String]
    /// Measures (vital signs, labs, ECG) required at this visit, when any.
    public var measures: [String]?
    /// Marks the visit whose scores are the baseline.
    public var baseline: Bool?
    /// Marks the early-termination visit: no day or anchor; it joins a participant's schedule when they
    /// withdraw, with the withdrawal date as its target.
    public var earlyTermination: Bool?
    /// Marks a visit that stays scheduled after a withdrawal (typically the safety follow-up).
    public var afterWithdrawal: Bool?

    /// Creates a visit definition.
    public init(code: String, name: String, day: Int? = nil, anchor: String? = nil, offset: Int? = nil,
                minus: Int, plus: Int, scales: [String], measures: [String]? = nil, baseline: Bool? = nil, earlyTermination: Bool? = nil,
                afterWithdrawal: Bool? = nil) {
        self.measures = measures
        self.code = code; self.name = name; self.day = day; self.anchor = anchor; self.offset = offset
        self.minus = minus; self.plus = plus; self.scales = scales; self.baseline = baseline
        self.earlyTermination = earlyTermination; self.afterWithdrawal = afterWithdrawal
    }

    private enum CodingKeys: String, CodingKey {
        case code, name, day, anchor, offset, minus, plus, scales, measures, baseline, earlyTermination, afterWithdrawal
    }

    /// Reads the file format: an early-termination visit may leave out `minus` (0).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        name = try container.decode(String.self, forKey: .name)
        day = try container.decodeIfPresent(Int.self, forKey: .day)
        anchor = try container.decodeIfPresent(String.self, forKey: .anchor)
        offset = try container.decodeIfPresent(Int.self, forKey: .offset)
        earlyTermination = try container.decodeIfPresent(Bool.self, forKey: .earlyTermination)
        minus = try container.decodeIfPresent(Int.self, forKey: .minus) ?? 0
        if earlyTermination != true && !container.contains(.minus) {
            throw DecodingError.keyNotFound(CodingKeys.minus, .init(codingPath: container.codingPath, debugDescription: "minus"))
        }
        plus = try container.decode(Int.self, forKey: .plus)
        scales = try container.decode([String].self, forKey: .scales)
        measures = try container.decodeIfPresent([String].self, forKey: .measures)
        baseline = try container.decodeIfPresent(Bool.self, forKey: .baseline)
        afterWithdrawal = try container.decodeIfPresent(Bool.self, forKey: .afterWithdrawal)
    }

    /// True for the baseline visit.
    public var isBaseline: Bool { baseline ?? false }
    /// The measures required at this visit (none when the protocol lists none).
    public var requiredMeasures: [String] { measures ?? [] }
    /// True for the early-termination visit.
    public var isEarlyTermination: Bool { earlyTermination ?? false }
}

extension DecodingError {
    /// A one-line description naming the field that is wrong.
    public var plainDescription: String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case .keyNotFound(let key, let context): return "'\(key.stringValue)' is missing at \(path(context.codingPath))"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)) has the wrong type (\(context.debugDescription))"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "it is not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "it cannot be read"
        }
    }
}
