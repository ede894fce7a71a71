/// Text longer than a variable holds, split as SDTMIG says: the first part in the variable, the rest in
/// SUPP-- records (`--TERM1`, `--TERM2`, …), each part at most 200 characters, split between words
/// where a word boundary falls within the limit (docs/RULES.md, "SDTM datasets and their files").
public enum SDTMText {
    /// The parts of `text`, in order, each at most `limit` Unicode scalars (SDTM's characters; bytes in
    /// ASCII); one part when it fits. Joined back they are `text` exactly: a part split between words
    /// ends with its word and the blank starts the next part (XPT v5 cannot keep a trailing blank, and
    /// no character is dropped), and no letter is parted from its accents.
    public static func parts(_ text: String, limit: Int = SDTMDataset.maximumTextLength) -> [String] {
        precondition(limit > 0, "a part holds at least one character")
        let characters = Array(text)
        var parts: [String] = []
        var start = 0
        while start < characters.count {
            // The longest run of whole characters from `start` within the limit (at least one character).
            var end = start, length = 0
            while end < characters.count, length + characters[end].unicodeScalars.count <= limit || end == start {
                length += characters[end].unicodeScalars.count
                end += 1
            }
            // Unless the text ends here, cut at the last word's end within the run: before a blank that
            // follows a non-blank, so the part ends in its word and the next part starts with the blank.
            // A run with no word end (one word longer than the limit) is cut at the limit.
            if end < characters.count,
               let cut = stride(from: end, through: start + 1, by: -1).first(where: { characters[$0] == " " && characters[$0 - 1] != " " }) {
                end = cut
            }
            parts.append(String(characters[start..<end]))
            start = end
        }
        return parts.isEmpty ? [""] : parts
    }
}
