import ArgumentParser
import CohortDomain
import CohortReports
import CohortFileStore
import CohortStore
import Foundation

/// `cohort sign`: a Part 11 signature on a participant's record, or (`-`) on a day's summary as recorded.
struct SignCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign a record (Part 11): an AE, a deviation, a flag, an assessment, the eligibility checklist, the casebook, or a day's summary.",
        discussion: """
        SCOPE is AE<n>, deviation:VISIT (or deviation:CM<n>, deviation:AE<n>), flag:VISIT:FLAG, measure:VISIT:TEST, eligibility, casebook, \
        or summary:DATE with SUBJECT `-` (the summary as `cohort summary --date DATE --as-recorded` shows it). Signing always asks for \
        the passphrase. A later change to what was signed invalidates the signature. --lock (casebook only) makes the participant \
        read-only until a pi runs `cohort unlock`.
        """)
    @Argument(help: "Subject ID, or - for a day's summary.") var subject: String
    @Argument(help: "What to sign (see above).") var scope: String
    @Option(help: "reviewed, approved, attested or authored.") var meaning: Signature.Meaning
    @Flag(help: "Lock the casebook (casebook only): nothing changes until a pi unlocks it.") var lock = false
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let scope = try SignatureScope(scope)
        let store = try session.openStore()
        if case .summary(let day) = scope {
            guard subject == "-" else { throw DomainError("A day's summary is the site's: sign it with `cohort sign - \(scope)`.") }
            guard !lock else { throw DomainError("--lock goes with the casebook only (`cohort sign SUBJECT casebook --lock`).") }
            // A summary is signed as recorded, so never for a day still to come, nor one with nothing recorded
            // (docs/RULES.md, "Signatures").
            let today = min(session.today, Moment(store.systemTime(), zone: session.zone).date)
            guard day <= today else {
                throw DomainError("\(scope) is after today (\(today)): a day's summary is signed as recorded, once the day has begun. Nothing was signed.")
            }
            let recorded = try AsRecordedSummary(day, store: store, zone: session.zone)
            try Session.refuseIfUnreadable(recorded.problems)
            guard recorded.recordedOnDay else {
                throw DomainError("Nothing was recorded on \(day) (no participant's trail has a record made that day), so there is no summary as recorded to sign. Nothing was signed.")
            }
            let record = try session.signature(of: scope, subject: "-", meaning: meaning, content: recorded.content, in: store)
            try store.addSummarySignature(record)
            Session.confirm("Saved: \(scope) — \(record.manifestation).")
            return
        }
        guard subject != "-" else { throw DomainError("Only a day's summary is signed with `-`; give the subject ID for \(scope).") }
        let signed = try session.sign(subject, scope, meaning: meaning, lock: lock, in: store)
        let manifestation = signed.after.signatures.last?.manifestation ?? ""
        Session.confirm("Saved: \(subject) \(scope) — \(manifestation)" + (lock ? "; the casebook is locked." : "."))
    }
}

/// `cohort unlock`: a pi reopens a locked casebook, with a reason; its signature reads invalidated.
struct UnlockCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Unlock a locked casebook (a pi, with a reason): its casebook signature is invalidated.")
    @Argument(help: "Subject ID.") var subject: String
    @Option(help: "Why it is reopened.") var reason: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        try session.apply(.unlock(subject: subject, reason: reason))
        Session.confirm("Saved: \(subject) casebook unlocked; its casebook signature reads invalidated and the casebook waits for a signature again.")
    }
}

