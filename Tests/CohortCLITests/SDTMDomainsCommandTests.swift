import Foundation
import Testing

/// The package's domains record by record against the JSON outputs (`cohort ae list`, `med list`,
/// `measures`, `participants`): two studies of one demo store, two packages, every XPT read back with
/// pyreadstat equal to its Dataset-JSON, every Dataset-JSON valid against the published schema,
/// define.xml naming every dataset and variable, and no conformance finding (docs/RULES.md, "SDTM conventions").
struct SDTMDomainsCommandTests {
    /// Reads every dataset of a package folder: the XPT with pyreadstat (missing numbers as null, blank
    /// text as ""), checks it equals the Dataset-JSON rows, validates each JSON file against the schema and
    /// checks define.xml names every dataset and variable; prints {"datasets": {NAME: [record…]}, "problems": […]}.
    static let read = """
    import json, math, os, sys, pyreadstat, jsonschema
    import xml.etree.ElementTree as ET
    folder, schema = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
    problems, datasets = [], {}
    define = ET.parse(os.path.join(folder, "define.xml")).getroot()
    odm = "{http://www.cdisc.org/ns/odm/v1.3}"
    groups = {g.get("Name"): g for g in define.iter(odm + "ItemGroupDef")}
    items = {i.get("OID"): i.get("Name") for i in define.iter(odm + "ItemDef")}
    for name in sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".xpt")):
        data, meta = pyreadstat.read_xport(os.path.join(folder, name + ".xpt"), output_format="dict")
        def value(v):
            return None if isinstance(v, float) and math.isnan(v) else v
        rows = [[value(data[c][r]) for c in meta.column_names] for r in range(meta.number_rows)]
        document = json.load(open(os.path.join(folder, name + ".json"), encoding="utf-8"))
        try:
            jsonschema.validate(document, schema)
        except jsonschema.ValidationError as error:
            problems.append(name + ".json: " + error.message)
        if [c["name"] for c in document["columns"]] != meta.column_names:
            problems.append(name + ": columns differ between XPT and JSON")
        jsonrows = [[v if v is not None or document["columns"][i]["dataType"] not in ("string", "datetime", "date") else "" for i, v in enumerate(r)] for r in document["rows"]]
        if jsonrows != rows:
            problems.append(name + ": XPT and Dataset-JSON rows differ")
        group = groups.get(name.upper())
        if group is None:
            problems.append("define.xml has no dataset " + name.upper())
        else:
            named = {items.get(ref.get("ItemOID")) for ref in group.iter(odm + "ItemRef")}
            missing = set(meta.column_names) - named
            if missing:
                problems.append("define.xml " + name.upper() + " lacks " + ", ".join(sorted(missing)))
        datasets[name.upper()] = [dict(zip(meta.column_names, r)) for r in rows]
    print(json.dumps({"datasets": datasets, "problems": problems}))
    """

    /// A package of `study`: its datasets by name, each a list of records; nil with an issue recorded.
    static func package(_ cli: CLIHarness, study: String) throws -> [String: [[String: Any]]]? {
        let folder = NSTemporaryDirectory() + "cohort-sdtm-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = cli.run(["export", "--format", "sdtm", "--study", study, "--out", folder])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr == "", "no conformance finding")
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/reference/dataset-json-1.1.schema.json").path
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", read, folder, schema]
        let pipe = Pipe(), errors = Pipe()
        python.standardOutput = pipe
        python.standardError = errors
        try python.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        guard python.terminationStatus == 0 else {
            let message = problem.contains("No module named") ? "pyreadstat or jsonschema is missing: run .ci/run, or python3 -m pip install pyreadstat jsonschema" : problem
            Issue.record(Comment(rawValue: message))
            return nil
        }
        let read = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        #expect(read["problems"] as? [String] == [], "\(read["problems"] ?? "")")
        return read["datasets"] as? [String: [[String: Any]]]
    }

