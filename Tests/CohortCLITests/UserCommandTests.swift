import Foundation
import Testing

/// Users, roles, passphrases and sessions through the real binary (docs/RULES.md, "Users and roles",
/// "Signed saves"). Passphrases come on standard input with `--passphrase-fd 0`.
@Suite(.serialized) struct UserCommandTests {
    static let piPassphrase = "correct horse battery"
    static let coordinatorPassphrase = "coordinator pass 1"

    /// The enrolled store with a PI `ana` and a coordinator `cole`.
    static func storeWithUsers() -> CLIHarness {
        let cli = CLIHarness.enrolledStore()
        let first = cli.run(["user", "add", "ana", "--role", "pi", "--full-name", "Dr Ana Ruiz", "--passphrase-fd", "0"], input: piPassphrase + "\n")
        #expect(first.status == 0, "\(first.stderr)")
        let second = cli.run(["user", "add", "cole", "--role", "coordinator", "--full-name", "Cole Park", "--user", "ana", "--passphrase-fd", "0"],
                             input: piPassphrase + "\n" + coordinatorPassphrase + "\n")
        #expect(second.status == 0, "\(second.stderr)")
        return cli
    }

    static func complete(_ cli: CLIHarness, as user: String? = nil, input: String? = nil) -> CLIHarness.Outcome {
        var arguments = ["complete", "101-0001", "SCR", "--date", "2026-11-10"]
        if let user { arguments += ["--user", user] }
        if input != nil { arguments += ["--passphrase-fd", "0"] }
        return cli.run(arguments, input: input)
    }

