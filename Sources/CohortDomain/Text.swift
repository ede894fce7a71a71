/// Rules for text that comes from outside (protocol files, the command line) and for showing it back.
public enum Text {
    /// "1 visit", "2 visits": a count with its noun in the right number (`plural` when not just an s).
    public static func count(_ number: Int, _ noun: String, plural: String? = nil) -> String {
        "\(number) " + (number == 1 ? noun : plural ?? noun + "s")
    }

    /// A size in bytes as a reader takes it in: "1,500 bytes", "150 KB", "1.0 MB".
    public static func byteSize(_ bytes: Int) -> String {
        if bytes < 1024 { return Text.count(bytes, "byte") }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        return String(format: "%.1f MB", Double(bytes) / Double(1024 * 1024))
    }

    /// Bidirectional controls: they reorder what a reader sees (a "Trojan Source" reason) and are refused.
    static let bidiControls: Set<UInt32> = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]

    /// True for a control character (C0, DEL, C1) or a bidirectional control.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || bidiControls.contains(scalar.value)
    }

    /// `text` as a message may show it: controls replaced by `?`, at most `longest` characters.
    public static func shown(_ text: String, longest: Int = 40) -> String {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? "?" : $0 }))
        return clean.count > longest ? String(clean.prefix(longest - 1)) + "…" : clean
    }

    /// Why `text` cannot be a name or title (empty, longer than 120 characters, or holding controls).
    public static func problem(_ text: String, what: String, longest: Int = 120) -> String? {
        // Printable ASCII (most text) holds no control, its only white space is the space, and each byte is a
        // character: the same answers without Foundation's trimming, which `verify` paid on every note.
        if text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) {
            if text.utf8.allSatisfy({ $0 == 0x20 }) { return "\(what) is empty" }
            return text.utf8.count > longest ? "\(what) is longer than \(longest) characters" : nil
        }
        if text.trimmingCharacters(in: .whitespaces).isEmpty { return "\(what) is empty" }
        if text.count > longest || text.utf8.count > longest * 4 { return "\(what) is longer than \(longest) characters" }
        if text.unicodeScalars.contains(where: isControl) { return "\(what) holds control characters" }
        return nil
    }
}

import Foundation
