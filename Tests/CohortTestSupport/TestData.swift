import CohortDomain
import CohortResources
import Foundation

/// What every test target shares, made once: the bundled scales and protocols, the tests' today, dates.
public enum TestData {
    /// The shipped scale definitions.
    public static let scales: ScaleCatalog = try! BundledResources.scales()

    /// A shipped protocol, validated.
    public static func bundledProtocol(_ name: String) -> StudyProtocol {
        try! StudyProtocol.parse(BundledResources.protocolData(named: name)!, scales: scales)
    }

    /// The bundled schizophrenia, depression and mania protocols.
    public static let schizophrenia = bundledProtocol("SCZ-5W-INPT")
    public static let depression = bundledProtocol("TRD-8W-OUTPT")
    public static let mania = bundledProtocol("BPM-3W-ACUTE")
    /// All three with the scales.
    public static let context = StudyContext(protocols: [schizophrenia, depression, mania], scales: scales)

    /// The day the tests are set on.
    public static let today = CivilDate("2026-11-25")!

    /// A date from its text (tests only write real ones).
    public static func date(_ text: String) -> CivilDate { CivilDate(text)! }
}
