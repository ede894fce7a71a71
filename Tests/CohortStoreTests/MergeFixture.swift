import CohortDomain
import CohortIdentity
import CohortTestSupport
@testable import CohortStore
@testable import CohortFileStore
import Foundation

/// A store as three machines hold it: the common version (`base`, never changed after the copies are made)
/// and two copies, `a` and `b`, changed apart as two machines would, with their own clocks (a's earlier).
struct MergeFixture {
    let base: StoreFixture
    let dirA: String, dirB: String
    let a: JSONFileStore, b: JSONFileStore
    static let subject = "101-0001"

    /// `prepare` shapes the common version before the copies are made.
    init(signer: UnlockedKey? = nil, base: StoreFixture? = nil, prepare: (StoreFixture) throws -> Void = { try $0.enroll(MergeFixture.subject) }) throws {
        let base = try base ?? StoreFixture()
        try prepare(base)
        self.base = base
        dirA = try Self.copy(base.directory)
        dirB = try Self.copy(base.directory)
        a = try JSONFileStore(directory: dirA, scales: StoreFixture.scales, user: "amy", clock: { Date(timeIntervalSince1970: 1_795_618_800) })
        b = try JSONFileStore(directory: dirB, scales: StoreFixture.scales, user: "bob", clock: { Date(timeIntervalSince1970: 1_795_622_400) })
        a.signer = signer; b.signer = signer
    }

    static func copy(_ directory: String) throws -> String {
        let target = NSTemporaryDirectory() + "cohort-merge-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: directory, toPath: target)
        return target
    }

    static func files(_ directory: String, _ subject: String = subject) -> ParticipantFiles {
        ParticipantFiles(data: FileManager.default.contents(atPath: directory + "/" + ParticipantFiles.dataPath(subject)) ?? Data(),
                         trail: FileManager.default.contents(atPath: directory + "/" + ParticipantFiles.trailPath(subject)) ?? Data())
    }

    /// The merge as the sync computes it when a synced first: on b, with a's version as the remote's.
    func merge(_ subject: String = subject) throws -> ParticipantMergeResult {
        try b.mergeParticipant(subject: subject, base: Self.files(base.directory, subject), mine: Self.files(dirB, subject), theirs: Self.files(dirA, subject))
    }

    /// Writes a merge's files into `directory` as the sync would, owner-only.
    static func write(_ result: ParticipantMergeResult, into directory: String, _ subject: String = subject) throws {
        let manager = FileManager.default
        func put(_ relative: String, _ data: Data) throws {
            let folder = ((directory + "/" + relative) as NSString).deletingLastPathComponent
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try? manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: (folder as NSString).deletingLastPathComponent)
            _ = manager.createFile(atPath: directory + "/" + relative, contents: data, attributes: [.posixPermissions: 0o600])
        }
        try put(ParticipantFiles.dataPath(subject), result.files.data)
        try put(ParticipantFiles.trailPath(subject), result.files.trail)
        if let branch = result.branch { try put(branch.path, branch.bytes) }
        if let kept = result.kept { try put(kept.path, kept.bytes) }
    }

    func remove() {
        base.remove()
        for directory in [dirA, dirB] { try? FileManager.default.removeItem(atPath: directory) }
    }
}
