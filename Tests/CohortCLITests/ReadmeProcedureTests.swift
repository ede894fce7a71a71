import Foundation
import Testing

/// The README's install line and its backup and restore procedure, run as written (in a throw-away home),
/// so the commands a new site copies stay true.
@Suite(.serialized)
struct ReadmeProcedureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shell blocks of the README section that starts with `heading`, in order.
    static func shellBlocks(under heading: String) throws -> [String] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "\n" + heading + "\n").dropFirst().first, "README has no \(heading)")
        let body = section.components(separatedBy: "\n## ").first ?? section
        return body.components(separatedBy: "```sh\n").dropFirst().compactMap { $0.components(separatedBy: "\n```").first }
    }

    /// A home folder for one test, with `~/.local/bin` first on the PATH.
    struct Home {
        let path = NSTemporaryDirectory() + "cohort-home-" + UUID().uuidString
        var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            for name in ["COHORT_STORE", "COHORT_TODAY", "COHORT_USER", "XDG_DATA_HOME"] { environment.removeValue(forKey: name) }
            environment["HOME"] = path
            environment["PATH"] = path + "/.local/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment["SWIFT_BACKTRACE"] = "enable=no"
            return environment
        }

        /// Runs `script` with bash in this home, from `directory`.
        @discardableResult
        func sh(_ script: String, in directory: String? = nil) -> CLIHarness.Outcome {
            var shell = CLIHarness()
            shell.environment = environment
            return shell.run(["-euo", "pipefail", "-c", script], executable: "/bin/bash", directory: directory ?? path)
        }

        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func theInstallLinePutsAWorkingCohortOnThePath() throws {
        let line = try #require(Self.shellBlocks(under: "## Requirements").first { $0.contains("~/.local/bin") })
        // The build step is what `swift test` has just done; the rest runs as written, on the products
        // of this build (same layout as `.build/release`: the binary beside its resource folder).
        let prefix = "swift build -c release && "
        #expect(line.hasPrefix(prefix), "the install line starts by building: \(line)")
        let products = URL(fileURLWithPath: CLIHarness.binary).deletingLastPathComponent()
        let copy = line.dropFirst(prefix.count).replacingOccurrences(of: ".build/release/", with: products.path + "/")
        let home = Home()
        try FileManager.default.createDirectory(atPath: home.path, withIntermediateDirectories: true)
        defer { home.remove() }
        let installed = home.sh(String(copy))
        #expect(installed.status == 0, "\(installed.stderr)")
        let version = home.sh("cohort --version")
        #expect(version.status == 0 && version.stdout.hasPrefix("cohort "), "\(version.stderr)")
        // The resource folder is found through the link: scales and protocol templates load.
        let scales = home.sh("cohort scales")
        #expect(scales.stdout.contains("PANSS") && scales.stdout.contains("CSSRS"), "\(scales.stderr)")
        let created = home.sh("cohort init --protocol SCZ-5W-INPT --site Riverside --site-number 101 && cohort verify")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(FileManager.default.fileExists(atPath: home.path + "/.local/share/cohort/cohort-store.json"), "the default store is under ~/.local/share")
    }

    @Test func backupAndRestoreAsWrittenGiveBackTheStoreOfTheBackupDay() throws {
        let blocks = try Self.shellBlocks(under: "### Backup and restore")
        try #require(blocks.count == 2, "README: one backup block, one restore block")
        let home = Home()
        let share = home.path + "/.local/share"
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        defer { home.remove() }
        let bin = home.path + "/.local/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/cohort", withDestinationPath: CLIHarness.binary)
        #expect(home.sh("cohort demo --participants 6").status == 0)
        let before = home.sh("cohort participants --format json").stdout

        let backup = home.sh(blocks[0])
        #expect(backup.status == 0, "\(backup.stderr)")
        let today = home.sh("date +%F").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let archive = home.path + "/cohort-\(today).tar.gz"
        let mode = try FileManager.default.attributesOfItem(atPath: archive)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the archive is readable by its owner only")

        // A change after the backup, then the restore as written: the store is the backup's again.
        #expect(home.sh("cohort enroll next --initials ZZ --birth-year 1990 --sex F --study SCZ-5W-INPT --baseline $(date -d +14days +%F)").status == 0)
        #expect(home.sh("cohort participants --format json").stdout != before)
        let restore = home.sh(blocks[1].replacingOccurrences(of: "YYYY-MM-DD", with: today))
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        #expect(home.sh("cohort verify").status == 0)
        #expect(home.sh("cohort participants --format json").stdout == before)
        #expect(FileManager.default.fileExists(atPath: share + "/cohort.damaged-\(today)/cohort-store.json"), "the damaged store is kept aside")
    }
}
