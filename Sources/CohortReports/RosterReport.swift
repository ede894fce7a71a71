import CohortDomain

/// The binding JSON of `cohort participants --format json` (docs/RULES.md, "The roster and the screening log"): every optional key is present, `null`
/// when there is nothing to say.
public struct RosterJSON: Encodable {
    struct Entry: Encodable {
        let entry: RosterEntry

        enum CodingKeys: String, CodingKey {
            case subject, initials, study, status, consent, baseline, dayOne, randomization, nextVisit, nextDate
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entry.subject, forKey: .subject)
            try container.encode(entry.initials, forKey: .initials)
            try container.encode(entry.study, forKey: .study)
            try container.encode(entry.status, forKey: .status)
            try container.encode(entry.consent, forKey: .consent)
            try container.encode(entry.baseline, forKey: .baseline)
            try container.encode(entry.dayOne, forKey: .dayOne)
            try container.encode(entry.randomization, forKey: .randomization)
            try container.encode(entry.next?.visit, forKey: .nextVisit)
            try container.encode(entry.next?.date, forKey: .nextDate)
        }
    }

    let participants: [Entry]
    let counts: [String: [String: Int]]

    /// The document for `roster`.
    public init(_ roster: Roster) {
        participants = roster.entries.map(Entry.init)
        counts = roster.counts.mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.key.rawValue, $0.value) }) }
    }
}

/// `cohort participants` as text: the counts per study and status, then one line per participant.
public enum RosterText {
    /// The text of `roster`.
    public static func render(_ roster: Roster) -> String {
        let statuses = ParticipantStatus.allCases.filter { roster.filter.status == nil || $0 == roster.filter.status }
        let counts = [["STUDY"] + statuses.map { $0.rawValue.uppercased() } + ["TOTAL"]] + roster.counts.keys.sorted().map { study in
            let row = statuses.map { roster.counts[study]?[$0] ?? 0 }
            return [study] + row.map(String.init) + [String(row.reduce(0, +))]
        }
        let people = [["SUBJECT", "INITIALS", "STUDY", "STATUS", "CONSENT", "DAY 1", "ALLOCATION", "NEXT VISIT"]] + roster.entries.map { entry in
            [entry.subject, entry.initials, entry.study, entry.status.rawValue, entry.consent.description, entry.dayOne.description,
             entry.allocation, entry.next.map { "\($0.visit) \($0.date)" } ?? "—"]
        }
        let listed = roster.entries.isEmpty ? "No participants" + (roster.filter == Roster.Filter() ? " yet." : " match.") : Columns.render(people)
        return Columns.render(counts) + "\n\n" + listed
    }

    /// The screening log a sponsor asks for (no identifiers beyond the subject ID): one CSV row per
    /// participant, with the header first; `consents` lists every consent with its ICF version
    /// (`2026-11-02 ICF 2.1;2026-12-01 ICF 3`), the first one first; `criteriaNotMet` the entry criteria
    /// answered so that they keep the participant out (`I2 not met;E1 met`).
    public static let screeningLogHeader = "subject,study,consent,status,category,date,consents,criteriaNotMet\n"

    /// The screening-log row of `entry`, with its newline.
    public static func screeningLogRow(_ entry: RosterEntry) -> String {
        [entry.subject, entry.study, entry.consent.description, entry.status.rawValue,
         entry.exit?.category?.rawValue ?? "", entry.exit?.date.description ?? "",
         entry.consents.map(\.description).joined(separator: ";"), entry.criteriaNotMet.joined(separator: ";")].joined(separator: ",") + "\n"
    }
}
