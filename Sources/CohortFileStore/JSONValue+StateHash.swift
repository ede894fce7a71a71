import CohortStore

extension JSONValue {
    /// SHA-256 of the canonical text: what an audit record's `state` holds.
    public var stateHash: String { SHA256.hex(canonicalBytes()) }
}
