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

/// A seeded random number generator (SplitMix64) for tests: the same seed gives the same sequence on every
/// machine, so a failure can be replayed. `COHORT_TEST_SEED` overrides the test's own seed; put
/// `description` in a failing expectation's message so the seed is printed.
public struct SeededGenerator: RandomNumberGenerator, CustomStringConvertible {
    /// The seed this sequence started from.
    public let seed: UInt64
    private var state: UInt64

    /// Starts the sequence of `seed`, or of `COHORT_TEST_SEED` when it is set.
    public init(seed: UInt64) {
        let override = ProcessInfo.processInfo.environment["COHORT_TEST_SEED"].flatMap { UInt64($0) }
        self.seed = override ?? seed
        state = self.seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound.
    public mutating func next(_ bound: Int) -> Int { Int.random(in: 0..<max(1, bound), using: &self) }

    /// Names the seed, to replay a failure with `COHORT_TEST_SEED=N swift test --filter …`.
    public var description: String { "seed \(seed) (replay with COHORT_TEST_SEED=\(seed))" }
}

extension TestData {
    /// The answers that make `studyProtocol`'s eligibility checklist complete and eligible — every inclusion
    /// met, every exclusion not met — so randomization and the baseline may go ahead (none without criteria).
    /// Tests of other rules record these first; the gate itself is tested apart.
    public static func eligibleAnswers(_ studyProtocol: StudyProtocol) -> [EligibilityEntry] {
        (studyProtocol.eligibility?.inclusion ?? []).map { EligibilityEntry(id: $0.id, answer: .met) }
            + (studyProtocol.eligibility?.exclusion ?? []).map { EligibilityEntry(id: $0.id, answer: .notMet) }
    }

    /// The change that records `eligibleAnswers` for `subject` (nil when the protocol lists no criteria).
    public static func recordEligible(_ subject: String, _ studyProtocol: StudyProtocol = schizophrenia) -> Change? {
        let answers = eligibleAnswers(studyProtocol)
        return answers.isEmpty ? nil : .answerEligibility(subject: subject, answers: answers, reason: nil)
    }
}

extension Participant {
    /// Records a complete, eligible checklist (`TestData.eligibleAnswers`) when the protocol lists criteria.
    public mutating func recordEligible(_ studyProtocol: StudyProtocol) {
        let answers = TestData.eligibleAnswers(studyProtocol)
        guard !answers.isEmpty, eligibility.isEmpty else { return }
        _ = try! answerEligibility(answers, reason: nil, studyProtocol: studyProtocol)
    }
}
