/// The files of a package, by name, ready for the caller to save.
extension SDTMPackage {
    /// How the datasets are written.
    public enum FileFormat: String, Sendable, Hashable, CaseIterable {
        /// SAS Transport v5 (`dm.xpt`).
        case xpt
        /// CDISC Dataset-JSON v1.1 (`dm.json`).
        case json
    }

    /// Every file of the package: each dataset in each of `formats`, and `define.xml` (whose `def:leaf`s
    /// name the XPT files when XPT is written, the JSON ones otherwise). The package is checked once,
    /// whole, before anything is made; the XPT writer's refusals (non-ASCII text) come for every dataset
    /// at once, so one message names every record.
    public func files(formats: Set<FileFormat>) throws -> [(name: String, bytes: [UInt8])] {
        precondition(!formats.isEmpty, "at least one format")
        try validate()
        var files: [(name: String, bytes: [UInt8])] = []
        var problems: [String] = []
        for dataset in datasets {
            if formats.contains(.xpt) {
                do { files.append((dataset.fileName(extension: "xpt"), try XPTWriter.bytes(of: dataset, createdAt: createdAt))) }
                catch let error as SDTMError { problems += error.problems }
            }
            if formats.contains(.json) {
                files.append((dataset.fileName(extension: "json"), try DatasetJSONWriter.bytes(of: dataset, in: self)))
            }
        }
        guard problems.isEmpty else { throw SDTMError(problems) }
        files.append(("define.xml", try DefineXMLWriter.bytes(of: self, fileExtension: formats.contains(.xpt) ? "xpt" : "json")))
        return files
    }
}
