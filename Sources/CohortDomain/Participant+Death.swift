/// Nothing is dated after a death (docs/RULES.md, "Adverse events and medications", after a death): the
/// one rule that every change (`Change.apply`) and `cohort verify` use, so no action checks it its own way.
extension Participant {
    /// The day of death: a withdrawal for death, or the end of an adverse event with outcome fatal,
    /// whichever is earlier; nil while neither is recorded.
    public var dayOfDeath: CivilDate? {
        let withdrawal = exit?.category == .death ? exit?.date : nil
        let fatal = adverseEvents.filter { $0.outcome == .fatal }.compactMap(\.end).min()
        return [withdrawal, fatal].compactMap { $0 }.min()
    }

    /// Everything recorded on a day after the day of death, each a short phrase naming it
    /// ("W2 completed on 2026-11-22"); empty when there is no death or nothing after it. What the site
    /// does after a death — reporting the event to the sponsor, learning of it, acknowledging a flag — is
    /// the site's record, not the participant's, and is not counted.
    public func recordedAfterDeath() -> [String] {
        guard let death = dayOfDeath else { return [] }
        return datedEntries.filter { $0.date > death }.map { "\($0.what) on \($0.date)" }
    }

    /// Refuses a change that leaves something dated after the day of death that was not so before it
    /// (`before`: `recordedAfterDeath()` ahead of the change). What an earlier version let through stays
    /// correctable: a change that does not add to it is not refused; `verify` names it.
    func requireNothingNewAfterDeath(than before: [String]) throws {
        let added = recordedAfterDeath().filter { !before.contains($0) }
        guard let death = dayOfDeath, !added.isEmpty else { return }
        let how = exit?.category == .death && exit?.date == death ? "withdrawn for death on \(death)" : "died on \(death) (a fatal adverse event ended that day)"
        throw DomainError("\(subject) \(how); nothing is recorded after the day of death, and this would leave after it: "
                          + added.prefix(5).joined(separator: ", ") + (added.count > 5 ? " and \(added.count - 5) more" : "")
                          + ". Check the dates.")
    }
}
