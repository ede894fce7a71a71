import ArgumentParser
import CohortDomain
import CohortStore
import CohortFileStore
import CohortReports
import CohortSDTM
import Foundation

/// `cohort visits`: the day's review lists.
struct VisitsCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "visits", abstract: "The day's review: today, overdue, windows closing.")
    @Option(help: ArgumentHelp("The day (default today).", valueName: "DATE")) var date: String?
    @Option(help: "text or json.") var format: ListFormat = .text
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let day = try session.date(date, option: "--date") ?? session.today
        let store = try session.openStoreToRead()
        try session.withReviewTable(store) { table in
            let review = table.review(on: day)
            try Session.print(format, json: { ReviewJSON(review) }, text: { ReviewText.render(review, context: store.context) })
        }
    }
}

/// `cohort participants`: the roster, with counts per study and status.
struct ParticipantsCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "participants", abstract: "Every participant, with counts per study and status.")
    @Option(help: ArgumentHelp("Only this status: \(ParticipantStatus.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "S"))
    var status: ParticipantStatus?
    @Option(help: ArgumentHelp("Only this study (protocol id).", valueName: "ID")) var study: String?
    @Option(help: "text or json.") var format: ListFormat = .text
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStoreToRead()
        let context = store.context
        var roster = try Roster(studies: Array(context.protocols.keys), filter: Roster.Filter(study: study, status: status))
        let problems = store.forEachParticipant({ participant in
            context.protocols[participant.study].map { RosterEntry(participant, studyProtocol: $0) }
        }) { entry in entry.map { roster.add($0) } }
        try Session.print(format, json: { RosterJSON(roster) }, text: { RosterText.render(roster) })
        try Session.refuseIfUnreadable(problems)
    }
}

/// `cohort show`: one participant.
struct ShowCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A participant's details, visits, scores, adverse events, medications, measures and signatures; or a day's signed summary.")
    @Argument(help: "Subject ID.") var subject: String?
    @Option(help: ArgumentHelp("Instead of a participant: the day's summary as recorded, with its signatures.", valueName: "DATE")) var summary: String?
    @Option(help: "text or json.") var format: ListFormat = .text
    @OptionGroup var globals: GlobalOptions

    func validate() throws {
        if (subject == nil) == (summary == nil) { throw ValidationError("Give a subject ID, or --summary DATE (not both).") }
    }

    func execute(_ session: Session) throws {
        let store = try session.openStoreToRead()
        let check = try session.signatureCheck(store)
        if let day = try session.date(summary, option: "--summary") {
            let recorded = try AsRecordedSummary(day, store: store, zone: session.zone)
            let entries = try session.summaryEntries(store, check: check).filter { $0.signature.scope == SignatureScope.summary(day).description }
            try Session.print(format, json: { SignedSummaryJSON(summary: recorded.summary, signatures: entries) }, text: {
                recorded.text(site: store.site.name) + "\n\nSignatures\n"
                    + (entries.isEmpty ? "  Not signed (`cohort sign - summary:\(day) --meaning reviewed`)." : entries.map { "  " + $0.line }.joined(separator: "\n"))
            })
            try Session.refuseIfUnreadable(recorded.problems)
            return
        }
        guard let subject else { return }
        let participant = try store.participant(subject)
        // The moment each acknowledgement was saved is its audit record's (the stored one keeps the day).
        let times = participant.acknowledgements.isEmpty ? [:] : try store.acknowledgementTimes(of: subject, zone: session.zone)
        let statuses = store.context.protocols[participant.study].map { check.statuses(of: participant, studyProtocol: $0) }
        try Session.print(format, json: { ParticipantJSON(participant, context: store.context, today: session.today, now: session.now, zone: session.zone,
                                                          acknowledgedAt: times, signatureStatuses: statuses) },
                          text: { ParticipantText.render(participant, context: store.context, today: session.today, now: session.now, zone: session.zone,
                                                         acknowledgedAt: times, signatureStatuses: statuses) })
    }
}

