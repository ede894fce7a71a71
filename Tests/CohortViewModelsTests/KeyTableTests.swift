import CohortDomain
@testable import CohortViewModels
import Testing

/// The key table drives dispatch: every binding reaches a handler that acts on it, and no handler waits
/// for an intent no key sends.
struct KeyTableTests {
    /// A fresh fixture with `context` on top.
    func fixture(on context: KeyContext) throws -> ViewModelFixture {
        var fixture = try ViewModelFixture()
        switch context {
        case .review: break
        case .roster: fixture.press(.character("p"))
        case .participant: fixture.press(.enter)
        case .scoreEntry:
            // D1 (completed at set-up) is above W1, where the page opens.
            fixture.press(.enter, .character("k"), .character("s"))
            fixture.type("AB")
            fixture.press(.enter)
        case .prompt: fixture.press(.character("c"))
        case .enrollment: fixture.press(.character("e"))
        case .enrolled:
            fixture.press(.character("e"))
            if case .enrollment(var form) = fixture.state.screen {
                form.enrolled = try fixture.store.participant("101-0001")
                fixture.state.replaceTop(.enrollment(form))
            }
        case .record: fixture.press(.character("A"))
        case .summary: fixture.press(.character("S"))
        case .queue: fixture.press(.character("I"))
        case .help: fixture.press(.character("?"))
        }
        return fixture
    }

    @Test(arguments: KeyContext.allCases)
    func everyContextIsReachedForTheTest(_ context: KeyContext) throws {
        #expect(try fixture(on: context).state.keyContext == context)
    }

    @Test(arguments: KeyContext.allCases)
    func everyBindingHasAHandlerAndEveryHandlerABinding(_ context: KeyContext) {
        let bound = KeyTable.defaults.intents(in: context)
        let handled = AppState.handledIntents(in: context)
        #expect(bound.subtracting(handled).isEmpty, "bound in \(context.rawValue) but not handled: \(bound.subtracting(handled).map(\.rawValue).sorted())")
        #expect(handled.subtracting(bound).isEmpty, "handled in \(context.rawValue) but no key sends it: \(handled.subtracting(bound).map(\.rawValue).sorted())")
    }

    @Test(arguments: KeyContext.allCases)
    func everyBoundKeyReachesItsHandler(_ context: KeyContext) throws {
        for binding in KeyTable.defaults.bindings(in: context) {
            for key in binding.keys {
                var fixture = try fixture(on: context)
                fixture.press(key)
                let said = fixture.state.status?.text ?? ""
                #expect(!said.contains("does nothing here"), "\(key.label) (\(binding.intent.rawValue)) in \(context.rawValue): \(said)")
            }
        }
    }

    @Test func aKeyNoHandlerTakesSaysSoInOnePlace() throws {
        var fixture = try fixture(on: .review)
        fixture.press(.character("Z"))
        #expect(fixture.state.status?.text == "Z does nothing here; ? lists the keys.")
        // An intent sent where nothing handles it (the review has no field to clear) says so too, never silently.
        _ = fixture.state.handle(.intent(.clearField))
        #expect(fixture.state.status?.text == "clear-field does nothing here; ? lists the keys.")
    }

    @Test func aMessageNamesTheKeyTheTableBinds() throws {
        #expect(KeyTable.defaults.label(for: .completeVisit, in: .review) == "c")
        #expect(KeyTable.defaults.label(for: .cancel, in: .prompt) == "Esc")
        // Not bound there: the intent's name, never a key that does nothing.
        #expect(KeyTable.defaults.label(for: .quit, in: .prompt) == "quit")
        var fixture = try fixture(on: .participant)
        fixture.press(.character("V")) // W1 is not completed yet
        #expect(fixture.state.status?.text.contains("complete it first (c), then enter measures") == true)
    }

    @Test func messagesNameTheKeysOfTheTableInUseNotWordsWrittenInThem() throws {
        // The same table with complete on K and help on H: the messages follow it.
        let moved = KeyTable(KeyTable.defaults.bindings.map { binding in
            let keys: [Key] = switch binding.intent {
            case .completeVisit: [.character("K")]
            case .showHelp: [.character("H")]
            default: binding.keys
            }
            return KeyBinding(context: binding.context, keys: keys, intent: binding.intent, help: binding.help, inFooter: binding.inFooter)
        })
        var fixture = try fixture(on: .participant)
        fixture.run(fixture.state.handle(key: .character("V"), table: moved))
        #expect(fixture.state.status?.text.contains("complete it first (K), then enter measures") == true, "\(fixture.state.status?.text ?? "")")
        fixture.run(fixture.state.handle(key: .character("Z"), table: moved))
        #expect(fixture.state.status?.text == "Z does nothing here; H lists the keys.")
    }
}
