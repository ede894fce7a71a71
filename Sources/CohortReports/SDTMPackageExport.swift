import CohortDomain
import CohortSDTM
import Foundation

/// One study's participants as an SDTM package (`cohort export --format sdtm --study ID --out DIR`;
/// docs/RULES.md, "SDTM datasets and their files"). Today it holds DM alone; each domain added is one
/// more dataset built here from the same participants.
public enum SDTMPackageExport {
    /// The version of the NCI EVS SDTM terminology the codelists come from (the reference table is the
    /// one published about 2022).
    public static let terminologyVersion = "2022-03-25"

    /// The package of `studyProtocol`'s study from `participants` (those of other studies are left out:
    /// one study per package), made by `site` at `createdAt`; a domain with no records is left out (DM and
    /// the trial design are always there).
    public static func package(_ studyProtocol: StudyProtocol, participants: [Participant], context: StudyContext, siteName: String,
                               siteNumber: String, sourceVersion: String, createdAt: Date) throws -> SDTMPackage {
        let ours = participants.filter { $0.study == studyProtocol.id }.sorted { $0.subject < $1.subject }
        let subjects = ours.map { SDTMSubject($0, studyProtocol) }
        let questionnaires = try scales("QS", subjects, context: context), classifications = try scales("RS", subjects, context: context)
        let datasets = [try demographics(subjects, siteNumber: siteNumber)]
            + (try domains(subjects, context: context) + questionnaires.datasets + classifications.datasets).filter { !$0.records.isEmpty }
            + (try [trialSummary(studyProtocol, subjects), trialArms(studyProtocol), trialElements(studyProtocol), trialVisits(studyProtocol)])
            + (try [trialInclusion(studyProtocol)]).filter { !$0.records.isEmpty }
        return SDTMPackage(studyID: studyProtocol.id, studyName: studyProtocol.id, studyDescription: studyProtocol.title,
                           protocolName: studyProtocol.id, datasets: datasets,
                           codelists: SDTMCodelists.codelists(for: datasets, also: [questionnaires.codelist, classifications.codelist]), originator: siteName, sourceSystemVersion: sourceVersion,
                           terminologyVersion: terminologyVersion, createdAt: createdAt)
    }

    /// Every dataset after DM, in the order Define-XML lists them.
    static func domains(_ subjects: [SDTMSubject], context: StudyContext) throws -> [SDTMDataset] {
        try adverseEvents(subjects) + medications(subjects) + disposition(subjects) + deviations(subjects) + subjectVisits(subjects)
            + measures("VS", subjects, catalog: context.scales) + measures("LB", subjects, catalog: context.scales)
            + measures("EG", subjects, catalog: context.scales) + inclusionExceptions(subjects)
    }

    /// USUBJID: the study and the subject (`SCZ-5W-101-0001`), unique across studies.
    public static func usubjid(_ participant: Participant) -> String { participant.study + "-" + participant.subject }
}