/// `cohort summary`: the end-of-day summary.
struct SummaryCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "summary", abstract: "The end-of-day summary for the PI.")
    @Option(help: ArgumentHelp("The day (default today).", valueName: "DATE")) var date: String?
    @Flag(name: .customLong("as-recorded"), help: "The summary as it would have been shown at the end of the day: every trail replayed up to then.")
    var asRecorded = false
    @Option(help: "text, markdown or json.") var format: ReportFormat = .text
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let day = try session.date(date, option: "--date") ?? session.today
        let store = try session.openStoreToRead()
        let zone = session.zone
        // Each participant file and trail is read at most once: for what was entered on the day for earlier
        // days, open safety items and acknowledgements, and (as recorded) the state at the end of the day.
        func show(_ table: ReviewTable, records: DaySummary.Records, now: Moment) throws {
            var summary = DaySummary(date: day, table: table, zone: zone)
            summary.add(records)
            switch format {
            case .json: Session.print(try Session.json(summary))
            case .text, .markdown:
                let report = SummaryReport(summary: summary, table: table, site: store.site.name, now: now)
                Session.print(format == .markdown ? report.markdown() : report.text())
            }
        }
        if asRecorded {
            let recorded = try AsRecordedSummary(day, store: store, zone: zone)
            try show(recorded.table, records: recorded.records, now: recorded.now)
            try Session.refuseIfUnreadable(recorded.problems)
        } else {
            try session.withReviewTable(store) { table in
                let (found, problems) = try store.summaryRecords(on: day, zone: zone, table: table)
                try show(table, records: found, now: session.now)
                try Session.refuseIfUnreadable(problems)
            }
        }
    }
}

extension AsRecordedSummary {
    /// The summary as text, as `--as-recorded` prints it.
    func text(site: String) -> String { SummaryReport(summary: summary, table: table, site: site, now: now).text() }
}

/// `cohort export`: every item score, as CSV or an SDTM QS-style table; or one study's SDTM package.
struct ExportCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export item scores as CSV or a CDISC SDTM table (QS, AE or CM), the screening log, or one study's SDTM package (--study).")
    @Option(help: "csv, sdtm or screening-log.") var format: ScoreExport.Format = .csv
    @Option(help: "With --format sdtm: QS (scores, the default), AE (adverse events), CM (medications), VS (vital signs), LB (laboratory) or EG (ECG).") var domain: SDTMDomain?
    @Option(help: "With --format sdtm: write this study's package (every dataset and define.xml) into the folder --out, new or empty.") var study: String?
    @Option(name: .customLong("as"), help: "With --study: xpt (SAS Transport v5), json (Dataset-JSON v1.1) or both (the default).") var layout: PackageLayout?
    @Option(help: ArgumentHelp("Write to this file (0600) instead of standard output; with --study, to this folder.", valueName: "FILE|DIR")) var out: String?
    @OptionGroup var globals: GlobalOptions

    /// The SDTM domains this export writes.
    enum SDTMDomain: String, ExpressibleByArgument, CaseIterable { case QS, AE, CM, VS, LB, EG }

    /// The files a package's datasets are written as.
    enum PackageLayout: String, ExpressibleByArgument, CaseIterable {
        case xpt, json, both

        var formats: Set<SDTMPackage.FileFormat> {
            switch self {
            case .xpt: return [.xpt]
            case .json: return [.json]
            case .both: return [.xpt, .json]
            }
        }
    }

    func validate() throws {
        if domain != nil && format != .sdtm { throw ValidationError("--domain goes with --format sdtm.") }
        if study != nil && format != .sdtm { throw ValidationError("--study goes with --format sdtm.") }
        if study != nil && domain != nil {
            throw ValidationError("--domain writes one domain as CSV, --study the whole package of a study: give one of them.")
        }
        if study != nil && out == nil { throw ValidationError("--study writes a package of files: give the folder with --out DIR.") }
        if layout != nil && study == nil { throw ValidationError("--as goes with --study.") }
    }

    func execute(_ session: Session) throws {
        if let study, let out { return try exportPackage(study, to: out, session) }
        let store = try session.openStoreToRead()
        let context = store.context, format = format
        let header: String, rows: @Sendable (Participant) -> String
        switch domain {
        case .AE?: (header, rows) = (SafetyExport.Domain.adverseEvents.header, { SafetyExport.rows($0, domain: .adverseEvents, context: context) })
        case .CM?: (header, rows) = (SafetyExport.Domain.medications.header, { SafetyExport.rows($0, domain: .medications, context: context) })
        case .VS?, .LB?, .EG?:
            let name = domain?.rawValue ?? ""
            (header, rows) = (MeasureExport.header(name), { MeasureExport.rows($0, domain: name, context: context) })
        case .QS?, nil: (header, rows) = (format.header, { ScoreExport.rows($0, format: format, context: context) })
        }
        // One participant at a time: a large site's export is written as it is read, never held whole.
        var problems: [StoreError] = []
        func export(_ write: (String) throws -> Void) throws {
            try write(header)
            problems = try store.forEachParticipant(rows) { try write($0) }
        }
        if let out {
            let target = try OutputFile.checked(out, store: session.storeDirectory)
            try DurableFile.replace(target) { write in try export { try write(Array($0.utf8)) } }
            Session.print("Wrote \(target).")
        } else {
            try export { Session.write($0) }
        }
        try Session.refuseIfUnreadable(problems)
    }

    /// Writes `study`'s SDTM package into the folder `out`: every file is made in memory first, so a
    /// refusal (an unreadable participant file, text XPT cannot hold) leaves nothing behind, and written
    /// all or nothing (`OutputFolder.write`), so neither does a failed write.
    func exportPackage(_ study: String, to out: String, _ session: Session) throws {
        let store = try session.openStoreToRead()
        let studyProtocol = try store.context.studyProtocol(study)
        let folder = try OutputFolder.checked(out, store: session.storeDirectory)
        var participants: [Participant] = []
        let problems = store.forEachParticipant({ $0.study == study ? $0 : nil }) { if let found = $0 { participants.append(found) } }
        try Session.refuseIfUnreadable(problems)
        let package: SDTMPackage
        let files: [(name: String, bytes: [UInt8])]
        do {
            package = try SDTMPackageExport.package(studyProtocol, participants: participants, context: store.context, siteName: store.site.name,
                                                    siteNumber: store.site.number, sourceVersion: CohortCommand.version,
                                                    createdAt: Date(timeIntervalSince1970: Double(session.now.minutes) * 60))
            files = try package.files(formats: (layout ?? .both).formats)
        } catch let error as SDTMError {
            throw DomainError("The SDTM package of \(study) was not written:\n" + error.description)
        }
        // The investigator's signatures travel with the package (docs/RULES.md, "Signatures"): SDTM has no
        // variable for them, so they go beside the datasets as `cohort signatures --format json` prints them.
        let check = try session.signatureCheck(store)
        let signatures = participants.sorted { $0.subject < $1.subject }.flatMap { check.entries(of: $0, studyProtocol: studyProtocol) }
        let written = files + [(name: "signatures.json", bytes: Array((try Session.json(SignaturesJSON(signatures)) + "\n").utf8))]
        try OutputFolder.write(written, into: folder)
        Session.print("Wrote \(folder): \(written.map(\.name).joined(separator: ", ")).")
        // What a validator would find is said, not hidden; the files are written as the data are.
        for finding in SDTMConformance.check(package) { Session.warn("conformance: \(finding)") }
    }
}

