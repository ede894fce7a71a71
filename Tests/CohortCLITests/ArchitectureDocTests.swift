import Foundation
import Testing

/// `docs/ARCHITECTURE.md` stays true: every source file, folder and type it names in backticks exists, and
/// every member it names (`Type.member`) is declared on that type's files. A renamed or removed thing
/// fails here until the document says what the code is.
struct ArchitectureDocTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every Swift file of the package, by path relative to the root.
    static let swiftFiles: [String] = {
        var files: [String] = []
        for folder in ["Sources", "Tests"] {
            let base = root.appendingPathComponent(folder)
            let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
            while let url = walker?.nextObject() as? URL {
                if url.pathExtension == "swift" { files.append(String(url.path.dropFirst(root.path.count + 1))) }
            }
        }
        return files
    }()

    /// The text of every Swift source file (the app's, not the tests').
    static let sourceText: String = swiftFiles.filter { $0.hasPrefix("Sources/") }
        .compactMap { try? String(contentsOf: root.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")

    /// The backticked names of the document.
    static func names(in document: String) -> [String] {
        var names: [String] = []
        var rest = document[...]
        while let open = rest.firstIndex(of: "`") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "`") else { break }
            names.append(String(rest[after..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    static func isIdentifier(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// The package's targets (modules), as `Package.swift` names them.
    static let packageText = (try? String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)) ?? ""

    static func declaresType(_ name: Substring) -> Bool {
        packageText.contains("name: \"\(name)\"") || ["struct", "enum", "class", "protocol", "actor", "typealias"].contains { sourceText.contains("\($0) \(name)") }
            || swiftFiles.contains { $0.hasPrefix("Sources/\(name)/") || $0.hasSuffix("/\(name).swift") }
    }

    static func declaresMember(_ member: Substring) -> Bool {
        ["func \(member)", "case \(member)", "var \(member)", "let \(member)", "case .\(member)", "init"].contains {
            $0 == "init" ? member == "init" : sourceText.contains($0)
        }
    }

    /// What in `name` does not exist, or nil when it all does (or it is not a name of the code).
    static func falseClaim(_ name: String) -> String? {
        if name.contains("<") { return nil } // a pattern such as `<Name>Screen.swift`, not a name
        if name.hasSuffix(".swift") {
            let matches = swiftFiles.contains { $0 == name || $0.hasSuffix("/" + name) }
            return matches ? nil : "no file \(name)"
        }
        for prefix in ["Sources/", "Tests/", "Resources/", "docs/", ".ci/"] where name.hasPrefix(prefix) {
            let path = name.split(separator: "*").first.map(String.init) ?? name
            return FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) ? nil : "no path \(name)"
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard let type = parts.first, type.first?.isUppercase == true, parts.allSatisfy(isIdentifier) else { return nil }
        // Upper-case words that are not code: file formats, scale and measure codes, statuses in capitals.
        if type.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) { return nil }
        guard declaresType(type) else { return "no type \(type)" }
        for member in parts.dropFirst() where !declaresMember(member) { return "no member \(member) (in \(name))" }
        return nil
    }

    @Test func everyFileTypeAndMemberTheArchitectureNamesExists() throws {
        let document = try String(contentsOf: Self.root.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        let names = Self.names(in: document)
        #expect(names.count > 100, "the document names the code it describes")
        let false_ = Set(names.compactMap(Self.falseClaim)).sorted()
        #expect(false_.isEmpty, "docs/ARCHITECTURE.md names what does not exist: \(false_.joined(separator: "; "))")
    }

    @Test func theCheckCatchesAFalseName() {
        #expect(Self.falseClaim("NoSuchTypeAnywhere") != nil)
        #expect(Self.falseClaim("Participant.noSuchMember") != nil)
        #expect(Self.falseClaim("NoSuchFile.swift") != nil)
        #expect(Self.falseClaim("Sources/NoSuchModule/") != nil)
        #expect(Self.falseClaim("Participant") == nil)
        #expect(Self.falseClaim("JSONFileStore.swift") == nil)
        #expect(Self.falseClaim("CohortResources") == nil)
    }
}