    @Test func theFirstUserMustBeThePIAndTheStoreStaysAsItWas() {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        let refused = cli.run(["user", "add", "cole", "--role", "coordinator", "--full-name", "Cole Park", "--passphrase-fd", "0"],
                              input: Self.coordinatorPassphrase + "\n")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("first user must be the PI"))
        let short = cli.run(["user", "add", "ana", "--role", "pi", "--full-name", "Dr Ana Ruiz", "--passphrase-fd", "0"], input: "too short\n")
        #expect(short.status == 1)
        #expect(short.stderr.contains("at least 12 characters"))
        #expect(cli.snapshot() == before)
        #expect(cli.run(["user", "list"]).stdout.contains("No users"))
    }

    @Test func withUsersEveryChangeNeedsAUsersPassphraseAndIsAttributedToThem() throws {
        let cli = Self.storeWithUsers()
        defer { cli.remove() }
        let before = cli.snapshot()
        let alone = Self.complete(cli, as: "tester")
        #expect(alone.status == 1)
        #expect(alone.stderr.contains("tester is not one of them"))
        let noPassphrase = Self.complete(cli, as: "cole")
        #expect(noPassphrase.status == 1)
        #expect(noPassphrase.stderr.contains("--passphrase-fd"))
        #expect(cli.snapshot() == before)
        let saved = Self.complete(cli, as: "cole", input: Self.coordinatorPassphrase + "\n")
        #expect(saved.status == 0, "\(saved.stderr)")
        let records = try #require(cli.json(cli.ok(["audit", "101-0001", "--format", "json"]).stdout)["records"] as? [[String: Any]])
        #expect(records.last?["user"] as? String == "cole")
        #expect(cli.run(["verify"]).status == 0)
        // The private key lives in the user's own data folder, owner-only, never in the store.
        let keys = cli.store + "-home/cohort/keys"
        let files = try FileManager.default.contentsOfDirectory(atPath: keys).filter { $0.hasSuffix(".key") }
        #expect(files.count == 2)
        for file in files {
            #expect((try FileManager.default.attributesOfItem(atPath: keys + "/" + file)[.posixPermissions] as? Int) == 0o600)
        }
        #expect(!cli.snapshot().keys.contains { $0.hasSuffix(".key") })
    }

    @Test func aRoleOutsideItsDelegationIsRefusedNamingTheRoleNeeded() {
        let cli = Self.storeWithUsers()
        defer { cli.remove() }
        let before = cli.snapshot()
        let refused = cli.run(["deviation", "101-0001", "D1", "--class", "minor", "--user", "cole", "--passphrase-fd", "0"],
                              input: Self.coordinatorPassphrase + "\n")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("A coordinator may not classify a deviation: that needs an investigator or the PI"))
        let addUser = cli.run(["user", "add", "dee", "--role", "monitor", "--full-name", "Dee Moss", "--user", "cole", "--passphrase-fd", "0"],
                              input: Self.coordinatorPassphrase + "\nmonitor passphrase\n")
        #expect(addUser.status == 1)
        #expect(addUser.stderr.contains("needs the PI"))
        #expect(cli.snapshot() == before)
    }

    /// The sponsor's coding (`--decod`) is the data manager's one write (and the investigator's); a
    /// coordinator is refused naming the roles, and the data manager may change nothing else.
    @Test func theSponsorsCodingIsTheDataManagersAndNotTheCoordinators() throws {
        let cli = Self.storeWithUsers()
        defer { cli.remove() }
        let cole = Self.coordinatorPassphrase + "\n"
        let added = cli.run(["ae", "add", "101-0001", "--term", "Headache", "--onset", "2026-11-12", "--severity", "mild",
                             "--user", "cole", "--passphrase-fd", "0"], input: cole)
        #expect(added.status == 0, "\(added.stderr)")
        let dm = cli.run(["user", "add", "dana", "--role", "data-manager", "--full-name", "Dana Lee", "--user", "ana", "--passphrase-fd", "0"],
                         input: Self.piPassphrase + "\ndata manager pass\n")
        #expect(dm.status == 0, "\(dm.stderr)")
        let before = cli.snapshot()
        let refused = cli.run(["ae", "update", "101-0001", "AE1", "--decod", "Headache", "--reason", "MedDRA coding",
                               "--user", "cole", "--passphrase-fd", "0"], input: cole)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("A coordinator may not code an adverse event's term (--decod): that needs a data manager, an investigator or the PI"),
                "\(refused.stderr)")
        let more = cli.run(["ae", "update", "101-0001", "AE1", "--decod", "Headache", "--severity", "moderate", "--reason", "MedDRA coding",
                            "--user", "dana", "--passphrase-fd", "0"], input: "data manager pass\n")
        #expect(more.status == 1, "\(more.stdout)")
        #expect(cli.snapshot() == before)
        let coded = cli.run(["ae", "update", "101-0001", "AE1", "--decod", "Headache", "--reason", "MedDRA coding",
                             "--user", "dana", "--passphrase-fd", "0"], input: "data manager pass\n")
        #expect(coded.status == 0, "\(coded.stderr)")
        #expect(cli.ok(["audit", "101-0001"]).stdout.contains("dana"))
        // Within her role: `verify` judges the signed coding by the data manager's rule too (docs/RULES.md, "Signed saves").
        let verify = cli.run(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func fiveWrongPassphrasesLockSigningUntilAPIEnablesIt() {
        let cli = Self.storeWithUsers()
        defer { cli.remove() }
        for count in 1...5 {
            let wrong = Self.complete(cli, as: "cole", input: "not the passphrase\n")
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("\(count) in a row"))
        }
        let locked = Self.complete(cli, as: "cole", input: Self.coordinatorPassphrase + "\n")
        #expect(locked.status == 1)
        #expect(locked.stderr.contains("Signing is locked for cole"))
        #expect(cli.run(["user", "list"]).stdout.contains("locked"))
        #expect(cli.run(["user", "enable", "cole", "--user", "ana", "--passphrase-fd", "0"], input: Self.piPassphrase + "\n").status == 0)
        #expect(Self.complete(cli, as: "cole", input: Self.coordinatorPassphrase + "\n").status == 0)
        let verify = cli.run(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func aSessionSignsWithoutThePassphraseUntilLogoutOrItsIdleTime() throws {
        var cli = Self.storeWithUsers()
        defer { cli.remove() }
        // No --user and no COHORT_USER: the session's user acts (a named other user never takes it over).
        cli.environment["COHORT_USER"] = ""
        let login = cli.run(["login", "--user", "cole", "--passphrase-fd", "0"], input: Self.coordinatorPassphrase + "\n")
        #expect(login.status == 0, "\(login.stderr)")
        let sessions = cli.store + "-home/cohort/keys/sessions"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: sessions).first)
        #expect((try FileManager.default.attributesOfItem(atPath: sessions + "/" + file)[.posixPermissions] as? Int) == 0o600)
        #expect(Self.complete(cli).status == 0)
        // Left unused past its idle time (its last use set back 16 minutes), the session is let go.
        let path = sessions + "/" + file
        var session = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        session["lastUsed"] = Date().timeIntervalSince1970 - 16 * 60
        try JSONSerialization.data(withJSONObject: session).write(to: URL(fileURLWithPath: path))
        let expired = cli.run(["miss", "101-0001", "D1", "--reason", "no show", "--date", "2026-11-18"])
        #expect(expired.status == 1)
        #expect(expired.stderr.contains("ended after 15 minutes"))
        #expect(cli.run(["login", "--user", "cole", "--passphrase-fd", "0"], input: Self.coordinatorPassphrase + "\n").status == 0)
        #expect(cli.run(["logout"]).stdout.contains("Logged out (cole)"))
        let after = cli.run(["miss", "101-0001", "D1", "--reason", "no show", "--date", "2026-11-18", "--user", "cole"])
        #expect(after.status == 1)
    }

    /// Attack 7, finding 12: a session serves only its own user; `--user` or `COHORT_USER` naming someone
    /// else asks that user's passphrase and the change is theirs, never the session's user's.
    @Test func aSessionIsNeverUsedForAnotherNamedUser() throws {
        let cli = Self.storeWithUsers()
        defer { cli.remove() }
        #expect(cli.run(["login", "--user", "cole", "--passphrase-fd", "0"], input: Self.coordinatorPassphrase + "\n").status == 0)
        func lastUser() throws -> String? {
            try #require(cli.json(cli.ok(["audit", "101-0001", "--format", "json"]).stdout)["records"] as? [[String: Any]]).last?["user"] as? String
        }
        let before = cli.snapshot()
        let noPassphrase = cli.run(["complete", "101-0001", "SCR", "--date", "2026-11-10", "--user", "ana", "--passphrase-fd", "0"], input: "")
        #expect(noPassphrase.status == 1)
        #expect(cli.snapshot() == before, "nothing is saved as cole when ana is named")
        let named = cli.run(["complete", "101-0001", "SCR", "--date", "2026-11-10", "--user", "ana", "--passphrase-fd", "0"], input: Self.piPassphrase + "\n")
        #expect(named.status == 0, "\(named.stderr)")
        #expect(try lastUser() == "ana")
        let byEnvironment = cli.run(["miss", "101-0001", "D1", "--reason", "no show", "--date", "2026-11-18", "--passphrase-fd", "0"],
                                    environment: ["COHORT_USER": "ana"], input: Self.piPassphrase + "\n")
        #expect(byEnvironment.status == 0, "\(byEnvironment.stderr)")
        #expect(try lastUser() == "ana")
        #expect(cli.run(["verify"]).status == 0)
    }

    /// Attack 7, finding 9: a passphrase that is not valid UTF-8 is refused, never decoded loosely (twelve
    /// 0xFF bytes would read as twelve U+FFFD, the same passphrase as any other twelve invalid bytes).
    @Test func aPassphraseThatIsNotValidUTF8IsRefused() {
        let cli = CLIHarness.enrolledStore()
        defer { cli.remove() }
        let before = cli.snapshot()
        let bytes = String(repeating: "\\377", count: 12)
        let added = cli.run(["-c", "printf '\(bytes)\\n' | \"$0\" user add ana --role pi --full-name 'Dr Ana Ruiz' --passphrase-fd 0", CLIHarness.binary],
                            executable: "/bin/bash")
        #expect(added.status == 1, "\(added.stderr)")
        #expect(added.stderr.contains("not valid UTF-8"), "\(added.stderr)")
        #expect(cli.snapshot() == before)
    }

    /// Attack 7, finding 3: a store cannot prove its own keys, so this computer remembers each user's public
    /// key as first seen (per store) and names one that differs: verify, login and saves exit 2. Here the
    /// remembered key is made another (the same comparison as a store whose user files were re-keyed).
    @Test func aKeyOtherThanTheOneThisComputerFirstSawIsNamed() throws {
        let cli = Self.storeWithUsers()
        defer { cli.remove() }
        let file = cli.store + "-home/cohort/known-keys.json"
        #expect(cli.run(["verify"]).status == 0)
        var known = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        var stores = try #require(known["stores"] as? [String: [String: [String: String]]])
        let id = try #require(stores.keys.first)
        #expect(stores.count == 1 && Set(stores[id].map { Array($0.keys) } ?? []) == ["ana", "cole"], "both users remembered when added")
        let anaKey = try #require(stores[id]?["ana"]?["value"])
        stores[id]?["cole"]?["value"] = anaKey
        known["stores"] = stores
        try JSONSerialization.data(withJSONObject: known).write(to: URL(fileURLWithPath: file))
        let verify = cli.run(["verify"])
        #expect(verify.status == 2)
        #expect(verify.stdout.contains("user cole's public key is not the one this computer first saw on "), "\(verify.stdout)")
        #expect(verify.stdout.contains("rotated outside Cohort"))
        let before = cli.snapshot()
        let save = Self.complete(cli, as: "cole", input: Self.coordinatorPassphrase + "\n")
        #expect(save.status == 2 && save.stderr.contains("user cole's public key"), "\(save.stderr)")
        #expect(cli.snapshot() == before)
        // The remembered key is never replaced by the one the store holds now.
        #expect(cli.run(["verify"]).status == 2)
    }

    /// Attack 7, finding 14: five wrong passphrases lock the only PI, and nobody could enable her; her lock
    /// lapses 60 minutes after it was set (on the system clock, here faketime), audited and signed by her.
    @Test func theOnlyPIsLockLapsesAfterAnHourAndTheLapseIsAudited() throws {
        let cli = Self.storeWithUsers()
        defer { cli.remove() }
        func at(_ time: String, _ passphrase: String) -> CLIHarness.Outcome {
            cli.run([time, CLIHarness.binary, "settings", "--idle-minutes", "10", "--user", "ana", "--passphrase-fd", "0"],
                    executable: RecordedSummaryTests.faketime, input: passphrase + "\n")
        }
        for count in 1...5 {
            let wrong = at("2026-11-25 10:0\(count):00", "not the passphrase")
            #expect(wrong.status == 1 && wrong.stderr.contains("\(count) in a row"), "\(wrong.stderr)")
        }
        let before = cli.snapshot()
        let early = at("2026-11-25 10:40:00", Self.piPassphrase)
        #expect(early.status == 1 && early.stderr.contains("it lapses 60 minutes after the last wrong passphrase"), "\(early.stderr)")
        #expect(cli.snapshot() == before)
        let lapsed = at("2026-11-25 11:06:00", Self.piPassphrase)
        #expect(lapsed.status == 0, "\(lapsed.stderr)")
        #expect(!cli.run(["user", "list"]).stdout.contains("locked"))
        let trail = try String(contentsOfFile: cli.store + "/audit/users/ana.jsonl", encoding: .utf8)
        #expect(trail.contains("signing lock lapsed: 60 minutes after it was set, with no other active PI to enable it"))
        #expect(cli.run(["verify"]).status == 0)
    }

    @Test func thePISetsTheIdleTimeAndSessionsEndAfterIt() throws {
        var cli = Self.storeWithUsers()
        defer { cli.remove() }
        cli.environment["COHORT_USER"] = ""
        #expect(cli.run(["settings"]).stdout.contains("Idle time: 15 minutes (the default)"))
        let before = cli.snapshot()
        let byCoordinator = cli.run(["settings", "--idle-minutes", "5", "--user", "cole", "--passphrase-fd", "0"], input: Self.coordinatorPassphrase + "\n")
        #expect(byCoordinator.status == 1)
        #expect(byCoordinator.stderr.contains("needs the PI"), "\(byCoordinator.stderr)")
        let outOfRange = cli.run(["settings", "--idle-minutes", "61", "--user", "ana", "--passphrase-fd", "0"], input: Self.piPassphrase + "\n")
        #expect(outOfRange.status == 1)
        #expect(outOfRange.stderr.contains("1 to 60 minutes"))
        #expect(cli.snapshot() == before)
        let set = cli.run(["settings", "--idle-minutes", "5", "--user", "ana", "--passphrase-fd", "0"], input: Self.piPassphrase + "\n")
        #expect(set.status == 0, "\(set.stderr)")
        #expect(cli.run(["settings"]).stdout.contains("Idle time: 5 minutes."))
        let trail = cli.run(["audit", "--format", "json"]).stdout
        #expect(trail.contains("idleMinutes"), "the setting is in the store-wide trail")
        #expect(cli.run(["verify"]).status == 0)
        // Sessions follow it, on the clock `--now` sets (no sleeping).
        let login = cli.run(["login", "--user", "cole", "--passphrase-fd", "0", "--now", "2026-11-25T10:00"], input: Self.coordinatorPassphrase + "\n")
        #expect(login.stdout.contains("5 minutes without a change"), "\(login.stdout)\(login.stderr)")
        // A session made under a longer idle time follows the store's as it is now.
        let sessions = cli.store + "-home/cohort/keys/sessions"
        let path = sessions + "/" + (try #require(try FileManager.default.contentsOfDirectory(atPath: sessions).first))
        var file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        file["idleMinutes"] = 60
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: path))
        let within = cli.run(["complete", "101-0001", "SCR", "--date", "2026-11-10", "--now", "2026-11-25T10:04"])
        #expect(within.status == 0, "\(within.stderr)")
        let expired = cli.run(["miss", "101-0001", "D1", "--reason", "no show", "--date", "2026-11-18", "--now", "2026-11-25T10:10"])
        #expect(expired.status == 1)
        #expect(expired.stderr.contains("ended after 5 minutes"), "\(expired.stderr)")
    }

    @Test func aChangedPassphraseOpensTheSameKeyAndTheOldOneNoLonger() {
        let cli = Self.storeWithUsers()
        defer { cli.remove() }
        let changed = cli.run(["passphrase", "--user", "cole", "--passphrase-fd", "0"], input: Self.coordinatorPassphrase + "\nanother long passphrase\n")
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(Self.complete(cli, as: "cole", input: Self.coordinatorPassphrase + "\n").status == 1)
        #expect(Self.complete(cli, as: "cole", input: "another long passphrase\n").status == 0)
        #expect(cli.run(["verify"]).status == 0)
    }

    @Test func aDisabledUserChangesNothingAndTheNameIsNeverReused() throws {
        let cli = Self.storeWithUsers()
        defer { cli.remove() }
        let disabled = cli.run(["user", "disable", "cole", "--reason", "left the site", "--user", "ana", "--passphrase-fd", "0"], input: Self.piPassphrase + "\n")
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(Self.complete(cli, as: "cole", input: Self.coordinatorPassphrase + "\n").stderr.contains("disabled"))
        let again = cli.run(["user", "add", "cole", "--role", "coordinator", "--full-name", "Cole Park", "--user", "ana", "--passphrase-fd", "0"],
                            input: Self.piPassphrase + "\n" + Self.coordinatorPassphrase + "\n")
        #expect(again.status == 1)
        #expect(again.stderr.contains("never used again"))
        let log = try #require(cli.json(cli.ok(["user", "list", "--format", "json"]).stdout)["users"] as? [[String: Any]])
        let cole = try #require(log.first { $0["name"] as? String == "cole" })
        #expect(cole["disabledBy"] as? String == "ana" && cole["addedBy"] as? String == "ana" && cole["status"] as? String == "disabled")
    }

    /// The outside attack on a store with users: the data, trail and ledger of a participant rewritten
    /// consistently by the program itself with the delegation log out of its sight, so without a key.
    @Test func aConsistentlyForgedSaveIsNamedByVerify() throws {
        let cli = Self.storeWithUsers()
        defer { cli.remove() }
        try FileManager.default.moveItem(atPath: cli.store + "/users", toPath: cli.store + "-users")
        #expect(Self.complete(cli, as: "ana").status == 0)
        try FileManager.default.moveItem(atPath: cli.store + "-users", toPath: cli.store + "/users")
        let verify = cli.run(["verify"])
        #expect(verify.status == 2)
        #expect(verify.stdout.contains("audit/101-0001.jsonl") || verify.stderr.contains("audit/101-0001.jsonl"))
        #expect((verify.stdout + verify.stderr).contains("not signed"))
    }

    @Test func theDemoWithUsersPrintsPassphrasesThatOpenTheirKeysAndThePlainDemoHasNoUsers() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        let made = cli.run(["demo", "--users", "--participants", "3"])
        #expect(made.status == 0, "\(made.stderr)")
        let line = try #require(made.stdout.split(separator: "\n").first { $0.contains("ana") && $0.contains("passphrase: ") })
        let passphrase = String(line.components(separatedBy: "passphrase: ")[1])
        #expect(cli.run(["login", "--user", "ana", "--passphrase-fd", "0"], input: passphrase + "\n").status == 0)
        #expect(cli.run(["logout"]).status == 0)
        #expect(cli.run(["verify"]).status == 0)
        let plain = CLIHarness()
        defer { plain.remove() }
        #expect(plain.run(["demo", "--participants", "3"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: plain.store + "/users"))
        #expect(plain.run(["user", "list"]).stdout.contains("No users"))
    }
}

