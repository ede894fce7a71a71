import Foundation
import Testing

/// Runs python3 scripts that read the writers' files with standard tools (pyreadstat, jsonschema,
/// xml.etree). A missing tool is a recorded failure, never a silent pass.
enum Python {
    /// What a script printed, or nil (with an issue recorded) when it could not run or a module is missing.
    static func run(_ script: String, arguments: [String] = [], needs modules: [String] = [],
                    sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        for module in modules where !has(module) {
            Issue.record("python3 module \(module) is missing: run .ci/run, or python3 -m pip install \(module)", sourceLocation: sourceLocation)
            return nil
        }
        let result = launch(["-c", script] + arguments)
        guard result.status == 0 else {
            Issue.record("python3 failed (\(result.status)): \(result.stderr)", sourceLocation: sourceLocation)
            return nil
        }
        return result.stdout
    }

    /// Whether python3 can import `module`.
    static func has(_ module: String) -> Bool { launch(["-c", "import \(module)"]).status == 0 }

    static func launch(_ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "", "\(error)") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// A new empty folder for a test's files.
    static func temporaryFolder() -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cohort-sdtm-" + UUID().uuidString)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The shared reference data folder (`../shared/reference` beside the checkout).
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/reference")
}
