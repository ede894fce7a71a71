@testable import CohortDomain
import CohortResources
import Foundation

/// Shared test fixtures: the bundled scales and protocols, and a participant builder.
enum Fixture {
    static let scales: ScaleCatalog = try! BundledResources.scales()

    static func bundledProtocol(_ name: String) -> StudyProtocol {
        try! StudyProtocol.parse(BundledResources.protocolData(named: name)!, scales: scales)
    }

    static let schizophrenia = bundledProtocol("SCZ-5W-INPT")
    static let depression = bundledProtocol("TRD-8W-OUTPT")
    static let context = StudyContext(protocols: [schizophrenia, depression, bundledProtocol("BPM-3W-ACUTE")], scales: scales)

    static func date(_ text: String) -> CivilDate { CivilDate(text)! }

    /// A participant enrolled in `studyProtocol` with baseline `baseline`, consent 10 days before.
    static func participant(_ subject: String = "101-0001", studyProtocol: StudyProtocol = schizophrenia,
                            baseline: String = "2026-11-02", today: String = "2026-12-31") -> Participant {
        let baselineDate = date(baseline)
        let request = EnrollmentRequest(subject: subject, initials: "AB", birthYear: "1980", sex: "F", study: studyProtocol.id,
                                        arm: studyProtocol.arms[0], consentDate: baselineDate.adding(days: -10).description,
                                        baselineDate: baseline)
        return try! request.enroll(protocols: [studyProtocol], takenSubjects: [], today: date(today))
    }

    /// PANSS items summing to `total` (30 ≤ total ≤ 210), spread evenly.
    static func panss(total: Int) -> [Int?] {
        var items = [Int](repeating: 1, count: 30)
        var left = total - 30
        var index = 0
        while left > 0 {
            if items[index] < 7 { items[index] += 1; left -= 1 }
            index = (index + 1) % 30
        }
        return items.map(Optional.some)
    }
}
