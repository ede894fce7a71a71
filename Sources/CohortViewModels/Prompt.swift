import CohortDomain

/// A small form over the current screen: a title, one or more text fields, an inline error.
public struct Prompt: Equatable, Sendable {
    /// What the answer is for.
    public indirect enum Purpose: Equatable, Sendable {
        /// A visit action's prompt (complete, missed, reschedule…), answered as `AppState.visitActions` says.
        case visit(Intent, subject: String, visit: String)
        case withdraw(subject: String)
        case randomize(subject: String)
        case acknowledge(subject: String, visit: String, flag: String)
        case classify(subject: String, visit: String)
        case scoreReason(ScoreEntry)
        case undo(UndoEntry)
        case rater(subject: String, visit: String)
        case filter
        case search
        case jump
        case reportSent
        case editRecord(subject: String)
        case assess(subject: String)
        case unscheduled(subject: String)
        case unscheduledScale(subject: String, visit: String)
        case correct(subject: String)
        case reconsent(subject: String)
        /// Sign an item of the investigator's queue.
        case sign(subject: String, scope: SignatureScope)
        /// Resolve one of the participant's open sync conflicts.
        case resolveConflict(subject: String)

        /// The participant the prompt changes, if any.
        public var subject: String? {
            switch self {
            case .visit(_, let subject, _), .withdraw(let subject), .randomize(let subject),
                 .acknowledge(let subject, _, _), .classify(let subject, _):
                return subject
            case .scoreReason(let entry): return entry.subject
            case .undo(let entry): return entry.after.subject
            case .rater: return nil
            case .assess(let subject), .unscheduled(let subject), .unscheduledScale(let subject, _), .correct(let subject), .reconsent(let subject),
                 .sign(let subject, _), .resolveConflict(let subject):
                return subject
            case .filter, .search, .jump, .reportSent, .editRecord: return nil
            }
        }
    }

    /// What a prompt's field holds: submission reads a field by its name, never by its place.
    public enum Name: String, Equatable, Sendable {
        case date, reason, number, category, screenFailure, adverseEvent, initials, birthYear, sex, consentDate, baseline, version
        case scale, action, classification, note, subject, search, rater, record, result, assessment, comment, sentAt, followUp
        case meaning, passphrase, conflict, take
    }

    /// One text field.
    public struct Field: Equatable, Sendable {
        /// What it holds, for submission (nil for a form's fields, read by label).
        public let name: Name?
        /// Label shown before it.
        public let label: String
        /// The text typed (pre-filled with the default).
        public var text: String
        /// A hint shown after it.
        public let hint: String
        /// What may be typed, for a category field (`mild`, `moderate`, `severe`): shown under it while it is
        /// focused (docs/RULES.md, "Words a monitor reads"); empty for free fields.
        public let choices: [String]
        /// A passphrase: drawn as dots, never as typed (docs/RULES.md, "Signatures").
        public var isSecret = false

        /// Creates a field read by its label (a record form's).
        public init(_ label: String, _ text: String = "", hint: String = "", choices: [String] = []) {
            self.name = nil; self.label = label; self.text = text; self.hint = hint; self.choices = choices
        }

        /// Creates a prompt's field named `name`.
        public init(_ name: Name, _ label: String, _ text: String = "", hint: String = "", choices: [String] = []) {
            self.name = name; self.label = label; self.text = text; self.hint = hint; self.choices = choices
        }

        /// The line under the focused field naming what may be typed (`mild · moderate · severe`), or nil.
        public func choicesLine(dot: String) -> String? {
            choices.isEmpty ? nil : "one of: " + choices.joined(separator: " \(dot) ")
        }
    }

    /// What the answer is for.
    public let purpose: Purpose
    /// The question.
    public let title: String
    /// The fields.
    public var fields: [Field]
    /// The focused field.
    public var focus = 0
    /// Why the last submit was refused.
    public var error: String?

    /// Creates a prompt.
    public init(_ purpose: Purpose, title: String, fields: [Field]) {
        self.purpose = purpose; self.title = title; self.fields = fields
    }

    /// The text of the field named `name`, trimmed ("" when the prompt has no such field).
    func value(_ name: Name) -> String {
        fields.first { $0.name == name }?.text.trimmingCharacters(in: .whitespaces) ?? ""
    }

    /// The text of the field named `name`, or nil when it is empty.
    func optional(_ name: Name) -> String? { value(name).isEmpty ? nil : value(name) }

    /// The date typed in the field named `name`; else nil, with the error said and the field focused.
    mutating func date(_ name: Name) -> CivilDate? {
        guard let index = fields.firstIndex(where: { $0.name == name }) else { return nil }
        let label = fields[index].label
        guard let parsed = CivilDate(value(name)) else {
            error = "\(label) '\(value(name))' is not a real date; write YYYY-MM-DD."
            focus = index
            return nil
        }
        do { return try parsed.refusedIfTooLate(label) } catch let refusal as DomainError {
            error = refusal.message
            focus = index
            return nil
        } catch { return nil }
    }

    /// Focuses the field named `name` (after a problem with it).
    mutating func focus(on name: Name) {
        if let index = fields.firstIndex(where: { $0.name == name }) { focus = index }
    }
}

import Foundation
