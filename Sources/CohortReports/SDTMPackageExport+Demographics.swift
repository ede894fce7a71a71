import CohortDomain
import CohortSDTM

/// DM, one record per participant (docs/RULES.md, "SDTM conventions", DM): reference dates, death, age at
/// consent, and the planned and actual arm.
extension SDTMPackageExport {
    /// A participant's planned and actual arm as DM writes them, and why an arm is null (ARMNRS).
    struct DMArms {
        /// ARMCD and ARM.
        var planned: (code: String, name: String)
        /// ACTARMCD and ACTARM; nil when the participant was assigned but not treated.
        var actual: (code: String, name: String)?
        /// ARMNRS: the reason an arm variable is null (SDTMIG 3.4), nil when none is.
        var nullReason: String?
    }

    /// ARMCD/ARM for a screen failure (SDTMIG's reserved values; TA has no such arm).
    static let screenFailure = (code: "SCRNFAIL", name: "Screen Failure")
    /// ARMCD/ARM for a participant not (yet) assigned to an arm: a blinded study's, before randomization.
    static let notAssigned = (code: "NOTASSGN", name: "Not Assigned")
    /// ARMNRS of a participant assigned to an arm whose treatment (Day 1) has not begun.
    static let assignedNotTreated = "ASSIGNED, NOT TREATED"

    /// The arms of `subject`: a screen failure is `SCRNFAIL`; an assigned participant has TA's arm (the
    /// open-label arm, or `BLINDED` once a blinded study's participant is randomized), and the same
    /// actual arm from Day 1 on (none before, ARMNRS `ASSIGNED, NOT TREATED`); anyone else `NOTASSGN`.
    static func arms(_ subject: SDTMSubject) -> DMArms {
        let participant = subject.participant, arms = plannedArms(subject.studyProtocol)
        if participant.status == .screenFailed { return DMArms(planned: screenFailure, actual: screenFailure) }
        let assigned = subject.studyProtocol.blinded
            ? (participant.randomization == nil ? nil : arms.first)
            : arms.first { $0.name == participant.arm }
        guard let assigned else { return DMArms(planned: notAssigned, actual: notAssigned) }
        guard subject.dayOne != nil else { return DMArms(planned: assigned, actual: nil, nullReason: assignedNotTreated) }
        return DMArms(planned: assigned, actual: assigned)
    }

    /// DM: one record per participant.
    static func demographics(_ subjects: [SDTMSubject], siteNumber: String) throws -> SDTMDataset {
        var dataset = SDTMDataset(
            name: "DM", label: "Demographics", datasetClass: .specialPurpose, structure: "One record per subject",
            keyVariables: ["STUDYID", "USUBJID"],
            variables: [
                .char("STUDYID", "Study Identifier", role: .identifier, origin: .protocol),
                .char("DOMAIN", "Domain Abbreviation", role: .identifier, origin: .assigned),
                .char("USUBJID", "Unique Subject Identifier", role: .identifier, origin: .derived),
                .char("SUBJID", "Subject Identifier for the Study", role: .topic),
                .dtc("RFSTDTC", "Subject Reference Start Date/Time", role: .recordQualifier, origin: .derived),
                .dtc("RFENDTC", "Subject Reference End Date/Time", role: .recordQualifier, origin: .derived),
                .dtc("RFICDTC", "Date/Time of Informed Consent", role: .recordQualifier),
                .dtc("RFPENDTC", "Date/Time of End of Participation", role: .recordQualifier, origin: .derived),
                .dtc("DTHDTC", "Date/Time of Death", role: .recordQualifier),
                .char("DTHFL", "Subject Death Flag", role: .recordQualifier, core: .expected, origin: .derived, codelist: "NY"),
                .char("SITEID", "Study Site Identifier", role: .recordQualifier, origin: .assigned),
                .dtc("BRTHDTC", "Date/Time of Birth", role: .recordQualifier, core: .permissible),
                .integer("AGE", "Age", role: .recordQualifier, core: .expected),
                .char("AGETXT", "Age Range", role: .recordQualifier, core: .permissible, origin: .derived),
                .char("AGEU", "Age Units", role: .variableQualifier, core: .expected, origin: .assigned, codelist: "AGEU"),
                .char("SEX", "Sex", role: .recordQualifier, codelist: "SEX"),
                .char("ARMCD", "Planned Arm Code", role: .recordQualifier, core: .expected, origin: .assigned),
                .char("ARM", "Description of Planned Arm", role: .synonymQualifier, core: .expected, origin: .assigned),
                .char("ACTARMCD", "Actual Arm Code", role: .recordQualifier, core: .expected, origin: .derived),
                .char("ACTARM", "Description of Actual Arm", role: .synonymQualifier, core: .expected, origin: .derived),
                .char("ARMNRS", "Reason Arm and/or Actual Arm is Null", role: .recordQualifier, core: .expected, origin: .derived,
                      codelist: "ARMNULRS"),
            ])
        for subject in subjects {
            let participant = subject.participant
            let death = participant.dayOfDeath
            // Born in a year, the age at consent is one of two: AGE when the date settles it, else the range.
            let exact = AgeAtConsent.exactAge(birthYear: participant.birthYear, consent: participant.consentDate)
            let ages = AgeAtConsent.possibleAges(birthYear: participant.birthYear, consent: participant.consentDate)
            let arms = arms(subject)
            try dataset.append([
                "STUDYID": subject.studyID, "DOMAIN": "DM", "USUBJID": subject.usubjid, "SUBJID": .text(participant.subject),
                // A participant whose Day 1 has not happened has no reference start (docs/RULES.md, "Study days and dates").
                "RFSTDTC": .text(subject.dayOne?.description), "RFENDTC": .text(subject.dayOne == nil ? nil : subject.treatmentEnd?.description),
                "RFICDTC": .text(participant.consentDate.description), "RFPENDTC": .text(subject.endOfParticipation.description),
                "DTHDTC": .text(death?.description), "DTHFL": .text(death == nil ? nil : "Y"),
                "SITEID": .text(siteNumber), "BRTHDTC": .text(String(participant.birthYear)),
                "AGE": .number(exact), "AGETXT": .text(exact == nil ? "\(ages.lowerBound)-\(ages.upperBound)" : nil), "AGEU": "YEARS",
                "SEX": .text(sexCode(participant.sex)),
                "ARMCD": .text(arms.planned.code), "ARM": .text(arms.planned.name),
                "ACTARMCD": .text(arms.actual?.code), "ACTARM": .text(arms.actual?.name), "ARMNRS": .text(arms.nullReason),
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
