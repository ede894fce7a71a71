import CohortDomain

/// The one-screen enrollment form (docs/RULES.md, "Participant lifecycle"): Tab through the fields, errors inline as you type, Enter saves.
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
                  .consentDate: today.description, .icfVersion: "", .baselineDate: ""]
        focus = .initials
    }

    /// The request the values make.
    public var request: EnrollmentRequest {
        var request = EnrollmentRequest(subject: values[.subject] ?? "", initials: values[.initials] ?? "", birthYear: values[.birthYear] ?? "",
                                        sex: values[.sex] ?? "", study: values[.study] ?? "", arm: values[.arm] ?? "",
                                        consentDate: values[.consentDate] ?? "", baselineDate: values[.baselineDate] ?? "")
        request.icfVersion = values[.icfVersion] ?? ""
        return request
    }

    /// Field labels in tab order.
    public static let labels: [(EnrollmentRequest.Field, String)] = [
        (.subject, "Subject ID"), (.initials, "Initials"), (.birthYear, "Birth year"), (.sex, "Sex (F/M/X)"),
        (.study, "Study"), (.arm, "Arm"), (.consentDate, "Consent date"), (.icfVersion, "ICF version"), (.baselineDate, "Baseline (Day 1)"),
    ]
}
