@testable import CohortSDTM
import Foundation
import Testing

/// The XPT v5 writer: the TS-140 layout, read back by a standard reader (pyreadstat) value by value,
/// and the refusals of what XPT cannot hold.
struct XPTWriterTests {
    /// Reads an XPT file with pyreadstat and prints its metadata and columns as JSON; floats as hex so the
    /// comparison is exact.
    static let readBack = """
    import json, sys, pyreadstat
    data, meta = pyreadstat.read_xport(sys.argv[1], output_format="dict")
    def cell(v):
        if v is None: return None
        if isinstance(v, float): return {"hex": v.hex()} if v == v else None
        return v
    print(json.dumps({"names": meta.column_names, "labels": meta.column_labels, "table": meta.table_name,
                      "label": meta.file_label, "rows": meta.number_rows,
                      "columns": {k: [cell(v) for v in vs] for k, vs in data.items()}}))
    """

    /// What pyreadstat read, or nil (an issue recorded) when it could not.
    static func read(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any]? {
        guard let output = Python.run(readBack, arguments: [path], needs: ["pyreadstat"], sourceLocation: sourceLocation) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
    }

    @Test func pyreadstatReadsBackEveryValueExactly() throws {
        let dataset = SDTMFixture.vitalSigns()
        let path = SDTMFixture.save(try XPTWriter.bytes(of: dataset, createdAt: SDTMFixture.created), as: "vs.xpt")
        let read = try #require(Self.read(path))
        #expect(read["table"] as? String == "VS")
        #expect(read["label"] as? String == "Vital Signs")
        #expect(read["names"] as? [String] == dataset.variables.map(\.name))
        #expect(read["labels"] as? [String] == dataset.variables.map(\.label))
        #expect(read["rows"] as? Int == dataset.records.count)
        let columns = try #require(read["columns"] as? [String: [Any]])
        for (column, variable) in dataset.variables.enumerated() {
            let values = try #require(columns[variable.name])
            #expect(values.count == dataset.records.count)
            for (row, record) in dataset.records.enumerated() where row < values.count {
                let got = values[row]
                switch record[column] {
                case .text(let text): #expect(got as? String == text, "\(variable.name) row \(row + 1)")
                case .missing where variable.isCharacter: #expect(got as? String == "", "\(variable.name) row \(row + 1)")
                case .missing: #expect(got is NSNull, "\(variable.name) row \(row + 1): \(got)")
                case .number(let number):
                    let hex = (got as? [String: String])?["hex"]
                    #expect(hex.flatMap(Double.init) == number, "\(variable.name) row \(row + 1): \(number) read as \(String(describing: hex))")
                }
            }
        }
    }

    @Test func aDatasetOfOnlyShortTextReadsBackWithoutPhantomRows() throws {
        // Three 3-byte records leave 71 blank bytes of padding, room for 23 more records of blanks.
        var dataset = SDTMDataset(name: "TI", label: "Trial Inclusion/Exclusion Criteria", datasetClass: .trialDesign,
                                  structure: "One record per I/E criterion", keyVariables: ["IETESTCD"],
                                  variables: [.char("IETESTCD", "Incl/Excl Criterion Short Name", role: .topic)])
        for code in ["IN1", "IN2", "EX1"] { try dataset.append(["IETESTCD": .text(code)]) }
        let path = SDTMFixture.save(try XPTWriter.bytes(of: dataset, createdAt: SDTMFixture.created), as: "ti.xpt")
        let read = try #require(Self.read(path))
        #expect((read["columns"] as? [String: [String]])?["IETESTCD"] == ["IN1", "IN2", "EX1"])
    }

    @Test func aDatasetWithNoRecordsReadsBackEmptyWithItsVariables() throws {
        let dataset = SDTMFixture.vitalSigns(numbers: [])
        let path = SDTMFixture.save(try XPTWriter.bytes(of: dataset, createdAt: SDTMFixture.created), as: "vs.xpt")
        let read = try #require(Self.read(path))
        #expect(read["rows"] as? Int == 0)
        #expect(read["names"] as? [String] == dataset.variables.map(\.name))
    }

    @Test func theLayoutIsTS140() throws {
        let dataset = SDTMFixture.demographics()
        let bytes = try XPTWriter.bytes(of: dataset, createdAt: SDTMFixture.created)
        #expect(bytes.count % 80 == 0)
        func record(_ index: Int) -> String { String(decoding: bytes[(index * 80)..<(index * 80 + 80)], as: UTF8.self) }
        #expect(record(0) == "HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!000000000000000000000000000000  ")
        #expect(record(1).hasPrefix("SAS     SAS     SASLIB  9.4     ") && record(1).hasSuffix("03DEC26:12:35:00"))
        #expect(record(3) == "HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!000000000000000001600000000140  ")
        #expect(record(5).hasPrefix("SAS     DM      SASDATA "))
        #expect(record(6) == "03DEC26:12:35:00" + String(repeating: " ", count: 16) + XPTWriter.field("Demographics", 40) + "        ")
        #expect(record(7) == "HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!000000000600000000000000000000  ")
        // Six NAMESTRs of 140 bytes fill 840 bytes, padded to 880 (11 records); then the OBS header.
        let namestrs = 8 * 80
        let usubjid = Array(bytes[(namestrs + 2 * 140)..<(namestrs + 3 * 140)])
        #expect(usubjid[0..<8] == [0, 2, 0, 0, 0, 15, 0, 3]) // character, length 15, variable 3
        #expect(String(decoding: usubjid[8..<16], as: UTF8.self) == "USUBJID ")
        #expect(Array(usubjid[84..<88]) == [0, 0, 0, 8]) // after STUDYID (6 bytes) and DOMAIN (2)
        #expect(record(19) == "HEADER RECORD*******OBS     HEADER RECORD!!!!!!!000000000000000000000000000000  ")
        // The first observation: STUDYID, DOMAIN, USUBJID, SUBJID as blank-padded text, AGE as IBM 46.
        let observation = Array(bytes[(20 * 80)...])
        #expect(String(decoding: observation[0..<31], as: UTF8.self) == "SCZ-5WDMSCZ-5W-101-1000101-1000")
        #expect(Array(observation[31..<39]) == IBMFloat.bytes(46))
        #expect(observation[39] == UInt8(ascii: "F"))
        #expect(Array(observation[(40 + 31)..<(40 + 39)]) == IBMFloat.missing) // the second subject's AGE
        #expect(observation.count == 80 && observation[79] == UInt8(ascii: "M")) // two 40-byte records fill one 80-byte record
    }