/// The screens of a store with users start with a login (docs/RULES.md, "Users and roles").
@Suite(.serialized) struct LoginScreenTests {
    @Test func theScreensAskForThePassphraseWithoutEchoAndSignEverySaveAsTheUser() throws {
        let cli = CLIHarness()
        defer { cli.remove() }
        let made = cli.run(["demo", "--users"])
        let line = try #require(made.stdout.split(separator: "\n").first { $0.contains("ana ") && $0.contains("passphrase: ") })
        let passphrase = String(line.components(separatedBy: "passphrase: ")[1])
        let session = try TmuxSession(CLIHarness.binary, environment: [
            "COHORT_STORE": cli.store, "COHORT_TODAY": "2026-11-25", "COHORT_USER": "ana", "TERM": "xterm-256color",
            "XDG_DATA_HOME": cli.store + "-home", "XDG_RUNTIME_DIR": "",
        ])
        #expect(session.waitFor("Passphrase for ana:"), "\(session.screen())")
        session.send(passphrase, literal: true)
        #expect(!session.screen().contains(passphrase), "the passphrase is not echoed")
        session.send("Enter")
        #expect(session.waitFor("Logged in as ana (Dr Ana Ruiz, PI)"), "\(session.screen())")
        #expect(session.waitFor("Today (4)"), "\(session.screen())")
        session.send("j", "j", "c")
        #expect(session.waitFor("Complete 101-0010 W2 Week 2"), "\(session.screen())")
        session.send("Enter")
        #expect(session.waitFor("Saved: 101-0010 W2 completed on 2026-11-25."), "\(session.screen())")
        session.send("q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")
        let records = try #require(cli.json(cli.ok(["audit", "101-0010", "--format", "json"]).stdout)["records"] as? [[String: Any]])
        #expect(records.last?["user"] as? String == "ana")
        let verify = cli.run(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
