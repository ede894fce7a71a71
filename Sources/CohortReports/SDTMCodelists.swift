import CohortSDTM

/// The NCI EVS SDTM codelists the package uses, with only the terms Cohort writes (docs/RULES.md,
/// "SDTM conventions"). A subset of the published table, kept current by `SDTMCodelistsTests`, which
/// finds every term and its C-code in `../shared/reference/sdtm_terminology.csv`.
public enum SDTMCodelists {
    /// Every codelist by its id (the variables name them so).
    public static let all: [String: SDTMCodelist] = Dictionary(uniqueKeysWithValues: [
        SDTMPackageExport.sex, noYes, severity, action, outcome, epoch, completion, route, frequency, unit, vitalSignsTestCode, vitalSignsTest,
        laboratoryTestCode, laboratoryTest, ecgTestCode, ecgTest, trialParameterCode, trialParameter, notDone, rangeIndicator,
        dispositionCategory, milestone, ageUnit, blinding, inclusionCategory, SDTMPackageExport.dispositionTerms, armNullReason,
    ].map { ($0.id, $0) })

    /// The codelists `datasets` name, in the order first named (what Define-XML lists), from `also` (the
    /// package's own, such as the categories of the scales it holds) or else from `all`.
    public static func codelists(for datasets: [SDTMDataset], also: [SDTMCodelist] = []) -> [SDTMCodelist] {
        var seen: Set<String> = []
        return datasets.flatMap(\.variables).compactMap { variable in
            guard let id = variable.codelist, seen.insert(id).inserted else { return nil }
            return also.first { $0.id == id } ?? all[id]
        }
    }

