/// Scores, flags and form completeness derived from a participant's administrations (docs/RULES.md, "Scores").
extension Participant {
    /// Totals, change from baseline, responder state and flags of one administration, from the data as it stands.
    public func result(of administration: Administration, context: StudyContext) -> ScoreResult? {
        guard let scale = context.scales[administration.scale], let studyProtocol = context.protocols[study] else { return nil }
        return result(items: administration.items, visit: administration.visit, scale: scale, studyProtocol: studyProtocol)
    }

    /// Scores `items` as if entered for `scale` at `visit` (live entry uses this with partial items).
    public func result(items: [Int?], visit: String, scale: ScaleDefinition, studyProtocol: StudyProtocol) -> ScoreResult {
        var baselineItems: [Int?]?
        if studyProtocol.isAfterBaseline(visit), let baselineCode = studyProtocol.baselineVisit?.code {
            baselineItems = administration(visit: baselineCode, scale: scale.code)?.items
        }
        let responder = scale.code == studyProtocol.primaryScale ? studyProtocol.responderPercent : nil
        return Scoring.evaluate(items: items, scale: scale, baseline: baselineItems, responderPercent: responder,
                                protocolFlags: studyProtocol.scaleFlags)
    }

    /// Flags raised by each administration (optionally only those dated `date`), in visit order.
    public func raisedFlags(on date: CivilDate? = nil, context: StudyContext) -> [VisitFlag] {
        let order = context.protocols[study].map { p in { (code: String) in p.order(of: code) ?? Int.max } } ?? { _ in 0 }
        return administrations
            .filter { date == nil || $0.date == date }
            .sorted { (order($0.visit), $0.scale) < (order($1.visit), $1.scale) }
            .flatMap { administration in
                (result(of: administration, context: context)?.flags ?? []).map {
                    VisitFlag(subject: subject, visit: administration.visit, flag: $0.flag, urgent: $0.urgent, date: administration.date,
                              corrections: administration.corrections ?? [])
                }
            }
    }

    /// Urgent flags the lead has not acknowledged yet.
    public func unacknowledgedUrgentFlags(context: StudyContext) -> [VisitFlag] {
        raisedFlags(context: context).filter { flag in
            flag.urgent && !acknowledgements.contains { $0.visit == flag.visit && $0.flag == flag.flag }
        }
    }

    /// Required scales still missing, or with an unscored item, for a visit.
    public func incompleteScales(of planned: PlannedVisit) -> [String] {
        planned.definition.scales.filter { scale in
            guard let entered = administration(visit: planned.code, scale: scale) else { return true }
            return entered.items.contains { $0 == nil }
        }
    }

    /// The latest administration of the protocol's primary scale that has a total, with its result.
    public func latestPrimaryScore(context: StudyContext) -> (Administration, ScoreResult)? {
        primaryScores(context: context).last
    }

    /// Every administration of the primary scale with a total, in protocol order, with its result.
    public func primaryScores(context: StudyContext) -> [(Administration, ScoreResult)] {
        guard let studyProtocol = context.protocols[study] else { return [] }
        return administrations
            .filter { $0.scale == studyProtocol.primaryScale }
            .sorted { (studyProtocol.order(of: $0.visit) ?? 0) < (studyProtocol.order(of: $1.visit) ?? 0) }
            .compactMap { administration in result(of: administration, context: context).flatMap { $0.total == nil ? nil : (administration, $0) } }
    }
}

/// A flag raised at one visit of one participant.
public struct VisitFlag: Sendable, Hashable, Codable {
    /// Subject ID.
    public let subject: String
    /// Visit code.
    public let visit: String
    /// Flag name.
    public let flag: String
    /// Whether it is urgent.
    public let urgent: Bool
    /// Date of the administration that raised it.
    public let date: CivilDate
    /// The days the administration's items were corrected.
    public var corrections: [CivilDate]

    /// Creates a flag.
    package init(subject: String, visit: String, flag: String, urgent: Bool, date: CivilDate, corrections: [CivilDate] = []) {
        self.subject = subject; self.visit = visit; self.flag = flag; self.urgent = urgent; self.date = date
        self.corrections = corrections
    }
}
