import ArgumentParser
import CohortDomain
import CohortFileStore
import CohortIdentity
import CohortReports
import CohortStore
import Foundation

/// `cohort user`: the delegation log (docs/RULES.md, "Users and roles").
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "The site's users and roles (the delegation log).",
        discussion: "The first user must be the PI (--role pi) and turns authentication on for good: from then on every change is made and signed by a logged-in user. Later users are added by a PI. Users are never deleted; a name is never used again.",
        subcommands: [AddUser.self, ListUsers.self, DisableUser.self, EnableUser.self, ChangeRole.self])
}

/// `cohort user add NAME --role R --full-name TEXT`.
struct AddUser: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a user with a new key pair; their private key is sealed by the passphrase typed for them.",
        discussion: "Asks for the adding PI's passphrase (unless a session is open), then the new user's passphrase (at least 12 characters); with --passphrase-fd, one line each, in that order. The new private key is kept in this account's key folder ($XDG_DATA_HOME/cohort/keys), never in the store.")
    @Argument(help: "The login name: 2-32 of a-z, 0-9, '.', '-', '_', beginning with a letter.") var name: String
    @Option(help: "pi, investigator, coordinator, monitor or data-manager.") var role: String
    @Option(help: "The name signatures show, e.g. \"Dr Ana Ruiz\".") var fullName: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let role = try Role.parse(role)
        if let problem = User.nameProblem(name) { throw DomainError("Cannot add the user: \(problem).") }
        let fullName = try FreeText.required(fullName, what: "full name")
        let store = try session.openStore()
        let first = try !store.hasUsers()
        if first && role != .pi { throw DomainError("The first user must be the PI (--role pi): adding them turns authentication on for good. Nothing was changed.") }
        // The PI who adds is known before the new passphrase is read (the fd's first line is theirs).
        try store.authenticate()
        if !first, let signer = store.signer, let actor = try store.user(signer.userName) { try actor.role.require(.pi, to: "add users") }
        if try store.user(name) != nil { throw DomainError("The name \(name) is already on the delegation log (a name is never used again): choose another. Nothing was changed.") }
        let passphrase = try PassphraseReader(descriptor: session.passphraseFD).readNew("New passphrase for \(name): ")
        var user = User(name: name, fullName: fullName, role: role, publicKey: "", addedBy: first ? nil : store.signer?.userName,
                        added: UTCTimestamp.string(from: Date()))
        let key = UnlockedKey.generate(for: user)
        user.publicKey = key.publicKeyText
        let keys = session.keyFolder
        try session.identity { try keys.save(try SealedKey.seal(key, passphrase: passphrase)) }
        do {
            try store.addUser(user, key: key)
        } catch {
            unlink(keys.file(for: user.publicKey))
            throw error
        }
        // This computer remembers the new user's key as first seen (docs/RULES.md, "Users and roles").
        _ = try session.knownKeyProblems(store)
        Session.confirm("Added \(name) (\(fullName), \(role.title))" + (first ? ": authentication is on for this store from now on; every change is made by a logged-in user." : ".")
                        + " Their private key is in \(keys.path).")
    }
}

/// `cohort user list`: the delegation log.
struct ListUsers: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The delegation log: name, full name, role, added and disabled by whom and when.")
    @Option(help: "text or json.") var format: ListFormat = .text
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let users = try session.openStoreToRead().users()
        try Session.print(format, json: { ["users": users.map(DelegationEntry.init)] }) {
            guard !users.isEmpty else { return "No users: this store works without authentication (changes are attributed by --user, unauthenticated). Add the PI with `cohort user add NAME --role pi --full-name TEXT`." }
            let rows = users.map { user in
                [user.name, user.fullName, user.role.rawValue, user.status, user.addedBy ?? "-", user.added,
                 user.disabledBy ?? "-", user.disabled ?? "-"]
            }
            return Columns.render([["NAME", "FULL NAME", "ROLE", "STATUS", "ADDED BY", "ADDED", "DISABLED BY", "DISABLED"]] + rows)
        }
    }
}

/// One user as `cohort user list --format json` prints them.
struct DelegationEntry: Encodable {
    let name: String, fullName: String, role: String, status: String, addedBy: String?, added: String
    let disabledBy: String?, disabled: String?, disabledReason: String?

    init(_ user: User) {
        name = user.name; fullName = user.fullName; role = user.role.rawValue; status = user.status; addedBy = user.addedBy
        added = user.added; disabledBy = user.disabledBy; disabled = user.disabled; disabledReason = user.disabledReason
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name); try container.encode(fullName, forKey: .fullName)
        try container.encode(role, forKey: .role); try container.encode(status, forKey: .status)
        try container.encode(addedBy, forKey: .addedBy); try container.encode(added, forKey: .added)
        try container.encode(disabledBy, forKey: .disabledBy); try container.encode(disabled, forKey: .disabled)
        try container.encode(disabledReason, forKey: .disabledReason)
    }

    enum CodingKeys: String, CodingKey { case name, fullName, role, status, addedBy, added, disabledBy, disabled, disabledReason }
}

