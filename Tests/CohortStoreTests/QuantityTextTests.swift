import CohortDomain
@testable import CohortStore
@testable import CohortFileStore
import CohortTestSupport
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

    /// A whole number in its plain text is read without Foundation's scanner: the same decimal, to the
    /// byte, and the same text, as the scanner gives (the short cut in `Quantity.init?(_:)`).
    @Test func aWholeNumberReadsAsFoundationReadsIt() throws {
        var random = SeededGenerator(seed: 2612)
        let edges = [0, 1, -1, 9, 10, -10, 100, 999_999_999_999, -999_999_999_999, 100_000_000_000, 4_294_967_296, 65_536, 65_535]
        let numbers = edges + (0..<3_000).map { _ in (random.next(2) == 0 ? -1 : 1) * Int(random.next() % 1_000_000_000_000) / [1, 1_000, 1_000_000][random.next(3)] }
        for number in numbers {
            let text = String(number)
            let quantity = try #require(Quantity(text))
            let scanned = try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
            #expect(withUnsafeBytes(of: quantity.value) { Array($0) } == withUnsafeBytes(of: scanned) { Array($0) }, "\(text)")
            #expect(quantity.given == nil && quantity.number == NSDecimalNumber(decimal: scanned).stringValue && quantity.description == text, "\(text)")
        }
        // Text that is not the number's own keeps the scanner's path, and its text.
        for text in ["007", "-0", "0.0", "95.0", "-12.50"] { #expect(Quantity(text)?.given == text, "\(text)") }
    }
}