    /// No Yes Response (C66742).
    public static let noYes = SDTMCodelist(id: "NY", name: "No Yes Response", nciCode: "C66742", terms: [
        .init("N", nciCode: "C49487", decode: "No"), .init("Y", nciCode: "C49488", decode: "Yes"),
    ])
    /// Severity/Intensity Scale for Adverse Events (C66769).
    public static let severity = SDTMCodelist(id: "AESEV", name: "Severity/Intensity Scale for Adverse Events", nciCode: "C66769", terms: [
        .init("MILD", nciCode: "C41338"), .init("MODERATE", nciCode: "C41339"), .init("SEVERE", nciCode: "C41340"),
    ])
    /// Action Taken with Study Treatment (C66767).
    public static let action = SDTMCodelist(id: "ACN", name: "Action Taken with Study Treatment", nciCode: "C66767", terms: [
        .init("DOSE NOT CHANGED", nciCode: "C49504"), .init("DRUG INTERRUPTED", nciCode: "C49501"), .init("DOSE REDUCED", nciCode: "C49505"),
        .init("DRUG WITHDRAWN", nciCode: "C49502"), .init("NOT APPLICABLE", nciCode: "C48660"),
    ])
    /// Outcome of Event (C66768).
    public static let outcome = SDTMCodelist(id: "OUT", name: "Outcome of Event", nciCode: "C66768", terms: [
        .init("RECOVERED/RESOLVED", nciCode: "C49498"), .init("RECOVERED/RESOLVED WITH SEQUELAE", nciCode: "C49495"),
        .init("RECOVERING/RESOLVING", nciCode: "C49496"), .init("NOT RECOVERED/NOT RESOLVED", nciCode: "C49494"),
        .init("FATAL", nciCode: "C48275"), .init("UNKNOWN", nciCode: "C17998"),
    ])
    /// Epoch (C99079).
    public static let epoch = SDTMCodelist(id: "EPOCH", name: "Epoch", nciCode: "C99079", terms: [
        .init("SCREENING", nciCode: "C48262"), .init("TREATMENT", nciCode: "C101526"), .init("FOLLOW-UP", nciCode: "C99158"),
    ])
    /// Completion/Reason for Non-Completion (C66727).
    public static let completion = SDTMCodelist(id: "NCOMPLT", name: "Completion/Reason for Non-Completion", nciCode: "C66727", terms: [
        .init("ADVERSE EVENT", nciCode: "C41331"), .init("LACK OF EFFICACY", nciCode: "C48226"), .init("WITHDRAWAL BY SUBJECT", nciCode: "C49634"),
        .init("PHYSICIAN DECISION", nciCode: "C48250"), .init("LOST TO FOLLOW-UP", nciCode: "C48227"), .init("PROTOCOL DEVIATION", nciCode: "C50996"),
        .init("PREGNANCY", nciCode: "C25742"), .init("DEATH", nciCode: "C28554"), .init("STUDY TERMINATED BY SPONSOR", nciCode: "C49632"),
        .init("SCREEN FAILURE", nciCode: "C49628"), .init("COMPLETED", nciCode: "C25250"), .init("OTHER", nciCode: "C17649"),
    ])
    /// Route of Administration Response (C66729).
    public static let route = SDTMCodelist(id: "ROUTE", name: "Route of Administration Response", nciCode: "C66729", terms: [
        .init("ORAL", nciCode: "C38288"), .init("INTRAMUSCULAR", nciCode: "C28161"), .init("INTRAVENOUS", nciCode: "C38276"),
        .init("SUBCUTANEOUS", nciCode: "C38299"), .init("TRANSDERMAL", nciCode: "C38305"), .init("SUBLINGUAL", nciCode: "C38300"),
        .init("TOPICAL", nciCode: "C38304"), .init("RECTAL", nciCode: "C38295"), .init("NASAL", nciCode: "C38284"),
        .init("RESPIRATORY (INHALATION)", nciCode: "C38216"), .init("BUCCAL", nciCode: "C38193"), .init("OPHTHALMIC", nciCode: "C38287"),
    ])
    /// Frequency (C71113).
    public static let frequency = SDTMCodelist(id: "FREQ", name: "Frequency", nciCode: "C71113", terms: [
        .init("QD", nciCode: "C25473"), .init("BID", nciCode: "C64496"), .init("TID", nciCode: "C64527"), .init("QID", nciCode: "C64530"),
        .init("PRN", nciCode: "C64499"), .init("QHS", nciCode: "C64593"), .init("Q4H", nciCode: "C64518"), .init("Q6H", nciCode: "C64520"),
        .init("Q8H", nciCode: "C64523"), .init("Q12H", nciCode: "C64502"), .init("ONCE", nciCode: "C64576"), .init("QAM", nciCode: "C64595"),
        .init("QPM", nciCode: "C64596"), .init("EVERY WEEK", nciCode: "C67069"), .init("QOD", nciCode: "C64525"), .init("QM", nciCode: "C64498"),
    ])
    /// Unit (C71620): the measures' units and the doses'.
    public static let unit = SDTMCodelist(id: "UNIT", name: "Unit", nciCode: "C71620", terms: [
        .init("mmHg", nciCode: "C49670"), .init("beats/min", nciCode: "C49673"), .init("C", nciCode: "C42559"), .init("kg", nciCode: "C28252"),
        .init("U/L", nciCode: "C67456"), .init("mg/dL", nciCode: "C67015"), .init("msec", nciCode: "C41140"), .init("mg", nciCode: "C28253"),
        .init("g", nciCode: "C48155"), .init("ug", nciCode: "C48152"), .init("mL", nciCode: "C28254"), .init("IU", nciCode: "C48579"),
        .init("TABLET", nciCode: "C48542"), .init("CAPSULE", nciCode: "C48480"), .init("PUFF", nciCode: "C65060"),
    ])
    /// Vital Signs Test Code (C66741).
    public static let vitalSignsTestCode = SDTMCodelist(id: "VSTESTCD", name: "Vital Signs Test Code", nciCode: "C66741", terms: [
        .init("SYSBP", nciCode: "C25298"), .init("DIABP", nciCode: "C25299"), .init("HR", nciCode: "C49677"), .init("PULSE", nciCode: "C49676"),
        .init("TEMP", nciCode: "C174446"), .init("WEIGHT", nciCode: "C25208"),
    ])
    /// Vital Signs Test Name (C67153), in the order of the codes.
    public static let vitalSignsTest = SDTMCodelist(id: "VSTEST", name: "Vital Signs Test Name", nciCode: "C67153", terms: [
        .init("Systolic Blood Pressure", nciCode: "C25298"), .init("Diastolic Blood Pressure", nciCode: "C25299"), .init("Heart Rate", nciCode: "C49677"),
        .init("Pulse Rate", nciCode: "C49676"), .init("Temperature", nciCode: "C174446"), .init("Weight", nciCode: "C25208"),
    ])
    /// Laboratory Test Code (C65047).
    public static let laboratoryTestCode = SDTMCodelist(id: "LBTESTCD", name: "Laboratory Test Code", nciCode: "C65047", terms: [
        .init("ALT", nciCode: "C64433"), .init("AST", nciCode: "C64467"), .init("BILI", nciCode: "C38037"), .init("CREAT", nciCode: "C64547"),
    ])
    /// Laboratory Test Name (C67154), in the order of the codes.
    public static let laboratoryTest = SDTMCodelist(id: "LBTEST", name: "Laboratory Test Name", nciCode: "C67154", terms: [
        .init("Alanine Aminotransferase", nciCode: "C64433"), .init("Aspartate Aminotransferase", nciCode: "C64467"),
        .init("Bilirubin", nciCode: "C38037"), .init("Creatinine", nciCode: "C64547"),
    ])
    /// ECG Test Code (C71153).
    public static let ecgTestCode = SDTMCodelist(id: "EGTESTCD", name: "ECG Test Code", nciCode: "C71153", terms: [
        .init("QTCFAG", nciCode: "C117786"),
    ])
    /// ECG Test Name (C71152).
    public static let ecgTest = SDTMCodelist(id: "EGTEST", name: "ECG Test Name", nciCode: "C71152", terms: [
        .init("QTcF Interval, Aggregate", nciCode: "C117786"),
    ])
    /// Trial Summary Parameter Test Code (C66738).
    public static let trialParameterCode = SDTMCodelist(id: "TSPARMCD", name: "Trial Summary Parameter Test Code", nciCode: "C66738", terms: [
        .init("SSTDTC", nciCode: "C69208"), .init("TITLE", nciCode: "C49802"), .init("TBLIND", nciCode: "C49658"),
        .init("SPONSOR", nciCode: "C70793"), .init("PLANSUB", nciCode: "C49692"), .init("AGEMIN", nciCode: "C49693"),
        .init("AGEMAX", nciCode: "C49694"), .init("NARMS", nciCode: "C98771"),
    ])
    /// Trial Summary Parameter Test Name (C67152), in the order of the codes.
    public static let trialParameter = SDTMCodelist(id: "TSPARM", name: "Trial Summary Parameter Test Name", nciCode: "C67152", terms: [
        .init("Study Start Date", nciCode: "C69208"), .init("Trial Title", nciCode: "C49802"), .init("Trial Blinding Schema", nciCode: "C49658"),
        .init("Clinical Study Sponsor", nciCode: "C70793"), .init("Planned Number of Subjects", nciCode: "C49692"),
        .init("Planned Minimum Age of Subjects", nciCode: "C49693"), .init("Planned Maximum Age of Subjects", nciCode: "C49694"),
        .init("Planned Number of Arms", nciCode: "C98771"),
    ])
    /// Not Done (C66789).
    public static let notDone = SDTMCodelist(id: "ND", name: "Not Done", nciCode: "C66789", terms: [.init("NOT DONE", nciCode: "C49484")])
    /// Reference Range Indicator (C78736).
    public static let rangeIndicator = SDTMCodelist(id: "NRIND", name: "Reference Range Indicator", nciCode: "C78736", terms: [
        .init("LOW", nciCode: "C78801"), .init("HIGH", nciCode: "C78800"), .init("NORMAL", nciCode: "C78727"),
    ])
    /// Category of Disposition Event (C74558).
    public static let dispositionCategory = SDTMCodelist(id: "DSCAT", name: "Category of Disposition Event", nciCode: "C74558", terms: [
        .init("DISPOSITION EVENT", nciCode: "C74590"), .init("PROTOCOL MILESTONE", nciCode: "C74588"),
    ])
    /// Protocol Milestone (C114118).
    public static let milestone = SDTMCodelist(id: "PROTMLST", name: "Protocol Milestone", nciCode: "C114118", terms: [
        .init("INFORMED CONSENT OBTAINED", nciCode: "C16735"), .init("RANDOMIZED", nciCode: "C114209"),
    ])
    /// Age Unit (C66781).
    public static let ageUnit = SDTMCodelist(id: "AGEU", name: "Age Unit", nciCode: "C66781", terms: [.init("YEARS", nciCode: "C29848")])
    /// Arm Null Reason (C142179): why DM's arm or actual arm is null (ARMNRS).
    public static let armNullReason = SDTMCodelist(id: "ARMNULRS", name: "Arm Null Reason", nciCode: "C142179", terms: [
        .init("ASSIGNED, NOT TREATED", nciCode: "C142238"), .init("NOT ASSIGNED", nciCode: "C142239"), .init("SCREEN FAILURE", nciCode: "C49628"),
    ])
    /// Trial Blinding Schema Response (C66735).
    public static let blinding = SDTMCodelist(id: "TBLIND", name: "Trial Blinding Schema Response", nciCode: "C66735", terms: [
        .init("DOUBLE BLIND", nciCode: "C15228"), .init("OPEN LABEL", nciCode: "C49659"),
    ])
    /// Category for Inclusion/Exclusion (C66797).
    public static let inclusionCategory = SDTMCodelist(id: "IECAT", name: "Category for Inclusion/Exclusion", nciCode: "C66797", terms: [
        .init("INCLUSION", nciCode: "C25532"), .init("EXCLUSION", nciCode: "C25370"),
    ])

    /// The CDISC test name paired with `code` in a test-code codelist and its name codelist (same C-code).
    public static func testName(_ code: String, codes: SDTMCodelist, names: SDTMCodelist) -> String? {
        guard let nci = codes.terms.first(where: { $0.value == code })?.nciCode else { return nil }
        return names.terms.first { $0.nciCode == nci }?.value
    }
}
