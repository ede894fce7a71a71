import CohortDomain
import CohortStore
import Foundation
/// Decodes a `Decodable` value from a `JSONValue` tree already parsed: `verify` reads every participant
/// file once, as a tree to compare with the replay of its trail, and takes the typed participant from
/// the same tree instead of parsing the text again with Foundation's decoder. Plain JSON only: no key or
/// date strategies (the store uses none).
struct JSONValueDecoder {
    /// Decodes `type` from `value`; with `memo`, each object and array is decoded once for all the trees
    /// decoded with it (`DecodedSubtrees`).
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, memo: DecodedSubtrees? = nil) throws -> T {
        memo?.keep(value)
        return try scalar(type, value, memo, [])
    }
}

/// What was decoded from trees, by the storage of each object or array and the type it was decoded as: a
/// second tree that shares most of its storage with the first (a participant before a day's records,
/// undone from the data: only the objects and arrays on the changed paths were copied) is decoded again
/// only where the records changed it. Decoding is a function of the tree and the type alone, and storage
/// is never changed while it is shared, so the same storage decodes to the same value; the trees are
/// kept while this lives, so no storage it names is freed and reused for another.
final class DecodedSubtrees {
    fileprivate struct Key: Hashable {
        let storage: UnsafeRawPointer
        let type: ObjectIdentifier
    }

    fileprivate var values: [Key: Any] = [:]
    private var trees: [JSONValue] = []

    init() {}

    fileprivate func keep(_ tree: JSONValue) { trees.append(tree) }

    /// How many objects and arrays were decoded.
    var count: Int { values.count }
}

extension JSONValue {
    /// The storage of an object's members or of an array's elements; nil for any other value. Every empty
    /// array (and every empty object) shares one storage: harmless, as they decode alike for a type.
    fileprivate var storage: UnsafeRawPointer? {
        switch self {
        case .array(let elements): return elements.withUnsafeBufferPointer { $0.baseAddress.map(UnsafeRawPointer.init) }
        // A native dictionary is one reference to its storage (Linux has no other kind).
        case .object(let members): return unsafeBitCast(members, to: UnsafeRawPointer.self)
        default: return nil
        }
    }
}

private struct TreeDecoder: Decoder {
    let value: JSONValue
    let codingPath: [CodingKey]
    let memo: DecodedSubtrees?
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch("an object") }
        return KeyedDecodingContainer(KeyedTree<Key>(members: members, codingPath: codingPath, memo: memo))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch("an array") }
        return UnkeyedTree(elements: elements, codingPath: codingPath, memo: memo)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { SingleTree(value: value, codingPath: codingPath, memo: memo) }
}

/// Scalars, shared by the three containers. The coding path is built only for an error or a nested value:
/// building it for every member was most of the decoder's cost (docs/DECISIONS.md, "verify: where the
/// instructions went").
private func scalar<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ memo: DecodedSubtrees?, _ path: @autoclosure () -> [CodingKey]) throws -> T {
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
    case is [Int?].Type:
        // Score items, most of a participant's values: the whole list read here, not item by item through
        // `Array`'s and `Optional`'s own decoding (a container, a coding path and these casts per item).
        guard case .array(let elements) = value else { throw mismatch() }
        var items: [Int?] = []
        items.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            switch element {
            case .null: items.append(nil)
            case .int(let number): items.append(number)
            default: throw DecodingError.typeMismatch(Int?.self, .init(codingPath: path() + [ElementKey(index)], debugDescription: "the value has another type"))
            }
        }
        return items as! T
    case is CivilDate.Type:
        // `CivilDate.init(from:)` is this; anything else takes it, for its error.
        if case .string(let text) = value, let date = CivilDate(text) { return date as! T }
        return try T(from: TreeDecoder(value: value, codingPath: path(), memo: memo))
    default:
        if case .object(let members) = value, let read = try commonRecord(type, Fields(members: members, path: path(), memo: memo)) { return read }
        guard let memo, let storage = value.storage else { return try T(from: TreeDecoder(value: value, codingPath: path(), memo: memo)) }
        let key = DecodedSubtrees.Key(storage: storage, type: ObjectIdentifier(type))
        if let decoded = memo.values[key] { return decoded as! T }
        let decoded = try T(from: TreeDecoder(value: value, codingPath: path(), memo: memo))
        memo.values[key] = decoded
        return decoded
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
    let memo: DecodedSubtrees?
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
        try scalar(type, try member(key), memo, codingPath + [key])
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String { try text(try member(key), codingPath + [key]) }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(try member(key), codingPath + [key]) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = members[key.stringValue], !value.isNull else { return nil }
        return try scalar(type, value, memo, codingPath + [key])
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
        try TreeDecoder(value: try member(key), codingPath: codingPath + [key], memo: memo).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try TreeDecoder(value: try member(key), codingPath: codingPath + [key], memo: memo).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder { TreeDecoder(value: .object(members), codingPath: codingPath, memo: memo) }

    func superDecoder(forKey key: Key) throws -> Decoder { TreeDecoder(value: try member(key), codingPath: codingPath + [key], memo: memo) }
}

