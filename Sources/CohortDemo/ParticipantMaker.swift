import CohortDomain
import Foundation

/// Makes one demo participant's history through the domain actions, as a site would have lived it.
struct ParticipantMaker {
    let subject: String
    let studyProtocol: StudyProtocol
    let context: StudyContext
    let today: CivilDate
    let clock: SimulatedClock
    /// The PI's key in a demo with people (`cohort demo --users`): she signs as a site would; nil otherwise.
    var signer: DemoSigner? = nil

    /// How a participant's symptoms move over the study.
    enum Course { case responder, partial, worsening }

    /// The participant's states from enrollment on, each with the reason and time it was saved.
    mutating func make(_ random: inout SplitMix64) throws -> [(participant: Participant, reason: String?, time: Date)] {
        let lastDay = studyProtocol.visits.compactMap(\.day).max() ?? 28
        let baseline = today.adding(days: -random.int(-8...(lastDay + 20)))
        let consent = min(today, baseline.adding(days: -random.int(9...13)))
        let initials = Self.initials(&random), birthYear = String(consent.year - random.int(20...60))
        let sexDraw = random.int(0...99)
        let sex = sexDraw < 49 ? "F" : sexDraw < 98 ? "M" : "X"
        // The draw that chose an arm is made in a blinded study too, so a seed keeps giving the same site.
        let armDraw = random.int(0...1)
        let request = EnrollmentRequest(subject: subject, initials: initials, birthYear: birthYear, sex: sex, study: studyProtocol.id,
                                        arm: studyProtocol.blinded ? "" : studyProtocol.arms[armDraw % studyProtocol.arms.count],
                                        consentDate: consent.description, baselineDate: baseline.description)
        var history: [(participant: Participant, reason: String?, time: Date)] = []
        var minutes = random.int(0...400)
        func at(_ date: CivilDate) -> Date {
            minutes += random.int(1...9)
            return clock.time(on: date, minutes: minutes % SimulatedClock.workingMinutes)
        }
        var participant = try request.enroll(protocols: [studyProtocol], takenSubjects: [], today: today)
        func record(_ reason: String?, _ time: Date) { history.append((participant, reason, time)) }
        record(nil, at(consent))

        let roll = random.unit()
        let course: Course = roll < 0.6 ? .responder : roll < 0.85 ? .partial : .worsening
        let severity = random.unit()
        let withdrawAfter: Int? = random.chance(0.08) ? random.int(2...5) : nil
        var completedCount = 0
        for definition in studyProtocol.visits where !definition.isEarlyTermination {
            let planned = try participant.plannedVisit(definition.code, studyProtocol)
            guard planned.target <= today, participant.visit(definition.code)?.status == .scheduled else { break }
            if planned.target == today && random.chance(0.6) { break } // still to come today
            if planned.target < today && planned.window.end >= today && random.chance(0.5) { break } // window closing soon
            let outcome = random.unit()
            let hasWindowClosed = planned.window.end < today
            if hasWindowClosed && completedCount >= 2 && outcome < 0.05 { continue } // forgotten: overdue
            if hasWindowClosed && !definition.isBaseline && definition.code != studyProtocol.visits.first?.code && outcome < 0.1 {
                let reason = ["participant unreachable", "transport fell through", "hospitalised elsewhere", "declined this visit"][random.int(0...3)]
                record(try participant.miss(definition.code, on: planned.window.end, reason: reason,
                                            studyProtocol: studyProtocol, today: today), at(planned.window.end))
                continue
            }
            var shift = definition.minus + definition.plus == 0 ? 0 : random.int(-definition.minus...definition.plus)
            if !definition.isBaseline && random.chance(0.08) { shift = random.chance(0.5) ? -definition.minus - random.int(1...2) : definition.plus + random.int(1...3) }
            // A visit due today that is done was done today, so the day's summary has something to show.
            let date = planned.target == today ? today : max(consent, min(today, planned.target.adding(days: shift)))
            let time = at(date)
            if definition.isBaseline, let checklist = participant.eligibilityChecklist(studyProtocol), !checklist.isComplete {
                // The investigator goes through the entry criteria before randomization: the baseline waits for them.
                record(try participant.answerEligibility(Self.entryAnswers(studyProtocol, failing: nil, on: participant.visit(studyProtocol.visits[0].code)?.completedDate),
                                                         reason: nil, studyProtocol: studyProtocol), time)
                // With people, the gate needs the checklist signed: the PI approves it before randomization.
                if let signer, participant.eligibilityChecklist(studyProtocol)?.isEligible == true {
                    record(try signer.sign(.eligibility, meaning: .approved, &participant, studyProtocol: studyProtocol, at: time), time)
                }
            }
            if definition.isBaseline && studyProtocol.blinded {
                // The sponsor's system randomizes on the day of the first dose, just before the baseline visit.
                record(try participant.randomize(number: "R" + subject.suffix(4), on: date, studyProtocol: studyProtocol, today: today,
                                                 taken: []), time)
            }
            record(try participant.complete(definition.code, on: date, reason: nil, studyProtocol: studyProtocol, today: today), time)
            completedCount += 1
            let progress = Double(max(0, (definition.day ?? lastDay) - 1)) / Double(max(1, lastDay - 1))
            for scaleCode in definition.scales {
                if scaleCode == "MADRS", studyProtocol.primaryScale == "YMRS", let scale = context.scales[scaleCode] {
                    // Drawn from the subject number, so the rest of the site is unchanged by the mania study rating depression.
                    var own = SplitMix64(seed: UInt64(Int(subject.suffix(4)) ?? 0) &* 6_151 &+ UInt64(completedCount))
                    record(try participant.score(definition.code, scale: scale, items: maniaMADRS(scale, course: course, progress: progress, &own),
                                                 date: nil, rater: "DM", reason: nil, studyProtocol: studyProtocol, today: today),
                           (history.last?.time ?? time).addingTimeInterval(20))
                    // A switch seen more than a week ago was acted on by now; a recent one still waits for the PI.
                    for flag in participant.unacknowledgedUrgentFlags(context: context)
                    where flag.visit == definition.code && flag.flag == "depressive-switch" && date.adding(days: 7) < today {
                        record(try participant.acknowledge(flag: flag.flag, visit: flag.visit,
                                                           action: "PI assessed: depressive switch; mood stabiliser adjusted, weekly MADRS",
                                                           on: date, user: "demo", context: context),
                               (history.last?.time ?? time).addingTimeInterval(20))
                    }
                    continue
                }
                guard let scale = context.scales[scaleCode], !random.chance(0.03) else { continue } // now and then a form is forgotten
                var items = scoreItems(scale, course: course, severity: severity, progress: definition.isBaseline || definition.day.map { $0 < 1 } == true ? 0 : progress, &random)
                if scale.total && random.chance(0.02) { items[random.int(0...(items.count - 1))] = nil }
                record(try participant.score(definition.code, scale: scale, items: items, date: nil, rater: "DM", reason: nil,
                                             studyProtocol: studyProtocol, today: today), at(date))
            }
            // No one is randomized over an urgent screening C-SSRS left unseen: the PI assesses it first.
            if definition.code == studyProtocol.visits.first?.code, let time = history.last?.time {
                for flag in participant.unacknowledgedUrgentFlags(context: context) where flag.visit == definition.code {
                    record(try participant.acknowledge(flag: flag.flag, visit: flag.visit,
                                                       action: "PI assessed at screening: no current intent or plan on interview; weekly C-SSRS",
                                                       on: date, user: "demo", context: context), time)
                }
            }
            history += try recordMeasures(at: definition, on: date, visitNumber: completedCount, &participant, after: history.last?.time ?? time)
            history += try recordSafety(at: definition, on: date, visitNumber: completedCount, &participant, after: history.last?.time ?? time)
            if let stop = withdrawAfter, completedCount >= stop, !participant.status.hasLeft, participant.status != .completed {
                let when = min(today, date.adding(days: random.int(1...4)))
                let (category, reason): (WithdrawalCategory, String) = [
                    (.withdrawalBySubject, "withdrew consent"), (.adverseEvent, "adverse event: nausea and vomiting"),
                    (.lostToFollowUp, "no contact after three attempts"), (.lackOfEfficacy, "no improvement; physician advised rescue"),
                ][random.int(0...3)]
                record(try participant.withdraw(on: when, category: category, reason: reason, screenFailure: false,
                                                studyProtocol: studyProtocol, today: today), at(when))
                // The early-termination visit is done the day they leave, when the site sees them.
                if let termination = studyProtocol.earlyTerminationVisit, let time = history.last?.time {
                    record(try participant.complete(termination.code, on: when, reason: nil, studyProtocol: studyProtocol, today: today), time)
                }
                break
            }
        }
        // Screen failures, as a site records them: one in seven still in screening fails the entry criteria
        // (decided by the subject number, so no draw changes the rest of the site), and anyone never dosed
        // long after the planned Day 1.
        let screening = studyProtocol.visits.first.flatMap { participant.visit($0.code) }
        let failsEntry = (Int(subject.suffix(4)) ?? 1) % 7 == 0 && screening?.status == .completed
        if participant.status == .screening, let last = history.last?.time,
           let baseline = studyProtocol.baselineVisit, let record = participant.visit(baseline.code), record.status == .scheduled,
           failsEntry || participant.baselineDate.adding(days: 14) < today {
            let when = failsEntry ? min(today, (screening?.completedDate ?? today).adding(days: 2)) : participant.baselineDate.adding(days: 3)
            var (category, reason) = (WithdrawalCategory.other, "did not meet entry criteria at screening")
            if failsEntry, studyProtocol.eligibility != nil {
                // The checklist shows which criterion kept them out, and the screen failure says so.
                _ = try participant.answerEligibility(Self.entryAnswers(studyProtocol, failing: Int(subject.suffix(4)) ?? 0, on: screening?.completedDate),
                                                      reason: nil, studyProtocol: studyProtocol)
                history.append((participant, nil, last))
                if let checklist = participant.eligibilityChecklist(studyProtocol), !checklist.isEligible {
                    (category, reason) = (.eligibilityNotMet, checklist.screenFailureReason)
                }
            }
            history.append((participant, nil, last))
            _ = try participant.withdraw(on: when, category: category, reason: reason,
                                         screenFailure: true, studyProtocol: studyProtocol, today: today)
            history[history.count - 1] = (participant, reason, max(last, clock.time(on: when, minutes: 300)))
        }
        try signer?.review(&participant, history: &history, studyProtocol: studyProtocol, context: context, today: today, clock: clock)
        return history
    }

