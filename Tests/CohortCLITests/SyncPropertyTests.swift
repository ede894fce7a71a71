import CohortDomain
import CohortFileStore
import CohortIdentity
import CohortStore
import CohortSync
import CohortTestSupport
import Foundation
import Testing

/// The property of docs/RULES.md, "Several machines", with real git and a bare repository: three machines
/// make random concurrent changes (enrollments, scores, completions and notes, corrections, AEs on the same
/// participant, undo, signatures), every save signed by its author, and sync in a random order; then every
/// machine syncs until nothing moves. Every machine then holds byte-identical participant files, verifies,
/// every acknowledged change is in the merged trail or listed as a conflict, and no note one machine wrote
/// was replaced by another's unseen. Seeded and printed (`COHORT_TEST_SEED=N` replays one).
@Suite(.serialized) struct SyncPropertyTests {
    static let today = TestData.today
    static let subjects = ["101-0001", "101-0002"]

    /// One machine: its store, opened after setup or clone (so it knows its machine id).
    struct Machine {
        let directory: String
        var store: JSONFileStore
        var sync: StoreSync { get throws { try StoreSync(directory: directory, user: "site", machine: store.machine!) } }

        /// Syncs; the report, or why it refused.
        func synced() -> Result<SyncReport, Error> {
            Result { try sync.sync(store: store, merger: store, now: Date()) }
        }
    }

    /// Every participant data and trail file (branch files included) of `directory`, by path.
    static func participantFiles(_ directory: String) -> [String: Data] {
        var files: [String: Data] = [:]
        for folder in ["participants", "audit"] {
            let enumerator = FileManager.default.enumerator(atPath: directory + "/" + folder)
            while let name = enumerator?.nextObject() as? String {
                guard !name.hasPrefix("interrupted"), let data = FileManager.default.contents(atPath: directory + "/" + folder + "/" + name) else { continue }
                files[folder + "/" + name] = data
            }
        }
        return files
    }

    /// The change that signs `scope` of `subject` as it stands in `store`, with `key`, at `time`.
    static func signChange(_ scope: SignatureScope, of subject: String, in store: JSONFileStore, with key: UnlockedKey, at time: Date) throws -> Change {
        let participant = try store.participant(subject)
        let content = try participant.signedContent(scope, studyProtocol: try store.context.studyProtocol(for: participant))
        let record = try key.signature(of: scope, subject: subject, meaning: .approved, content: content, at: Moment(time, zone: TimeZone(secondsFromGMT: 0)!))
        return .sign(subject: subject, signature: record, content: content, lock: false)
    }

    /// Signs `scope` of `subject` in `store` with `key`.
    static func sign(_ scope: SignatureScope, of subject: String, in store: JSONFileStore, with key: UnlockedKey, at time: Date) throws {
        _ = try store.apply(try signChange(scope, of: subject, in: store, with: key, at: time), today: today, user: key.userName)
    }

