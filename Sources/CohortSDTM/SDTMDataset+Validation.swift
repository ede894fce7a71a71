/// What every writer checks before it writes a byte: names, labels, lengths and values that SDTM, XPT v5
/// and Define-XML allow (docs/RULES.md, "SDTM datasets and their files").
extension SDTMDataset {
    /// The longest text SDTM puts in one variable; longer text is split into SUPP-- records by the mapping.
    public static let maximumTextLength = 200
    /// The longest variable or dataset name.
    public static let maximumNameLength = 8
    /// The longest variable or dataset label.
    public static let maximumLabelLength = 40

    /// Refuses the dataset with every problem found: a bad name or label, a variable named twice, a key
    /// that is not a variable, a record of the wrong width, a value of the wrong type, a fraction in an
    /// integer variable, a number that is not finite, text longer than its declared length or than 200
    /// characters, or a required variable left empty.
    public func validate() throws {
        var problems: [String] = []
        if let problem = Self.nameProblem(name) { problems.append("Dataset name \(problem)") }
        if let problem = Self.labelProblem(label) { problems.append("\(name): the dataset label \(problem)") }
        var seen: Set<String> = []
        for variable in variables {
            if let problem = Self.nameProblem(variable.name) { problems.append("\(name): variable name \(problem)") }
            if let problem = Self.labelProblem(variable.label) { problems.append("\(name) \(variable.name): the label \(problem)") }
            if !seen.insert(variable.name).inserted { problems.append("\(name): variable \(variable.name) appears twice.") }
            if let length = variable.length, !variable.isCharacter || !(1...Self.maximumTextLength).contains(length) {
                problems.append(variable.isCharacter
                    ? "\(name) \(variable.name): declared length \(length) is outside 1–\(Self.maximumTextLength)."
                    : "\(name) \(variable.name): a numeric variable has no declared length (it is always 8 bytes).")
            }
            if let digits = variable.significantDigits, variable.dataType != .float || !(0...15).contains(digits) {
                problems.append("\(name) \(variable.name): significant digits apply to a float variable only, 0–15.")
            }
        }
        for key in keyVariables where !seen.contains(key) {
            problems.append("\(name): key variable \(key) is not one of its variables.")
        }
        for (row, record) in records.enumerated() {
            guard record.count == variables.count else {
                problems.append("\(name) \(recordName(row)): \(record.count) values for \(variables.count) variables.")
                continue
            }
            for (column, variable) in variables.enumerated() {
                if let problem = Self.valueProblem(record[column], of: variable) {
                    problems.append("\(name) \(recordName(row)) \(variable.name): \(problem)")
                }
            }
        }
        guard problems.isEmpty else { throw SDTMError(problems) }
    }

    /// How a record is named in messages: its row from 1, with USUBJID and the sequence number when the
    /// dataset has them ("row 3 (USUBJID CX-001, AESEQ 2)").
    public func recordName(_ row: Int) -> String {
        var parts: [String] = []
        let named = variables.indices.filter { variables[$0].name == "USUBJID" }
            + variables.indices.filter { variables[$0].name.hasSuffix("SEQ") }.prefix(1)
        for column in named where column < records[row].count {
            switch records[row][column] {
            case .text(let text) where !text.isEmpty: parts.append("\(variables[column].name) \(text)")
            case .number(let number) where number.isFinite: parts.append("\(variables[column].name) \(SDTMNumber.text(number))")
            default: break
            }
        }
        return parts.isEmpty ? "row \(row + 1)" : "row \(row + 1) (\(parts.joined(separator: ", ")))"
    }

    /// The length a character variable is written with: the declared one, or the longest value (at least
    /// 1); 8 for a numeric variable.
    public func length(of column: Int) -> Int {
        let variable = variables[column]
        guard variable.isCharacter else { return 8 }
        if let length = variable.length { return length }
        return records.reduce(1) { longest, record in max(longest, Self.textLength(record[column].text ?? "")) }
    }

    /// The significant digits of a float variable: the declared ones, or the most any value has.
    public func significantDigits(of column: Int) -> Int {
        if let digits = variables[column].significantDigits { return digits }
        return records.reduce(0) { most, record in max(most, record[column].number.map(SDTMNumber.fractionDigits) ?? 0) }
    }

    /// The length of a text as SDTM counts it: characters (Unicode scalars), which are bytes in ASCII.
    public static func textLength(_ text: String) -> Int { text.unicodeScalars.count }

    /// What is wrong with a dataset or variable name, or nil.
    static func nameProblem(_ name: String) -> String? {
        let ascii = Array(name.utf8)
        guard (1...maximumNameLength).contains(name.count), let first = ascii.first,
              (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first),
              ascii.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") })
        else {
            return "\"\(name)\" must be 1–\(maximumNameLength) upper-case letters, digits or _, starting with a letter."
        }
        return nil
    }

    /// What is wrong with a label, or nil.
    static func labelProblem(_ label: String) -> String? {
        guard !label.isEmpty else { return "is empty." }
        guard label.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) else {
            return "\"\(label)\" holds a character that is not printable ASCII (XPT v5 labels are ASCII)."
        }
        guard label.count <= maximumLabelLength else {
            return "\"\(label)\" has \(label.count) characters; at most \(maximumLabelLength)."
        }
        return nil
    }

    /// What is wrong with one value of `variable`, or nil.
    static func valueProblem(_ value: SDTMValue, of variable: SDTMVariable) -> String? {
        switch value {
        case .missing:
            return variable.core == .required ? "is required and empty." : nil
        case .text(let text):
            guard variable.isCharacter else { return "text \"\(text)\" in a numeric variable." }
            if text.isEmpty { return variable.core == .required ? "is required and empty." : nil }
            let length = textLength(text)
            if length > maximumTextLength {
                return "\(length) characters; SDTM allows \(maximumTextLength) in a variable (the rest goes to SUPP-- records, as SDTMIG says)."
            }
            if let declared = variable.length, length > declared {
                return "\(length) characters, longer than its declared length \(declared)."
            }
            return nil
        case .number(let number):
            guard !variable.isCharacter else { return "the number \(SDTMNumber.text(number)) in a character variable." }
            guard number.isFinite else { return "\(number) is not a number SDTM can hold." }
            if variable.dataType == .integer, number.rounded() != number {
                return "\(SDTMNumber.text(number)) is not a whole number (the variable is an integer)."
            }
            return nil
        }
    }
}
