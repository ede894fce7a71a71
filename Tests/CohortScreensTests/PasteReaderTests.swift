import CohortTerminal
import CohortViewModels
import Testing

/// The bracketed-paste decoder over a fake byte source: a paste is one unit however it arrives, and one
/// over the bound is read to its end and discarded whole, none of it left to be read as keys.
struct PasteReaderTests {
    static let end = Array("\u{1b}[201~".utf8)

    /// A source handing out `bytes` in blocks of `size` (one burst), then nothing (a gap) with `later` still
    /// unread; and how many blocks it was asked for.
    final class Source {
        var blocks: [[UInt8]]
        var later: [UInt8]
        var asked = 0
        init(_ bytes: [UInt8], size: Int, later: [UInt8] = []) {
            blocks = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
            self.later = later
        }
        func next() -> [UInt8]? {
            asked += 1
            return blocks.isEmpty ? nil : blocks.removeFirst()
        }
        func read(limit: Int = Key.pasteLimit) -> Key { PasteReader.read(limit: limit, next: next, soon: next) }
    }

    @Test(arguments: [1, 2, 5, 7, 4096])
    func aPasteIsOneUnitHoweverItsBytesArrive(size: Int) {
        let source = Source(Array("reason\r\njc\rq é\u{1b}[20x".utf8) + Self.end, size: size, later: Array("jk".utf8))
        #expect(source.read() == .paste("reason\njc\nq é\u{1b}[20x"))
        // Keys typed after it, after a gap, are left to be read as keys.
        #expect(source.blocks.isEmpty && source.later == Array("jk".utf8))
    }

    @Test(arguments: [1, 3, 4096])
    func aPasteHoldingTheEndMarkerIsDiscardedWholeWithTheRestOfItsBurst(size: Int) {
        // Text that closes the paste early, then keys that would complete a visit and confirm it.
        let source = Source(Array("ok".utf8) + Self.end + Array("c\r".utf8) + Self.end, size: size, later: Array("j".utf8))
        #expect(source.read() == .pasteHeldEndMarker(bytes: 16))
        #expect(source.blocks.isEmpty && source.later == Array("j".utf8))
    }

    @Test func aPasteOverTheBoundIsReadToItsEndAndDiscardedWhole() {
        // A megabyte of keys that would complete and confirm visits, were any of it replayed.
        let attack = Array(String(repeating: "jc\r\rq", count: 1 << 18).utf8)
        let source = Source(attack + Self.end, size: 65536, later: Array("k".utf8))
        #expect(source.read() == .pasteDiscarded(bytes: attack.count))
        #expect(source.blocks.isEmpty && source.later == Array("k".utf8))
    }

    @Test func theBoundIsInBytes() {
        let limit = 8
        let within = Source(Array("12345678".utf8) + Self.end, size: 3)
        #expect(within.read(limit: limit) == .paste("12345678"))
        let source = Source(Array("1234567é".utf8) + Self.end, size: 3)  // 9 bytes
        #expect(source.read(limit: limit) == .pasteDiscarded(bytes: 9))
    }

    @Test func aPasteWhoseEndNeverComesEndsWithTheWait() {
        let source = Source(Array("half a paste".utf8), size: 4)
        #expect(source.read() == .paste("half a paste"))
    }
}
