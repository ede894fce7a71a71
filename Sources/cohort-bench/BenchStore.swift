import CohortDemo
import CohortDomain
import CohortFileStore
import CohortIdentity
import CohortResources
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The seeded demo stores the benchmark measures, made once under $TMPDIR and reused: per size, one
/// without users (unsigned saves) and one with users (every save signed by the PI), the same demo
/// otherwise; both with `recordsPerParticipant` records of every participant on `recordDay`.
enum BenchStore {
    /// Bumped when what the benchmark adds to the demo changes (its stores are then made anew).
    static let generation = 1
    /// The demo's today.
    static let today = CivilDate("2026-11-25")!
    /// The day the benchmark writes records on (the demo's own records end the day before): `summary
    /// --as-recorded` for this day replays every trail to its end.
    static let recordDay = CivilDate("2026-11-26")!
    /// Records written per participant on `recordDay`.
    static let recordsPerParticipant = 10
    /// The zone the day is read in.
    static let zone = TimeZone(identifier: "UTC")!
    /// The PI of the signed stores.
    static let signer = "ana"

    /// The store's folder (its keys beside it, in `-keys`).
    static func directory(size: Int, signed: Bool) -> String {
        NSTemporaryDirectory() + "cohort-bench-format\(JSONFileStore.formatVersion)-demo\(DemoSite.generation)-bench\(generation)-"
            + (signed ? "signed-" : "") + String(size)
    }

    /// The folder of the signed store's sealed keys, and the file holding the PI's passphrase.
    static func keys(_ directory: String) -> (folder: KeyFolder, passphrase: String) {
        (KeyFolder(path: directory + "-keys"), directory + "-keys/passphrase")
    }

    /// Makes the store unless it was made before (a store whose making did not finish is made again).
    @discardableResult
    static func make(size: Int, signed: Bool, scales: ScaleCatalog) throws -> String {
        let directory = directory(size: size, signed: signed), ready = directory + ".ready", demo = directory + ".demo"
        if access(ready, F_OK) == 0 { return directory }
        // The demo (slow at 9,999) is kept when only the day's records were not finished: they are added again.
        var signer: UnlockedKey?
        if access(demo, F_OK) == 0 {
            if signed { signer = try unlockSigner(directory, store: try JSONFileStore(directory: directory, scales: scales, user: "bench")) }
        } else {
            for path in [directory, directory + "-keys"] { try? FileManager.default.removeItem(atPath: path) }
            Bench.say("making a demo store of \(size) participants\(signed ? " with users" : "")…")
            let people = signed ? DemoPeople(keys: keys(directory).folder) : nil
            try DemoSite.build(directory: directory, participants: size, seed: 1, today: today, scales: scales, people: people)
            if let people, let pi = people.users.first {
                try Data(pi.passphrase.utf8).write(to: URL(fileURLWithPath: keys(directory).passphrase))
            }
            signer = people?.pi
            FileManager.default.createFile(atPath: demo, contents: Data())
        }
        Bench.say("writing \(recordsPerParticipant) records of each of \(size) participants on \(recordDay)…")
        try writeDayRecords(directory, scales: scales, signer: signer)
        FileManager.default.createFile(atPath: ready, contents: Data())
        return directory
    }

    /// Writes `recordsPerParticipant` records of every participant at 10:00 UTC on `recordDay`,
    /// deterministically, in as few durable saves as it can (a save is mostly the disk's flush): each sets
    /// the note and the reschedule reason of visits (one record each), five visits giving ten records;
    /// a participant with fewer visits takes another save.
    static func writeDayRecords(_ directory: String, scales: ScaleCatalog, signer: UnlockedKey?) throws {
        let time = Date(timeIntervalSince1970: Double(recordDay.dayNumber) * 86_400 + 36_000)
        let store = try JSONFileStore(directory: directory, scales: scales, user: "bench", clock: { time })
        store.signer = signer
        for subject in try store.subjects() {
            var written = 0, round = 0
            while written < recordsPerParticipant {
                var changed = 0
                _ = try store.update(subject) { participant, _ in
                    changed = min(recordsPerParticipant - written, 2 * participant.visits.count)
                    for field in 0..<changed {
                        let text = "bench day \(round)"
                        if field % 2 == 0 { participant.visits[field / 2].note = text } else { participant.visits[field / 2].rescheduleReason = text }
                    }
                    return changed > 0 ? "benchmark day" : nil
                }
                guard changed > 0 else { break }
                written += changed
                round += 1
            }
        }
    }

    /// The signed store's PI, unlocked with their passphrase: the KDF's cost (scrypt), once per session.
    static func unlockSigner(_ directory: String, store: JSONFileStore) throws -> UnlockedKey {
        let (folder, passphraseFile) = keys(directory)
        let passphrase = try String(contentsOfFile: passphraseFile, encoding: .utf8)
        guard let user = try store.user(signer) else { throw DomainError("\(directory) has no user \(signer).") }
        return try folder.unlock(user, passphrase: passphrase)
    }
}
