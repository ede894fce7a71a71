import Foundation

/// Writes a package's `define.xml` (Define-XML 2.1): the study, the standards, one `ItemGroupDef` per
/// dataset with its `ItemRef`s, class and `def:leaf`, one `ItemDef` per variable with its origin, and
/// the codelists. Every text is XML-escaped (docs/RULES.md, "SDTM datasets and their files").
public enum DefineXMLWriter {
    /// The bytes of `define.xml` for `package`, whose dataset files end in `fileExtension` (`xpt` or
    /// `json`: a dataset's `def:leaf` names one file). Refuses a package that `SDTMPackage.validate` refuses.
    public static func bytes(of package: SDTMPackage, fileExtension: String) throws -> [UInt8] {
        try package.validate()
        var x = XMLLines()
        x.line(#"<?xml version="1.0" encoding="UTF-8"?>"#)
        x.open("ODM", [("xmlns", "http://www.cdisc.org/ns/odm/v1.3"), ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
                       ("xmlns:def", "http://www.cdisc.org/ns/def/v2.1"), ("ODMVersion", "1.3.2"), ("FileType", "Snapshot"),
                       ("FileOID", "\(package.studyOID).DEFINE"), ("CreationDateTime", DatasetJSONWriter.isoDateTime(package.createdAt)),
                       ("Originator", package.originator), ("SourceSystem", package.sourceSystem),
                       ("SourceSystemVersion", package.sourceSystemVersion), ("def:Context", "Submission")])
        x.open("Study", [("OID", package.studyOID)])
        x.open("GlobalVariables")
        x.leaf("StudyName", text: package.studyName)
        x.leaf("StudyDescription", text: package.studyDescription)
        x.leaf("ProtocolName", text: package.protocolName)
        x.close("GlobalVariables")
        x.open("MetaDataVersion", [("OID", package.metaDataVersionOID), ("Name", "\(package.studyID) SDTM"),
                                   ("Description", "SDTM data of study \(package.studyID)"), ("def:DefineVersion", "2.1.0")])
        x.open("def:Standards")
        x.empty("def:Standard", [("OID", igOID), ("Name", "SDTMIG"), ("Type", "IG"), ("Version", package.implementationGuideVersion), ("Status", "Final")])
        x.empty("def:Standard", [("OID", ctOID), ("Name", "CDISC/NCI"), ("Type", "CT"), ("PublishingSet", "SDTM"),
                                 ("Version", package.terminologyVersion), ("Status", "Final")])
        x.close("def:Standards")
        for dataset in package.datasets { itemGroup(dataset, fileExtension: fileExtension, into: &x) }
        for dataset in package.datasets {
            for (column, variable) in dataset.variables.enumerated() { itemDef(variable, column: column, of: dataset, into: &x) }
        }
        for codelist in package.codelists { codeList(codelist, into: &x) }
        x.close("MetaDataVersion")
        x.close("Study")
        x.close("ODM")
        return Array(x.text.utf8)
    }

    static let igOID = "STD.SDTMIG"
    static let ctOID = "STD.CT"

    /// A dataset's `ItemGroupDef`: description, one `ItemRef` a variable, its class and its file.
    static func itemGroup(_ dataset: SDTMDataset, fileExtension: String, into x: inout XMLLines) {
        let leafID = "LF.\(dataset.name)"
        let isSupplemental = dataset.name.hasPrefix("SUPP")
        x.open("ItemGroupDef", [("OID", dataset.itemGroupOID), ("Domain", isSupplemental ? String(dataset.name.dropFirst(4)) : dataset.name),
                                ("Name", dataset.name), ("SASDatasetName", dataset.name), ("Repeating", dataset.structure.lowercased() == "one record per subject" ? "No" : "Yes"),
                                ("IsReferenceData", dataset.datasetClass == .trialDesign ? "Yes" : "No"), ("Purpose", "Tabulation"),
                                ("def:Structure", dataset.structure), ("def:StandardOID", igOID), ("def:ArchiveLocationID", leafID)])
        description(dataset.label, into: &x)
        for (column, variable) in dataset.variables.enumerated() {
            var attributes = [("ItemOID", dataset.itemOID(variable)), ("OrderNumber", String(column + 1)),
                              ("Mandatory", variable.core == .required ? "Yes" : "No")]
            if let key = dataset.keySequence(of: variable.name) { attributes.append(("KeySequence", String(key))) }
            attributes.append(("Role", variable.role.rawValue))
            x.empty("ItemRef", attributes)
        }
        x.empty("def:Class", [("Name", dataset.datasetClass.rawValue)])
        let file = dataset.fileName(extension: fileExtension)
        x.open("def:leaf", [("ID", leafID), ("xlink:href", file)])
        x.leaf("def:title", text: file)
        x.close("def:leaf")
        x.close("ItemGroupDef")
    }

    /// A variable's `ItemDef`: type, length, digits, label, codelist and origin.
    static func itemDef(_ variable: SDTMVariable, column: Int, of dataset: SDTMDataset, into x: inout XMLLines) {
        var attributes = [("OID", dataset.itemOID(variable)), ("Name", variable.name), ("DataType", variable.dataType.rawValue)]
        switch variable.dataType {
        case .text: attributes.append(("Length", String(dataset.length(of: column))))
        case .datetime: break // Define-XML gives ISO 8601 values no length
        case .integer: attributes.append(("Length", String(numberLength(dataset, column: column, digits: 0))))
        case .float:
            let digits = dataset.significantDigits(of: column)
            attributes.append(("Length", String(numberLength(dataset, column: column, digits: digits))))
            attributes.append(("SignificantDigits", String(digits)))
        }
        attributes.append(("SASFieldName", variable.name))
        x.open("ItemDef", attributes)
        description(variable.label, into: &x)
        if let codelist = variable.codelist { x.empty("CodeListRef", [("CodeListOID", codelistOID(codelist))]) }
        // Define-XML 2.1 names who collected a collected value: at a site, the investigator's staff.
        x.empty("def:Origin", [("Type", variable.origin.rawValue)] + (variable.origin == .collected ? [("Source", "Investigator")] : []))
        x.close("ItemDef")
    }

    /// A `CodeList` of `EnumeratedItem`s, or of `CodeListItem`s when a term has a decode, with NCI codes.
    static func codeList(_ codelist: SDTMCodelist, into x: inout XMLLines) {
        var attributes = [("OID", codelistOID(codelist.id)), ("Name", codelist.name), ("DataType", codelist.dataType == .datetime ? "text" : codelist.dataType.rawValue)]
        if codelist.isCDISC { attributes.append(("def:StandardOID", ctOID)) }
        x.open("CodeList", attributes)
        let decoded = codelist.terms.contains { $0.decode != nil }
        for (order, term) in codelist.terms.enumerated() {
            var termAttributes = [("CodedValue", term.value), ("OrderNumber", String(order + 1))]
            if term.isExtended { termAttributes.append(("def:ExtendedValue", "Yes")) }
            x.open(decoded ? "CodeListItem" : "EnumeratedItem", termAttributes)
            if decoded {
                x.open("Decode")
                x.leaf("TranslatedText", [("xml:lang", "en")], text: term.decode ?? term.value)
                x.close("Decode")
            }
            if let code = term.nciCode { x.empty("Alias", [("Context", "nci:ExtCodeID"), ("Name", code)]) }
            x.close(decoded ? "CodeListItem" : "EnumeratedItem")
        }
        if let code = codelist.nciCode { x.empty("Alias", [("Context", "nci:ExtCodeID"), ("Name", code)]) }
        x.close("CodeList")
    }

    /// The OID of the codelist with `id`.
    static func codelistOID(_ id: String) -> String { "CL.\(id)" }

    /// `<Description><TranslatedText xml:lang="en">…</TranslatedText></Description>`.
    static func description(_ text: String, into x: inout XMLLines) {
        x.open("Description")
        x.leaf("TranslatedText", [("xml:lang", "en")], text: text)
        x.close("Description")
    }

    /// The Define-XML length of a numeric variable: the most characters a value takes with `digits`
    /// after the point (at least 1).
    static func numberLength(_ dataset: SDTMDataset, column: Int, digits: Int) -> Int {
        dataset.records.reduce(1) { longest, record in
            guard let number = record[column].number else { return longest }
            let whole = String(format: "%.0f", abs(number).rounded(.towardZero)).count + (number < 0 ? 1 : 0)
            return max(longest, whole + (digits > 0 ? digits + 1 : 0))
        }
    }
}

/// XML written a line at a time with indentation; every attribute value and text escaped.
struct XMLLines {
    private(set) var text = ""
    private var depth = 0

    mutating func line(_ line: String) { text += String(repeating: "  ", count: depth) + line + "\n" }

    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        line("<\(name)\(Self.attributes(attributes))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    mutating func empty(_ name: String, _ attributes: [(String, String)]) { line("<\(name)\(Self.attributes(attributes))/>") }

    mutating func leaf(_ name: String, _ attributes: [(String, String)] = [], text: String) {
        line("<\(name)\(Self.attributes(attributes))>\(Self.escape(text))</\(name)>")
    }

    static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` as entities, and tabs and line breaks as character
    /// references (which survive attribute-value normalization). The other control characters XML 1.0
    /// cannot hold at all; `SDTMPackage.validate` refuses them first.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += "&#\(scalar.value);"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