/// `cohort user disable NAME --reason TEXT`.
struct DisableUser: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a user for good (a PI only); never deleted, the name never used again.")
    @Argument(help: "The user.") var name: String
    @Option(help: "Why (left the site, role ended…).") var reason: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        try session.openStore().disableUser(name, reason: reason)
        Session.confirm("Disabled \(name): they can change and sign nothing from now on.")
    }
}

/// `cohort user role NAME --role R --reason TEXT`: a change of delegation.
struct ChangeRole: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "role", abstract: "Change a user's role on the delegation log (a PI only, not their own), with a reason.",
        discussion: "From then on they may make what the new role allows; what they saved before is judged by the role they held then (cohort verify).")
    @Argument(help: "The user.") var name: String
    @Option(help: "pi, investigator, coordinator, monitor or data-manager.") var role: String
    @Option(help: "Why (delegation changed, training completed…).") var reason: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let role = try Role.parse(role)
        try session.openStore().changeRole(name, to: role, reason: reason)
        Session.confirm("\(name) has the role \(role.rawValue) from now on.")
    }
}

/// `cohort user enable NAME`: signing back on after five wrong passphrases.
struct EnableUser: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable signing again for a user locked after five wrong passphrases (a PI only).")
    @Argument(help: "The user.") var name: String
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        try session.openStore().enableUser(name)
        Session.confirm("Signing enabled again for \(name).")
    }
}

/// `cohort passphrase`: change one's own passphrase (the key pair stays the same).
struct PassphraseCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "passphrase", abstract: "Change your own passphrase (of --user NAME, else the login name).",
        discussion: "Asks for the current passphrase, then the new one (at least 12 characters); with --passphrase-fd, one line each. The key pair stays the same: signatures already made remain valid.")
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        let key = try session.unlockWithPassphrase(store, name: session.user)
        let passphrase = try PassphraseReader(descriptor: session.passphraseFD).readNew("New passphrase for \(key.userName): ")
        try session.identity { try session.keyFolder.reseal(key, passphrase: passphrase) }
        Session.confirm("The passphrase of \(key.userName) was changed.")
    }
}

/// `cohort login`: a signing session for this terminal.
struct LoginCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Open a signing session for this terminal (of --user NAME, else the login name).",
        discussion: "Changes made from this terminal's session on this store are then signed without asking for the passphrase, until `cohort logout` or the store's idle time (`cohort settings`, 15 minutes unless set) without a change. Signing a record (`cohort sign`) always asks for the passphrase.")
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        guard try store.hasUsers() else { throw DomainError("This store has no users, so there is nothing to log in to: add the PI with `cohort user add NAME --role pi --full-name TEXT`.") }
        let key = try session.unlockWithPassphrase(store, name: session.user)
        let path = SessionFile.path()
        try session.identity { try SessionFile(key: key, store: session.canonicalStore, idleMinutes: store.site.idleTime, now: session.clock.date()).save(to: path) }
        Session.confirm("Logged in as \(key.userName) (\(key.fullName), \(key.role.title)) on \(session.storeDirectory) until `cohort logout` or \(store.site.idleTime) minutes without a change.")
    }
}

/// `cohort logout`: ends this terminal's session.
struct LogoutCommand: SessionCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "End this terminal's signing session.")
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let path = SessionFile.path()
        let user = SessionFile.load(from: path)?.user
        Session.confirm(SessionFile.remove(at: path) ? "Logged out\(user.map { " (\($0))" } ?? "")." : "No session was open on this terminal.")
    }
}

/// `cohort settings [--idle-minutes N]`: the store's settings, shown or set (docs/RULES.md, "The idle lock").
struct SettingsCommand: SessionCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Show the store's settings, or set the idle time (a PI only in a store with users).",
        discussion: "The idle time (1-60 minutes, 15 unless set) is how long the screens wait without a key before they lock, and how long a `cohort login` session lasts without use. Setting it is audited in the store-wide trail.")
    @Option(name: .customLong("idle-minutes"), help: "Minutes without a key before the screens lock and a session ends (1-60).")
    var idleMinutes: Int?
    @OptionGroup var globals: GlobalOptions

    func execute(_ session: Session) throws {
        let store = try session.openStore()
        if let idleMinutes {
            try store.setIdleMinutes(idleMinutes)
            Session.confirm("The idle time of this store is now \(store.site.idleTime) minutes: the screens lock and sessions end after that long without use.")
        } else {
            Session.print("Idle time: \(store.site.idleTime) minutes" + (store.site.idleMinutes == nil ? " (the default)" : "") + ".")
        }
    }
}