    @Test func nonASCIITextIsRefusedNamingEveryRecord() throws {
        var dataset = SDTMFixture.vitalSigns(numbers: [1, 2, 3, 4])
        let orres = try #require(dataset.index(of: "VSORRES"))
        dataset.records[1][orres] = "95,0 kg — approx"
        dataset.records[3][orres] = "Café"
        let error = try #require(throws: SDTMError.self) { try XPTWriter.bytes(of: dataset, createdAt: SDTMFixture.created) }
        #expect(error.problems.count == 2)
        #expect(error.problems[0].contains("VS row 2 (USUBJID SCZ-5W-101-1001, VSSEQ 2) VSORRES"))
        #expect(error.problems[0].contains("U+2014"))
        #expect(error.problems[1].contains("VS row 4 (USUBJID SCZ-5W-101-1003, VSSEQ 4) VSORRES"))
        #expect(error.problems[1].contains("U+00E9"))
        #expect(error.description.contains("ASCII"))
        // Dataset-JSON keeps the same text.
        let json = try DatasetJSONWriter.bytes(of: dataset, in: SDTMFixture.package([dataset]))
        #expect(String(decoding: json, as: UTF8.self).contains("\"Café\""))
    }

    @Test func aPackageRefusesNonASCIIAcrossEveryDatasetAtOnce() throws {
        var vitals = SDTMFixture.vitalSigns(numbers: [1])
        vitals.records[0][vitals.index(of: "VSORRES")!] = "½"
        var demographics = SDTMFixture.demographics()
        demographics.records[1][demographics.index(of: "SUBJID")!] = "101-1001ß"
        let error = try #require(throws: SDTMError.self) { try SDTMFixture.package([demographics, vitals]).files(formats: [.xpt, .json]) }
        #expect(error.problems.count == 2)
        #expect(error.problems[0].hasPrefix("DM row 2 (USUBJID SCZ-5W-101-1001) SUBJID"))
        #expect(error.problems[1].hasPrefix("VS row 1 (USUBJID SCZ-5W-101-1000, VSSEQ 1) VSORRES"))
        // As Dataset-JSON alone the same package is written.
        #expect(try SDTMFixture.package([demographics, vitals]).files(formats: [.json]).map(\.name) == ["dm.json", "vs.json", "define.xml"])
    }

    @Test func textXPTWouldChangeIsRefused() throws {
        var dataset = SDTMFixture.vitalSigns(numbers: [1])
        dataset.records[0][dataset.index(of: "VSORRES")!] = "95 "
        let trailing = try #require(throws: SDTMError.self) { try XPTWriter.bytes(of: dataset, createdAt: SDTMFixture.created) }
        #expect(trailing.problems == ["VS row 1 (USUBJID SCZ-5W-101-1000, VSSEQ 1) VSORRES: the value ends in a blank, which XPT v5 would drop."])
        dataset.records[0][dataset.index(of: "VSORRES")!] = .text(String(repeating: "x", count: 201))
        let long = try #require(throws: SDTMError.self) { try XPTWriter.bytes(of: dataset, createdAt: SDTMFixture.created) }
        #expect(long.problems.count == 1 && long.problems[0].contains("201 characters") && long.problems[0].contains("SUPP"))
        dataset.records[0][dataset.index(of: "VSORRES")!] = .text(String(repeating: "x", count: 200))
        dataset.records[0][dataset.index(of: "VSSTRESN")!] = .number(1e80)
        let huge = try #require(throws: SDTMError.self) { try XPTWriter.bytes(of: dataset, createdAt: SDTMFixture.created) }
        #expect(huge.problems.count == 1 && huge.problems[0].contains("VSSTRESN") && huge.problems[0].contains("range"))
    }

    @Test func characterLengthsComeFromTheData() throws {
        var dataset = SDTMFixture.demographics()
        #expect(dataset.variables.indices.map(dataset.length(of:)) == [6, 2, 15, 8, 8, 1])
        dataset.variables[5].length = 2
        #expect(dataset.length(of: 5) == 2)
        dataset.variables[3].length = 4 // shorter than "101-1000"
        let error = try #require(throws: SDTMError.self) { try XPTWriter.bytes(of: dataset, createdAt: SDTMFixture.created) }
        #expect(error.problems.count == 2)
        #expect(error.problems.allSatisfy { $0.contains("SUBJID: 8 characters, longer than its declared length 4") })
    }
}