/// `cohort signatures`: every signature with its status, or what awaits one.
struct SignaturesCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "signatures", abstract: "Signatures (valid, invalidated or broken), or with --pending what awaits a signature, oldest first.")
    @Argument(help: "Only this participant's.") var subject: String?
    @Flag(help: "What awaits a signature, with how long it has waited.") var pending = false
    @Option(help: "text or json.") var format: ListFormat = .text
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        let context = store.context, today = session.today
        if pending {
            var items: [PendingSignature] = []
            let problems = try Self.participants(subject, store) { participant in
                items += context.protocols[participant.study].map {
                    participant.pendingSignatures(studyProtocol: $0, trusted: store.signatureTrust(of: participant))
                } ?? []
            }
            items.sort()
            try Session.print(format, json: { PendingSignaturesJSON(items, today: today) }, text: { SignaturesText.render(pending: items, today: today) })
            try Session.refuseIfUnreadable(problems)
            return
        }
        let check = try session.signatureCheck(store)
        var entries: [SignatureEntry] = []
        let problems = try Self.participants(subject, store) { participant in
            guard let studyProtocol = context.protocols[participant.study] else { return }
            entries += check.entries(of: participant, studyProtocol: studyProtocol)
        }
        if subject == nil { entries += try session.summaryEntries(store, check: check) }
        try Session.print(format, json: { SignaturesJSON(entries) }, text: { SignaturesText.render(entries) })
        try Session.refuseIfUnreadable(problems)
    }

    /// Hands `body` the one participant asked for, or every readable one in subject order.
    static func participants(_ subject: String?, _ store: JSONFileStore, _ body: (Participant) throws -> Void) throws -> [StoreError] {
        if let subject { try body(try store.participant(subject)); return [] }
        var all: [Participant] = []
        let problems = store.forEachParticipant({ $0 }) { all.append($0) }
        for participant in all.sorted(by: { $0.subject < $1.subject }) { try body(participant) }
        return problems
    }
}

extension SignatureVerifier {
    /// A participant's signatures as the lists show them, each with its status.
    func entries(of participant: Participant, studyProtocol: StudyProtocol) -> [SignatureEntry] {
        zip(participant.signatures, statuses(of: participant, studyProtocol: studyProtocol)).map {
            SignatureEntry(subject: participant.subject, signature: $0, status: $1)
        }
    }
}

extension Session {
    /// Signs `scope` of `subject` as it reads now (the command line and the screens' queue): the key opened
    /// with the passphrase, the record made over the content read, saved only if the participant is still
    /// what was read (nothing signed otherwise).
    func sign(_ subject: String, _ scope: SignatureScope, meaning: Signature.Meaning, lock: Bool, in store: JSONFileStore,
              passphrase: String? = nil) throws -> (before: Participant, after: Participant) {
        let participant = try store.participant(subject)
        let content = try participant.signedContent(scope, studyProtocol: try store.context.studyProtocol(for: participant))
        let record = try signature(of: scope, subject: subject, meaning: meaning, content: content, in: store, passphrase: passphrase)
        do {
            return try store.apply(.sign(subject: subject, signature: record, content: content, lock: lock), basis: participant,
                                   today: today, user: user)
        } catch is StaleChange {
            throw DomainError("\(subject) changed while you were signing; nothing was signed. Look at it again and sign again.")
        }
    }

    /// A signature record of `scope` over `content`, signed by this session's user after the passphrase
    /// (asked at every signing: docs/RULES.md, "Signatures").
    func signature(of scope: SignatureScope, subject: String, meaning: Signature.Meaning, content: Data, in store: JSONFileStore,
                   passphrase: String? = nil) throws -> Signature {
        let signer = try signingKey(store, toSign: "\(subject == "-" ? "" : subject + " ")\(scope)", passphrase: passphrase)
        return try signer.signature(of: scope, subject: subject, meaning: meaning, content: content, at: Moment(store.systemTime(), zone: zone))
    }

    /// The day summaries' signatures, each checked against the summary as recorded now.
    func summaryEntries(_ store: JSONFileStore, check: SignatureVerifier) throws -> [SignatureEntry] {
        var contents: [CivilDate: Data] = [:]
        return try store.summarySignatures.map { signature in
            guard case .summary(let day)? = try? SignatureScope(signature.scope) else {
                return SignatureEntry(subject: "-", signature: signature, status: .broken)
            }
            if contents[day] == nil { contents[day] = try AsRecordedSummary(day, store: store, zone: zone).content }
            return SignatureEntry(subject: "-", signature: signature,
                                  status: check.status(of: signature, subject: "-", content: contents[day], contentMoves: true))
        }
    }
}

extension Signature.Meaning: ExpressibleByArgument {}
