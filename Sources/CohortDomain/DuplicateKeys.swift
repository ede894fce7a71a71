import Foundation

/// Duplicate member names in JSON from outside (a protocol file, a scale or measure definition): Foundation's
/// decoders keep one of them silently, so `{"saeReportHours": 168, "saeReportHours": 1}` would mean what
/// another tool (`jq` keeps the last) does not show. The bytes are scanned once, before any decoding, and a
/// name given twice in one object is refused (docs/RULES.md, "Protocols"). Cohort's own store reader
/// (`JSONValue`) refuses a second member as it parses.
public enum DuplicateKeys {
    /// The first member name given twice in one object of `bytes`, or nil. Linear in the size; names are
    /// compared after their escapes are read (`"a\u0062"` is `"ab"`), scalar for scalar. Bytes that are not
    /// JSON give nil: the decoder that follows says what is wrong with them.
    public static func first(in bytes: Data) -> String? {
        bytes.withUnsafeBytes { raw in first(in: raw.bindMemory(to: UInt8.self)) }
    }

    /// Refuses `bytes` when an object in it names a member twice; `what` names the file in the message.
    public static func refuse(in bytes: Data, what: String) throws {
        if let name = first(in: bytes) {
            throw DomainError("\(what) gives the member '\(Text.shown(name))' twice in one object: which one counts would depend on the program reading it. Keep one.")
        }
    }

    /// One open object or array.
    private struct Level {
        var isObject: Bool
        var names: Set<[UInt8]> = []
        var expectsName: Bool
    }

    private static func first(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var levels: [Level] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard let (text, end) = string(bytes, from: index + 1) else { return nil }
                if let last = levels.indices.last, levels[last].isObject, levels[last].expectsName {
                    levels[last].expectsName = false
                    if !levels[last].names.insert(text).inserted { return String(decoding: text, as: UTF8.self) }
                }
                index = end
                continue
            case UInt8(ascii: "{"): levels.append(Level(isObject: true, expectsName: true))
            case UInt8(ascii: "["): levels.append(Level(isObject: false, expectsName: false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if levels.popLast() == nil { return nil }
            case UInt8(ascii: ","):
                if let last = levels.indices.last, levels[last].isObject { levels[last].expectsName = true }
            default: break
            }
            index += 1
        }
        return nil
    }

    /// The UTF-8 of the string whose text starts at `start` (after its opening quote), escapes read, and the
    /// index after its closing quote; nil when it does not end or an escape is not JSON.
    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> ([UInt8], Int)? {
        var text: [UInt8] = []
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return (text, index)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "u"):
                    guard var code = hex4(bytes, at: index) else { return nil }
                    index += 4
                    if (0xD800..<0xDC00).contains(code), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
                       bytes[index + 1] == UInt8(ascii: "u"), let low = hex4(bytes, at: index + 2), (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                    // A lone surrogate is no scalar: kept as its escape, so two alike still compare equal.
                    if let scalar = Unicode.Scalar(code) { text += Array(String(scalar).utf8) } else { text += Array("\\u\(code)".utf8) }
                default: text.append(escape)
                }
            default: text.append(byte)
            }
        }
        return nil
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> UInt32? {
        guard start + 4 <= bytes.count else { return nil }
        var code: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = Character(Unicode.Scalar(bytes[start + offset])).hexDigitValue else { return nil }
            code = code << 4 | UInt32(digit)
        }
        return code
    }
}