/// `cohort audit`: the audit trail, newest last; a trail that does not verify is said so (exit 2).
struct AuditCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit trail, newest last.")
    @Argument(help: "Only this participant.") var subject: String?
    @Option(help: "text or json.") var format: ListFormat = .text
    @OptionGroup var globals: GlobalOptions

    static let header = ["TIME (UTC)", "USER", "SUBJECT", "SEQ", "OP", "PATH", "OLD", "VALUE", "REASON"]

    func execute(_ session: Session) throws {
        let store = try session.openStoreToRead()
        // A save whose last record carries no signature was attributed by `--user` alone: its names are
        // marked as such, in text and JSON, whenever it was made (docs/RULES.md, "Users and roles").
        let cells: @Sendable (AuditRecord, Bool) -> [String] = { record, authenticated in Self.cells(record, authenticated: authenticated) }
        var widths = Self.header.map(\.count)
        let problems: [String]
        if let subject {
            let trail = try store.auditTrail(subject: subject)
            let signed = AuditRecord.signedSaves(trail.records)
            switch format {
            case .json:
                let records = zip(trail.records, signed).map { Self.exported($0, authenticated: $1) }
                Session.print(String(decoding: JSONValue.object(["records": .array(records)]).canonicalBytes(), as: UTF8.self))
            case .text:
                let rows = zip(trail.records, signed).map(cells)
                for row in rows { Columns.widen(&widths, toFit: row) }
                Session.print(([Self.header] + rows).map { Columns.line($0, widths: widths) }.joined(separator: "\n"))
            }
            problems = trail.problems
        } else {
            problems = try printWholeStore(store, cells: cells)
        }
        guard problems.isEmpty else {
            for problem in problems { Session.warn("FAIL " + problem) }
            throw StoreError(.damaged, "The trail printed above does not verify (\(Text.count(problems.count, "problem"))); run `cohort verify`.")
        }
    }

    /// The whole store's trail can be hundreds of thousands of records: it is listed in time order as the
    /// trails are read (the order kept in the store's cache) and written as it comes, a buffer at a time.
    /// The text header's widths are the largest cells of every record, kept with the order; the USER
    /// column is widest when marked, so the widths are taken as if every save were unsigned. Returns what
    /// is wrong with the chains read.
    private func printWholeStore(_ store: JSONFileStore, cells: @escaping @Sendable (AuditRecord, Bool) -> [String]) throws -> [String] {
        var text = ""
        var first = true
        let widthsOfCells = JSONFileStore.AuditMeasures(key: Self.measuresKey) { record in cells(record, false).map(\.count) }
        var widths = Self.header.map(\.count)
        let problems = try store.forEachAuditRecordInTimeOrder(measures: format == .text ? widthsOfCells : nil, start: { widest in
            for (column, width) in widest.enumerated() where column < widths.count { widths[column] = max(widths[column], width) }
            text = format == .json ? "{\"records\":[" : Columns.line(Self.header, widths: widths) + "\n"
        }) { record, authenticated in
            switch format {
            case .json:
                text += (first ? "" : ",") + String(decoding: Self.exported(record, authenticated: authenticated).canonicalBytes(), as: UTF8.self)
            case .text:
                text += Columns.line(cells(record, authenticated), widths: widths) + "\n"
            }
            // The first record goes out as soon as it is known; then a buffer at a time.
            if first || text.utf8.count >= 1 << 16 {
                Session.write(text)
                text = ""
            }
            first = false
        }
        Session.write(text + (format == .json ? "]}\n" : ""))
        return problems
    }

    /// What the text listing keeps with the store's order of the trail: each cell's width (bump it when
    /// `cells` changes what it shows).
    static let measuresKey = "audit text cells 1"

    /// One record as the listing shows it; long values are cut to 60 characters.
    private static func cells(_ record: AuditRecord, authenticated: Bool) -> [String] {
        func show(_ value: JSONValue?) -> String { value.map { $0.stringValue ?? String(decoding: $0.canonicalBytes(), as: UTF8.self) } ?? "" }
        let user = AuditRecord.shownUser(record.user, authenticated: authenticated)
        return [record.time, user, record.subject ?? "-", String(record.seq), record.operation.op.rawValue, record.operation.path,
                show(record.operation.old), show(record.operation.value), record.reason ?? ""].map { $0.count > 60 ? String($0.prefix(57)) + "..." : $0 }
    }
}

