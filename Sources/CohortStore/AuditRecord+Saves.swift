/// Which records were made by an authenticated person (docs/RULES.md, "Users and roles"): decided by the
/// record itself, never by the time authentication was turned on. A save is authenticated when its last
/// record carries its author's signature (`sig`); every record of the save shares that answer.
extension AuditRecord {
    /// For each record of `records` (one chain, oldest first), whether the save it belongs to is signed.
    /// A save ends at the record that holds the data's state; records after the last such record belong to
    /// no finished save and read unauthenticated.
    public static func signedSaves(_ records: [AuditRecord]) -> [Bool] {
        var answers: [Bool] = []
        answers.reserveCapacity(records.count)
        var start = 0
        for (index, record) in records.enumerated() where record.state != nil {
            answers += Array(repeating: record.signature != nil, count: index + 1 - start)
            start = index + 1
        }
        return answers + Array(repeating: false, count: records.count - start)
    }

    /// The author as the trail shows them: the name, marked "(unauthenticated)" when the save is unsigned
    /// (attribution by `--user` alone).
    public static func shownUser(_ user: String, authenticated: Bool) -> String {
        authenticated ? user : user + " (unauthenticated)"
    }
}