    /// The answers to every entry criterion of `studyProtocol`, found at screening (`on`): eligible, or for
    /// `failing` (a subject number) one criterion that keeps the person out, an exclusion met or an inclusion
    /// not met, chosen by the number so no draw changes the rest of the site.
    static func entryAnswers(_ studyProtocol: StudyProtocol, failing: Int?, on screened: CivilDate?) -> [EligibilityEntry] {
        guard let criteria = studyProtocol.eligibility else { return [] }
        let source = "screening interview and chart review" + (screened.map { " \($0)" } ?? "")
        var answers = criteria.inclusion.map { EligibilityEntry(id: $0.id, answer: .met, source: source) }
            + criteria.exclusion.map { EligibilityEntry(id: $0.id, answer: .notMet, source: source) }
        if let failing {
            let pick = failing / 7
            // The first inclusion is the age, which the birth year already answers: a clinical one fails instead.
            let clinical = criteria.inclusion.count > 1 ? Array(criteria.inclusion.dropFirst()) : criteria.inclusion
            let list = pick % 2 == 0 && !criteria.exclusion.isEmpty ? criteria.exclusion : clinical
            let id = list[(pick / 2) % list.count].id
            if let index = answers.firstIndex(where: { $0.id == id }) {
                answers[index].answer = answers[index].answer == .met ? .notMet : .met
                answers[index].source = "screening assessment" + (screened.map { " \($0)" } ?? "") + "; confirmed by the investigator"
            }
        }
        return answers
    }

