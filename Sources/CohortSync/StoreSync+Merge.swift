import CohortDomain
import CohortFileStore
import CohortStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension StoreSync {
    /// `cohort sync`: under the store lock, commits this machine's changes, fetches, refuses a remote whose
    /// history no longer holds the head this machine last saw, then fast-forwards or merges (participants
    /// changed on both sides through `merger`), commits and pushes, never forced. A push refused because the
    /// remote moved keeps the merge commit and merges the remote's new head on top of it.
    public func sync(store: JSONFileStore, merger: ParticipantMerger, now: Date, progress: (String) -> Void = { _ in }) throws -> SyncReport {
        try FileLock.withLock(lockPath, timeout: 30) {
            try recoverLocked()
            progress("Committing this machine's changes…")
            _ = try commitLocalLocked()
            guard var local = try git.commit("HEAD") else { throw Self.notSynced(directory) }
            var report = SyncReport(pushed: 0, received: [], conflicts: 0)
            for attempt in 1...Self.attempts {
                progress("Fetching from the remote…")
                let theirs = try fetch()
                try requireHistoryKept(theirs)
                report = SyncReport(pushed: 0, received: [], conflicts: 0)
                var head = local
                if let theirs, theirs != local, try !git.isAncestor(theirs, of: local) {
                    try DurableFile.replace(inProgressFile, with: Array((local + "\n" + theirs + "\n").utf8))
                    if try git.isAncestor(local, of: theirs) {
                        progress("Bringing in the remote's changes…")
                        let incoming = try self.incoming(base: local, theirs: theirs)
                        if !incoming.problems.isEmpty { try refuseIncoming(incoming.problems, local: local) }
                        report.received = try received(base: local, theirs: theirs)
                        try git.checked(["merge", "-q", "--ff-only", "--no-verify", theirs])
                        // What came in is checked before anything else is written or published.
                        let problems = store.incomingProblems(subjects: incoming.subjects.sorted(), storeWide: incoming.storeWide)
                        if !problems.isEmpty { try refuseIncoming(problems, local: local) }
                        // A merge made elsewhere may have re-applied this machine's saves: its ledger follows.
                        if let ledger = try store.noteSyncedHeads(report.received.map(\.subject)) {
                            try git.checked(["add", "--", ledger])
                            try git.checked(["commit", "-q", "--no-verify", "-m", message("Cohort: this machine's ledger notes the heads a merge made")])
                        }
                    } else {
                        progress("Merging the remote's changes…")
                        let merged = try mergeLocked(store: store, local: local, theirs: theirs, merger: merger)
                        report.received = merged.received
                        report.conflicts = merged.conflicts
                    }
                    head = try git.commit("HEAD")!
                }
                if let theirs, head == theirs {
                    try noteRemote(theirs, at: now)
                    unlink(inProgressFile)
                    return report
                }
                progress("Sending this machine's changes…")
                if try push(head) {
                    report.pushed = Set(try git.changedPaths(from: theirs ?? emptyTree(), to: head).compactMap { Self.subject(of: $0.path) }).count
                    try noteRemote(head, at: now)
                    unlink(inProgressFile)
                    return report
                }
                // The remote moved between the fetch and the push. The merge commit is complete and kept (a
                // commit is never dropped; docs/RULES.md, "Several machines"): fetch and merge again on top.
                local = head
                unlink(inProgressFile)
                if attempt == Self.attempts { break }
            }
            throw DomainError("The remote kept changing while this machine merged (\(Self.attempts) tries). Nothing was lost: your work is committed here; sync again in a moment.")
        }
    }

    /// Guarantee 5: the fetched remote head must still hold the last remote head this machine saw.
    func requireHistoryKept(_ theirs: String?) throws {
        guard let seen = try lastRemote() else { return }
        guard let theirs, try git.commit(seen) != nil, try git.isAncestor(seen, of: theirs) else {
            throw DomainError("The remote's history was rewritten or truncated: it no longer holds \(seen.prefix(12)), which this machine saw there. Nothing was merged; your work is safe in this store. Find out who changed the remote, and restore it from a machine that holds its full history.")
        }
    }

    /// The empty tree, for the first push's count.
    func emptyTree() throws -> String {
        try git.checked(["hash-object", "-t", "tree", "--stdin"], input: Data()).text
    }

    /// What `theirs` holds past `base`, by participant.
    func received(base: String, theirs: String) throws -> [SyncReport.Received] {
        let subjects = Set(try git.changedPaths(from: base, to: theirs).compactMap { Self.subject(of: $0.path) }).sorted()
        var received: [SyncReport.Received] = []
        // Both trails of every subject of a batch, in one git process.
        for batch in Self.batches(subjects) {
            let trails = try git.blobs(batch.flatMap { [(theirs, "audit/\($0).jsonl"), (base, "audit/\($0).jsonl")] })
            for (index, subject) in batch.enumerated() {
                guard let trail = trails[2 * index] else { continue }
                received.append(SyncReport.received(subject: subject, base: trails[2 * index + 1], trail: trail))
            }
        }
        return received
    }

    /// How many participants' files one `cat-file --batch` reads: one process for a sync of any usual
    /// size, and memory bounded for one that brings in the whole store.
    static let batchSize = 256

    /// `subjects` in batches of `batchSize`.
    static func batches(_ subjects: [String]) -> [ArraySlice<String>] {
        stride(from: 0, to: subjects.count, by: batchSize).map { subjects[$0..<min($0 + batchSize, subjects.count)] }
    }

    /// Merges `theirs` into this machine's commit `local` and commits the merge: git takes every file
    /// changed on one side; each participant changed on both comes back conflicted (`-merge`) and
    /// `merger` merges it; a store-wide file changed on both sides stops the merge with nothing merged.
    func mergeLocked(store: JSONFileStore, local: String, theirs: String, merger: ParticipantMerger) throws -> (received: [SyncReport.Received], conflicts: Int) {
        let common = try git.run(["merge-base", local, theirs])
        guard common.status == 0, !common.text.isEmpty else {
            throw DomainError("The remote holds a different store (no history in common with this one). Nothing was merged.")
        }
        let base = common.text
        let incoming = try self.incoming(base: base, theirs: theirs)
        if !incoming.problems.isEmpty { try refuseIncoming(incoming.problems, local: local) }
        let received = try self.received(base: base, theirs: theirs)
        let output = try git.run(["merge", "-q", "--no-commit", "--no-ff", "--no-verify", theirs])
        let conflicted = try git.conflictedPaths()
        guard output.status == 0 || !conflicted.isEmpty else {
            try abandonMerge(local)
            throw StoreError(.damaged, "git merge failed in \(directory): \(output.reason). Nothing was merged.")
        }
        // Store-wide files are never merged here: both sides changed one, so stop, cleanly.
        if let shared = conflicted.first(where: { Self.subject(of: $0) == nil }) {
            try abandonMerge(local)
            throw DomainError("\(shared) was changed differently on this machine and on another (store-wide settings, protocols or users). Nothing was merged; your work is committed here. Agree on one machine's change, make it there, and sync from the other machine after it.")
        }
        let theirsMachine = try machine(of: theirs)
        var conflicts = 0
        var merged: [String] = []
        // The three versions (this machine's, theirs, the common one) of both files of every participant
        // of a batch changed on both sides, in one git process.
        let commits = [local, theirs, base]
        for batch in Self.batches(Set(conflicted.compactMap(Self.subject(of:))).sorted()) {
            let blobs = try git.blobs(batch.flatMap { subject in
                commits.flatMap { [($0, "participants/\(subject).json"), ($0, "audit/\(subject).jsonl")] }
            })
            var added: [String] = []
            for (number, subject) in batch.enumerated() {
                func files(_ commit: Int) -> SyncedFiles? {
                    let at = 6 * number + 2 * commit
                    guard let data = blobs[at], let trail = blobs[at + 1] else { return nil }
                    return SyncedFiles(data: data, trail: trail)
                }
                guard let mine = files(0), let other = files(1) else {
                    try abandonMerge(local)
                    throw DomainError("\(subject)'s files are missing on one machine and changed on the other. Nothing was merged; restore them from a backup (cohort verify).")
                }
                let outcome: SyncMergeOutcome
                do {
                    outcome = try merger.merge(subject: subject, base: files(2), mine: mine, theirs: other)
                } catch {
                    try abandonMerge(local)
                    throw error
                }
                var written = ["participants/\(subject).json", "audit/\(subject).jsonl"]
                try DurableFile.replace(directory + "/" + written[1], with: Array(outcome.files.trail))
                try DurableFile.replace(directory + "/" + written[0], with: Array(outcome.files.data))
                for extra in [outcome.branch, outcome.kept].compactMap({ $0 }) {
                    try DurableFile.makeDirectory(directory + "/" + (extra.path as NSString).deletingLastPathComponent)
                    try DurableFile.replace(directory + "/" + extra.path, with: Array(extra.bytes))
                    written.append(extra.path)
                }
                added += written
                conflicts += outcome.conflicts
                merged.append(subject)
            }
            // What the batch's merges wrote, added by one git process.
            if !added.isEmpty { try git.checked(["add", "--"] + added) }
        }
        // What came in, as merged, is checked before anything else is written or published.
        let problems = store.incomingProblems(subjects: incoming.subjects.sorted(), storeWide: incoming.storeWide)
        if !problems.isEmpty { try refuseIncoming(problems, local: local) }
        // This machine's ledger notes the heads the merge made, in the merge itself.
        if let ledger = try store.noteSyncedHeads(Array(Set(merged + received.map(\.subject)))) { try git.checked(["add", "--", ledger]) }
        guard try git.conflictedPaths().isEmpty else {
            try abandonMerge(local)
            throw StoreError(.damaged, "git still lists conflicted files after the merge in \(directory). Nothing was merged.")
        }
        let summary = merged.isEmpty ? "Cohort: synced with machine \(theirsMachine)"
            : "Cohort: synced with machine \(theirsMachine), merged \(merged.joined(separator: ", "))"
        try git.checked(["commit", "-q", "--no-verify", "-m", message(summary)])
        return (received, conflicts)
    }

    /// Stops a merge under way and puts the store back as this machine's commit `local` left it.
    func abandonMerge(_ local: String) throws {
        try git.checked(["reset", "-q", "--hard", local])
        try git.checked(["clean", "-q", "-f", "-d"])
        unlink(inProgressFile)
    }
}
