import CohortDomain
import Foundation

/// Cohort's values as CDISC's controlled terms: one mapping per concept, used by the CSV exports and the
/// package alike (docs/RULES.md, "SDTM conventions").
public enum SDTMTerms {
    /// AESEV.
    public static func severity(_ value: AdverseEvent.Severity) -> String { value.rawValue.uppercased() }

    /// AEREL (the sponsor's codelist: CDISC publishes none).
    public static func relatedness(_ value: AdverseEvent.Relatedness) -> String {
        switch value {
        case .not: return "NOT RELATED"
        case .unlikely: return "UNLIKELY RELATED"
        case .possible: return "POSSIBLY RELATED"
        case .probable: return "PROBABLY RELATED"
        case .definite: return "RELATED"
        }
    }

    /// AEACN (ACN).
    public static func action(_ value: AdverseEvent.DrugAction) -> String {
        switch value {
        case .none: return "DOSE NOT CHANGED"
        case .interrupted: return "DRUG INTERRUPTED"
        case .reduced: return "DOSE REDUCED"
        case .withdrawn: return "DRUG WITHDRAWN"
        case .notApplicable: return "NOT APPLICABLE"
        }
    }

    /// AEOUT (OUT).
    public static func outcome(_ value: AdverseEvent.Outcome) -> String {
        switch value {
        case .recovered: return "RECOVERED/RESOLVED"
        case .recoveredWithSequelae: return "RECOVERED/RESOLVED WITH SEQUELAE"
        case .recovering: return "RECOVERING/RESOLVING"
        case .notRecovered: return "NOT RECOVERED/NOT RESOLVED"
        case .fatal: return "FATAL"
        case .unknown: return "UNKNOWN"
        }
    }

    /// DSDECOD for a withdrawal or screen-failure category (NCOMPLT).
    public static func disposition(_ category: WithdrawalCategory, screenFailure: Bool) -> String {
        switch category {
        case .adverseEvent: return "ADVERSE EVENT"
        case .lackOfEfficacy: return "LACK OF EFFICACY"
        case .withdrawalBySubject: return "WITHDRAWAL BY SUBJECT"
        case .physicianDecision: return "PHYSICIAN DECISION"
        case .lostToFollowUp: return "LOST TO FOLLOW-UP"
        case .protocolDeviation: return "PROTOCOL DEVIATION"
        case .pregnancy: return "PREGNANCY"
        case .death: return "DEATH"
        case .sponsorDecision: return "STUDY TERMINATED BY SPONSOR"
        case .eligibilityNotMet: return "SCREEN FAILURE"
        case .other: return screenFailure ? "SCREEN FAILURE" : "OTHER"
        }
    }

    /// CMROUTE (ROUTE) for a route as written (`oral`, `PO`, `by mouth` are `ORAL`); nil when the text
    /// names no route CDISC lists, and the text is then kept as written.
    public static func route(_ text: String) -> String? {
        let key = normalized(text)
        if let term = routes[key] { return term }
        return SDTMCodelists.route.terms.first { normalized($0.value) == key }?.value
    }

    /// CMDOSFRQ (FREQ) for a frequency as written (`daily`, `once daily`, `QD` are `QD`); nil when the
    /// text names no frequency CDISC lists, and the text is then kept as written.
    public static func frequency(_ text: String) -> String? {
        let key = normalized(text)
        if let term = frequencies[key] { return term }
        return SDTMCodelists.frequency.terms.first { normalized($0.value) == key }?.value
    }

