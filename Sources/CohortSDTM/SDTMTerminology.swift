/// NCI EVS SDTM controlled terminology, read from the published table's text (one term a row: `code,
/// codelist_code, codelist_extensible_yes_no, codelist_name, CDISC_submission_value, …`; a codelist's own
/// row has no `codelist_code`). The caller reads the file; this only parses it and answers what a term's
/// code is, so codelists can be built from the table and checked against it.
public struct SDTMTerminology: Sendable {
    /// One codelist of the table.
    public struct Codelist: Sendable, Hashable {
        /// Its NCI code (`C66742`).
        public var code: String
        /// Its short name, the codelist's submission value (`NY`).
        public var shortName: String
        /// Its name (`No Yes Response`).
        public var name: String
        /// Whether a sponsor may add terms.
        public var isExtensible: Bool
        /// Each submission value with its NCI code.
        public var terms: [String: String]
    }

    /// The codelists by NCI code.
    public private(set) var codelists: [String: Codelist] = [:]

    /// The terminology in `csv`; refuses text that is not the table (its header names the columns it needs).
    public init(csv: String) throws {
        var rows = Self.rows(csv)
        guard let header = rows.first else { throw SDTMError("The terminology table is empty.") }
        func column(_ name: String) throws -> Int {
            guard let index = header.firstIndex(of: name) else { throw SDTMError("The terminology table has no column \(name).") }
            return index
        }
        let code = try column("code"), list = try column("codelist_code"), extensible = try column("codelist_extensible_yes_no")
        let name = try column("codelist_name"), value = try column("CDISC_submission_value")
        rows.removeFirst()
        let width = max(code, list, extensible, name, value) + 1
        for row in rows where row.count >= width && row[list].isEmpty {
            codelists[row[code]] = Codelist(code: row[code], shortName: row[value], name: row[name],
                                            isExtensible: row[extensible] == "Yes", terms: [:])
        }
        for row in rows where row.count >= width && !row[list].isEmpty {
            codelists[row[list]]?.terms[row[value]] = row[code]
        }
    }

    /// The codelist whose short name is `shortName` (`NY`, `ROUTE`), or nil.
    public func codelist(named shortName: String) -> Codelist? { codelists.values.first { $0.shortName == shortName } }

    /// A package codelist of the table's codelist `code`, holding only `values` (each with its NCI code),
    /// or nil when the table has no such codelist or lacks one of the values.
    public func codelist(_ code: String, id: String, values: [String]) -> SDTMCodelist? {
        guard let found = codelists[code] else { return nil }
        var terms: [SDTMCodelist.Term] = []
        for value in values {
            guard let termCode = found.terms[value] else { return nil }
            terms.append(SDTMCodelist.Term(value, nciCode: termCode))
        }
        return SDTMCodelist(id: id, name: found.name, nciCode: code, terms: terms)
    }

    /// The rows of CSV text (RFC 4180: quoted fields may hold commas, line breaks and doubled quotes).
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var bytes = Array(text.utf8).makeIterator()
        var pending: UInt8? = nil
        func endField() { row.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true) }
        while let byte = pending ?? bytes.next() {
            pending = nil
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    let next = bytes.next()
                    if next == UInt8(ascii: "\"") { field.append(byte) } else { quoted = false; pending = next }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): quoted = true
            case UInt8(ascii: ","): endField()
            case UInt8(ascii: "\n"):
                endField()
                rows.append(row)
                row.removeAll()
            case UInt8(ascii: "\r"): break
            default: field.append(byte)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            endField()
            rows.append(row)
        }
        return rows
    }
}
