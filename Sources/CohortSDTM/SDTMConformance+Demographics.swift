/// DM's own consistency rules (docs/RULES.md, "SDTM datasets and their files"), each checked only when
/// DM has the variables it names: the death flag and date together, each arm code with its description,
/// ARMNRS exactly when an arm is null, the age unit with an age, the planned arm one of TA's (or SDTMIG's
/// reserved `SCRNFAIL`/`NOTASSGN`), and no date of a subject after its end of participation (RFPENDTC).
extension SDTMConformance {
    /// The arm codes SDTMIG reserves for subjects without a planned arm of TA.
    static let reservedArms: Set<String> = ["SCRNFAIL", "NOTASSGN"]

    /// The findings of DM's rules in `package`; none when it has no DM.
    static func demographicsFindings(_ package: SDTMPackage) -> [Finding] {
        guard let dm = package.datasets.first(where: { $0.name == "DM" }) else { return [] }
        var findings: [Finding] = []
        func add(_ rule: String, _ row: Int, _ message: String) {
            findings.append(Finding(rule: rule, dataset: "DM", message: "\(dm.recordName(row)): \(message)"))
        }
        func given(_ name: String, _ row: Int) -> Bool? { dm.value(name, inRecord: row).map { !$0.isMissing } }
        let taArms = package.datasets.first { $0.name == "TA" }.map { Set(values(of: "ARMCD", in: $0).compactMap(\.1.text)) }
        var endOf: [String: String] = [:]
        for row in dm.records.indices {
            if let flag = dm.value("DTHFL", inRecord: row), let date = given("DTHDTC", row), (flag.text == "Y") != date {
                add("DTH", row, "DTHFL is \"Y\" exactly when DTHDTC gives the date of death.")
            }
            for (code, name) in [("ARMCD", "ARM"), ("ACTARMCD", "ACTARM")] {
                if let hasCode = given(code, row), let hasName = given(name, row), hasCode != hasName {
                    add("ARM", row, "\(code) and \(name) are given together or not at all.")
                }
            }
            if let reason = given("ARMNRS", row), let planned = given("ARMCD", row), let actual = given("ACTARMCD", row), reason == (planned && actual) {
                add("ARMNRS", row, "ARMNRS gives the reason exactly when ARMCD or ACTARMCD is null.")
            }
            if let taArms, let code = dm.value("ARMCD", inRecord: row)?.text, !code.isEmpty, !taArms.contains(code), !reservedArms.contains(code) {
                add("ARM", row, "ARMCD \"\(code)\" is not an arm of TA (nor SCRNFAIL or NOTASSGN).")
            }
            let aged = given("AGE", row) == true || given("AGETXT", row) == true
            if let unit = given("AGEU", row), unit != aged {
                add("AGE", row, "AGEU is given exactly when AGE or AGETXT is.")
            }
            if given("AGE", row) == true && given("AGETXT", row) == true { add("AGE", row, "AGE and AGETXT are never both given.") }
            if let subject = dm.value("USUBJID", inRecord: row)?.text, let end = dm.value("RFPENDTC", inRecord: row)?.text, !end.isEmpty {
                endOf[subject] = end
            }
        }
        // Dates compared as ISO 8601 text to the day (a later time on the same day is not "after").
        for dataset in package.datasets where dataset.name != "DM" && !endOf.isEmpty {
            let dates = dataset.variables.filter { $0.dataType == .datetime && $0.name.hasSuffix("DTC") }.map(\.name)
            for (row, subject) in values(of: "USUBJID", in: dataset) {
                guard let end = subject.text.flatMap({ endOf[$0] }) else { continue }
                for name in dates {
                    guard let date = dataset.value(name, inRecord: row)?.text, !date.isEmpty, date.prefix(10) > end.prefix(10) else { continue }
                    findings.append(Finding(rule: "RFPENDTC", dataset: dataset.name,
                                            message: "\(dataset.recordName(row)) \(name): \(date) is after the subject's end of participation (DM RFPENDTC \(end))."))
                }
            }
        }
        return findings
    }
}
