@testable import CohortSDTM
import Foundation
import Testing

/// The Define-XML 2.1 writer: well-formed (python's XML parser), naming every dataset, variable,
/// codelist and origin, every text escaped.
struct DefineXMLWriterTests {
    /// Parses define.xml and prints what it names, as JSON.
    static let parse = """
    import json, sys, xml.etree.ElementTree as ET
    ns = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1"}
    X = "{http://www.w3.org/1999/xlink}href"
    root = ET.parse(sys.argv[1]).getroot()
    mdv = root.find("odm:Study/odm:MetaDataVersion", ns)
    print(json.dumps({
        "version": mdv.get("{http://www.cdisc.org/ns/def/v2.1}DefineVersion"),
        "description": root.find("odm:Study/odm:GlobalVariables/odm:StudyDescription", ns).text,
        "groups": [{"name": g.get("Name"), "class": g.find("def:Class", ns).get("Name"), "leaf": g.find("def:leaf", ns).get(X),
                    "refs": [[r.get("ItemOID"), r.get("OrderNumber"), r.get("Mandatory"), r.get("KeySequence")] for r in g.findall("odm:ItemRef", ns)]}
                   for g in mdv.findall("odm:ItemGroupDef", ns)],
        "items": {i.get("OID"): {"name": i.get("Name"), "type": i.get("DataType"), "length": i.get("Length"),
                                 "digits": i.get("SignificantDigits"), "origin": i.find("def:Origin", ns).get("Type"),
                                 "codelist": (i.find("odm:CodeListRef", ns).get("CodeListOID") if i.find("odm:CodeListRef", ns) is not None else None),
                                 "label": i.find("odm:Description/odm:TranslatedText", ns).text}
                  for i in mdv.findall("odm:ItemDef", ns)},
        "codelists": {c.get("OID"): {"nci": [a.get("Name") for a in c.findall("odm:Alias", ns)],
                                     "terms": [[t.get("CodedValue"), [a.get("Name") for a in t.findall("odm:Alias", ns)]]
                                               for t in list(c.findall("odm:EnumeratedItem", ns)) + list(c.findall("odm:CodeListItem", ns))]}
                      for c in mdv.findall("odm:CodeList", ns)},
    }))
    """

    static func parsed(_ package: SDTMPackage, fileExtension: String = "xpt", sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any]? {
        let path = SDTMFixture.save(try DefineXMLWriter.bytes(of: package, fileExtension: fileExtension), as: "define.xml")
        guard let output = Python.run(parse, arguments: [path], sourceLocation: sourceLocation) else { return nil }
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
    }

    @Test func itNamesEveryDatasetAndVariable() throws {
        let package = SDTMFixture.package()
        let define = try #require(try Self.parsed(package))
        #expect(define["version"] as? String == "2.1.0")
        let groups = try #require(define["groups"] as? [[String: Any]])
        #expect(groups.map { $0["name"] as? String } == ["DM", "VS"])
        #expect(groups.map { $0["class"] as? String } == ["SPECIAL PURPOSE", "FINDINGS"])
        #expect(groups.map { $0["leaf"] as? String } == ["dm.xpt", "vs.xpt"])
        let items = try #require(define["items"] as? [String: [String: Any]])
        #expect(items.count == package.datasets.reduce(0) { $0 + $1.variables.count })
        for (group, dataset) in zip(groups, package.datasets) {
            let refs = try #require(group["refs"] as? [[Any]])
            #expect(refs.map { $0[0] as? String } == dataset.variables.map { "IT.\(dataset.name).\($0.name)" })
            #expect(refs.map { $0[1] as? String } == dataset.variables.indices.map { String($0 + 1) })
            #expect(refs.map { $0[2] as? String } == dataset.variables.map { $0.core == .required ? "Yes" : "No" })
            #expect(refs.map { $0[3] as? String } == dataset.variables.map { dataset.keySequence(of: $0.name).map(String.init) })
            for variable in dataset.variables {
                let item = try #require(items["IT.\(dataset.name).\(variable.name)"])
                #expect(item["name"] as? String == variable.name)
                #expect(item["label"] as? String == variable.label)
                #expect(item["origin"] as? String == variable.origin.rawValue)
                #expect(item["type"] as? String == variable.dataType.rawValue)
                #expect(item["codelist"] as? String == variable.codelist.map { "CL.\($0)" })
            }
        }
        #expect(items["IT.DM.USUBJID"]?["length"] as? String == "15")
        #expect(items["IT.VS.VSDTC"]?["length"] is NSNull)
        #expect(items["IT.DM.AGE"]?["length"] as? String == "2")
        let codelists = try #require(define["codelists"] as? [String: [String: Any]])
        #expect(codelists["CL.SEX"]?["nci"] as? [String] == ["C66731"])
        #expect((codelists["CL.SEX"]?["terms"] as? [[Any]])?.map { $0[0] as? String } == ["F", "M", "U"])
        #expect((codelists["CL.NY"]?["terms"] as? [[Any]])?.first?[1] as? [String] == ["C49487"])
    }

    @Test func everyTextIsEscaped() throws {
        var package = SDTMFixture.package()
        package.studyDescription = "A & B <\"quoted\"> 'x' ]]> tab\tline\nnext"
        package.codelists[0].terms[0].decode = "F<emale> & \"co\""
        let define = try #require(try Self.parsed(package, fileExtension: "json"))
        #expect(define["description"] as? String == package.studyDescription)
        #expect((define["groups"] as? [[String: Any]])?.map { $0["leaf"] as? String } == ["dm.json", "vs.json"])
    }

    @Test func aPackageItCannotDescribeIsRefused() throws {
        var package = SDTMFixture.package()
        package.codelists.removeAll { $0.id == "NY" }
        package.studyName = "bell\u{7}"
        package.datasets[0].records[1][0] = "OTHER-STUDY"
        let error = try #require(throws: SDTMError.self) { try DefineXMLWriter.bytes(of: package, fileExtension: "xpt") }
        #expect(error.problems == [
            "DM row 2 (USUBJID SCZ-5W-101-1001) STUDYID: OTHER-STUDY is not the package's study SCZ-5W (one study per package).",
            "VS VSBLFL names codelist NY, which the package does not give.",
            "The package's study name holds the control character U+0007, which XML cannot hold.",
        ])
    }
}
