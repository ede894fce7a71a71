import Foundation
import Testing

/// `cohort export --format sdtm --study ID --out DIR`: one study's package written end to end, read back
/// by standard tools, and refused without leaving a file behind.
struct SDTMPackageCommandTests {
    /// Prints dm.xpt (pyreadstat) and dm.json (json) as the same JSON shape: rows of values as text (a
    /// number as its digits, a missing one as "").
    static let compare = """
    import json, math, sys, pyreadstat
    def text(v):
        if v is None or (isinstance(v, float) and math.isnan(v)): return ""
        return str(int(v)) if isinstance(v, (int, float)) and v == int(v) else str(v)
    data, meta = pyreadstat.read_xport(sys.argv[1] + "/dm.xpt", output_format="dict")
    xpt = [[text(data[name][row]) for name in meta.column_names] for row in range(meta.number_rows)]
    dataset = json.load(open(sys.argv[1] + "/dm.json", encoding="utf-8"))
    rows = [[text(v) for v in row] for row in dataset["rows"]]
    print(json.dumps({"xpt": xpt, "json": rows, "names": meta.column_names, "columns": [c["name"] for c in dataset["columns"]]}))
    """

    @Test func aStudysPackageReadsBackTheSameAsXPTAndAsDatasetJSON() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        cli.ok(["demo", "--participants", "30", "--seed", "7"])
        let folder = NSTemporaryDirectory() + "cohort-sdtm-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = cli.run(["export", "--format", "sdtm", "--study", "SCZ-5W-INPT", "--out", folder])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr == "", "no conformance finding")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(Set(["define.xml", "dm.json", "dm.xpt", "ts.xpt", "ts.json"]).isSubset(of: files))
        // Each dataset as both files, the study's signatures, and nothing else.
        let datasets = files.filter { $0 != "signatures.json" }
        #expect(files.contains("signatures.json"))
        #expect(Set(datasets.filter { $0.hasSuffix(".xpt") }.map { $0.dropLast(4) }) == Set(datasets.filter { $0.hasSuffix(".json") }.map { $0.dropLast(5) }))
        #expect(datasets.allSatisfy { $0 == "define.xml" || $0.hasSuffix(".xpt") || $0.hasSuffix(".json") })
        let roster = cli.json(cli.ok(["participants", "--format", "json"]).stdout)
        let subjects = ((roster["participants"] as? [[String: Any]]) ?? []).filter { $0["study"] as? String == "SCZ-5W-INPT" }
            .compactMap { $0["subject"] as? String }.sorted()
        #expect(!subjects.isEmpty)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", Self.compare, folder]
        let pipe = Pipe(), errors = Pipe()
        python.standardOutput = pipe
        python.standardError = errors
        try python.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        guard python.terminationStatus == 0 else {
            let message = problem.contains("No module named") ? "pyreadstat is missing: run .ci/run, or python3 -m pip install pyreadstat" : problem
            Issue.record(Comment(rawValue: message))
            return
        }
        let read = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        let xpt = try #require(read["xpt"] as? [[String]])
        #expect(read["names"] as? [String] == read["columns"] as? [String])
        #expect(xpt == read["json"] as? [[String]])
        // One record per participant of the study, and of no other study.
        #expect(xpt.map { $0[3] } == subjects)
        #expect(xpt.allSatisfy { $0[0] == "SCZ-5W-INPT" && $0[2] == "SCZ-5W-INPT-" + $0[3] })
    }

    @Test func aFolderThatIsNotEmptyOrInsideTheStoreIsRefusedAndNothingIsWritten() throws {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let folder = NSTemporaryDirectory() + "cohort-sdtm-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder + "/notes.txt", contents: Data("mine".utf8))
        let before = cli.snapshot()
        let notEmpty = cli.run(["export", "--format", "sdtm", "--study", "SCZ-5W-INPT", "--out", folder])
        #expect(notEmpty.status == 1)
        #expect(notEmpty.stderr.contains("is not empty"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["notes.txt"])
        let inStore = cli.run(["export", "--format", "sdtm", "--study", "SCZ-5W-INPT", "--out", cli.store + "/package"])
        #expect(inStore.status == 1)
        #expect(inStore.stderr.contains("inside the store"))
        let unknown = cli.run(["export", "--format", "sdtm", "--study", "NOPE", "--out", folder + "-x"])
        #expect(unknown.status == 1)
        #expect(!FileManager.default.fileExists(atPath: folder + "-x"))
        #expect(cli.snapshot() == before)
        #expect(cli.run(["export", "--format", "sdtm", "--study", "SCZ-5W-INPT"]).status == 64)
        #expect(cli.run(["export", "--format", "sdtm", "--domain", "AE", "--study", "SCZ-5W-INPT", "--out", folder + "-y"]).status == 64)
        #expect(cli.run(["export", "--format", "sdtm", "--as", "xpt"]).status == 64)
    }

    /// A write that fails halfway (the disk full at the 30th write, or the first) leaves nothing: no
    /// package, no temporary folder beside it, an empty --out folder still empty; and the export run
    /// again writes the package (issue 24).
    @Test(arguments: [(30, false), (30, true), (1, false)])
    func aFailedWriteLeavesNoHalfPackageAndARerunWritesIt(failing write: Int, folderExists: Bool) throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "strace is needed (.ci/run installs it)")
        let cli = CLIHarness()
        defer { cli.remove() }
        cli.ok(["demo", "--participants", "12", "--seed", "3"])
        let parent = NSTemporaryDirectory() + "cohort-sdtm-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let folder = parent + "/package"
        try FileManager.default.createDirectory(atPath: folderExists ? folder : parent, withIntermediateDirectories: true)
        let arguments = ["export", "--format", "sdtm", "--study", "SCZ-5W-INPT", "--out", folder]
        let failed = cli.run(["-f", "-qq", "-o", "/dev/null", "-e", "trace=write", "-e", "inject=write:error=ENOSPC:when=\(write)", CLIHarness.binary] + arguments,
                             executable: "/usr/bin/strace")
        #expect(failed.status == 2, "\(failed.stderr)")
        #expect(failed.stderr.contains("nothing was saved"), "\(failed.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == (folderExists ? ["package"] : []))
        if folderExists { #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == []) }
        let again = cli.run(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["package"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).contains("define.xml"))
    }
}
