import Foundation

/// Writes one dataset as CDISC Dataset-JSON v1.1 (UTF-8, text kept as it is): the file's metadata, one
/// column per variable and one row per record (docs/RULES.md, "SDTM datasets and their files").
public enum DatasetJSONWriter {
    /// The Dataset-JSON version written.
    public static let version = "1.1.0"

    /// The bytes of `dataset` as a Dataset-JSON file of `package`, keys in the standard's order, one row
    /// a line, ending in a newline. Refuses a dataset that `validate` refuses.
    public static func bytes(of dataset: SDTMDataset, in package: SDTMPackage) throws -> [UInt8] {
        try dataset.validate()
        var out = "{\n"
        func member(_ key: String, _ json: String, last: Bool = false) {
            out += "  \(string(key)): \(json)\(last ? "" : ",")\n"
        }
        member("datasetJSONCreationDateTime", string(isoDateTime(package.createdAt)))
        member("datasetJSONVersion", string(version))
        member("fileOID", string("\(package.studyOID).\(dataset.name)"))
        if let modified = package.dataLastModifiedAt { member("dbLastModifiedDateTime", string(isoDateTime(modified))) }
        member("originator", string(package.originator))
        member("sourceSystem", "{\(string("name")): \(string(package.sourceSystem)), \(string("version")): \(string(package.sourceSystemVersion))}")
        member("studyOID", string(package.studyOID))
        member("metaDataVersionOID", string(package.metaDataVersionOID))
        member("metaDataRef", string("define.xml"))
        member("itemGroupOID", string(dataset.itemGroupOID))
        member("records", String(dataset.records.count))
        member("name", string(dataset.name))
        member("label", string(dataset.label))
        let columns = dataset.variables.enumerated().map { column, variable in
            var parts = [("itemOID", string(dataset.itemOID(variable))), ("name", string(variable.name)),
                         ("label", string(variable.label)), ("dataType", string(dataType(of: variable)))]
            if variable.isCharacter { parts.append(("length", String(dataset.length(of: column)))) }
            if let key = dataset.keySequence(of: variable.name) { parts.append(("keySequence", String(key))) }
            return "    {" + parts.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
        }
        member("columns", "[\n" + columns.joined(separator: ",\n") + "\n  ]")
        let rows = dataset.records.map { record in
            "    [" + zip(dataset.variables, record).map { value($1, of: $0) }.joined(separator: ", ") + "]"
        }
        member("rows", rows.isEmpty ? "[]" : "[\n" + rows.joined(separator: ",\n") + "\n  ]", last: true)
        out += "}\n"
        return Array(out.utf8)
    }

    /// The Dataset-JSON data type of a variable: text and ISO 8601 dates are `string` (SDTM dates may be
    /// partial, which a `datetime` reader would refuse), whole numbers `integer`, others `double`.
    public static func dataType(of variable: SDTMVariable) -> String {
        switch variable.dataType {
        case .text, .datetime: return "string"
        case .integer: return "integer"
        case .float: return "double"
        }
    }

    /// One value as JSON: text as a string ("" when missing), a number in its shortest exact form, a
    /// missing number as null.
    static func value(_ value: SDTMValue, of variable: SDTMVariable) -> String {
        switch value {
        case .text(let text): return string(text)
        case .missing: return variable.isCharacter ? "\"\"" : "null"
        case .number(let number):
            return variable.dataType == .integer ? SDTMNumber.text(number) : "\(number)"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, everything else as is.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(scalar.value, radix: 16).leftPadded(4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// An ISO 8601 date-time in UTC to the second (`2026-12-03T12:35:00Z`).
    static func isoDateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ n: Int?, _ width: Int) -> String { String(n ?? 0).leftPadded(width) }
        return "\(pad(p.year, 4))-\(pad(p.month, 2))-\(pad(p.day, 2))T\(pad(p.hour, 2)):\(pad(p.minute, 2)):\(pad(p.second, 2))Z"
    }
}