    @Test func threeMachinesWithRandomConcurrentChangesConvergeAndLoseNothing() throws {
        var random = SeededGenerator(seed: 20_261_203)
        print("SyncPropertyTests: \(random)")
        let root = NSTemporaryDirectory() + "cohort-property-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let remote = root + "/site.git"
        try Git(directory: root, user: "site", machine: nil).checked(["init", "-q", "--bare", remote])
        // Each change happens at its own minute, so the merge order (time, then machine) is the same on every run.
        nonisolated(unsafe) var minute = 0.0
        let clock: @Sendable () -> Date = { minute += 60; return Date(timeIntervalSince1970: 1_795_600_000 + minute) }
        let first = root + "/m1"
        let created = try JSONFileStore.create(directory: first, siteName: "Site 101", siteNumber: "101", studyProtocol: TestData.schizophrenia,
                                               scales: TestData.scales, user: "site", clock: clock)
        // People: a PI and a coordinator; every save is signed by whoever made it (docs/RULES.md, "Signed saves").
        var keys: [UnlockedKey] = []
        for (name, role) in [("ana", Role.pi), ("cole", Role.coordinator)] {
            var user = User(name: name, fullName: name.capitalized, role: role, publicKey: "", addedBy: keys.first?.userName, added: UTCTimestamp.string(from: clock()))
            let key = UnlockedKey.generate(for: user)
            user.publicKey = key.publicKeyText
            try created.addUser(user, key: key)
            created.signer = created.signer ?? key
            keys.append(key)
        }
        // The PI works on machines 1 and 3, the coordinator on machine 2.
        let signers = [keys[0], keys[1], keys[0]]
        for subject in Self.subjects {
            _ = try created.enroll(EnrollmentRequest(subject: subject, initials: "AB", birthYear: "1980", sex: "F", study: "SCZ-5W-INPT", arm: "",
                                                     consentDate: "2026-11-01", baselineDate: "2026-11-11"), today: Self.today)
            if let eligible = TestData.recordEligible(subject) { _ = try created.apply(eligible, today: Self.today, user: "site") }
            try Self.sign(.eligibility, of: subject, in: created, with: keys[0], at: Date())
            _ = try created.apply(.randomize(subject: subject, number: "R-" + subject, date: TestData.date("2026-11-01")), today: Self.today, user: "site")
        }
        _ = try StoreSync.setup(store: created, remote: remote, user: "site", seed: 1, now: Date())
        var machines = [Machine(directory: first, store: try JSONFileStore(directory: first, scales: TestData.scales, user: "site", clock: clock))]
        for index in 2...3 {
            let directory = root + "/m\(index)"
            _ = try StoreSync.clone(remote: remote, into: directory, user: "site", seed: UInt64(index), now: Date())
            machines.append(Machine(directory: directory, store: try JSONFileStore(directory: directory, scales: TestData.scales, user: "site", clock: clock)))
        }
        for (machine, key) in zip(machines, signers) { machine.store.signer = key }
        // Each acknowledged change: its subject and the words only it wrote (its reason, note or AE term), to
        // find it again; nil for a note any machine may write.
        var acknowledged: [(subject: String, token: String?, what: String)] = []
        // Every visit note an acknowledged save changed: the note before it (on its machine) and after.
        var noteWrites: [(subject: String, visit: String, before: String?, after: String?)] = []
        var enrolled = 0
        var lastChange: [[String: (before: Participant, after: Participant)]] = [[:], [:], [:]]
        let visits = ["SCR", "D1", "W1", "W2"]
        for step in 0..<200 {
            let index = random.next(3)
            let machine = machines[index]
            if random.next(5) == 0 {
                _ = machine.synced()
                continue
            }
            let known = (try? machine.store.subjects()) ?? Self.subjects
            let subject = random.next(3) == 0 ? known[random.next(known.count)] : Self.subjects[random.next(2)]
            let visit = visits[random.next(visits.count)]
            let change: Change
            switch random.next(8) {
            case 0:
                // A new participant, under an ID only this machine gives, or now and then one of a few IDs any
                // machine may give (enrolled on two machines: the first keeps it, the other is kept aside).
                enrolled += 1
                // No extra draw from the generator: the other steps stay as they were.
                let newSubject = enrolled % 3 == 0 ? String(format: "101-90%02d", step % 2) : String(format: "101-%d%03d", index + 1, enrolled)
                let request = EnrollmentRequest(subject: newSubject, initials: "CD", birthYear: "1975", sex: "M", study: "SCZ-5W-INPT", arm: "",
                                                consentDate: "2026-11-02", baselineDate: "2026-11-12")
                if (try? machine.store.enroll(request, today: Self.today)) != nil { acknowledged.append((newSubject, newSubject, "enroll")) }
                continue
            case 1: change = .score(subject: subject, visit: visit, scale: "CGI-S", items: [1 + random.next(7)], date: nil, rater: "AB", reason: "step \(step).")
            case 2: change = .note(subject: subject, visit: visit, text: random.next(3) == 0 ? "same note" : "note \(step).")
            case 3: change = .correct(subject: subject, correction: EnrollmentCorrection(initials: ["AB", "AC", "AD"][random.next(3)]), reason: "step \(step).")
            case 4: change = .addAdverseEvent(subject: subject, draft: AdverseEventDraft(term: "Event \(step).", onset: TestData.date("2026-11-20"), severity: .mild),
                                              now: Moment(minutes: Self.today.dayNumber * 1440 + 600, offset: 0))
            case 5: change = .complete(subject: subject, visit: "SCR", date: TestData.date("2026-11-0\(2 + random.next(8))"), reason: "step \(step).")
            case 6:
                // The PI signs the participant's first AE as it stands on this machine.
                guard signers[index].role == .pi, let ae = (try? machine.store.participant(subject))?.adverseEvents.first,
                      let signed = try? Self.signChange(.adverseEvent(ae.id), of: subject, in: machine.store, with: signers[index], at: clock()) else { continue }
                change = signed
            default:
                // Undo: this machine's last change to the participant taken back, as `u` does.
                guard let last = lastChange[index][subject], (try? machine.store.participant(subject)) == last.after else { continue }
                change = .revert(subject: subject, to: last.before, expected: last.after, description: "undo", reason: "undo at step \(step).")
            }
            if let saved = try? machine.store.apply(change, today: Self.today, user: "site") {
                let words = "\(change)"
                var token = words.contains("same note") ? nil : ["step \(step).", "note \(step).", "Event \(step)."].first { words.contains($0) }
                if case .sign(_, let signature, _, _) = change { token = String(signature.signature.prefix(24)) }
                acknowledged.append((subject, token, String(words.prefix(60))))
                lastChange[index][subject] = saved
                for visit in visits where saved.before.visit(visit)?.note != saved.after.visit(visit)?.note {
                    noteWrites.append((subject, visit, saved.before.visit(visit)?.note, saved.after.visit(visit)?.note))
                }
            }
        }
        // Every machine syncs until a whole round moves nothing.
        var quiet = false
        for _ in 0..<8 where !quiet {
            quiet = true
            for machine in machines {
                let report = try machine.synced().get()
                if report.pushed > 0 || !report.received.isEmpty { quiet = false }
            }
        }
        #expect(quiet, "the machines still exchanged changes after 8 rounds (\(random))")
        let reference = Self.participantFiles(machines[0].directory)
        for machine in machines {
            #expect(Self.participantFiles(machine.directory) == reference, "\(machine.directory) differs (\(random))")
            let (problems, _) = try JSONFileStore(directory: machine.directory, scales: TestData.scales, user: "site", readOnly: true).verify()
            #expect(problems.isEmpty, "\(machine.directory): \(problems.prefix(5)) (\(random))")
        }
        // Every acknowledged save is in the merged trail (applied again through the domain when the merge
        // ordered its machine second; its original records are kept in a branch file beside it), or its
        // change is listed as a conflict: never dropped silently.
        let store = machines[0].store
        for change in acknowledged {
            guard let token = change.token else { continue }
            // The merged trail itself, not only a branch file: a save re-applied, or a conflict that says so.
            let trail = FileManager.default.contents(atPath: machines[0].directory + "/audit/\(change.subject).jsonl") ?? Data()
            let conflicts = (try? store.participant(change.subject).conflicts) ?? []
            // A participant enrolled under an ID another machine's kept: its whole trail kept aside, listed.
            let keptAside = conflicts.filter(\.isEnrollment).contains { conflict in
                let trail = conflict.theirs.flatMap { FileManager.default.contents(atPath: machines[0].directory + "/" + $0 + "l") } ?? Data()
                return trail.range(of: Data(token.utf8)) != nil
            }
            let present = trail.range(of: Data(token.utf8)) != nil || conflicts.contains { "\($0)".contains(token) } || keptAside
            #expect(present, "the change to \(change.subject) (\(change.what)) was lost (\(random))")
        }
        // A value is never picked silently: every note a save wrote is the note now, or a later save replaced it
        // knowing it (it was the note before that save), or it is a listed conflict.
        for write in noteWrites {
            guard let written = write.after, written != "same note" else { continue }
            let participant = try store.participant(write.subject)
            let replaced = noteWrites.contains { $0.subject == write.subject && $0.visit == write.visit && $0.before == written }
            let listed = participant.conflicts.contains { "\($0)".contains(written) }
            #expect(participant.visit(write.visit)?.note == written || replaced || listed,
                    "\(write.subject) \(write.visit): the note \"\(written)\" was replaced without a conflict (\(random))")
        }
        let conflicts = try store.subjects().flatMap { (try? store.participant($0).conflicts) ?? [] }
        print("SyncPropertyTests: \(acknowledged.count) acknowledged changes (\(acknowledged.filter { $0.what.hasPrefix("sign(") }.count) signatures), \(conflicts.count) conflicts listed (\(conflicts.filter(\.isEnrollment).count) enrolled on two machines), \(random)")
    }
}
