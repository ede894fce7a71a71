import Foundation

/// One study's SDTM package: its datasets, the codelists they use, and what Define-XML and Dataset-JSON
/// say about the study and the files (who made them, from what, when).
public struct SDTMPackage: Sendable, Hashable {
    /// The study's identifier (STUDYID, the protocol id); the OIDs are made from it.
    public var studyID: String
    /// The study's name (Define-XML `StudyName`).
    public var studyName: String
    /// The study in words (Define-XML `StudyDescription`).
    public var studyDescription: String
    /// The protocol's name (Define-XML `ProtocolName`).
    public var protocolName: String
    /// The datasets, in the order Define-XML lists them.
    public var datasets: [SDTMDataset]
    /// The codelists the variables name (by `SDTMCodelist.id`).
    public var codelists: [SDTMCodelist]
    /// The organization that made the files.
    public var originator: String
    /// The system the data come from (`Cohort`) and its version.
    public var sourceSystem: String
    /// The version of `sourceSystem`.
    public var sourceSystemVersion: String
    /// The SDTMIG version the datasets follow.
    public var implementationGuideVersion: String
    /// The version (publication date) of the NCI EVS SDTM terminology the codelists come from.
    public var terminologyVersion: String
    /// When the files were made (every file of the package carries the same time).
    public var createdAt: Date
    /// When the source data last changed, if known.
    public var dataLastModifiedAt: Date?

    /// A package.
    public init(studyID: String, studyName: String, studyDescription: String, protocolName: String,
                datasets: [SDTMDataset], codelists: [SDTMCodelist] = [], originator: String, sourceSystem: String = "Cohort",
                sourceSystemVersion: String, implementationGuideVersion: String = "3.4", terminologyVersion: String,
                createdAt: Date, dataLastModifiedAt: Date? = nil) {
        self.studyID = studyID
        self.studyName = studyName
        self.studyDescription = studyDescription
        self.protocolName = protocolName
        self.datasets = datasets
        self.codelists = codelists
        self.originator = originator
        self.sourceSystem = sourceSystem
        self.sourceSystemVersion = sourceSystemVersion
        self.implementationGuideVersion = implementationGuideVersion
        self.terminologyVersion = terminologyVersion
        self.createdAt = createdAt
        self.dataLastModifiedAt = dataLastModifiedAt
    }

    /// The Define-XML `MetaDataVersion/@OID`, which Dataset-JSON repeats.
    public var metaDataVersionOID: String { "MDV.\(studyID)" }

    /// The Define-XML `Study/@OID`, which Dataset-JSON repeats.
    public var studyOID: String { "STUDY.\(studyID)" }

    /// The codelist with `id`, or nil.
    public func codelist(_ id: String) -> SDTMCodelist? { codelists.first { $0.id == id } }
}

extension SDTMDataset {
    /// The Define-XML `ItemGroupDef/@OID` (Dataset-JSON's `itemGroupOID`).
    public var itemGroupOID: String { "IG.\(name)" }

    /// The Define-XML `ItemDef/@OID` of a variable of this dataset (Dataset-JSON's `itemOID`).
    public func itemOID(_ variable: SDTMVariable) -> String { "IT.\(name).\(variable.name)" }
}
