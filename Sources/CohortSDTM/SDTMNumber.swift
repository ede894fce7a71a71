/// How SDTM numbers are written as text (in Dataset-JSON and in messages): whole numbers without a point,
/// others in the shortest form that reads back as the same double.
enum SDTMNumber {
    /// `95` for 95.0, `0.1`, `1e-05`; never rounded.
    static func text(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    /// The digits after the point in the shortest exact form (0 for whole numbers; 5 for 1e-05).
    static func fractionDigits(_ number: Double) -> Int {
        guard number.isFinite, number.rounded() != number else { return 0 }
        let text = "\(abs(number))"
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let mantissa = text[..<e]
            let exponent = Int(text[text.index(after: e)...]) ?? 0
            let mantissaDigits = mantissa.firstIndex(of: ".").map { mantissa.distance(from: $0, to: mantissa.endIndex) - 1 } ?? 0
            return max(0, mantissaDigits - exponent)
        }
        guard let point = text.firstIndex(of: ".") else { return 0 }
        return text.distance(from: point, to: text.endIndex) - 1
    }
}
