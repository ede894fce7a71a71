import CohortFileStore
import Foundation

/// The file store merges one participant (`mergeParticipant`, docs/RULES.md, "Merging and conflicts"):
/// the sync engine hands it the three versions' bytes git kept.
extension JSONFileStore: ParticipantMerger {
    /// `mergeParticipant`, in the sync engine's terms.
    public func merge(subject: String, base: SyncedFiles?, mine: SyncedFiles, theirs: SyncedFiles) throws -> SyncMergeOutcome {
        func files(_ synced: SyncedFiles) -> ParticipantFiles { ParticipantFiles(data: synced.data, trail: synced.trail) }
        let result = try mergeParticipant(subject: subject, base: base.map(files), mine: files(mine), theirs: files(theirs))
        return SyncMergeOutcome(files: SyncedFiles(data: result.files.data, trail: result.files.trail), branch: result.branch, kept: result.kept,
                                conflicts: result.conflicts.count)
    }
}
