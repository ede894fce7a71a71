import CohortDomain

/// Short human renderings of scores, shared by the command line and the screens.
public enum ScoreText {
    /// E.g. `total 87 (positive 20, negative 22, general 45); change −12, 21% improved, responder`,
    /// or for a single-item scale `4 Moderately ill`.
    public static func summary(items: [Int?], result: ScoreResult, scale: ScaleDefinition) -> String {
        if items.allSatisfy({ $0 == nil }) { return "not done" }
        if !scale.total {
            if scale.items.count == 1, let value = items.first ?? nil {
                let anchor = scale.items[0].anchors.flatMap { $0.indices.contains(value - scale.items[0].min) ? $0[value - scale.items[0].min] : nil }
                return anchor.map { "\(value) \($0)" } ?? String(value)
            }
            let yes = zip(items, scale.items).filter { ($0.0 ?? 0) > 0 }.map(\.1.name)
            let unasked = items.filter { $0 == nil }.count
            guard yes.isEmpty else { return "yes: " + yes.joined(separator: ", ") + (unasked > 0 ? "; \(unasked) not assessed" : "") }
            // "All no" only when every question was answered no.
            return unasked == 0 ? "all no" : "no to those asked; \(unasked) not assessed"
        }
        guard let total = result.total else {
            let missing = items.filter { $0 == nil }.count
            return "incomplete (\(missing) item\(missing == 1 ? "" : "s") not assessed; no total)"
        }
        var text = "total \(total)"
        let parts = result.subscales.compactMap { sub in sub.value.map { "\(sub.name.lowercased()) \($0)" } }
        if !parts.isEmpty { text += " (" + parts.joined(separator: ", ") + ")" }
        if let change = result.change { text += "; change " + signed(change) }
        if let percent = result.improvementPercent { text += ", " + percentText(percent) }
        if let responder = result.isResponder { text += responder ? ", responder" : ", not a responder" }
        return text
    }

    /// A change with its sign, using a real minus sign: `+3`, `−12`, `0`.
    public static func signed(_ value: Int) -> String {
        value > 0 ? "+\(value)" : value < 0 ? "−\(-value)" : "0"
    }

    /// `21% improved` or `25% worse`.
    public static func percentText(_ percent: Double) -> String {
        let rounded = Int(percent.rounded())
        return rounded >= 0 ? "\(rounded)% improved" : "\(-rounded)% worse"
    }

    /// Rounds to one decimal place, for JSON.
    public static func oneDecimal(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
