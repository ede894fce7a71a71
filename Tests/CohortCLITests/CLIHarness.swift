import CohortDomain
import CohortTestSupport
import Foundation

/// Runs the real `cohort` binary in a temporary store and captures what it prints.
struct CLIHarness {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let binary: String = {
        if let override = ProcessInfo.processInfo.environment["COHORT_BINARY"] { return override }
        let bundle = Bundle.main.bundleURL
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [bundle.appendingPathComponent("cohort"), bundle.deletingLastPathComponent().appendingPathComponent("cohort"),
                          root.appendingPathComponent(".build/debug/cohort")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path ?? candidates.last!.path
    }()

    let store: String
    var environment: [String: String]

    /// A store with one randomized schizophrenia participant, 101-0001, consent 2026-11-08, baseline
    /// 2026-11-18 (W1 target 11-25, window 11-23..11-27).
    static func enrolledStore() -> CLIHarness {
        let cli = CLIHarness()
        cli.ok(["init", "--protocol", "SCZ-5W-INPT"])
        cli.ok(["enroll", "101-0001", "--initials", "AB", "--birth-year", "1980", "--sex", "F", "--consent", "2026-11-08", "--baseline", "2026-11-18"])
        cli.recordEligible("101-0001")
        cli.ok(["randomize", "101-0001", "R-0001", "--date", "2026-11-08"])
        return cli
    }

    /// The `cohort eligibility` commands that make `subject`'s checklist complete and eligible
    /// (`TestData.eligibleAnswers`): the gate before randomization and the baseline is tested apart.
    static func eligibleCommands(_ subject: String, _ studyProtocol: StudyProtocol = TestData.schizophrenia) -> [[String]] {
        TestData.eligibleAnswers(studyProtocol).map { ["eligibility", subject, $0.id, $0.answer.rawValue] }
    }

    /// Runs `eligibleCommands`.
    func recordEligible(_ subject: String, _ studyProtocol: StudyProtocol = TestData.schizophrenia) {
        for command in Self.eligibleCommands(subject, studyProtocol) { ok(command) }
    }

    init(today: String = "2026-11-25") {
        store = NSTemporaryDirectory() + "cohort-cli-" + UUID().uuidString
        environment = ProcessInfo.processInfo.environment
        environment["COHORT_STORE"] = store
        environment["COHORT_TODAY"] = today
        environment["COHORT_USER"] = "tester"
        environment.removeValue(forKey: "NO_COLOR")
        // A crash must show as a crash, not wait on the backtracer (which can hang under strace).
        environment["SWIFT_BACKTRACE"] = "enable=no"
    }

    /// Runs `cohort` (or `executable`, e.g. bash or strace around it) in this store's environment, in
    /// `directory` when given.
    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:], executable: String = binary,
             directory: String? = nil) -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.arguments = arguments
        process.environment = environment.merging(extra) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return Outcome(status: -1, stdout: "", stderr: "\(error)") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs `arguments` and insists it succeeds.
    @discardableResult
    func ok(_ arguments: [String]) -> Outcome {
        let outcome = run(arguments)
        if outcome.status != 0 { try? FileHandle.standardError.write(contentsOf: Data("command \(arguments) failed: \(outcome.stderr)\n".utf8)) }
        return outcome
    }

    /// Every file's bytes (except the lock), to prove a refused command touched nothing.
    func snapshot() -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: store)
        while let name = enumerator?.nextObject() as? String {
            if name == ".lock" { continue }
            if let data = FileManager.default.contents(atPath: store + "/" + name) { result[name] = data }
        }
        return result
    }

    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    func remove() { try? FileManager.default.removeItem(atPath: store) }
}
