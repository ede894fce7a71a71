import Foundation
import Testing

/// The investigator's queue in the real binary (docs/RULES.md, "The investigator's queue", "Signatures"):
/// log in, sign an AE from `I` with the passphrase, see the manifestation, also on the participant page; the
/// AE changed, the signature reads invalidated (there too) and the item is back in the queue.
@Suite(.serialized) struct SignatureTerminalTests {
    @Test func signAnAEFromTheQueueThenAChangeInvalidatesItAndItWaitsAgain() throws {
        let cli = UserCommandTests.storeWithUsers()
        defer { cli.remove() }
        let pi = UserCommandTests.piPassphrase
        let added = cli.run(["ae", "add", "101-0001", "--term", "Fall with hip fracture", "--onset", "2026-11-23", "--severity", "severe",
                             "--serious", "hospitalization", "--related", "unlikely", "--aware", "2026-11-23T21:40",
                             "--user", "ana", "--passphrase-fd", "0", "--now", "2026-11-24T12:00"], input: pi + "\n")
        #expect(added.status == 0, "\(added.stderr)")
        let session = try TmuxSession(CLIHarness.binary, width: 100, height: 30,
                                      environment: ["COHORT_STORE": cli.store, "COHORT_TODAY": "2026-11-25", "COHORT_USER": "ana", "TERM": "xterm-256color",
                                                    "XDG_DATA_HOME": cli.store + "-home", "XDG_RUNTIME_DIR": ""])
        // The login, on the plain terminal before the screens.
        #expect(session.waitFor("Passphrase for ana"), "\(session.screen())")
        session.send(pi, literal: true)
        session.send("Enter")
        #expect(session.waitFor("Logged in as ana"), "\(session.screen())")
        session.send("I")
        #expect(session.waitFor("To sign · 2 items, oldest first"), "\(session.screen())")
        #expect(session.screen().contains("101-0001  AE1"), "\(session.screen())")
        session.send("j", "s")
        #expect(session.waitFor("Sign 101-0001 AE1: serious AE Fall with hip fracture"), "\(session.screen())")
        session.send(pi, literal: true)
        #expect(session.waitFor(String(repeating: "*", count: pi.count)), "\(session.screen())")
        #expect(!session.screen().contains(pi), "\(session.screen())")
        session.send("Enter")
        // Signed at the system time (not COHORT_TODAY's day): docs/RULES.md, "Signatures".
        #expect(session.waitFor("101-0001 AE1 — Signed (approved) by Dr Ana Ruiz, PI, "), "\(session.screen())")
        #expect(session.waitFor("To sign · 1 item, oldest first"), "\(session.screen())")
        #expect(!session.screen().contains("101-0001  AE1"), "\(session.screen())")
        // The participant page shows the manifestation under the AE (docs/RULES.md, "Signatures").
        session.send("Escape", "o")
        session.send("0001", literal: true)
        session.send("Enter")
        #expect(session.waitFor("AE1  Fall with hip fracture"), "\(session.screen())")
        #expect(session.waitFor("Signed (approved) by Dr Ana Ruiz, PI, "), "\(session.screen())")
        session.send("Escape")
        // The AE changes (another copy, here the command line): the signature is invalidated, the item waits again.
        let changed = cli.run(["ae", "update", "101-0001", "AE1", "--severity", "moderate", "--reason", "re-graded after imaging",
                               "--user", "ana", "--passphrase-fd", "0", "--now", "2026-11-25T18:30"], input: pi + "\n")
        #expect(changed.status == 0, "\(changed.stderr)")
        session.send("Escape", "I")
        #expect(session.waitFor("To sign · 2 items, oldest first"), "\(session.screen())")
        session.send("j", "Enter")
        #expect(session.waitFor("invalidated 2026-11-25 by 101-0001 AE1 updated (re-graded after imaging)"), "\(session.screen())")
        #expect(session.screen().contains("Signed (approved) by Dr Ana Ruiz, PI"), "\(session.screen())")
        // And on the participant page, the signature reads invalidated with the change that did it.
        session.send("Escape", "Escape", "o")
        session.send("0001", literal: true)
        session.send("Enter")
        #expect(session.waitFor("invalidated 2026-11-25 by 101-0001 AE1 updated (re-graded after imaging)"), "\(session.screen())")
        session.send("Escape", "q")
        #expect(session.waitFor("EXIT=0"), "\(session.screen())")
    }
}