/// An array element's or a member's place in a coding path.
private struct ElementKey: CodingKey {
    let intValue: Int?
    let name: String?
    var stringValue: String { name ?? "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index; name = nil }
    init(_ name: String) { intValue = nil; self.name = name }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { self.init(intValue) }
}

private struct UnkeyedTree: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [CodingKey]
    let memo: DecodedSubtrees?
    var currentIndex = 0
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(elements: [JSONValue], codingPath: [CodingKey], memo: DecodedSubtrees?) {
        self.elements = elements; self.codingPath = codingPath; self.memo = memo
    }

    private mutating func next() throws -> (JSONValue, [CodingKey]) {
        let value = try nextValue()
        return (value, codingPath + [ElementKey(currentIndex - 1)])
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
        return try scalar(type, value, memo, codingPath + [ElementKey(index)])
    }

    mutating func decode(_ type: String.Type) throws -> String {
        let value = try nextValue(), index = currentIndex - 1
        return try text(value, codingPath + [ElementKey(index)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try next()
        return try TreeDecoder(value: value, codingPath: path, memo: memo).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try TreeDecoder(value: value, codingPath: path, memo: memo).unkeyedContainer()
    }

    mutating func superDecoder() throws -> Decoder {
        let (value, path) = try next()
        return TreeDecoder(value: value, codingPath: path, memo: memo)
    }
}

private struct SingleTree: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [CodingKey]
    let memo: DecodedSubtrees?

    func decodeNil() -> Bool { value == .null }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try scalar(type, value, memo, codingPath) }

    func decode(_ type: String.Type) throws -> String { try text(value, codingPath) }
}

// MARK: The commonest records, read without a container

/// One object's members read one by one, each decoded exactly as `KeyedTree` decodes a member (the same
/// values, the same errors): what a synthesized `init(from:)` does, without the keyed container, its box
/// and the generic dispatch of every member through it. Visits, scores, measures and eligibility answers
/// are most of a participant's objects, and decoding them through containers was most of reading one
/// (docs/DECISIONS.md, "The summary as recorded and `verify` within their goals").
private struct Fields {
    let members: [String: JSONValue]
    let path: [CodingKey]
    let memo: DecodedSubtrees?

    /// A member that must be there (a property that is not optional).
    func required<T: Decodable>(_ key: String) throws -> T {
        guard let value = members[key] else {
            throw DecodingError.keyNotFound(ElementKey(key), .init(codingPath: path, debugDescription: "'\(key)' is missing"))
        }
        return try scalar(T.self, value, memo, path + [ElementKey(key)])
    }

    /// A member that may be missing or null (an optional property).
    func optional<T: Decodable>(_ key: String) throws -> T? {
        guard let value = members[key], !value.isNull else { return nil }
        return try scalar(T.self, value, memo, path + [ElementKey(key)])
    }

    /// A member that must be there, of an enumeration written as its raw text.
    func choice<T: Decodable & RawRepresentable>(_ key: String) throws -> T where T.RawValue == String {
        if case .string(let text)? = members[key], let found = T(rawValue: text) { return found }
        // Missing, of another type or not one of the cases: the general path, for its error.
        return try required(key) as T
    }
}

