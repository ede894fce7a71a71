import CohortDomain
import CohortStore

/// Little-endian input that answers nil instead of reading past the end.
struct ByteReader {
    let raw: UnsafeRawBufferPointer
    var offset: Int

    init(raw: UnsafeRawBufferPointer, offset: Int) { self.raw = raw; self.offset = offset }

    var isAtEnd: Bool { offset == raw.count }

    private mutating func load<T: FixedWidthInteger>(_ type: T.Type) -> T? {
        guard raw.count - offset >= MemoryLayout<T>.size else { return nil }
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func u8() -> UInt8? { load(UInt8.self) }
    mutating func u32() -> UInt32? { load(UInt32.self) }
    mutating func u64() -> UInt64? { load(UInt64.self) }
    mutating func i32() -> Int? { load(Int32.self).map(Int.init) }
    mutating func i64() -> Int64? { load(Int64.self) }
    /// A count that the remaining bytes could hold (a damaged count never triggers a huge allocation).
    mutating func count() -> Int? { u32().flatMap { Int($0) <= raw.count - offset ? Int($0) : nil } }
    mutating func date() -> CivilDate? { i32().flatMap { $0 == Int(Int32.min) ? nil : CivilDate(dayNumber: $0) } }
    /// An optional date: nil when the bytes ran out, `.some(nil)` when no date was written.
    mutating func optionalDate() -> CivilDate?? { i32().map { $0 == Int(Int32.min) ? nil : CivilDate(dayNumber: $0) } }
    mutating func member<T>(of all: [T]) -> T? { u8().flatMap { all.indices.contains(Int($0)) ? all[Int($0)] : nil } }
    mutating func text() -> String? {
        guard let length = count() else { return nil }
        defer { offset += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)]), as: UTF8.self)
    }
    /// A count, then that many elements each read by `element`; nil if any is missing.
    mutating func list<T>(_ element: (inout ByteReader) -> T?) -> [T]? {
        guard let count = count() else { return nil }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            guard let value = element(&self) else { return nil }
            values.append(value)
        }
        return values
    }
    /// An array written by `ByteWriter.raw`, copied in one go (with capacity for `room` more).
    mutating func raw<T>(_ type: T.Type, room: Int = 0) -> [T]? {
        guard let count = count(), count <= (raw.count - offset) / MemoryLayout<T>.stride else { return nil }
        let length = count * MemoryLayout<T>.stride
        let values = [T](unsafeUninitializedCapacity: count + room) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)]))
            initialized = count
        }
        offset += length
        return values
    }
    /// An optional moment: nil when the bytes ran out, `.some(nil)` when none was written.
    mutating func moment() -> Moment?? {
        guard let present = u8(), let minutes = i64(), let offset = i32() else { return nil }
        return present == 1 ? Moment(minutes: Int(minutes), offset: offset) : .some(nil)
    }
    mutating func safetyAlert() -> SafetyAlert? {
        guard let kind = u8().flatMap(SafetyAlert.Kind.init(rawValue:)), let subject = text(), let record = text(), let text = text(),
              let due = moment() else { return nil }
        return SafetyAlert(kind: kind, subject: subject, record: record, text: text, due: due)
    }
    mutating func stamp() -> FileStamp? {
        guard let inode = i64(), let size = i64(), let modified = i64(), let changed = i64() else { return nil }
        return FileStamp(inode: inode, size: size, modified: modified, changed: changed)
    }
}