    static func text(_ value: Any?) -> String { (value as? String) ?? "" }
    static func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

    /// Two demo stores (two seeds), two studies each.
    @Test(arguments: [7, 23]) func twoStudiesPackagesAgreeRecordByRecordWithTheJSONOutputs(seed: Int) throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        cli.ok(["demo", "--participants", "40", "--seed", String(seed)])
        let events = ((cli.json(cli.ok(["ae", "list", "--format", "json"]).stdout)["adverseEvents"] as? [[String: Any]]) ?? [])
        let medications = ((cli.json(cli.ok(["med", "list", "--format", "json"]).stdout)["medications"] as? [[String: Any]]) ?? [])
        let roster = ((cli.json(cli.ok(["participants", "--format", "json"]).stdout)["participants"] as? [[String: Any]]) ?? [])
        let studyOf = Dictionary(roster.compactMap { p in (p["subject"] as? String).map { ($0, Self.text(p["study"])) } }, uniquingKeysWith: { a, _ in a })
        // The sponsor's coding, and a term past 200 characters, on one AE and one medication of the first study.
        let event = try #require(events.first { studyOf[Self.text($0["subject"])] == "SCZ-5W-INPT" })
        let subject = Self.text(event["subject"]), id = Self.text(event["id"])
        let long = String(repeating: "Intermittent ", count: 20) + "nausea after meals"
        cli.ok(["ae", "update", subject, id, "--decod", "Nausea", "--term", long, "--reason", "coded by the sponsor"])
        let medication = try #require(medications.first { studyOf[Self.text($0["subject"])] == "SCZ-5W-INPT" })
        cli.ok(["med", "update", Self.text(medication["subject"]), Self.text(medication["id"]), "--decod", "OLANZAPINE", "--reason", "coded"])
        let measures = ((cli.json(cli.ok(["measures", "--format", "json"]).stdout)["measures"] as? [[String: Any]]) ?? [])
        let updated = ((cli.json(cli.ok(["ae", "list", "--format", "json"]).stdout)["adverseEvents"] as? [[String: Any]]) ?? [])
        let scores = Self.csv(cli.ok(["export"]).stdout).dropFirst()