    /// CMDOSE and CMDOSU for a dose as written, when it is one number and a unit CDISC lists (`1 mg`,
    /// `0.5mg`, `2 tablets`); nil otherwise (the dose then stays in CMDOSTXT alone). The number is as written.
    public static func dose(_ text: String) -> (amount: Double, unit: String)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let split = trimmed.firstIndex(where: { !($0.isASCII && ($0.isNumber || $0 == ".")) }), split != trimmed.startIndex,
              let amount = Double(trimmed[..<split]), amount.isFinite else { return nil }
        let unit = normalized(String(trimmed[split...]))
        return doseUnits[unit].map { (amount, $0) }
    }

    /// EPOCH of a date: `SCREENING` before Day 1 (or while it has not happened), `TREATMENT` from Day 1
    /// through `treatmentEnd` (the withdrawal or the end-of-treatment visit), `FOLLOW-UP` after it.
    public static func epoch(of date: CivilDate, dayOne: CivilDate?, treatmentEnd: CivilDate?) -> String {
        guard let dayOne, dayOne <= date else { return "SCREENING" }
        if let treatmentEnd, treatmentEnd < date { return "FOLLOW-UP" }
        return "TREATMENT"
    }

    /// --DY: the study day of `date`, nil when the participant has no Day 1 (never 0: Day 1 follows day -1).
    public static func studyDay(of date: CivilDate, dayOne: CivilDate?) -> Int? {
        dayOne.map { StudyDay.day(of: date, baseline: $0) }
    }

    /// Cohort's own words (an alert rule such as `rise ≥ 40 from baseline`, a scale's item name) in ASCII,
    /// which XPT holds: `>=`, `<=`, `x`, plain dashes and quotes, accents dropped. Only for text Cohort's
    /// definitions write, never for what a user typed (that is never altered).
    public static func plainWords(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        return folded.unicodeScalars.map { plainPunctuation[$0] ?? String($0) }.joined()
    }

    /// Typographic characters and their ASCII spelling.
    static let plainPunctuation: [Unicode.Scalar: String] = [
        "\u{2010}": "-", "\u{2011}": "-", "\u{2012}": "-", "\u{2013}": "-", "\u{2014}": "-", "\u{2212}": "-",
        "\u{2018}": "'", "\u{2019}": "'", "\u{201C}": "\"", "\u{201D}": "\"", "\u{00A0}": " ", "\u{00D7}": "x",
        "\u{2265}": ">=", "\u{2264}": "<=",
    ]

    private static func normalized(_ text: String) -> String {
        text.lowercased().split { $0 == " " || $0 == "-" || $0 == "_" }.joined(separator: " ")
    }

    private static let routes: [String: String] = [
        "oral": "ORAL", "po": "ORAL", "p.o.": "ORAL", "by mouth": "ORAL", "orally": "ORAL",
        "im": "INTRAMUSCULAR", "i.m.": "INTRAMUSCULAR", "intramuscular": "INTRAMUSCULAR",
        "iv": "INTRAVENOUS", "i.v.": "INTRAVENOUS", "intravenous": "INTRAVENOUS",
        "sc": "SUBCUTANEOUS", "s.c.": "SUBCUTANEOUS", "subcut": "SUBCUTANEOUS", "subcutaneous": "SUBCUTANEOUS",
        "sl": "SUBLINGUAL", "sublingual": "SUBLINGUAL", "transdermal": "TRANSDERMAL", "patch": "TRANSDERMAL",
        "topical": "TOPICAL", "rectal": "RECTAL", "pr": "RECTAL", "nasal": "NASAL", "intranasal": "NASAL",
        "inhaled": "RESPIRATORY (INHALATION)", "inhalation": "RESPIRATORY (INHALATION)", "buccal": "BUCCAL",
        "ophthalmic": "OPHTHALMIC", "eye drops": "OPHTHALMIC",
    ]

    private static let frequencies: [String: String] = [
        "daily": "QD", "once daily": "QD", "once a day": "QD", "qd": "QD", "od": "QD", "every day": "QD",
        "twice daily": "BID", "twice a day": "BID", "bid": "BID", "b.i.d.": "BID",
        "three times daily": "TID", "three times a day": "TID", "tid": "TID",
        "four times daily": "QID", "four times a day": "QID", "qid": "QID",
        "as needed": "PRN", "when needed": "PRN", "prn": "PRN",
        "at bedtime": "QHS", "at night": "QHS", "nightly": "QHS", "qhs": "QHS",
        "once": "ONCE", "single dose": "ONCE", "every morning": "QAM", "qam": "QAM", "every evening": "QPM", "qpm": "QPM",
        "every 4 hours": "Q4H", "every 6 hours": "Q6H", "every 8 hours": "Q8H", "every 12 hours": "Q12H",
        "weekly": "EVERY WEEK", "once weekly": "EVERY WEEK", "every week": "EVERY WEEK", "every other day": "QOD", "monthly": "QM",
    ]

    private static let doseUnits: [String: String] = [
        "mg": "mg", "g": "g", "ug": "ug", "mcg": "ug", "µg": "ug", "ml": "mL", "iu": "IU",
        "tablet": "TABLET", "tablets": "TABLET", "tab": "TABLET", "tabs": "TABLET",
        "capsule": "CAPSULE", "capsules": "CAPSULE", "cap": "CAPSULE", "caps": "CAPSULE", "puff": "PUFF", "puffs": "PUFF",
    ]
}
