import CohortTerminal
import CohortViewModels
import Testing

/// Character codes from the terminal as keys (`KeyDecoder`): the control codes a terminal in raw mode sends.
struct KeyDecoderTests {
    @Test(arguments: [(UInt32(13), Key.enter), (10, .enter), (27, .escape), (127, .backspace), (8, .backspace), (9, .tab)])
    func controlCodesAreTheirKeys(code: UInt32, key: Key) {
        #expect(KeyDecoder.character(code) == key)
    }

    @Test func ctrlLettersAreControlKeysAndCtrlCIsOne() {
        #expect(KeyDecoder.character(1) == .control("a"))
        #expect(KeyDecoder.character(3) == .control("c"))
        #expect(KeyDecoder.character(21) == .control("u"))
        #expect(KeyDecoder.character(26) == .control("z"))
    }

    @Test func printableCharactersAreThemselvesInAnyScript() {
        #expect(KeyDecoder.character(UInt32(("j" as Unicode.Scalar).value)) == .character("j"))
        #expect(KeyDecoder.character(UInt32((" " as Unicode.Scalar).value)) == .character(" "))
        #expect(KeyDecoder.character(0x6771) == .character("東"))
        #expect(KeyDecoder.character(0xE9) == .character("é"))
    }

    @Test func aCodeThatIsNoScalarIsNoKey() {
        #expect(KeyDecoder.character(0xD800) == nil)
        #expect(KeyDecoder.character(0x110000) == nil)
    }
}
