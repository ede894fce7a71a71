import CohortDomain
import Foundation

/// One participant's files as they stand in one version of the store: its data file and its trail.
public struct SyncedFiles: Equatable, Sendable {
    /// `participants/SUBJECT.json`.
    public var data: Data
    /// `audit/SUBJECT.jsonl`.
    public var trail: Data

    /// The two files' bytes.
    public init(data: Data, trail: Data) {
        self.data = data
        self.trail = trail
    }
}

/// What the merge of one participant gave: the files to write, an extra file to add (the other side's
/// original records, kept whole), and how many conflicts it left in the participant's data.
public struct SyncMergeOutcome: Sendable {
    /// The merged data and trail.
    public var files: SyncedFiles
    /// A file to add to the store beside them (a path inside the store, and its bytes).
    public var branch: (path: String, bytes: Data)?
    /// A second file to add beside it (a participant enrolled on two machines: the data of the one kept aside).
    public var kept: (path: String, bytes: Data)?
    /// The conflicts the merge found, listed in the participant's data.
    public var conflicts: Int

    /// An outcome.
    public init(files: SyncedFiles, branch: (path: String, bytes: Data)? = nil, kept: (path: String, bytes: Data)? = nil, conflicts: Int = 0) {
        self.files = files
        self.branch = branch
        self.kept = kept
        self.conflicts = conflicts
    }
}

/// Merges one participant changed on both machines since their common version: bytes in, bytes out, no
/// git. The sync engine calls it for every participant git left conflicted
/// (docs/RULES.md, "Several machines").
public protocol ParticipantMerger {
    /// Merges `subject`, changed on both sides since `base` (nil: created on both sides). `theirs` is the
    /// remote's version, already published: other machines may hold its records.
    func merge(subject: String, base: SyncedFiles?, mine: SyncedFiles, theirs: SyncedFiles) throws -> SyncMergeOutcome
}

/// The merger of a build without the participant merge: refuses, naming the participant, so the sync
/// stops with nothing merged.
public struct RefusingMerger: ParticipantMerger {
    /// The merger.
    public init() {}

    /// Refuses.
    public func merge(subject: String, base: SyncedFiles?, mine: SyncedFiles, theirs: SyncedFiles) throws -> SyncMergeOutcome {
        throw DomainError("\(subject) was changed on this machine and on another since they last synced, and this version cannot merge one participant's changes yet. Nothing was merged; your work is committed here.")
    }
}
