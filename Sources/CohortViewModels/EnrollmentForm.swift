import CohortDomain

/// The one-screen enrollment form (§2.2): Tab through the fields, errors inline as you type, Enter saves.
public struct EnrollmentForm: Equatable, Sendable {
    /// Typed values by field.
    public var values: [EnrollmentRequest.Field: String]
    /// The focused field.
    public var focus: EnrollmentRequest.Field
    /// Fields typed into or left: their errors show.
    public var touched: Set<EnrollmentRequest.Field> = []
    /// The participant once saved (the form then shows the generated schedule).
    public var enrolled: Participant?
    /// Why the last save failed (store trouble).
    public var error: String?

    /// A fresh form: the next free subject ID, consent today, the only study and arm when there is one.
    public init(nextSubject: String, today: CivilDate, protocols: [StudyProtocol]) {
        let study = protocols.count == 1 ? protocols[0].id : ""
        let arm = protocols.count == 1 && protocols[0].arms.count == 1 ? protocols[0].arms[0] : ""
        values = [.subject: nextSubject, .initials: "", .birthYear: "", .sex: "", .study: study, .arm: arm,
                  .consentDate: today.description, .baselineDate: ""]
        focus = .initials
    }

    /// The request the values make.
    public var request: EnrollmentRequest {
        EnrollmentRequest(subject: values[.subject] ?? "", initials: values[.initials] ?? "", birthYear: values[.birthYear] ?? "",
                          sex: values[.sex] ?? "", study: values[.study] ?? "", arm: values[.arm] ?? "",
                          consentDate: values[.consentDate] ?? "", baselineDate: values[.baselineDate] ?? "")
    }

    /// Field labels in tab order.
    public static let labels: [(EnrollmentRequest.Field, String)] = [
        (.subject, "Subject ID"), (.initials, "Initials"), (.birthYear, "Birth year"), (.sex, "Sex (F/M/X)"),
        (.study, "Study"), (.arm, "Arm"), (.consentDate, "Consent date"), (.baselineDate, "Baseline (Day 1)"),
    ]
}

/// The end-of-day summary screen: the day and the selected actionable line (flag or deviation).
public struct SummaryPage: Equatable, Sendable {
    /// The day summarised.
    public var day: CivilDate
    /// Index into the actionable items.
    public var selection = 0

    /// A page for `day`.
    public init(day: CivilDate) { self.day = day }
}

/// A line of the summary the lead can act on.
public enum SummaryItem: Equatable, Sendable {
    /// An urgent flag not yet acknowledged.
    case urgentFlag(VisitFlag)
    /// A draft deviation (with its note, if any).
    case deviation(DaySummary.Deviation, note: String?)
}

extension AppState {
    /// The summary figures and actionable items for `day` (kept while the summary screen is open, so a key
    /// press there does not recount the whole store).
    public func summary(for day: CivilDate) -> (DaySummary, [SummaryItem])? {
        if let cached = summaryCache, cached.summary.date == day { return (cached.summary, cached.items) }
        return computeSummary(for: day)
    }

    func computeSummary(for day: CivilDate) -> (DaySummary, [SummaryItem])? {
        guard let data else { return nil }
        let summary = DaySummary(date: day, table: data.table)
        let deviations = summary.deviations.map { deviation in
            SummaryItem.deviation(deviation, note: data.table.digest(deviation.subject)?.deviationNotes.first { $0.visit == deviation.visit }?.note)
        }
        return (summary, urgentFlags.map(SummaryItem.urgentFlag) + deviations)
    }
}
