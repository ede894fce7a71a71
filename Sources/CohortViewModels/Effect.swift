import CohortDomain
import Foundation

/// Work the run loop does for the view model; its outcome comes back as an `Action`.
public indirect enum Effect: Equatable, Sendable {
    /// Read the review table (start-up): from the cache when the store says it is current.
    case load
    /// Check every file against the table shown, once the first frame is on screen.
    case checkFiles
    /// Read the next part of a store being read file by file (no usable cache), once the frame that says
    /// how far the reading has got is on screen.
    case readMore
    /// Read one participant in full, then carry on with `then`.
    case fetch(subject: String, then: Intent?)
    /// Read again a participant on screen whose file changed (its digest may not have).
    case refresh(subject: String)
    /// Save a change through the store; `basis` is the participant as the screen showed it (nil: apply to
    /// whatever is saved).
    case apply(Change, basis: Participant?)
    /// Look whether another copy changed the store (every second while no key is pressed).
    case watch
    /// Save a new participant.
    case enroll(EnrollmentRequest)
    /// Read a participant's audit trail.
    case loadAudit(subject: String)
    /// Read the summary's lists that need the records (late entries, open safety, acknowledgements) for `day`.
    case loadSummaryRecords(day: CivilDate, zone: TimeZone)
    /// Read what awaits a signature, every participant read whole (the investigator's queue).
    case loadQueue
    /// Sign `scope` of `subject` with `meaning`, the key opened with `passphrase` (docs/RULES.md, "Signatures").
    case sign(subject: String, scope: SignatureScope, meaning: Signature.Meaning, passphrase: String)
    /// Check `passphrase` against `user`'s sealed key, to lift the idle lock (a wrong one is counted).
    case unlock(user: String, passphrase: String)
    /// Leave the program.
    case quit

    /// Effects that wait until the frame in hand is drawn: the screen first, then the slower check.
    public var waitsForFrame: Bool { self == .checkFiles || self == .readMore }
}
