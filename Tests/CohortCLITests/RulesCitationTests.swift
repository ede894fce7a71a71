import Foundation
import Testing

/// Code cites the repository's own `docs/RULES.md` by heading, never a document outside it: every
/// `docs/RULES.md, "Heading"` in the sources and tests names a heading that exists, and no section sign
/// number of another document is left.
struct RulesCitationTests {
    static let headings: Set<String> = {
        let rules = (try? String(contentsOf: ArchitectureDocTests.root.appendingPathComponent("docs/RULES.md"), encoding: .utf8)) ?? ""
        return Set(rules.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) })
    }()

    /// What a citation of a document outside the repository looks like (spelled so this file does not cite one).
    static let sectionSign = "\u{00A7}", outsideSpec = "PRODUCT" + ".md"

    /// The headings `text` cites: each quoted name after `docs/RULES.md, ` (several joined by `; `).
    static func citations(in text: String) -> [String] {
        var cited: [String] = []
        var rest = text[...]
        while let mark = rest.range(of: "docs/RULES.md,") {
            // A citation may go on on the next comment line.
            rest = rest[mark.upperBound...].drop { $0 == " " || $0 == "\n" || $0 == "/" }
            // A heading not in quotes cannot be checked: it is read as the unknown heading "".
            if rest.first != "\"" { cited.append("") }
            while rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") {
                cited.append(String(rest[rest.index(after: rest.startIndex)..<close]))
                rest = rest[rest.index(after: close)...]
                guard rest.hasPrefix("; \"") else { break }
                rest = rest.dropFirst(2)
            }
        }
        return cited
    }

    @Test func everyCitationNamesAHeadingOfTheRulesAndNoSectionSignIsLeft() throws {
        #expect(Self.headings.count > 10)
        var unknown: [String] = [], sections: [String] = []
        var cited = 0
        for file in ArchitectureDocTests.swiftFiles where !file.hasSuffix("RulesCitationTests.swift") {
            let text = try String(contentsOf: ArchitectureDocTests.root.appendingPathComponent(file), encoding: .utf8)
            for heading in Self.citations(in: text) {
                cited += 1
                if !Self.headings.contains(heading) { unknown.append("\(file): \"\(heading)\"") }
            }
            if text.contains(Self.sectionSign) || text.contains(Self.outsideSpec) { sections.append(file) }
        }
        #expect(cited > 50, "the code cites the rules")
        #expect(unknown.isEmpty, "citations of headings docs/RULES.md does not have: \(unknown.prefix(10))")
        #expect(sections.isEmpty, "files citing a document outside the repository: \(sections)")
    }

    @Test func citationsAreReadAsTheyAreWritten() {
        #expect(Self.citations(in: #"x (docs/RULES.md, "Scores"; "Protocols") y docs/RULES.md, "Undo"."#) == ["Scores", "Protocols", "Undo"])
        #expect(Self.citations(in: "a (docs/RULES.md,\n    /// \"Scores\", after it)") == ["Scores"])
        #expect(Self.citations(in: "(docs/RULES.md, Scores)") == [""])
        #expect(Self.citations(in: "no citation") == [])
    }

    @Test func noDocumentOrSourceHoldsAMergeConflictMarker() throws {
        let documents = ["README.md", "docs/ARCHITECTURE.md", "docs/RULES.md", "docs/DECISIONS.md", "docs/keybindings.md"]
        var marked: [String] = []
        for file in documents + ArchitectureDocTests.swiftFiles where !file.hasSuffix("RulesCitationTests.swift") {
            let text = try String(contentsOf: ArchitectureDocTests.root.appendingPathComponent(file), encoding: .utf8)
            if text.split(separator: "\n").contains(where: { $0.hasPrefix("<<<<<<< ") || $0.hasPrefix(">>>>>>> ") || $0 == "=======" }) {
                marked.append(file)
            }
        }
        #expect(marked.isEmpty, "merge conflict markers left in \(marked)")
    }
}
