/// Undo: putting a participant back as it was, audited like any other change.
extension Participant {
    /// The field changes that turn `self` into `target` (same subject), for the audit trail.
    public func changes(to target: Participant) -> [FieldChange] {
        var changes: [FieldChange] = []
        if status != target.status {
            changes.append(FieldChange(entity: "participant", field: "status", old: status.rawValue, new: target.status.rawValue))
        }
        if exit != target.exit {
            changes.append(FieldChange(entity: "participant", field: "exit", old: exit.map { "\($0.date) \($0.reason)" },
                                       new: target.exit.map { "\($0.date) \($0.reason)" }))
        }
        for old in visits { if let new = target.visit(old.code) { changes += old.changes(to: new) } }
        let keys = Set((administrations + target.administrations).map { "\($0.visit) \($0.scale)" })
        for key in keys.sorted() {
            let old = administrations.first { "\($0.visit) \($0.scale)" == key }
            let new = target.administrations.first { "\($0.visit) \($0.scale)" == key }
            guard old != new else { continue }
            let entity = "score \(key)"
            if old?.items != new?.items { changes.append(FieldChange(entity: entity, field: "items", old: old?.scoreText, new: new?.scoreText)) }
            if old?.date != new?.date { changes.append(FieldChange(entity: entity, field: "date", old: old?.date.description, new: new?.date.description)) }
            if old?.rater != new?.rater { changes.append(FieldChange(entity: entity, field: "rater", old: old?.rater, new: new?.rater)) }
        }
        for acknowledgement in acknowledgements where !target.acknowledgements.contains(acknowledgement) {
            changes.append(FieldChange(entity: "flag \(acknowledgement.visit) \(acknowledgement.flag)", field: "acknowledged",
                                       old: "\(acknowledgement.date) by \(acknowledgement.user)", new: nil))
        }
        for acknowledgement in target.acknowledgements where !acknowledgements.contains(acknowledgement) {
            changes.append(FieldChange(entity: "flag \(acknowledgement.visit) \(acknowledgement.flag)", field: "acknowledged",
                                       old: nil, new: "\(acknowledgement.date) by \(acknowledgement.user)"))
        }
        let noteVisits = Set((deviationNotes + target.deviationNotes).map(\.visit))
        for visit in noteVisits.sorted() {
            let old = deviationNotes.first { $0.visit == visit }?.note, new = target.deviationNotes.first { $0.visit == visit }?.note
            if old != new { changes.append(FieldChange(entity: "deviation \(visit)", field: "note", old: old, new: new)) }
        }
        return changes
    }

    /// Restores `earlier` (the state before an action), provided nothing changed since that action (`expected`).
    public mutating func revert(to earlier: Participant, expected: Participant, description: String) throws -> Mutation {
        guard self == expected else {
            throw DomainError("\(subject) was changed after \(description); undo would overwrite that change, so nothing was undone.")
        }
        guard earlier.subject == subject else { throw DomainError("Undo refers to another participant; nothing was undone.") }
        let changes = self.changes(to: earlier)
        self = earlier
        return Mutation(changes: changes, reason: "undo: \(description)")
    }
}
