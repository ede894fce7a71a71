import CohortStore

extension JSONValue {
    /// SHA-256 of the canonical text: what an audit record's `state` holds.
    public var stateHash: String { SHA256.hex(canonicalBytes()) }

    /// SHA-256 of the JSON text `text` with the white space between its tokens left out. A file Cohort wrote
    /// sorts its members as the canonical text does, so this is most often the `stateHash` of the value
    /// `text` holds, at a fraction of its cost (no tree written again). Equal hashes are equal texts, so a
    /// match proves the value is that state; no match proves nothing (another writer's order or escapes),
    /// and the caller asks the tree.
    static func compactHash(of text: ArraySlice<UInt8>) -> String {
        let compact = [UInt8](unsafeUninitializedCapacity: text.count) { output, count in
            text.withUnsafeBufferPointer { input in
                var inString = false, escaped = false
                for byte in input {
                    if inString {
                        if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                    } else if byte == UInt8(ascii: "\"") {
                        inString = true
                    } else if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                        continue
                    }
                    output[count] = byte
                    count += 1
                }
            }
        }
        return SHA256.hex(compact)
    }
}