    /// The visit's required measures: blood pressure and heart rate (a muscarinic agonist raises heart rate
    /// a little over the weeks), liver enzymes where the protocol asks; now and then a value out of range,
    /// which the PI assesses at the next visit, and for one participant in sixteen a heart rate over the
    /// protocol's alert. Drawn from the subject number, so the rest of the site is unchanged.
    private func recordMeasures(at definition: VisitDefinition, on date: CivilDate, visitNumber: Int, _ participant: inout Participant,
                                after: Date) throws -> [(participant: Participant, reason: String?, time: Date)] {
        guard !definition.requiredMeasures.isEmpty else { return [] }
        let number = Int(subject.suffix(4)) ?? 0
        var random = SplitMix64(seed: UInt64(number) &* 104_729 &+ UInt64(visitNumber))
        let time = after.addingTimeInterval(120)
        var history: [(participant: Participant, reason: String?, time: Date)] = []
        // What the PI said, at this visit, of the values out of range at earlier visits.
        for reading in participant.measureReadings(studyProtocol, catalog: context.scales) where reading.awaitsAssessment {
            _ = try participant.assessMeasure(visit: reading.measurement.visit, test: reading.measurement.test, .ncs,
                                              comment: "isolated value; repeat at next visit", studyProtocol: studyProtocol,
                                              catalog: context.scales, today: date, user: "demo")
            history.append((participant, nil, time))
        }
        let weeks = Double(max(0, participant.origin(studyProtocol).days(since: date) * -1)) / 7
        let entries = definition.requiredMeasures.map { test -> MeasureEntry in
            let spread = Double(random.int(-100...100)) / 100
            let value: Int
            switch test {
            case "SYSBP": value = 118 + Int(spread * 14) + (random.chance(0.03) ? 26 : 0)
            case "DIABP": value = 76 + Int(spread * 9)
            case "HR": value = (number % 16 == 13 && visitNumber == 3 ? 116 : 76 + Int(weeks * 1.5) + Int(spread * 12)) + (random.chance(0.05) ? 22 : 0)
            case "ALT": value = 22 + Int(spread * 10) + (random.chance(0.08) ? 40 : 0)
            default: value = 24 + Int(spread * 8)
            }
            return MeasureEntry(test: test, value: Quantity(Decimal(value)))
        }
        _ = try participant.recordMeasures(visit: definition.code, entries, reason: nil, studyProtocol: studyProtocol, catalog: context.scales, today: today)
        history.append((participant, nil, time.addingTimeInterval(60)))
        return history
    }

