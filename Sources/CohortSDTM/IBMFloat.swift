/// IBM System/360 double-precision hexadecimal floating point, the numeric format of SAS Transport v5:
/// a sign bit, a 7-bit exponent of 16 biased by 64, and a 56-bit fraction. Every IEEE double inside
/// IBM's range converts exactly (53 bits of mantissa fit in 56 with room for the shift to a power of 16).
public enum IBMFloat {
    /// SAS's missing value `.`: 0x2E then seven zero bytes.
    public static let missing: [UInt8] = [0x2E, 0, 0, 0, 0, 0, 0, 0]

    /// The eight big-endian bytes of `value`, or nil when IBM's range cannot hold it (not finite, or a
    /// magnitude above about 7.2e75 or below about 5.4e-79 other than zero).
    public static func bytes(_ value: Double) -> [UInt8]? {
        guard value.isFinite else { return nil }
        if value == 0 { return [UInt8](repeating: 0, count: 8) }
        let magnitude = abs(value)
        // magnitude = mantissa × 2^(exponent − 52), mantissa a 53-bit integer with its top bit set.
        let exponent = Int(magnitude.exponent)
        let mantissa = magnitude.significandBitPattern | (1 << 52)
        // As a fraction: magnitude = (mantissa / 2^53) × 2^(exponent + 1). Shift right until the power
        // of two is a power of 16; the 56-bit fraction takes the 53 bits shifted left by 3 − shift.
        let binaryExponent = exponent + 1
        let shift = (4 - ((binaryExponent % 4) + 4) % 4) % 4
        let fraction = mantissa << UInt64(3 - shift)
        let hexExponent = (binaryExponent + shift) / 4 + 64
        // Seven bits of exponent: 16⁻⁶⁵ ≤ magnitude < 16⁶³.
        guard (0...127).contains(hexExponent) else { return nil }
        var result = [UInt8](repeating: 0, count: 8)
        result[0] = UInt8(hexExponent) | (value < 0 ? 0x80 : 0)
        for index in 1..<8 { result[index] = UInt8(truncatingIfNeeded: fraction >> UInt64(8 * (7 - index))) }
        return result
    }

    /// The double that eight IBM bytes hold (exact for every value `bytes` writes), or nil for a SAS
    /// missing value (first byte `.`, `_` or a letter, the rest zero).
    public static func double(_ bytes: [UInt8]) -> Double? {
        precondition(bytes.count == 8, "an IBM double is 8 bytes")
        if bytes[1...].allSatisfy({ $0 == 0 }), bytes[0] == 0x2E || bytes[0] == 0x5F || (0x41...0x5A).contains(bytes[0]) { return nil }
        let fraction = bytes[1...].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let hexExponent = Int(bytes[0] & 0x7F) - 64
        let magnitude = Double(fraction) * pow16(hexExponent - 14)
        return bytes[0] & 0x80 != 0 ? -magnitude : magnitude
    }

    /// 16^power, exactly (a power of two).
    static func pow16(_ power: Int) -> Double { Double(sign: .plus, exponent: 4 * power, significand: 1) }
}