        for study in ["SCZ-5W-INPT", "TRD-8W-OUTPT"] {
            guard let package = try Self.package(cli, study: study) else { return }
            let usubjid = { (subject: String) in study + "-" + subject }
            // DM: every participant of the study, of no other.
            let dm = package["DM"] ?? []
            #expect(Set(dm.map { Self.text($0["USUBJID"]) }) == Set(roster.filter { Self.text($0["study"]) == study }.map { usubjid(Self.text($0["subject"])) }))
            // DM's arms (a blinded study: BLINDED once randomized, the actual arm from Day 1), death, age, end of participation.
            for participant in roster where Self.text(participant["study"]) == study {
                let record = try #require(dm.first { Self.text($0["USUBJID"]) == usubjid(Self.text(participant["subject"])) })
                let treated = !Self.text(record["RFSTDTC"]).isEmpty
                if Self.text(participant["status"]) == "screen-failed" {
                    #expect(Self.text(record["ARMCD"]) == "SCRNFAIL" && Self.text(record["ACTARM"]) == "Screen Failure" && Self.text(record["ARMNRS"]) == "")
                } else if participant["randomization"] is String {
                    #expect(Self.text(record["ARMCD"]) == "BLINDED" && Self.text(record["ACTARMCD"]) == (treated ? "BLINDED" : ""))
                    #expect(Self.text(record["ARMNRS"]) == (treated ? "" : "ASSIGNED, NOT TREATED"))
                } else {
                    #expect(Self.text(record["ARMCD"]) == "NOTASSGN" && Self.text(record["ACTARM"]) == "Not Assigned")
                }
                #expect((Self.text(record["DTHFL"]) == "Y") == !Self.text(record["DTHDTC"]).isEmpty)
                #expect(Self.text(record["AGEU"]) == "YEARS" && (Self.number(record["AGE"]) != nil) != !Self.text(record["AGETXT"]).isEmpty)
                #expect(Self.text(record["RFPENDTC"]) >= Self.text(record["RFICDTC"]) && Self.text(record["RFENDTC"]) <= Self.text(record["RFPENDTC"]))
                #expect(treated || Self.text(record["RFENDTC"]).isEmpty)
            }
            // A death in DS is DM's date of death.
            for death in (package["DS"] ?? []) where Self.text(death["DSDECOD"]) == "DEATH" {
                #expect(dm.contains { $0["USUBJID"] as? String == death["USUBJID"] as? String && Self.text($0["DTHDTC"]) == Self.text(death["DSSTDTC"]) && Self.text($0["DTHFL"]) == "Y" })
            }
            // AE: each adverse event of the study once, as `ae list` gives it.
            let ae = package["AE"] ?? [], suppae = package["SUPPAE"] ?? []
            let ours = updated.filter { studyOf[Self.text($0["subject"])] == study }
            #expect(ae.count == ours.count)
            for entry in ours {
                let record = try #require(ae.first { Self.text($0["USUBJID"]) == usubjid(Self.text(entry["subject"])) && Self.text($0["AESPID"]) == Self.text(entry["id"]) })
                let overflow = suppae.filter { Self.text($0["USUBJID"]) == Self.text(record["USUBJID"]) && Self.text($0["IDVARVAL"]) == SDTMDomainsCommandTests.sequence(record["AESEQ"])
                    && Self.text($0["QNAM"]).hasPrefix("AETERM") }.sorted { Self.text($0["QNAM"]) < Self.text($1["QNAM"]) }
                #expect(Self.text(record["AETERM"]) + overflow.map { Self.text($0["QVAL"]) }.joined() == Self.text(entry["term"]), "AETERM whole, never cut")
                #expect(Self.text(record["AESTDTC"]) == Self.text(entry["onset"]))
                #expect(Self.text(record["AEENDTC"]) == Self.text(entry["end"]))
                #expect(Self.text(record["AESEV"]) == Self.text(entry["severity"]).uppercased())
                #expect(Self.text(record["AESER"]) == ((entry["serious"] as? Bool) == true ? "Y" : "N"))
                #expect(Self.text(record["AESDTH"]) == (((entry["criteria"] as? [String]) ?? []).contains("death") ? "Y" : "N"))
                let special = suppae.contains { Self.text($0["USUBJID"]) == Self.text(record["USUBJID"]) && Self.text($0["IDVARVAL"]) == SDTMDomainsCommandTests.sequence(record["AESEQ"]) && Self.text($0["QNAM"]) == "AESI" }
                #expect(special == ((entry["specialInterest"] as? Bool) ?? false))
                let coded = Self.text(entry["subject"]) == subject && Self.text(entry["id"]) == id
                #expect(Self.text(record["AEDECOD"]) == (coded ? "Nausea" : ""), "AEDECOD only from the sponsor's coding")
            }
            // CM: each medication, route and frequency as CDISC's terms, the dose as a number.
            let cm = package["CM"] ?? [], suppcm = package["SUPPCM"] ?? []
            let ourMedications = medications.filter { studyOf[Self.text($0["subject"])] == study }
            #expect(cm.count == ourMedications.count)
            for entry in ourMedications {
                let record = try #require(cm.first { Self.text($0["USUBJID"]) == usubjid(Self.text(entry["subject"])) && Self.text($0["CMSPID"]) == Self.text(entry["id"]) })
                #expect(Self.text(record["CMTRT"]) == Self.text(entry["name"]))
                #expect(Self.text(record["CMSTDTC"]) == Self.text(entry["start"]))
                #expect(Self.text(record["CMENDTC"]) == Self.text(entry["end"]))
                #expect(Self.text(record["CMCAT"]) == Self.text(entry["category"]).uppercased())
                let coded = Self.text(entry["subject"]) == Self.text(medication["subject"]) && Self.text(entry["id"]) == Self.text(medication["id"])
                #expect(Self.text(record["CMDECOD"]) == (coded ? "OLANZAPINE" : ""), "CMDECOD only from the sponsor's coding")
                #expect(!["PO", "DAILY", "ONCE DAILY"].contains(Self.text(record["CMROUTE"])) && !["DAILY", "ONCE DAILY"].contains(Self.text(record["CMDOSFRQ"])))
                let rescue = suppcm.contains { Self.text($0["USUBJID"]) == Self.text(record["USUBJID"]) && Self.text($0["IDVARVAL"]) == SDTMDomainsCommandTests.sequence(record["CMSEQ"]) && Self.text($0["QNAM"]) == "CMRESCUE" }
                #expect(rescue == ((entry["rescue"] as? Bool) ?? false))
            }
            #expect(cm.contains { Self.text($0["CMROUTE"]) == "ORAL" && Self.number($0["CMDOSE"]) != nil && Self.text($0["CMDOSU"]) == "mg" })
            #expect(cm.contains { Self.text($0["CMDOSFRQ"]) == "QD" } || study != "SCZ-5W-INPT")
            // VS, LB, EG: each result in `measures` order, the value as recorded, its flag, baseline flags never on NOT DONE.
            for (domain, rows) in ["VS": package["VS"] ?? [], "LB": package["LB"] ?? [], "EG": package["EG"] ?? []] {
                for record in rows where Self.text(record[domain + "STAT"]) == "NOT DONE" {
                    #expect(Self.text(record[domain + "BLFL"]) == "" && Self.text(record[domain + "LOBXFL"]) == "")
                }
                #expect(rows.allSatisfy { Self.text($0[domain + "BLFL"]) == Self.text($0[domain + "LOBXFL"]) })
            }
            let results = (package["VS"] ?? []) + (package["LB"] ?? []) + (package["EG"] ?? [])
            let ourMeasures = measures.filter { studyOf[Self.text($0["subject"])] == study }
            #expect(results.count == ourMeasures.count)
            for (subjectID, entries) in Dictionary(grouping: ourMeasures, by: { Self.text($0["subject"]) }) {
                for domain in ["VS", "LB", "EG"] {
                    let rows = (package[domain] ?? []).filter { Self.text($0["USUBJID"]) == usubjid(subjectID) }
                    let tests = entries.filter { Self.domainOf[Self.text($0["test"])] == domain }
                    #expect(rows.count == tests.count, "\(subjectID) \(domain)")
                    for (row, entry) in zip(rows, tests) {
                        #expect(Self.text(row[domain + "DTC"]) == Self.text(entry["date"]))
                        #expect(Self.number(row[domain + "STRESN"]) == Self.number(entry["value"]))
                        #expect(Double(Self.text(row[domain + "ORRES"])) == Self.number(entry["value"]))
                        let flag = Self.text(entry["flag"]).uppercased()
                        #expect(Self.text(row[domain + "NRIND"]) == (entry["low"] is NSNull && entry["high"] is NSNull ? "" : flag))
                    }
                }
            }
            #expect(package["LB"] == nil || results.contains { Self.text($0["LBBLFL"]) == "Y" }, "LB is flagged too")
            #expect(package["VS"] == nil || results.contains { Self.text($0["VSBLFL"]) == "Y" })
            // A participant without Day 1 has no study day anywhere.
            let noDayOne = Set(dm.filter { Self.text($0["RFSTDTC"]).isEmpty }.map { Self.text($0["USUBJID"]) })
            for (name, rows) in package {
                for row in rows where noDayOne.contains(Self.text(row["USUBJID"])) {
                    for (key, value) in row where key.hasSuffix("DY") && key != "VISITDY" { #expect(value is NSNull, "\(name) \(key)") }
                }
            }
            // DS: every participant who left has a disposition event in CDISC's words.
            for participant in roster where Self.text(participant["study"]) == study && ["withdrawn", "screen-failed"].contains(Self.text(participant["status"])) {
                let left = (package["DS"] ?? []).filter { Self.text($0["USUBJID"]) == usubjid(Self.text(participant["subject"])) && Self.text($0["DSCAT"]) == "DISPOSITION EVENT" }
                #expect(left.count == 1)
                #expect(Self.text(participant["status"]) != "screen-failed" || Self.text(left.first?["EPOCH"]) == "SCREENING")
            }
            // QS and RS: each administration's item scores in order, under CDISC's category for the scale.
            var administered: [String: [String]] = [:], recorded: [String: [String]] = [:]
            for row in scores where row.count >= 7 && studyOf[row[0]] == study {
                administered["\(usubjid(row[0]))|\(row[2])|\(Self.category[row[3]] ?? row[3])", default: []].append(row[5])
            }
            for (domain, rows) in ["QS": package["QS"] ?? [], "RS": package["RS"] ?? []] {
                // Items only (totals and subscales are the scale's own records after its items).
                for row in rows where !Self.totals.contains(Self.text(row[domain + "TESTCD"])) {
                    recorded["\(Self.text(row["USUBJID"]))|\(Self.text(row[domain + "DTC"]))|\(Self.text(row[domain + "CAT"]))", default: []]
                        .append(Self.text(row[domain + "ORRES"]))
                    if Self.text(row[domain + "STAT"]) == "NOT DONE" {
                        #expect(Self.text(row[domain + "BLFL"]) == "" && Self.text(row[domain + "LOBXFL"]) == "", "no baseline flag on NOT DONE")
                    }
                }
            }
            #expect(Set(administered.keys) == Set(recorded.keys))
            for (key, items) in administered { #expect(recorded[key] == items, "\(key)") }
            // CDISC's codes where it publishes them (RS for the clinical classifications), Cohort's own elsewhere.
            let tests = Set(((package["QS"] ?? []).map { Self.text($0["QSTESTCD"]) }) + ((package["RS"] ?? []).map { Self.text($0["RSTESTCD"]) }))
            if study == "SCZ-5W-INPT" { #expect(tests.isSuperset(of: ["PANSS101", "PANSS130", "CSS0201", "CSS0220", "CGI0201"])) }
            if study == "TRD-8W-OUTPT" { #expect(tests.isSuperset(of: ["HAMD101", "HAMD116A", "HAMD118", "PHQ0101", "PHQ0111", "MADRS1", "MADRSTOT"])) }
            #expect(!tests.contains("P1") && !tests.contains("HAMD1") && !tests.contains("WISH"))
            // The trial design is there, and the study's.
            #expect((package["TS"] ?? []).contains { Self.text($0["TSPARMCD"]) == "TITLE" })
            #expect((package["TV"] ?? []).count > 3)
            // TI: the protocol's criteria; IE: only what kept a screen-failed participant out.
            let criteria = package["TI"] ?? []
            #expect(!criteria.isEmpty && Set(criteria.map { Self.text($0["IECAT"]) }) == ["INCLUSION", "EXCLUSION"])
            let statusOf = Dictionary(roster.map { (usubjid(Self.text($0["subject"])), Self.text($0["status"])) }, uniquingKeysWith: { a, _ in a })
            for row in package["IE"] ?? [] {
                #expect(statusOf[Self.text(row["USUBJID"])] == "screen-failed")
                #expect(Self.text(row["IEORRES"]) == (Self.text(row["IECAT"]) == "INCLUSION" ? "N" : "Y"))
                #expect(criteria.contains { Self.text($0["IETESTCD"]) == Self.text(row["IETESTCD"]) && Self.text($0["IETEST"]) == Self.text(row["IETEST"]) })
            }
            #expect(package.values.joined().allSatisfy { Self.text($0["STUDYID"]) == study })
        }
    }

    /// `export --format sdtm --domain X` (CSV) gives each record the study day the package gives it: blank
    /// for a participant whose baseline is not done, counted from Day 1 otherwise (issue 24: the CSV used
    /// to count from the planned baseline).
    @Test func theCSVDomainsGiveThePackagesStudyDays() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        cli.ok(["demo", "--participants", "40", "--seed", "7"])
        guard let package = try Self.package(cli, study: "SCZ-5W-INPT") else { return }
        // The package's study day of each subject's date, from every dataset's --DTC/--DY pairs.
        var day: [String: String] = [:]
        for (name, rows) in package {
            for row in rows {
                for (stem, date) in [(name, name + "DTC"), (name + "ST", name + "STDTC"), (name + "EN", name + "ENDTC")] {
                    let text = Self.text(row[date])
                    guard !text.isEmpty, row.keys.contains(stem + "DY") else { continue }
                    day[Self.text(row["USUBJID"]) + "|" + text] = Self.number(row[stem + "DY"]).map { String(Int($0)) } ?? ""
                }
            }
        }
        var compared = 0, blank = 0
        for domain in ["AE", "QS", "VS", "LB", "EG"] {
            let table = Self.csv(cli.ok(["export", "--format", "sdtm", "--domain", domain]).stdout)
            guard let header = table.first else { continue }
            for row in table.dropFirst() where row.count == header.count {
                let record = Dictionary(zip(header, row), uniquingKeysWith: { a, _ in a })
                guard record["STUDYID"] == "SCZ-5W-INPT" else { continue }
                // The header's names are the domain asked for (an RS record of the QS table too).
                for (date, studyDay) in [(domain + "DTC", domain + "DY"), (domain + "STDTC", domain + "STDY"), (domain + "ENDTC", domain + "ENDY")] {
                    guard let text = record[date], !text.isEmpty, let value = record[studyDay] else { continue }
                    let key = (record["USUBJID"] ?? "") + "|" + text
                    #expect(day[key] == value, "\(domain) \(key): the package's day \(day[key] ?? "none"), the CSV's \(value)")
                    compared += 1
                    if value.isEmpty { blank += 1 }
                }
            }
        }
        #expect(compared > 100 && blank > 0, "\(compared) compared, \(blank) blank")
    }

    /// The test codes of totals and subscale totals (CDISC's and Cohort's own).
    static let totals: Set<String> = ["PANSSPOS", "PANSSNEG", "PANSSGEN", "PANSSTOT", "BPRS0119", "HAMD118", "PHQ0111", "MADRSTOT", "YMRSTOT"]

    /// The category CDISC gives each bundled scale (QSCAT or RSCAT).
    static let category = ["PANSS": "PANSS", "BPRS": "BPRS 1988 VERSION", "HAMD17": "HAMD 17", "PHQ9": "PHQ-9", "CSSRS": "C-SSRS SINCE LAST VISIT",
                           "CGI-S": "CGI", "CGI-I": "CGI", "MADRS": "MADRS", "YMRS": "YMRS"]

    /// The rows of a CSV text (RFC 4180 quoting).
    static func csv(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, previous: Character = " "
        for character in text {
            if quoted {
                if character == "\"" { quoted = false } else { field.append(character) }
            } else if character == "\"" {
                if previous == "\"" { field.append("\"") }
                quoted = true
            } else if character == "," { row.append(field); field = "" }
            else if character == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else { field.append(character) }
            previous = character
        }
        return rows
    }

    /// The measures' domains (from the bundled definitions).
    static let domainOf = ["SYSBP": "VS", "DIABP": "VS", "HR": "VS", "TEMP": "VS", "WEIGHT": "VS", "ALT": "LB", "AST": "LB", "BILI": "LB",
                           "CREAT": "LB", "QTCF": "EG"]

    /// A --SEQ number as SUPP--'s IDVARVAL writes it.
    static func sequence(_ value: Any?) -> String { number(value).map { String(Int($0)) } ?? "" }
}