    /// What the site learns at a visit (asked at every visit, as protocols require): mostly mild, transient
    /// GI events, now and then a rise in blood pressure or heart rate, rescue lorazepam, a prior antipsychotic
    /// stopped before Day 1, one prohibited anticholinergic, and a few serious events — reported on time,
    /// one late, one still due. Drawn from the subject number, so the rest of the site is unchanged.
    private func recordSafety(at definition: VisitDefinition, on date: CivilDate, visitNumber: Int, _ participant: inout Participant,
                              after: Date) throws -> [(participant: Participant, reason: String?, time: Date)] {
        var history: [(participant: Participant, reason: String?, time: Date)] = []
        // A few minutes after the visit's last record: no draw from the site's generator is used here.
        func later() -> Date { (history.last?.time ?? after).addingTimeInterval(Double(3 + history.count) * 60) }
        func record(_ reason: String?, _ time: Date) { history.append((participant, reason, time)) }
        let number = Int(subject.suffix(4)) ?? 0
        var random = SplitMix64(seed: UInt64(number) &* 7_919 &+ UInt64(visitNumber))
        let dayOne = participant.origin(studyProtocol)
        let utc = TimeZone(secondsFromGMT: 0)!
        func moment(_ time: Date) -> Moment { Moment(time, zone: utc) }
        if definition.isBaseline {
            guard number % 4 == 1 else { return [] }
            let time = later()
            // The treatment they came off before Day 1 (washout), by what the study treats.
            let treatments: [String: (String, String, String)] = ["PANSS": ("olanzapine", "10 mg", "schizophrenia"),
                                                                  "MADRS": ("sertraline", "100 mg", "depression")]
            let (name, dose, indication) = treatments[studyProtocol.primaryScale] ?? ("quetiapine", "300 mg", "bipolar disorder")
            record(try participant.addMedication(MedicationDraft(name: name, start: participant.consentDate.adding(days: -90), end: dayOne.adding(days: -4),
                                                                 dose: dose, route: "oral", frequency: "once daily", indication: indication),
                                                 today: today), time)
            return history
        }
        guard participant.visit(definition.code)?.status == .completed, date > dayOne else { return [] }
        let onset = max(dayOne, date.adding(days: -random.int(1...4)))
        if visitNumber == 3, number % 3 == 0 {
            record(try participant.addMedication(MedicationDraft(name: "lorazepam", start: onset, end: min(date, onset.adding(days: 2)), dose: "1 mg",
                                                                 route: "oral", frequency: "as needed", indication: "agitation", rescue: true),
                                                 today: today), later())
        }
        if visitNumber == 3, number % 10 == 8, SafetyRules(studyProtocol).prohibitedName(in: "benztropine") != nil {
            record(try participant.addMedication(MedicationDraft(name: "benztropine", start: onset, dose: "1 mg", route: "oral", frequency: "twice daily",
                                                                 indication: "extrapyramidal symptoms"), today: today), later())
        }
        let serious = visitNumber == 4 && number % 9 == 3
        if serious {
            let time = later()
            let aware = moment(time)
            record(try participant.addAdverseEvent(AdverseEventDraft(term: "Worsening psychosis requiring hospitalization", onset: onset,
                                                                     severity: .severe, criteria: [.hospitalization], related: .unlikely,
                                                                     action: .interrupted, aware: aware, visit: definition.code),
                                                   studyProtocol: studyProtocol, today: today, now: aware), time)
            // Sent three hours later; one site sent it a day late; the most recent is still to send.
            let sent = Moment(minutes: aware.minutes + (number % 2 == 0 ? 30 * 60 : 3 * 60), offset: 0)
            if sent.date < today, sent <= clock.demoNow {
                record(try participant.reportAdverseEvent("AE\(participant.adverseEvents.count)", at: sent, followUp: false,
                                                          studyProtocol: studyProtocol, now: sent),
                       Date(timeIntervalSince1970: Double(sent.minutes) * 60))
            }
            return history
        }
        if date == today, number % 5 == 4 {
            // Learned at today's visit: the report clock is running on the review.
            let time = later()
            record(try participant.addAdverseEvent(AdverseEventDraft(term: "Syncope", onset: date.adding(days: -1), severity: .moderate,
                                                                     criteria: [.medicallyImportant], related: .possible, aware: moment(time),
                                                                     visit: definition.code),
                                                   studyProtocol: studyProtocol, today: today, now: moment(time)), time)
            return history
        }
        let roll = random.unit()
        guard roll < 0.45 else { return history }
        let time = later()
        let (term, severity): (String, AdverseEvent.Severity) = roll < 0.35
            ? (["Nausea", "Constipation", "Dyspepsia", "Vomiting", "Dry mouth"][random.int(0...4)], .mild)
            : (["Hypertension", "Tachycardia"][random.int(0...1)], .moderate)
        let end = onset.adding(days: random.int(1...5))
        let ended = severity == .mild && end <= date
        record(try participant.addAdverseEvent(AdverseEventDraft(term: term, onset: onset, end: ended ? end : nil, severity: severity,
                                                                 related: random.chance(0.7) ? .possible : .probable, action: AdverseEvent.DrugAction.none,
                                                                 outcome: ended ? .recovered : .recovering, visit: definition.code),
                                               studyProtocol: studyProtocol, today: today, now: moment(time)), time)
        return history
    }

