import CohortDomain

/// Input to the view model: a key's intent, typed text, or the outcome of an effect.
public indirect enum Action: Equatable, Sendable {
    /// A bound key's intent.
    case intent(Intent)
    /// A printable character typed where text is expected.
    case type(Character)
    /// The terminal changed size (rows available for lists).
    case resized(rows: Int)
    /// The runner checked the passphrase typed at the idle lock: nil when right, else why not.
    case unlocked(refusal: String?)
    /// The clock moved on (before each frame: report deadlines count down).
    case clock(Moment)
    /// The store was read.
    case loaded(Snapshot)
    /// Every file was checked against the table shown: the table as the files have it (nil when it is the
    /// one shown), the subjects whose files could not be read, and those whose files changed (read again).
    case checked(ReviewTable?, unreadable: [String], reread: Set<String> = [])
    /// A participant on screen whose file changed was read again, to be compared with the one shown.
    case refreshed(Participant)
    /// A participant was read in full, so `then` can go ahead.
    case fetched(Participant, then: Intent?)
    /// A change was saved; `before` is the participant as it was (nil for an enrollment).
    case saved(change: String, participant: Participant, before: Participant?, undoable: Bool)
    /// A change was not saved because the participant was saved differently since the screen read it.
    case stale(change: String, latest: Participant)
    /// The store synced with its remote at `at`: what went out and came in, in words.
    case synced(lines: [String], at: Moment)
    /// An effect failed; the message says why and nothing was written.
    case failed(String)
    /// The summary's lists read from the records for `day` (`Effect.loadSummaryRecords`).
    case summaryRecordsLoaded(day: CivilDate, DaySummary.Records)
    /// The investigator's queue was read: what awaits a signature, oldest first.
    case queueLoaded([QueueItem])
    /// A participant's audit trail was read; `problems` says why it does not verify (empty when it does).
    case auditLoaded(subject: String, records: [AuditLine], problems: [String])
}