/// `value` read as `type` when it is one of the commonest records; nil for any other type.
private func commonRecord<T>(_ type: T.Type, _ fields: @autoclosure () -> Fields) throws -> T? {
    if type == Participant.self { return try Participant.read(fields()) as? T }
    if type == VisitRecord.self { return try VisitRecord(fields()) as? T }
    if type == Administration.self { return try Administration(fields()) as? T }
    if type == CohortDomain.Measurement.self { return try CohortDomain.Measurement(fields()) as? T }
    if type == EligibilityRecord.self { return try EligibilityRecord(fields()) as? T }
    if type == [String: EligibilityRecord].self {
        let fields = fields()
        var answers: [String: EligibilityRecord] = [:]
        answers.reserveCapacity(fields.members.count)
        for key in fields.members.keys { answers[key] = try fields.required(key) as EligibilityRecord }
        return answers as? T
    }
    return nil
}

// Each reads every stored property of its type under the name its synthesized `Codable` gives it
// (`CommonRecordTests` holds each to `JSONDecoder` on a value with every property set).

extension Participant {
    /// The participant, read through its public initialiser and properties; nil (decoded through `Codable`
    /// instead) when the file holds what they cannot say: the remembered record numbers, which only the
    /// rules set, or an empty list where `Codable` would keep an empty list and the property keeps none.
    fileprivate static func read(_ fields: Fields) throws -> Participant? {
        if let numbers = fields.members["recordNumbers"], !numbers.isNull { return nil }
        let lists = ["adverseEvents", "medications", "measurements", "unscheduledVisits", "reconsents", "signatures", "eligibility", "conflicts"]
        for name in lists {
            switch fields.members[name] {
            case .array(let elements)? where elements.isEmpty: return nil
            case .object(let members)? where members.isEmpty: return nil
            default: continue
            }
        }
        var participant = Participant(subject: try fields.required("subject"), initials: try fields.required("initials"),
                                      birthYear: try fields.required("birthYear"), sex: try fields.choice("sex"), study: try fields.required("study"),
                                      arm: try fields.optional("arm"), consentDate: try fields.required("consentDate"),
                                      baselineDate: try fields.required("baselineDate"), status: try fields.choice("status"),
                                      exit: try fields.optional("exit"), visits: try fields.required("visits"),
                                      administrations: try fields.required("administrations"), acknowledgements: try fields.required("acknowledgements"),
                                      deviationClasses: try fields.required("deviationClasses"))
        participant.randomization = try fields.optional("randomization")
        participant.adverseEvents = try fields.optional("adverseEvents") ?? []
        participant.medications = try fields.optional("medications") ?? []
        participant.measurements = try fields.optional("measurements") ?? []
        participant.unscheduledVisits = try fields.optional("unscheduledVisits") ?? []
        participant.icfVersion = try fields.optional("icfVersion")
        participant.reconsents = try fields.optional("reconsents") ?? []
        participant.signatures = try fields.optional("signatures") ?? []
        participant.casebookLock = try fields.optional("casebookLock")
        participant.eligibility = try fields.optional("eligibility") ?? [:]
        participant.conflicts = try fields.optional("conflicts") ?? []
        return participant
    }
}

extension VisitRecord {
    fileprivate init(_ fields: Fields) throws {
        self.init(code: try fields.required("code"))
        status = try fields.choice("status")
        rescheduledDate = try fields.optional("rescheduledDate")
        rescheduleReason = try fields.optional("rescheduleReason")
        completedDate = try fields.optional("completedDate")
        missedDate = try fields.optional("missedDate")
        missedReason = try fields.optional("missedReason")
        note = try fields.optional("note")
    }
}

extension Administration {
    fileprivate init(_ fields: Fields) throws {
        self.init(visit: try fields.required("visit"), scale: try fields.required("scale"), date: try fields.required("date"),
                  items: try fields.required("items"), rater: try fields.optional("rater"), notDoneReason: try fields.optional("notDoneReason"))
        corrections = try fields.optional("corrections")
    }
}

extension CohortDomain.Measurement {
    fileprivate init(_ fields: Fields) throws {
        self.init(visit: try fields.required("visit"), test: try fields.required("test"), value: try fields.optional("value"),
                  unit: try fields.required("unit"), date: try fields.required("date"), range: try fields.optional("range"),
                  notDone: try fields.optional("notDone"), assessment: try fields.optional("assessment"))
    }
}

extension EligibilityRecord {
    fileprivate init(_ fields: Fields) throws {
        self.init(answer: try fields.choice("answer"), source: try fields.optional("source"))
    }
}
