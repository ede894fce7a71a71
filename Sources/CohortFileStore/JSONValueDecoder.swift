import CohortStore
import Foundation
/// Decodes a `Decodable` value from a `JSONValue` tree already parsed: `verify` reads every participant
/// file once, as a tree to compare with the replay of its trail, and takes the typed participant from
/// the same tree instead of parsing the text again with Foundation's decoder. Plain JSON only: no key or
/// date strategies (the store uses none).
struct JSONValueDecoder {
    /// Decodes `type` from `value`.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try T(from: TreeDecoder(value: value, codingPath: []))
    }
}

private struct TreeDecoder: Decoder {
    let value: JSONValue
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch("an object") }
        return KeyedDecodingContainer(KeyedTree<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch("an array") }
        return UnkeyedTree(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { SingleTree(value: value, codingPath: codingPath) }
}

/// Scalars, shared by the three containers. The coding path is built only for an error or a nested value:
/// building it for every member was most of the decoder's cost (docs/DECISIONS.md, "verify within 2× of
/// sha256sum").
private func scalar<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ path: @autoclosure () -> [CodingKey]) throws -> T {
    func mismatch() -> DecodingError {
        .typeMismatch(type, .init(codingPath: path(), debugDescription: "the value has another type"))
    }
    switch type {
    case is String.Type:
        guard case .string(let text) = value else { throw mismatch() }
        return text as! T
    case is Int.Type:
        guard case .int(let number) = value else { throw mismatch() }
        return number as! T
    case is Bool.Type:
        guard case .bool(let flag) = value else { throw mismatch() }
        return flag as! T
    case is Data.Type:
        // As JSONEncoder writes it and JSONDecoder reads it: base64 text (a conflict keeps a signing change's content).
        guard case .string(let text) = value, let data = Data(base64Encoded: text) else { throw mismatch() }
        return data as! T
    case is Double.Type:
        switch value {
        case .int(let number): return Double(number) as! T
        case .double(let number): return number as! T
        default: throw mismatch()
        }
    case is Int?.Type:
        // Score items (`[Int?]`), most of a participant's values: read here, not through a nested decoder
        // and `Optional`'s own decoding, which built a coding path and a container for every item.
        switch value {
        case .null: return Int?.none as! T
        case .int(let number): return Int?.some(number) as! T
        default: throw mismatch()
        }
    default:
        return try T(from: TreeDecoder(value: value, codingPath: path()))
    }
}

/// The scalar types' own decoding, without the generic path's casts.
private func text(_ value: JSONValue, _ path: @autoclosure () -> [CodingKey]) throws -> String {
    guard case .string(let text) = value else {
        throw DecodingError.typeMismatch(String.self, .init(codingPath: path(), debugDescription: "the value has another type"))
    }
    return text
}

private func integer(_ value: JSONValue, _ path: @autoclosure () -> [CodingKey]) throws -> Int {
    guard case .int(let number) = value else {
        throw DecodingError.typeMismatch(Int.self, .init(codingPath: path(), debugDescription: "the value has another type"))
    }
    return number
}

extension JSONValue {
    /// Whether this is `null`, without building a value to compare with.
    fileprivate var isNull: Bool { if case .null = self { true } else { false } }
}

private struct KeyedTree<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [CodingKey]
    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "'\(key.stringValue)' is missing"))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key) == .null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try scalar(type, try member(key), codingPath + [key])
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String { try text(try member(key), codingPath + [key]) }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(try member(key), codingPath + [key]) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = members[key.stringValue], !value.isNull else { return nil }
        return try scalar(type, value, codingPath + [key])
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let value = members[key.stringValue], !value.isNull else { return nil }
        return try text(value, codingPath + [key])
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let value = members[key.stringValue], !value.isNull else { return nil }
        return try integer(value, codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(value: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try TreeDecoder(value: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder { TreeDecoder(value: .object(members), codingPath: codingPath) }

    func superDecoder(forKey key: Key) throws -> Decoder { TreeDecoder(value: try member(key), codingPath: codingPath + [key]) }
}

private struct UnkeyedTree: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [CodingKey]
    var currentIndex = 0
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(elements: [JSONValue], codingPath: [CodingKey]) { self.elements = elements; self.codingPath = codingPath }

    private struct Index: CodingKey {
        let intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    private mutating func next() throws -> (JSONValue, [CodingKey]) {
        let value = try nextValue()
        return (value, codingPath + [Index(currentIndex - 1)])
    }

    /// The next element, its path left to be built on demand.
    private mutating func nextValue() throws -> JSONValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "the array ended"))
        }
        defer { currentIndex += 1 }
        return elements[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try nextValue(), index = currentIndex - 1
        return try scalar(type, value, codingPath + [Index(index)])
    }

    mutating func decode(_ type: String.Type) throws -> String {
        let value = try nextValue(), index = currentIndex - 1
        return try text(value, codingPath + [Index(index)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try next()
        return try TreeDecoder(value: value, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try TreeDecoder(value: value, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> Decoder {
        let (value, path) = try next()
        return TreeDecoder(value: value, codingPath: path)
    }
}

private struct SingleTree: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [CodingKey]

    func decodeNil() -> Bool { value == .null }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try scalar(type, value, codingPath) }

    func decode(_ type: String.Type) throws -> String { try text(value, codingPath) }
}
