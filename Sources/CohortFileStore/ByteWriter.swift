import CohortDomain
import CohortStore

/// Little-endian output, for the review cache.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func i32(_ value: Int) { u32(UInt32(bitPattern: Int32(clamping: value))) }
    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    mutating func date(_ value: CivilDate) { i32(value.dayNumber) }
    /// Absent dates are written as `Int32.min`, a day no real date has.
    mutating func date(_ value: CivilDate?) { i32(value?.dayNumber ?? Int(Int32.min)) }
    /// A string written out in full: length, then UTF-8.
    mutating func text(_ value: String) {
        let utf8 = Array(value.utf8)
        u32(UInt32(utf8.count))
        bytes += utf8
    }
    /// A moment or its absence: a presence byte, then minutes (64 bits: 32 would end in year 6053) and offset.
    mutating func moment(_ value: Moment?) {
        u8(value == nil ? 0 : 1); i64(Int64(value?.minutes ?? 0)); i32(value?.offset ?? 0)
    }
    mutating func safetyAlert(_ alert: SafetyAlert) {
        u8(alert.kind.rawValue); text(alert.subject); text(alert.record); text(alert.text); moment(alert.due)
    }
    mutating func stamp(_ value: FileStamp) {
        for part in [value.inode, value.size, value.modified, value.changed] { i64(part) }
    }
    /// An array of fixed-size values as their bytes in memory, after its count.
    mutating func raw<T>(_ values: [T]) {
        u32(UInt32(values.count))
        values.withUnsafeBytes { bytes += $0 }
    }
}
