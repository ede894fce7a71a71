@testable import CohortSDTM
import CohortTestSupport
import Testing

/// IBM System/360 doubles, the numbers of XPT v5: known byte patterns, the range, and exact round trips.
struct IBMFloatTests {
    static func hex(_ bytes: [UInt8]?) -> String? {
        bytes.map { $0.map { String($0, radix: 16).leftPadded(2) }.joined() }
    }

    /// Patterns from the literature (−118.625 is the textbook example; 0.1 is what SAS writes) and, for
    /// 1e-5 and 123456789.125, from an exact rational conversion outside Swift (Python's fractions).
    @Test(arguments: [
        (1.0, "4110000000000000"), (-1.0, "c110000000000000"), (0.1, "401999999999999a"), (95.0, "425f000000000000"),
        (100.0, "4264000000000000"), (0.5, "4080000000000000"), (-118.625, "c276a00000000000"), (1e-5, "3ca7c5ac471b4788"),
        (123_456_789.125, "4775bcd152000000"), (0.0, "0000000000000000"),
    ])
    func knownBytePatterns(value: Double, expected: String) {
        #expect(Self.hex(IBMFloat.bytes(value)) == expected)
    }

    @Test func theEdgesOfTheRange() {
        #expect(Self.hex(IBMFloat.bytes(IBMFloat.pow16(62))) == "7f10000000000000")
        #expect(IBMFloat.bytes(IBMFloat.pow16(63)) == nil) // would need exponent 128
        #expect(Self.hex(IBMFloat.bytes(IBMFloat.pow16(-65))) == "0010000000000000")
        #expect(IBMFloat.bytes(IBMFloat.pow16(-66)) == nil)
        #expect(IBMFloat.bytes(.infinity) == nil)
        #expect(IBMFloat.bytes(-.infinity) == nil)
        #expect(IBMFloat.bytes(.nan) == nil)
        #expect(IBMFloat.bytes(.leastNonzeroMagnitude) == nil)
        #expect(Self.hex(IBMFloat.bytes(-0.0)) == "0000000000000000")
    }

    @Test func missingIsADotAndSevenZeros() {
        #expect(IBMFloat.missing == [0x2E, 0, 0, 0, 0, 0, 0, 0])
        #expect(IBMFloat.double(IBMFloat.missing) == nil)
    }

    /// 20,000 seeded random doubles over the whole IBM range come back bit for bit.
    @Test func everyDoubleInRangeRoundTripsExactly() {
        var generator = SeededGenerator(seed: 24)
        for _ in 0..<20_000 {
            let exponent = Int(generator.next() % 500) - 258 // 2^-258 … 2^241, inside 16^-65 … 16^63
            let significand = 1 + Double(generator.next() >> 11) / Double(1 << 53)
            let sign: Double = generator.next() % 2 == 0 ? 1 : -1
            let value = sign * Double(sign: .plus, exponent: exponent, significand: significand)
            guard let bytes = IBMFloat.bytes(value) else { Issue.record("\(value) refused, \(generator)"); continue }
            #expect(bytes[1] >> 4 != 0, "normalized: the first hex digit of the fraction is not zero, \(generator)")
            #expect(IBMFloat.double(bytes) == value, "\(generator)")
        }
    }
}
