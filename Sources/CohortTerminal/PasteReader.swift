import CohortViewModels

/// Reads the text of a bracketed paste as one unit, from the terminal's bytes after the start marker
/// (`ESC[200~`) up to the end marker (`ESC[201~`). The bytes are read in large blocks, not a key at a time
/// (a megabyte through the key decoder took seconds); a paste over `Key.pasteLimit` bytes is read to its end
/// marker and discarded whole: never kept in memory, never cut short, and none of it replayed as keys. A paste
/// whose text holds the end marker is discarded whole too, the bytes after the marker with it.
public struct PasteReader {
    /// The end marker of a bracketed paste.
    static let endMarker: [UInt8] = [0x1B, UInt8(ascii: "["), UInt8(ascii: "2"), UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "~")]

    private let limit: Int
    private var kept: [UInt8] = []
    private var size = 0
    /// How many bytes of the end marker the last bytes were (a marker may be split between two blocks).
    private var matched = 0

    /// A reader that keeps at most `limit` bytes.
    public init(limit: Int = Key.pasteLimit) { self.limit = limit }

    /// Reads a whole paste from `next` (a block of bytes; nil or empty when nothing came within the wait, or
    /// input ended), then asks `soon` (the same, with a short wait) whether more bytes follow its end marker
    /// in the same burst. A person types after a paste at human speed; bytes already there or arriving with
    /// no gap are the rest of a paste that held a paste-end marker in its text, so the whole paste is
    /// discarded with them, none of it replayed as keys.
    public static func read(limit: Int = Key.pasteLimit, next: () -> [UInt8]?, soon: () -> [UInt8]?) -> Key {
        var reader = PasteReader(limit: limit)
        while let block = next(), !block.isEmpty {
            guard let end = reader.take(block[...]) else { continue }
            var trailing = block.count - end
            while let more = soon(), !more.isEmpty { trailing += more.count }
            guard trailing > 0 else { return reader.key }
            return .pasteHeldEndMarker(bytes: reader.size + endMarker.count + trailing)
        }
        return reader.key
    }

    /// Takes a block of the paste; returns the index just past the end marker when the block holds it.
    public mutating func take(_ block: ArraySlice<UInt8>) -> Int? {
        for index in block.indices {
            let byte = block[index]
            if byte == Self.endMarker[matched] {
                matched += 1
                if matched == Self.endMarker.count { return index + 1 }
                continue
            }
            // What looked like the start of the marker was text.
            for text in Self.endMarker[..<matched] { keep(text) }
            matched = 0
            if byte == Self.endMarker[0] { matched = 1 } else { keep(byte) }
        }
        return nil
    }

    /// The paste as a key: its text (line ends as "\n"), or that it was discarded, with its size.
    public var key: Key {
        guard size <= limit else { return .pasteDiscarded(bytes: size) }
        // Bytes that are not UTF-8 become U+FFFD (which a field then shows), never a control.
        let text = String(decoding: kept, as: UTF8.self)
        return .paste(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n"))
    }

    private mutating func keep(_ byte: UInt8) {
        size += 1
        if size <= limit { kept.append(byte) } else if !kept.isEmpty { kept = [] }
    }
}
