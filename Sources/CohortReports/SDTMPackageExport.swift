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
        let datasets = [demographics(studyProtocol, ours, siteNumber: siteNumber)]
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

    /// DM: one record per participant.
    static func demographics(_ studyProtocol: StudyProtocol, _ participants: [Participant], siteNumber: String) -> SDTMDataset {
        var dataset = SDTMDataset(
            name: "DM", label: "Demographics", datasetClass: .specialPurpose, structure: "One record per subject",
            keyVariables: ["STUDYID", "USUBJID"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .char("SUBJID", "Subject Identifier for the Study", role: .topic),
                .dtc("RFSTDTC", "Subject Reference Start Date/Time", role: .recordQualifier, origin: .derived),
                .dtc("RFICDTC", "Date/Time of Informed Consent", role: .recordQualifier),
                .char("SITEID", "Study Site Identifier", role: .recordQualifier, origin: .assigned),
                .dtc("BRTHDTC", "Date/Time of Birth", role: .recordQualifier, core: .permissible),
                .char("SEX", "Sex", role: .recordQualifier, codelist: "SEX"),
            ])
        for participant in participants {
            // A participant whose Day 1 has not happened has no reference start (docs/RULES.md, "Study days and dates").
            let dayOne = participant.completedDayOne(studyProtocol)
            dataset.records.append([
                .text(participant.study), "DM", .text(usubjid(participant)), .text(participant.subject),
                .text(dayOne?.description), .text(participant.consentDate.description), .text(siteNumber),
                .text(String(participant.birthYear)), .text(sexCode(participant.sex)),
            ])
        }
        return dataset
    }

    /// CDISC's SEX code for Cohort's: `X` (not given) is `U`, unknown.
    static func sexCode(_ sex: Sex) -> String {
        switch sex {
        case .female: return "F"
        case .male: return "M"
        case .unspecified: return "U"
        }
    }

    /// The NCI EVS Sex codelist (C66731) as DM uses it.
    static let sex = SDTMCodelist(id: "SEX", name: "Sex", nciCode: "C66731", terms: [
        .init("F", nciCode: "C16576", decode: "Female"), .init("M", nciCode: "C20197", decode: "Male"),
        .init("U", nciCode: "C17998", decode: "Unknown"),
    ])
}
