import CohortDomain

/// A small form over the current screen: a title, one or more text fields, an inline error.
public struct Prompt: Equatable, Sendable {
    /// What the answer is for.
    public enum Purpose: Equatable, Sendable {
        case complete(subject: String, visit: String)
        case miss(subject: String, visit: String)
        case reschedule(subject: String, visit: String)
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

        /// The participant the prompt changes, if any.
        public var subject: String? {
            switch self {
            case .complete(let subject, _), .miss(let subject, _), .reschedule(let subject, _), .withdraw(let subject), .randomize(let subject),
                 .acknowledge(let subject, _, _), .classify(let subject, _):
                return subject
            case .scoreReason(let entry): return entry.subject
            case .undo(let entry): return entry.after.subject
            case .rater: return nil
            case .assess(let subject), .unscheduled(let subject), .unscheduledScale(let subject, _), .correct(let subject), .reconsent(let subject):
                return subject
            case .filter, .search, .jump, .reportSent, .editRecord: return nil
            }
        }
    }

    /// One text field.
    public struct Field: Equatable, Sendable {
        /// Label shown before it.
        public let label: String
        /// The text typed (pre-filled with the default).
        public var text: String
        /// A hint shown after it.
        public let hint: String
        /// What may be typed, for a category field (`mild`, `moderate`, `severe`): shown under it while it is
        /// focused (docs/RULES.md, "Words a monitor reads"); empty for free fields.
        public let choices: [String]

        /// Creates a field.
        public init(_ label: String, _ text: String = "", hint: String = "", choices: [String] = []) {
            self.label = label; self.text = text; self.hint = hint; self.choices = choices
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

    /// The text of field `index`, trimmed.
    func value(_ index: Int) -> String { fields[index].text.trimmingCharacters(in: .whitespaces) }
}

import Foundation
