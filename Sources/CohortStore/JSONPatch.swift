import Foundation

/// One operation of an RFC 6902 JSON Patch, with the value it replaced or removed kept beside it, so the
/// trail reads forwards (replay) and says what was there before.
public struct PatchOperation: Equatable, Sendable {
    /// The kinds of operation the trail uses.
    public enum Op: String, Sendable, Codable {
        case add, replace, remove
    }

    /// What the operation does.
    public var op: Op
    /// A JSON Pointer (RFC 6901) into the document.
    public var path: String
    /// The new value (`add`, `replace`).
    public var value: JSONValue?
    /// The value before (`replace`, `remove`).
    public var old: JSONValue?

    /// Creates an operation.
    public init(op: Op, path: String, value: JSONValue? = nil, old: JSONValue? = nil) {
        self.op = op; self.path = path; self.value = value; self.old = old
    }
}

/// Differences between two documents as patch operations, and their replay.
public enum JSONPatch {
    /// Why an operation cannot be applied: the trail does not fit the document it is replayed onto.
    public struct Mismatch: Error, CustomStringConvertible {
        /// What does not fit.
        public let description: String
    }

    /// The operations that turn `old` into `new`. Objects are compared member by member (sorted keys),
    /// arrays element by element, with elements added or removed at the end; anything else is replaced.
    public static func diff(from old: JSONValue, to new: JSONValue) -> [PatchOperation] {
        var operations: [PatchOperation] = []
        diff(old, new, path: "", into: &operations)
        return operations
    }

    private static func diff(_ old: JSONValue, _ new: JSONValue, path: String, into operations: inout [PatchOperation]) {
        guard old != new else { return }
        switch (old, new) {
        case (.object(let before), .object(let after)):
            for key in Set(before.keys).union(after.keys).sorted() {
                let child = path + "/" + escape(key)
                switch (before[key], after[key]) {
                case (let was?, let now?): diff(was, now, path: child, into: &operations)
                case (let was?, nil): operations.append(PatchOperation(op: .remove, path: child, old: was))
                case (nil, let now?): operations.append(PatchOperation(op: .add, path: child, value: now))
                case (nil, nil): break
                }
            }
        case (.array(let before), .array(let after)):
            let common = min(before.count, after.count)
            for index in 0..<common { diff(before[index], after[index], path: path + "/\(index)", into: &operations) }
            for index in common..<after.count { operations.append(PatchOperation(op: .add, path: path + "/\(index)", value: after[index])) }
            // Removed from the end backwards, so each index is valid when its operation is applied.
            for index in (common..<before.count).reversed() {
                operations.append(PatchOperation(op: .remove, path: path + "/\(index)", old: before[index]))
            }
        default:
            operations.append(PatchOperation(op: .replace, path: path, value: new, old: old))
        }
    }

    /// Applies `operation` to `document`. `replace` and `remove` require the value there to equal the
    /// operation's `old`, so a trail that does not match the data it claims to describe is caught.
    public static func apply(_ operation: PatchOperation, to document: inout JSONValue) throws {
        let tokens = try pointerTokens(operation.path)
        try apply(operation, tokens: tokens[...], to: &document)
    }

    /// Undoes `operation` on `document`, the state just after it: the trail read backwards from the data
    /// (docs/RULES.md, "The day's lists and the summary"). Exact, as `apply` is strict: an `add` puts a member
    /// or element where none was, and `replace` and `remove` carry what was there. Throws where the document
    /// does not hold what the operation left (or for an operation on the whole document).
    public static func revert(_ operation: PatchOperation, in document: inout JSONValue) throws {
        let inverse: PatchOperation
        switch operation.op {
        case .add: inverse = PatchOperation(op: .remove, path: operation.path, old: try required(operation.value, operation))
        case .replace: inverse = PatchOperation(op: .replace, path: operation.path, value: operation.old, old: operation.value)
        case .remove: inverse = PatchOperation(op: .add, path: operation.path, value: operation.old)
        }
        guard !inverse.path.isEmpty else { throw Mismatch(description: "the whole document's \(operation.op.rawValue) is not undone") }
        try apply(inverse, to: &document)
    }

