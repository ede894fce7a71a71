/// What a whole package must satisfy before Define-XML describes it
/// (docs/RULES.md, "SDTM datasets and their files").
extension SDTMPackage {
    /// Refuses the package with every problem found: a dataset that `SDTMDataset.validate` refuses, a
    /// dataset named twice, a STUDYID other than the package's (one study per package), a codelist named
    /// but not given or given twice, and text Define-XML cannot hold (control characters).
    public func validate() throws {
        var problems: [String] = []
        var names: Set<String> = []
        var codelistIDs: Set<String> = []
        for codelist in codelists where !codelistIDs.insert(codelist.id).inserted {
            problems.append("Codelist \(codelist.id) is given twice.")
        }
        for dataset in datasets {
            do { try dataset.validate() } catch let error as SDTMError { problems += error.problems }
            if !names.insert(dataset.name).inserted { problems.append("Dataset \(dataset.name) appears twice in the package.") }
            for variable in dataset.variables {
                if let id = variable.codelist, !codelistIDs.contains(id) {
                    problems.append("\(dataset.name) \(variable.name) names codelist \(id), which the package does not give.")
                }
            }
            if let column = dataset.index(of: "STUDYID") {
                for (row, record) in dataset.records.enumerated() where column < record.count && record[column] != .text(studyID) {
                    problems.append("\(dataset.name) \(dataset.recordName(row)) STUDYID: \(record[column].text ?? "a number") is not the package's study \(studyID) (one study per package).")
                }
            }
            if let problem = Self.xmlProblem(dataset.structure) { problems.append("\(dataset.name): the structure \(problem)") }
        }
        for (what, text) in [("study id", studyID), ("study name", studyName), ("study description", studyDescription),
                             ("protocol name", protocolName), ("originator", originator)] {
            if text.isEmpty { problems.append("The package's \(what) is empty.") }
            if let problem = Self.xmlProblem(text) { problems.append("The package's \(what) \(problem)") }
        }
        for codelist in codelists {
            for text in [codelist.id, codelist.name] + codelist.terms.flatMap({ [$0.value, $0.decode ?? ""] }) {
                if let problem = Self.xmlProblem(text) { problems.append("Codelist \(codelist.id): \(problem)") }
            }
        }
        guard problems.isEmpty else { throw SDTMError(problems) }
    }

    /// What keeps `text` out of an XML 1.0 document (a control character other than tab and line
    /// breaks), or nil.
    static func xmlProblem(_ text: String) -> String? {
        guard let bad = text.unicodeScalars.first(where: { ($0.value < 0x20 && !["\t", "\n", "\r"].contains($0)) || $0.value == 0xFFFE || $0.value == 0xFFFF }) else { return nil }
        return "holds the control character U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(4)), which XML cannot hold."
    }
}
