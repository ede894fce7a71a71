import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import Foundation
import Testing

/// docs/RULES.md, "Values as the source gives them", as the store keeps them: a result written before (a JSON
/// number) reads, re-encodes and so replays byte for byte; a value given as `95.0` is kept as the string
/// `"95.0"` and reads back as given.
struct QuantityTextTests {
    static func canonical(_ text: String) throws -> String {
        let tree = try JSONValue.parse(Array(text.utf8))
        let measurement = try JSONValueDecoder.decode(CohortDomain.Measurement.self, from: tree)
        return String(decoding: try JSONValue(encoding: measurement).canonicalBytes(), as: UTF8.self)
    }

    @Test(arguments: [#"{"date":"2026-11-12","test":"HR","unit":"beats/min","value":95,"visit":"SCR"}"#,
                      #"{"date":"2026-11-12","test":"TEMP","unit":"C","value":37.8,"visit":"SCR"}"#,
                      #"{"date":"2026-11-12","range":[3.5,5],"test":"K","unit":"mmol/L","value":0.59,"visit":"SCR"}"#,
                      #"{"date":"2026-11-12","test":"HR","unit":"beats/min","value":"95.0","visit":"SCR"}"#,
                      #"{"date":"2026-11-12","test":"AST","unit":"U/L","value":"40.50","visit":"SCR"}"#])
    func aStoredResultReEncodesByteForByte(text: String) throws {
        #expect(try Self.canonical(text) == text)
    }

    @Test func aValueGivenWithATrailingZeroIsStoredAsAStringAndReadsBackAsGiven() throws {
        let measurement = CohortDomain.Measurement(visit: "SCR", test: "HR", value: Quantity("95.0"), unit: "beats/min", date: CivilDate("2026-11-12")!)
        let tree = try JSONValue(encoding: measurement)
        #expect(tree["value"] == .string("95.0"))
        #expect(try JSONValueDecoder.decode(CohortDomain.Measurement.self, from: tree).value?.description == "95.0")
        let plain = CohortDomain.Measurement(visit: "SCR", test: "HR", value: Quantity("95"), unit: "beats/min", date: CivilDate("2026-11-12")!)
        #expect(try JSONValue(encoding: plain)["value"] == .int(95))
    }
}
