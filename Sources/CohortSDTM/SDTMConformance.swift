/// The conformance rules a package is checked against that need no licensed validator: required
/// identifiers and topic variables present, `--SEQ` unique per subject, ISO 8601 dates, no study day 0,
/// codelist values among their terms, test code and name lengths, every subject in DM, DM's own
/// consistency (`+Demographics`) (docs/RULES.md, "SDTM datasets and their files"). What `validate` refuses is not repeated here.
public enum SDTMConformance {
    /// One rule broken by one record or dataset.
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        /// Which rule (`SEQ`, `ISO8601`, `DY0`, `CODELIST`, `TESTCD`, `TEST`, `REQUIRED`, `DM`, `CT`; DM's `DTH`,
        /// `ARM`, `ARMNRS`, `AGE`, `RFPENDTC`).
        public var rule: String
        /// The dataset, or "" for a finding about a codelist.
        public var dataset: String
        /// What is wrong and where.
        public var message: String

        /// The finding as one line.
        public var description: String { dataset.isEmpty ? "\(rule): \(message)" : "\(rule) \(dataset): \(message)" }
    }

    /// Every finding of `package`, dataset by dataset in row order, then the CDISC codelists against
    /// `terminology` when given; empty when it conforms.
    public static func check(_ package: SDTMPackage, terminology: SDTMTerminology? = nil) -> [Finding] {
        var findings: [Finding] = []
        let subjectsInDM = package.datasets.first { $0.name == "DM" }.map { Set(values(of: "USUBJID", in: $0).compactMap(\.1.text)) }
        for dataset in package.datasets {
            func add(_ rule: String, _ message: String) { findings.append(Finding(rule: rule, dataset: dataset.name, message: message)) }
            for name in requiredVariables(of: dataset) where dataset.index(of: name) == nil {
                add("REQUIRED", "has no \(name), which every \(dataset.datasetClass.rawValue.lowercased()) dataset has.")
            }
            if let sequence = dataset.variables.first(where: { $0.name == dataset.name + "SEQ" }), let subject = dataset.index(of: "USUBJID") {
                var seen: [String: Int] = [:]
                for (row, value) in values(of: sequence.name, in: dataset) {
                    let key = (dataset.records[row][subject].text ?? "") + "\u{0}" + (value.number.map(SDTMNumber.text) ?? "")
                    if let first = seen[key] {
                        add("SEQ", "\(dataset.recordName(row)): \(sequence.name) repeats row \(first + 1)'s for the same subject.")
                    } else {
                        seen[key] = row
                    }
                }
            }
            for variable in dataset.variables {
                let column = values(of: variable.name, in: dataset)
                if variable.dataType == .datetime {
                    for (row, value) in column where !value.isMissing && !isISO8601(value.text ?? "") {
                        add("ISO8601", "\(dataset.recordName(row)) \(variable.name): \"\(value.text ?? "")\" is not an ISO 8601 date or date-time.")
                    }
                }
                if variable.dataType == .integer, variable.name.hasSuffix("DY") {
                    for (row, value) in column where value.number == 0 {
                        add("DY0", "\(dataset.recordName(row)) \(variable.name): study day 0 does not exist (Day 1 follows day -1).")
                    }
                }
                if let id = variable.codelist, let codelist = package.codelist(id) {
                    let terms = Set(codelist.terms.map(\.value))
                    for (row, value) in column where !value.isMissing && !terms.contains(value.text ?? value.number.map(SDTMNumber.text) ?? "") {
                        add("CODELIST", "\(dataset.recordName(row)) \(variable.name): \"\(value.text ?? value.number.map(SDTMNumber.text) ?? "")\" is not a term of \(codelist.name) (\(id)).")
                    }
                }
                if variable.name.hasSuffix("TESTCD") {
                    for (row, value) in column where !value.isMissing && !isTestCode(value.text ?? "") {
                        add("TESTCD", "\(dataset.recordName(row)) \(variable.name): \"\(value.text ?? "")\" must be 1–8 letters, digits or _, not starting with a digit.")
                    }
                }
                // IETEST alone may hold 200 characters (the criterion's text).
                if variable.name.hasSuffix("TEST"), variable.name != "IETEST" {
                    for (row, value) in column where SDTMDataset.textLength(value.text ?? "") > 40 {
                        add("TEST", "\(dataset.recordName(row)) \(variable.name): longer than 40 characters.")
                    }
                }
            }
            if let subjectsInDM, dataset.name != "DM" {
                for (row, value) in values(of: "USUBJID", in: dataset) where !value.isMissing && !subjectsInDM.contains(value.text ?? "") {
                    add("DM", "\(dataset.recordName(row)): USUBJID \(value.text ?? "") is not in DM.")
                }
            }
        }
        findings += demographicsFindings(package)
        if let terminology { findings += check(package.codelists, against: terminology) }
        return findings
    }

    /// Each CDISC codelist (one with an NCI code) against the NCI EVS table: the codelist is there, every
    /// term not marked as the sponsor's extension is one of its terms with the same code, and only an
    /// extensible codelist is extended.
    static func check(_ codelists: [SDTMCodelist], against terminology: SDTMTerminology) -> [Finding] {
        var findings: [Finding] = []
        for codelist in codelists {
            guard let code = codelist.nciCode else { continue }
            func add(_ message: String) { findings.append(Finding(rule: "CT", dataset: "", message: "codelist \(codelist.id) (\(code)): \(message)")) }
            guard let published = terminology.codelists[code] else {
                add("NCI EVS has no codelist \(code).")
                continue
            }
            for term in codelist.terms {
                if term.isExtended {
                    if !published.isExtensible { add("\"\(term.value)\" extends a codelist that is not extensible.") }
                } else if let publishedCode = published.terms[term.value] {
                    if let termCode = term.nciCode, termCode != publishedCode {
                        add("\"\(term.value)\" has NCI code \(termCode); NCI EVS gives \(publishedCode).")
                    }
                } else {
                    add("\"\(term.value)\" is not a term of \(published.name) in NCI EVS (a sponsor's term is marked as an extension).")
                }
            }
        }
        return findings
    }

    /// The identifiers and topic variables every dataset of its class has (SDTM's general observation
    /// classes; a SUPP-- dataset its own).
    static func requiredVariables(of dataset: SDTMDataset) -> [String] {
        let prefix = dataset.name
        if dataset.name.hasPrefix("SUPP") {
            return ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL", "QORIG"]
        }
        switch dataset.datasetClass {
        case .events: return ["STUDYID", "DOMAIN", "USUBJID", prefix + "SEQ", prefix + "TERM"]
        case .interventions: return ["STUDYID", "DOMAIN", "USUBJID", prefix + "SEQ", prefix + "TRT"]
        case .findings, .findingsAbout: return ["STUDYID", "DOMAIN", "USUBJID", prefix + "SEQ", prefix + "TESTCD", prefix + "TEST"]
        case .specialPurpose: return dataset.name == "DM" ? ["STUDYID", "DOMAIN", "USUBJID", "SUBJID", "SITEID"] : ["STUDYID", "DOMAIN", "USUBJID"]
        case .trialDesign: return ["STUDYID", "DOMAIN"]
        case .relationship, .studyReference: return ["STUDYID"]
        }
    }

    /// The values of the variable named `name`, with their rows; none when the dataset lacks it.
    static func values(of name: String, in dataset: SDTMDataset) -> [(Int, SDTMValue)] {
        guard let column = dataset.index(of: name) else { return [] }
        return dataset.records.enumerated().compactMap { row, record in column < record.count ? (row, record[column]) : nil }
    }

    /// Whether `text` is an ISO 8601 date or date-time as SDTM writes them, complete or partial from the
    /// right (`2026`, `2026-11`, `2026-11-25`, `2026-11-25T14:30`, with seconds, fraction and zone).
    public static func isISO8601(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, bytes[range].allSatisfy({ (48...57).contains($0) }) else { return nil }
            return bytes[range].reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        func at(_ index: Int, _ character: Character) -> Bool { index < bytes.count && bytes[index] == character.asciiValue }
        guard digits(0..<4) != nil else { return false }
        if bytes.count == 4 { return true }
        guard at(4, "-"), let month = digits(5..<7), (1...12).contains(month) else { return false }
        if bytes.count == 7 { return true }
        guard at(7, "-"), let day = digits(8..<10), (1...31).contains(day) else { return false }
        if bytes.count == 10 { return true }
        guard at(10, "T"), let hour = digits(11..<13), hour < 24 else { return false }
        var index = 13
        if at(index, ":") {
            guard let minute = digits(14..<16), minute < 60 else { return false }
            index = 16
            if at(index, ":") {
                guard let second = digits(17..<19), second < 60 else { return false }
                index = 19
                if at(index, ".") {
                    index += 1
                    let start = index
                    while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
                    guard index > start else { return false }
                }
            }
        }
        if index == bytes.count { return true }
        if at(index, "Z") { return index + 1 == bytes.count }
        guard at(index, "+") || at(index, "-"), digits((index + 1)..<(index + 3)) != nil, at(index + 3, ":"),
              digits((index + 4)..<(index + 6)) != nil else { return false }
        return index + 6 == bytes.count
    }

    /// Whether `text` is a test code as SDTM allows: 1–8 letters, digits or `_`, not starting with a digit.
    static func isTestCode(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...8).contains(bytes.count), let first = bytes.first, !(48...57).contains(first) else { return false }
        return bytes.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 95 }
    }
}
