import ArgumentParser
import CohortDemo
import CohortDomain
import CohortResources
import CohortStore
import CohortFileStore
import CohortReports
import Foundation

/// `cohort init`: create a store with a protocol, or add a protocol to an existing store.
struct InitCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a store (or add a protocol to an existing one).")

    @Option(help: ArgumentHelp("A bundled protocol name (see `cohort protocols`) or a protocol JSON file.", valueName: "NAME|FILE"))
    var `protocol`: String?
    @Option(help: "The site's name.")
    var site: String = "Site 101"
    @Option(name: .customLong("site-number"), help: "The three-digit site number that starts every subject ID.")
    var siteNumber: String = "101"
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let studyProtocol = try ProtocolSource.load(self.protocol ?? "SCZ-5W-INPT", scales: session.scales)
        if let store = try? session.openStore() {
            guard self.protocol != nil else {
                throw DomainError("\(session.storeDirectory) already holds a Cohort store; to add a study give --protocol NAME|FILE.")
            }
            try store.addProtocol(studyProtocol)
            Session.confirm("Added protocol \(studyProtocol.id) to the store at \(session.storeDirectory).")
            return
        }
        try JSONFileStore.create(directory: session.storeDirectory, siteName: site, siteNumber: siteNumber,
                                 studyProtocol: studyProtocol, scales: session.scales, user: session.user)
        Session.confirm("Created a store at \(session.storeDirectory) for \(site) with protocol \(studyProtocol.id).")
    }
}

/// Reads a protocol from a bundled template name or a file path.
enum ProtocolSource {
    static func load(_ nameOrPath: String, scales: ScaleCatalog) throws -> StudyProtocol {
        let data: Data
        if let bundled = BundledResources.protocolData(named: nameOrPath) {
            data = bundled
        } else if FileManager.default.fileExists(atPath: nameOrPath) {
            guard let read = FileManager.default.contents(atPath: nameOrPath) else {
                throw DomainError("The protocol file \(nameOrPath) cannot be read; check its permissions.")
            }
            data = read
        } else {
            let names = (try? BundledResources.protocolNames()) ?? []
            throw DomainError("No bundled protocol or file named '\(nameOrPath)'. Bundled protocols: \(names.joined(separator: ", ")).")
        }
        return try StudyProtocol.parse(data, scales: scales)
    }
}

/// `cohort demo`: fill a new store with a realistic, seeded demo site.
struct DemoCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Fill a new store with a realistic demo study (same seed, same store).")

    @Option(help: "How many participants to enroll (1 to 9999: a site numbers its subjects 0001–9999).")
    var participants: Int = 24
    @Option(help: "Random seed.")
    var seed: UInt64 = 1
    @OptionGroup var globals: GlobalOptions

    func validate() throws {
        guard (1...9_999).contains(participants) else {
            throw ValidationError("--participants must be 1 to 9999: a site numbers its subjects 0001 to 9999.")
        }
    }

    func execute(_ session: Session) throws {
        let store = try DemoSite.build(directory: session.storeDirectory, participants: participants, seed: seed,
                                       today: session.today, now: session.now, scales: session.scales)
        Session.confirm("Made a demo site at \(session.storeDirectory): \(Text.count(try store.subjects().count, "participant")) in \(Text.count(store.context.protocols.count, "study", plural: "studies")), as of \(session.today).")
    }
}

/// `cohort scales`: every rating scale's code (what protocol files and `cohort score` name), items and ranges.
struct ScalesCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "scales", abstract: "Every rating scale's code, items and ranges, and every measure's unit and ranges.")
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let scales = session.scales.all.map { scale -> String in
            let total = scale.totalRange.map { ", total \($0.lowerBound)–\($0.upperBound)" } ?? ""
            let subscales = (scale.subscales ?? []).map { "\($0.code) (\($0.items.joined(separator: " ")))" }
            let head = "\(scale.code) — \(scale.title): \(Text.count(scale.items.count, "item"))\(total)"
                + (subscales.isEmpty ? "" : "; subscales " + subscales.joined(separator: ", "))
            let items = Columns.render(scale.items.map { ["  " + $0.code, "\($0.min)–\($0.max)", $0.name] })
            return head + "\n" + items
        }
        let measures = Columns.render([["  CODE", "NAME", "UNIT", "DOMAIN", "PLAUSIBLE", "NORMAL", "DECIMALS"]] + session.scales.measures.map {
            ["  " + $0.code, $0.name + ($0.unitAliases.map { " (unit also " + $0.joined(separator: ", ") + ")" } ?? ""), $0.unit, $0.domain,
             $0.plausible.description, $0.normal?.description ?? "none", String($0.decimals)]
        })
        Session.print(scales.joined(separator: "\n\n") + "\n\nMeasures (cohort measure; a protocol's ranges override the normal range):\n" + measures)
    }
}

/// `cohort protocols`: the bundled protocol templates, and the protocols of the store here when there is one.
struct ProtocolsCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "protocols", abstract: "The bundled protocol templates and the store's protocols.")
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        func row(_ studyProtocol: StudyProtocol) -> [String] {
            [studyProtocol.id, studyProtocol.blinded ? "blinded" : "open-label", studyProtocol.primaryScale,
             String(studyProtocol.visits.count), studyProtocol.title]
        }
        let header = ["ID", "DESIGN", "PRIMARY", "VISITS", "TITLE"]
        let bundled = try BundledResources.protocolNames().map { try row(ProtocolSource.load($0, scales: session.scales)) }
        var text = "Bundled templates (cohort init --protocol ID):\n" + Columns.render([header] + bundled)
        // The store's own, when there is one here: what its participants follow. A store that cannot be
        // opened is said on standard error; the templates are still listed.
        do {
            let store = try session.openStore()
            text += "\n\nIn the store at \(session.storeDirectory):\n" + Columns.render([header] + store.context.sortedProtocols.map(row))
        } catch let error as StoreError where error.kind != .missing {
            Session.warn(error.message)
        } catch is StoreError {}
        Session.print(text)
    }
}
