import CohortTerminal
import CohortViewModels
import Testing

/// The bracketed-paste decoder over a fake byte source: a paste is one unit however it arrives, and one
/// over the bound is read to its end and discarded whole, none of it left to be read as keys.
struct PasteReaderTests {
    static let end = Array("\u{1b}[201~".utf8)

    /// A source handing out `bytes` in blocks of `size`, and how many blocks it was asked for.
    final class Source {
        var blocks: [[UInt8]]
        var asked = 0
        init(_ bytes: [UInt8], size: Int) {
            blocks = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
        }
        func next() -> [UInt8]? {
            asked += 1
            return blocks.isEmpty ? nil : blocks.removeFirst()
        }
    }

    @Test(arguments: [1, 2, 5, 7, 4096])
    func aPasteIsOneUnitHoweverItsBytesArrive(size: Int) {
        let source = Source(Array("reason\r\njc\rq é\u{1b}[20x".utf8) + Self.end + Array("jk".utf8), size: size)
        let (key, after) = PasteReader.read { source.next() }
        #expect(key == .paste("reason\njc\nq é\u{1b}[20x"))
        // What came after the end marker in its block is handed back as keys; nothing more was read.
        let rest = Array(after) + source.blocks.flatMap { $0 }
        #expect(rest == Array("jk".utf8))
    }

    @Test func aPasteOverTheBoundIsReadToItsEndAndDiscardedWhole() {
        // A megabyte of keys that would complete and confirm visits, were any of it replayed.
        let attack = Array(String(repeating: "jc\r\rq", count: 1 << 18).utf8)
        let source = Source(attack + Self.end + Array("k".utf8), size: 65536)
        let (key, after) = PasteReader.read { source.next() }
        #expect(key == .pasteDiscarded(bytes: attack.count))
        #expect(Array(after) == Array("k".utf8) && source.blocks.isEmpty)
    }

    @Test func theBoundIsInBytes() {
        let limit = 8
        let within = Source(Array("12345678".utf8) + Self.end, size: 3)
        #expect(PasteReader.read(limit: limit) { within.next() }.key == .paste("12345678"))
        let source = Source(Array("1234567é".utf8) + Self.end, size: 3)  // 9 bytes
        #expect(PasteReader.read(limit: limit) { source.next() }.key == .pasteDiscarded(bytes: 9))
    }

    @Test func aPasteWhoseEndNeverComesEndsWithTheWait() {
        let source = Source(Array("half a paste".utf8), size: 4)
        let (key, after) = PasteReader.read { source.next() }
        #expect(key == .paste("half a paste") && after.isEmpty)
    }
}
