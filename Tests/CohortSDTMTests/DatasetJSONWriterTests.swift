@testable import CohortSDTM
import Foundation
import Testing

/// The Dataset-JSON v1.1 writer: valid against the published schema, UTF-8 kept, values exact.
struct DatasetJSONWriterTests {
    /// Validates each file against the schema with python's jsonschema; prints "ok" or the first error.
    static let validate = """
    import json, sys, jsonschema
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft201909Validator(schema)
    for path in sys.argv[2:]:
        errors = sorted(validator.iter_errors(json.load(open(path, encoding="utf-8"))), key=str)
        print(path.rsplit("/", 1)[-1], "ok" if not errors else errors[0].message)
    """

    @Test func everyFileValidatesAgainstThePublishedSchema() throws {
        // With a dataset of no records: `rows` is then empty.
        let empty = SDTMDataset(name: "TI", label: "Trial Inclusion/Exclusion Criteria", datasetClass: .trialDesign,
                                structure: "One record per I/E criterion", keyVariables: ["IETESTCD"],
                                variables: [.char("IETESTCD", "Incl/Excl Criterion Short Name", role: .topic)])
        let package = SDTMFixture.package([SDTMFixture.demographics(), SDTMFixture.vitalSigns(), empty])
        let folder = Python.temporaryFolder()
        var paths: [String] = []
        for file in try package.files(formats: [.json]) where file.name.hasSuffix(".json") {
            try Data(file.bytes).write(to: folder.appendingPathComponent(file.name))
            paths.append(folder.appendingPathComponent(file.name).path)
        }
        #expect(paths.count == 3)
        let schema = Python.reference.appendingPathComponent("dataset-json-1.1.schema.json").path
        let output = try #require(Python.run(Self.validate, arguments: [schema] + paths, needs: ["jsonschema"]))
        #expect(output == "dm.json ok\nvs.json ok\nti.json ok\n")
    }

    @Test func theSchemaCheckCatchesABrokenFile() throws {
        // The validator itself must be able to fail: a file without its required "columns".
        var text = String(decoding: try DatasetJSONWriter.bytes(of: SDTMFixture.demographics(), in: SDTMFixture.package()), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"columns\"", with: "\"kolumns\"")
        let path = SDTMFixture.save(Array(text.utf8), as: "dm.json")
        let schema = Python.reference.appendingPathComponent("dataset-json-1.1.schema.json").path
        let output = try #require(Python.run(Self.validate, arguments: [schema, path], needs: ["jsonschema"]))
        #expect(output.hasPrefix("dm.json ") && output != "dm.json ok\n")
    }

    @Test func theDocumentSaysWhatTheStandardAsks() throws {
        let dataset = SDTMFixture.vitalSigns()
        let bytes = try DatasetJSONWriter.bytes(of: dataset, in: SDTMFixture.package())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(json["datasetJSONVersion"] as? String == "1.1.0")
        #expect(json["datasetJSONCreationDateTime"] as? String == "2026-12-03T12:35:00Z")
        #expect(json["itemGroupOID"] as? String == "IG.VS")
        #expect(json["studyOID"] as? String == "STUDY.SCZ-5W")
        #expect(json["metaDataVersionOID"] as? String == "MDV.SCZ-5W")
        #expect(json["records"] as? Int == dataset.records.count)
        #expect((json["sourceSystem"] as? [String: String]) == ["name": "Cohort", "version": "test"])
        let columns = try #require(json["columns"] as? [[String: Any]])
        #expect(columns.map { $0["name"] as? String } == dataset.variables.map(\.name))
        #expect(columns.map { $0["itemOID"] as? String } == dataset.variables.map { "IT.VS.\($0.name)" })
        #expect(columns.map { $0["dataType"] as? String } == ["string", "string", "string", "integer", "string", "string", "double", "string", "string"])
        #expect(columns.map { $0["keySequence"] as? Int } == [1, nil, 2, nil, 3, nil, nil, nil, 4])
        #expect(columns[2]["length"] as? Int == 15)
        #expect(columns[6]["length"] == nil)
        // Every number comes back as the same double (read by python: Foundation's parser on Linux rounds
        // some 16-digit numbers wrongly); a missing number is null.
        let column = try #require(dataset.index(of: "VSSTRESN"))
        let path = SDTMFixture.save(bytes, as: "vs.json")
        let script = "import json, sys\nfor row in json.load(open(sys.argv[1]))['rows']:\n    v = row[int(sys.argv[2])]\n    print('null' if v is None else float(v).hex())"
        let read = try #require(Python.run(script, arguments: [path, String(column)])).split(separator: "\n").map(String.init)
        #expect(read == dataset.records.map { $0[column].number.map { Self.hex($0) } ?? "null" })
        #expect(String(decoding: bytes, as: UTF8.self).contains("[\"SCZ-5W\", \"VS\", \"SCZ-5W-101-1002\", 3, \"WEIGHT\", \"95.0\", 95.0, \"\", \"\"]"))
    }

    /// Python's `float.hex()` of `number`.
    static func hex(_ number: Double) -> String {
        guard number != 0 else { return number.sign == .minus ? "-0x0.0p+0" : "0x0.0p+0" }
        let sign = number < 0 ? "-" : ""
        let fraction = String(number.significandBitPattern, radix: 16).leftPadded(13)
        return "\(sign)0x1.\(fraction)p\(number.exponent >= 0 ? "+" : "")\(number.exponent)"
    }

    @Test func textIsKeptAsUTF8AndEscapedOnlyWhereJSONMust() throws {
        var dataset = SDTMFixture.vitalSigns(numbers: [1])
        dataset.records[0][dataset.index(of: "VSORRES")!] = "Café \"quoted\" back\\slash 東京\u{1}"
        let text = String(decoding: try DatasetJSONWriter.bytes(of: dataset, in: SDTMFixture.package([dataset])), as: UTF8.self)
        #expect(text.contains(#""Café \"quoted\" back\\slash 東京\u0001""#))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(((json["rows"] as? [[Any]])?[0][5] as? String) == "Café \"quoted\" back\\slash 東京\u{1}")
    }
}
