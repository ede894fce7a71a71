import Foundation

/// Writes one dataset as a SAS Transport v5 file (SAS technical paper TS-140): the library header, one
/// member with its NAMESTR records, and the observations, all in 80-byte records. Numbers are IBM
/// hexadecimal doubles (`IBMFloat`), text is ASCII padded with blanks
/// (docs/RULES.md, "SDTM datasets and their files").
public enum XPTWriter {
    /// The bytes of `dataset` as an XPT v5 file, stamped with `createdAt`. Refuses, naming every record, a
    /// dataset that `validate` refuses, text that is not ASCII or ends in blanks (XPT would lose or change
    /// it), and numbers outside IBM's range.
    public static func bytes(of dataset: SDTMDataset, createdAt: Date) throws -> [UInt8] {
        try dataset.validate()
        try checkValues(of: dataset)
        let stamp = sasDateTime(createdAt)
        var out = XPTBuffer()
        // Library header.
        out.record(header("LIBRARY", "000000000000000000000000000000  "))
        out.record(field("SAS", 8) + field("SAS", 8) + field("SASLIB", 8) + field("9.4", 8) + field("Linux", 8)
                   + String(repeating: " ", count: 24) + stamp)
        out.record(stamp)
        // Member header: 140 is the length of a NAMESTR record.
        out.record(header("MEMBER ", "000000000000000001600000000140  "))
        out.record(header("DSCRPTR", "000000000000000000000000000000  "))
        out.record(field("SAS", 8) + field(dataset.name, 8) + field("SASDATA", 8) + field("9.4", 8) + field("Linux", 8)
                   + String(repeating: " ", count: 24) + stamp)
        out.record(stamp + String(repeating: " ", count: 16) + field(dataset.label, 40) + field("", 8))
        let count = String(dataset.variables.count)
        out.record(header("NAMESTR", "000000" + String(repeating: "0", count: 4 - count.count) + count + "00000000000000000000  "))
        var position = 0
        for (column, variable) in dataset.variables.enumerated() {
            let length = dataset.length(of: column)
            out.append(namestr(variable, number: column + 1, length: length, position: position))
            position += length
        }
        out.padRecord()
        out.record(header("OBS    ", "000000000000000000000000000000  "))
        let lengths = dataset.variables.indices.map(dataset.length(of:))
        for record in dataset.records {
            for (column, value) in record.enumerated() {
                if dataset.variables[column].isCharacter {
                    out.append(ascii(value.text ?? "", width: lengths[column]))
                } else {
                    out.append(value.number.flatMap(IBMFloat.bytes) ?? IBMFloat.missing)
                }
            }
        }
        out.padRecord()
        return out.bytes
    }

    /// Refuses text XPT v5 cannot hold unchanged and numbers IBM floating point cannot hold, with one
    /// problem for every record and variable.
    static func checkValues(of dataset: SDTMDataset) throws {
        var problems: [String] = []
        for (row, record) in dataset.records.enumerated() {
            for (column, value) in record.enumerated() {
                let variable = dataset.variables[column].name
                switch value {
                case .text(let text):
                    if let scalar = text.unicodeScalars.first(where: { !$0.isASCII }) {
                        problems.append("\(dataset.name) \(dataset.recordName(row)) \(variable): \"\(scalar)\" (U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(4))) is not ASCII; XPT v5 holds ASCII only (Dataset-JSON keeps it: --as json).")
                    } else if text.last == " " {
                        problems.append("\(dataset.name) \(dataset.recordName(row)) \(variable): the value ends in a blank, which XPT v5 would drop.")
                    }
                case .number(let number) where IBMFloat.bytes(number) == nil:
                    problems.append("\(dataset.name) \(dataset.recordName(row)) \(variable): \(number) is outside the range of SAS numbers (about 5.4e-79 to 7.2e75).")
                default:
                    break
                }
            }
        }
        guard problems.isEmpty else { throw SDTMError(problems) }
    }

    /// One 140-byte NAMESTR record (TS-140): type, length, number, name, label, formats, position.
    static func namestr(_ variable: SDTMVariable, number: Int, length: Int, position: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes += bigEndian(variable.isCharacter ? 2 : 1, width: 2) // ntype: 1 numeric, 2 character
        bytes += bigEndian(0, width: 2)                              // nhfun
        bytes += bigEndian(length, width: 2)                         // nlng
        bytes += bigEndian(number, width: 2)                         // nvar0
        bytes += ascii(variable.name, width: 8)                      // nname
        bytes += ascii(variable.label, width: 40)                    // nlabel
        bytes += ascii("", width: 8)                                 // nform: no format
        bytes += bigEndian(0, width: 2) + bigEndian(0, width: 2)     // nfl, nfd
        bytes += bigEndian(0, width: 2)                              // nfj: left
        bytes += [0, 0]                                              // nfill
        bytes += ascii("", width: 8)                                 // niform
        bytes += bigEndian(0, width: 2) + bigEndian(0, width: 2)     // nifl, nifd
        bytes += bigEndian(position, width: 4)                       // npos
        bytes += [UInt8](repeating: 0, count: 52)                    // rest
        return bytes
    }

    /// An 80-byte header record: `HEADER RECORD*******<kind> HEADER RECORD!!!!!!!<tail>`.
    static func header(_ kind: String, _ tail: String) -> String {
        "HEADER RECORD*******\(kind) HEADER RECORD!!!!!!!\(tail)"
    }

    /// `text` cut or padded with blanks to `width`.
    static func field(_ text: String, _ width: Int) -> String {
        String(text.prefix(width)) + String(repeating: " ", count: max(0, width - text.count))
    }

    /// The ASCII bytes of `text` padded with blanks to `width` (checked before: ASCII, not longer).
    static func ascii(_ text: String, width: Int) -> [UInt8] {
        Array(text.utf8) + [UInt8](repeating: 0x20, count: max(0, width - text.utf8.count))
    }

    /// `value` as `width` big-endian bytes.
    static func bigEndian(_ value: Int, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - $0))) }
    }

    /// SAS's header date-time, `ddMMMyy:hh:mm:ss` in UTC (`03DEC26:12:35:00`).
    static func sasDateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        func two(_ number: Int?) -> String { String((number ?? 0) % 100).leftPadded(2) }
        return "\(two(parts.day))\(months[(parts.month ?? 1) - 1])\(two(parts.year)):\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
    }
}

/// The bytes of an XPT file as they are built, in 80-byte records.
struct XPTBuffer {
    var bytes: [UInt8] = []

    /// Appends one 80-byte record of ASCII text, padded with blanks.
    mutating func record(_ text: String) {
        precondition(bytes.count % 80 == 0 && text.utf8.count <= 80, "XPT header records start on a record and fit in one")
        append(XPTWriter.ascii(text, width: 80))
    }

    mutating func append(_ more: [UInt8]) { bytes += more }

    /// Pads the last record with blanks to 80 bytes.
    mutating func padRecord() {
        let rest = bytes.count % 80
        if rest != 0 { bytes += [UInt8](repeating: 0x20, count: 80 - rest) }
    }
}

extension String {
    /// The text with zeros before it up to `width` characters.
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
