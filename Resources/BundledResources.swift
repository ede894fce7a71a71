// The one Swift file of the CohortResources target: it exists so that SwiftPM can ship the top-level
// Resources/ folder (scale definitions, protocol templates) as a bundle, and it reads them back.
import CohortDomain
import Foundation

/// The scale definitions and protocol templates shipped with Cohort.
public enum BundledResources {
    /// The resource folder: `COHORT_RESOURCES` when set (for an installed binary), else SwiftPM's bundle.
    public static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["COHORT_RESOURCES"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return Bundle.module.resourceURL ?? Bundle.module.bundleURL
    }

    /// Every shipped scale and measure, validated.
    public static func scales() throws -> ScaleCatalog {
        let decoder = JSONDecoder()
        let definitions = try jsonFiles(in: "scales").map { url in
            do {
                return try decoder.decode(ScaleDefinition.self, from: try definition(url, what: "Scale file"))
            } catch let error as DecodingError {
                throw DomainError("Scale file \(url.path) is not a scale definition: \(error.plainDescription).")
            }
        }
        let measures = try jsonFiles(in: "measures").map { url in
            do {
                return try decoder.decode(MeasureDefinition.self, from: try definition(url, what: "Measure file"))
            } catch let error as DecodingError {
                throw DomainError("Measure file \(url.path) is not a measure definition: \(error.plainDescription).")
            }
        }
        return try ScaleCatalog(definitions, measures: measures)
    }

    /// The bytes of a definition file, refused when an object in it gives a member twice.
    private static func definition(_ url: URL, what: String) throws -> Data {
        let data = try Data(contentsOf: url)
        try DuplicateKeys.refuse(in: data, what: "\(what) \(url.path)")
        return data
    }

    /// Names of the shipped protocol templates (file names without `.json`).
    public static func protocolNames() throws -> [String] {
        try jsonFiles(in: "protocols").map { $0.deletingPathExtension().lastPathComponent }
    }

    /// The bytes of a shipped protocol template, or nil when there is none of that name.
    public static func protocolData(named name: String) -> Data? {
        guard !name.contains("/") else { return nil }
        return try? Data(contentsOf: directory.appendingPathComponent("protocols").appendingPathComponent(name + ".json"))
    }

    private static func jsonFiles(in folder: String) throws -> [URL] {
        let url = directory.appendingPathComponent(folder)
        do {
            return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw DomainError("Cohort's resource folder \(url.path) cannot be read; reinstall Cohort or set COHORT_RESOURCES.")
        }
    }
}