    private static func apply(_ operation: PatchOperation, tokens: ArraySlice<String>, to node: inout JSONValue) throws {
        guard let token = tokens.first else {
            // The whole document.
            switch operation.op {
            case .add: node = try required(operation.value, operation)
            case .replace:
                try requireOld(node, operation)
                node = try required(operation.value, operation)
            case .remove: throw Mismatch(description: "\(operation.path): the whole document cannot be removed")
            }
            return
        }
        let isLast = tokens.count == 1
        switch node {
        case .object(var members):
            node = .null // so `members` is the only reference and changes in place
            defer { node = .object(members) }
            if isLast {
                switch operation.op {
                case .add:
                    // Only a member that is not there: the trail's `add` never overwrites, so a record is undone
                    // exactly by removing what it added (`revert`).
                    guard members.index(forKey: token) == nil else { throw Mismatch(description: "\(operation.path): already there (add puts only a new member)") }
                    members[token] = try required(operation.value, operation)
                case .replace:
                    guard let index = members.index(forKey: token) else { throw Mismatch(description: "\(operation.path): nothing to replace") }
                    try requireOld(members.values[index], operation)
                    members.values[index] = try required(operation.value, operation)
                case .remove:
                    guard let index = members.index(forKey: token) else { throw Mismatch(description: "\(operation.path): nothing to remove") }
                    try requireOld(members.values[index], operation)
                    members.remove(at: index)
                }
            } else {
                // Changed where it is: one look-up, no removal and insertion.
                guard let index = members.index(forKey: token) else { throw Mismatch(description: "\(operation.path): no member \(token)") }
                try apply(operation, tokens: tokens.dropFirst(), to: &members.values[index])
            }
        case .array(var elements):
            node = .null
            defer { node = .array(elements) }
            let index: Int
            if token == "-" && isLast && operation.op == .add {
                index = elements.count
            } else {
                guard let parsed = Int(token), parsed >= 0, String(parsed) == token else {
                    throw Mismatch(description: "\(operation.path): '\(token)' is not an array index")
                }
                index = parsed
            }
            if isLast {
                switch operation.op {
                case .add:
                    guard index <= elements.count else { throw Mismatch(description: "\(operation.path): index past the end") }
                    elements.insert(try required(operation.value, operation), at: index)
                case .replace:
                    guard index < elements.count else { throw Mismatch(description: "\(operation.path): nothing to replace") }
                    try requireOld(elements[index], operation)
                    elements[index] = try required(operation.value, operation)
                case .remove:
                    guard index < elements.count else { throw Mismatch(description: "\(operation.path): nothing to remove") }
                    try requireOld(elements[index], operation)
                    elements.remove(at: index)
                }
            } else {
                guard index < elements.count else { throw Mismatch(description: "\(operation.path): no element \(index)") }
                try apply(operation, tokens: tokens.dropFirst(), to: &elements[index])
            }
        default:
            throw Mismatch(description: "\(operation.path): \(token) is inside a value that is neither an object nor an array")
        }
    }

    private static func required(_ value: JSONValue?, _ operation: PatchOperation) throws -> JSONValue {
        guard let value else { throw Mismatch(description: "\(operation.path): \(operation.op.rawValue) without a value") }
        return value
    }

    private static func requireOld(_ current: JSONValue, _ operation: PatchOperation) throws {
        guard let old = operation.old else { throw Mismatch(description: "\(operation.path): \(operation.op.rawValue) without the old value") }
        guard old == current else {
            throw Mismatch(description: "\(operation.path): the record says it held \(String(decoding: old.canonicalBytes(), as: UTF8.self)) but it held \(String(decoding: current.canonicalBytes(), as: UTF8.self))")
        }
    }

    /// The reference tokens of a JSON Pointer (`~1` is `/`, `~0` is `~`).
    static func pointerTokens(_ pointer: String) throws -> [String] {
        guard !pointer.isEmpty else { return [] }
        guard pointer.hasPrefix("/") else { throw Mismatch(description: "'\(pointer)' is not a JSON Pointer") }
        // One pass over the bytes (every record of every trail is replayed through here).
        var tokens: [String] = []
        var text = pointer
        text.withUTF8 { bytes in
            var start = 1, hasTilde = false
            for index in 1...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "/") || bytes[index] == UInt8(ascii: "~") {
                if index < bytes.count && bytes[index] == UInt8(ascii: "~") { hasTilde = true; continue }
                let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                tokens.append(hasTilde ? token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") : token)
                start = index + 1
                hasTilde = false
            }
        }
        return tokens
    }

    /// A member name as a pointer token.
    static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
