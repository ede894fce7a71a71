import CohortDomain
import CohortStore

/// Signs `scope` of `subject` with a meaning, the key opened with the passphrase; returns the participant
/// before and after (the run loop provides it: keys are the executable's business).
public typealias RecordSigner = (_ subject: String, _ scope: SignatureScope, _ meaning: Signature.Meaning,
                                 _ passphrase: String) throws -> (before: Participant, after: Participant)

/// Executes effects against a store and reports their outcome as actions. The only place the view
/// models touch the store, through the `ParticipantStore` protocol.
public final class EffectRunner {
    private let store: ParticipantStore
    private let today: CivilDate
    private let user: String
    /// Signs a record for the TUI (the run loop opens the key with the passphrase); nil: nobody can sign here.
    public var signer: RecordSigner?
    /// Checks a user's passphrase for the idle lock: nil when right, else why not (the front end opens the
    /// sealed key and counts a wrong one; nil here refuses every passphrase).
    public var unlock: ((String, String) -> String?)?
    /// Syncs the store with its git remote and says what went out and came in (the front end runs git);
    /// nil: the store is not synced.
    public var syncer: (() throws -> (lines: [String], at: Moment))?

    /// A runner over `store`; `unlock` checks passphrases at the idle lock.
    public init(store: ParticipantStore, today: CivilDate, user: String, unlock: ((String, String) -> String?)? = nil) {
        self.store = store; self.today = today; self.user = user; self.unlock = unlock
    }

    /// Runs one effect; nil for `quit` (which the run loop handles) and for a `watch` that found nothing.
    public func run(_ effect: Effect) -> Action? {
        do {
            switch effect {
            case .quit:
                return nil
            case .sync:
                guard let syncer else { throw DomainError("This store is not synced with other machines: run cohort sync setup REMOTE first (README, \"Several machines\").") }
                let result = try syncer()
                return .synced(lines: result.lines, at: result.at)
            case .unlock(let name, let passphrase):
                return .unlocked(refusal: unlock.map { $0(name, passphrase) } ?? "No passphrase can be checked here.")
            case .load, .readMore:
                // Without a usable cache the store reads a step at a time: each part read is a frame.
                let loaded = store.loadTable(.stepwise)
                var snapshot = Snapshot(table: loaded.table, unreadable: loaded.unreadable, isFullyChecked: loaded.isFullyChecked,
                                        context: store.context, site: store.site.name, siteNumber: store.site.number)
                snapshot.reading = loaded.reading
                return .loaded(snapshot)
            case .checkFiles:
                let loaded = store.loadTable(.full)
                return .checked(loaded.differsFromLastLoad ? loaded.table : nil, unreadable: loaded.unreadable, reread: loaded.reread)
            case .fetch(let subject, let intent):
                return .fetched(try store.participant(subject), then: intent)
            case .refresh(let subject):
                return .refreshed(try store.participant(subject))
            case .watch:
                guard store.hasChanged() else { return nil }
                let loaded = store.loadTable(.full)
                return .checked(loaded.differsFromLastLoad ? loaded.table : nil, unreadable: loaded.unreadable, reread: loaded.reread)
            case .apply(let change, let basis):
                let (before, after) = try store.apply(change, basis: basis, today: today, user: user)
                return .saved(change: change.description, participant: after, before: before, undoable: change.isUndoable)
            case .enroll(let request):
                let participant = try store.enroll(request, today: today)
                return .saved(change: "\(participant.subject) enrolled in \(participant.study)", participant: participant, before: nil, undoable: false)
            case .loadSummaryRecords(let day, let zone):
                // The same pass as `cohort summary`, over the digests the store holds now.
                let (records, _) = try store.summaryRecords(on: day, zone: zone, table: store.loadTable(.quick).table)
                return .summaryRecordsLoaded(day: day, records)
            case .loadQueue:
                var items: [QueueItem] = []
                for subject in try store.subjects() {
                    guard let participant = try? store.participant(subject),
                          let studyProtocol = store.context.protocols[participant.study] else { continue }
                    items += participant.pendingSignatures(studyProtocol: studyProtocol, trusted: store.signatureTrust(of: participant)).map {
                        QueueItem($0, participant: participant, studyProtocol: studyProtocol)
                    }
                }
                return .queueLoaded(items.sorted { $0.pending < $1.pending })
            case .sign(let subject, let scope, let meaning, let passphrase):
                guard let signer else { throw DomainError("Nobody can sign in this copy of Cohort: the store has no users.") }
                let (before, after) = try signer(subject, scope, meaning, passphrase)
                let manifestation = after.signatures.last?.manifestation ?? "signed"
                return .saved(change: "\(subject) \(scope) — \(manifestation)", participant: after, before: before, undoable: false)
            case .loadAudit(let subject):
                let trail = try store.auditTrail(subject: subject)
                let participant = try? store.participant(subject)
                return .auditLoaded(subject: subject, records: AuditLine.lines(trail.records, participant: participant),
                                    problems: trail.problems)
            }
        } catch let error as StaleChange {
            if case .apply(let change, _) = effect { return .stale(change: change.description, latest: error.latest) }
            return .failed("\(error.latest.subject) was changed elsewhere; nothing was saved.")
        } catch let error as DomainError {
            return .failed(error.message)
        } catch let error as StoreError {
            return .failed(error.message)
        } catch {
            return .failed("\(error)")
        }
    }
}
