/// Undo: putting a participant back as it was. The store audits it like any other change, from the
/// participant before and after.
extension Participant {
    /// Restores `earlier` (the state before an action), provided nothing changed since that action
    /// (`expected`). Like any change to saved data it needs a reason: an undo never silently removes a
    /// score, an acknowledgement or a note. Returns the reason recorded with it.
    @discardableResult
    public mutating func revert(to earlier: Participant, expected: Participant, description: String, reason: String?) throws -> String? {
        let why = try FreeText.required(reason, what: "reason to undo \(description)")
        guard self == expected else {
            throw DomainError("\(subject) was changed after \(description); undo would overwrite that change, so nothing was undone.")
        }
        guard earlier.subject == subject else { throw DomainError("Undo refers to another participant; nothing was undone.") }
        let current = self
        self = earlier
        keepRecordNumbers(from: current)
        return "undo: \(description): \(why)"
    }
}
