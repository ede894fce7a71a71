/// Undo: putting a participant back as it was. The store audits it like any other change, from the
/// participant before and after.
extension Participant {
    /// Restores `earlier` (the state before an action), provided nothing changed since that action
    /// (`expected`). Returns the reason recorded with it.
    @discardableResult
    public mutating func revert(to earlier: Participant, expected: Participant, description: String) throws -> String? {
        guard self == expected else {
            throw DomainError("\(subject) was changed after \(description); undo would overwrite that change, so nothing was undone.")
        }
        guard earlier.subject == subject else { throw DomainError("Undo refers to another participant; nothing was undone.") }
        self = earlier
        return "undo: \(description)"
    }
}