extension AuditCommand {
    /// A record as `--format json` prints it: its members and `authenticated`, whether its save is signed.
    static func exported(_ record: AuditRecord, authenticated: Bool) -> JSONValue {
        guard case .object(var members) = record.exported else { return record.exported }
        members["authenticated"] = .bool(authenticated)
        return .object(members)
    }
}

/// `cohort verify`: every checksum and the audit chains.
struct VerifyCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check every file and the audit chain.")
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStoreToRead(readOnly: true)
        let (found, notes) = store.verify()
        // The keys against the ones this computer first saw: the store cannot prove its own (docs/RULES.md, "Users and roles").
        let problems = found + (try session.knownKeyProblems(store))
        for note in notes { Session.warn("note: " + note) }
        guard problems.isEmpty else {
            for problem in problems { Session.print("FAIL " + problem) }
            throw StoreError(.damaged, "\(Text.count(problems.count, "problem")) found in \(session.storeDirectory); nothing was changed.")
        }
        Session.print("OK: \(Text.count(try store.subjects().count, "participant file")), \(Text.count(store.context.protocols.count, "protocol")) and every audit chain verified.")
        let users = try store.users()
        if !users.isEmpty {
            Session.print("Signed: every save since authentication was turned on (\(users.map(\.added).min() ?? "")) carries a valid signature of a user's key (\(Text.count(users.count, "user")) on the delegation log).")
        }
    }
}
extension ParticipantStatus: ExpressibleByArgument {}