    /// MADRS in a mania study, rated to catch a switch: low scores, except that a participant whose mania
    /// does not respond turns depressed after mid-study, raising the protocol's urgent depressive-switch flag.
    private func maniaMADRS(_ scale: ScaleDefinition, course: Course, progress: Double, _ random: inout SplitMix64) -> [Int?] {
        let switches = course != .responder && (Int(subject.suffix(4)) ?? 0) % 2 == 1 && progress > 0.5
        return scale.items.map { _ in switches ? random.int(2...4) : random.int(0...1) }
    }

    /// Item scores whose total follows the participant's course: baseline severity, then improvement or worsening.
    private func scoreItems(_ scale: ScaleDefinition, course: Course, severity: Double, progress: Double,
                            _ random: inout SplitMix64) -> [Int?] {
        switch scale.code {
        case "CSSRS":
            let roll = random.unit()
            if roll < 0.015 { return [1, 1, 1, 1, 0, 0] }
            if roll < 0.06 { return [1, random.chance(0.5) ? 1 : 0, 0, 0, 0, 0] }
            return [0, 0, 0, 0, 0, 0]
        case "CGI-I":
            let base = course == .responder ? 2 : course == .partial ? 3 : 5
            return [min(7, max(1, base + random.int(-1...1) + (course == .worsening && progress > 0.5 ? 1 : 0)))]
        default:
            break
        }
        let improvement: Double
        switch course {
        case .responder: improvement = 0.55 * progress
        case .partial: improvement = 0.2 * progress
        case .worsening: improvement = -0.3 * progress
        }
        // Severity places the baseline in the upper-middle of the scale's range, as trial entry criteria do.
        let levels = scale.items.map { item -> Int in
            let span = Double(item.max - item.min)
            let start = Double(item.min) + span * (0.3 + 0.25 * severity)
            let value = start - (start - Double(item.min)) * improvement + Double(random.int(-1...1))
            return min(item.max, max(item.min, Int(value.rounded())))
        }
        return levels.map(Optional.some)
    }

    private static func initials(_ random: inout SplitMix64) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPRSTVW")
        return String((0..<(random.chance(0.2) ? 3 : 2)).map { _ in letters[random.int(0...(letters.count - 1))] })
    }
}
