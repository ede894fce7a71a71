import CohortDomain

/// The idle lock (docs/RULES.md, "The idle lock"): the clock locks the screens after the store's idle
/// time without a key; while locked, keys only type the passphrase, and Enter asks the runner to check it
/// (`Effect.unlock`) against the user's sealed key, so the view model stays pure.
extension AppState {
    /// Whether the screens are locked (the frame then shows nothing of the data).
    public var isLocked: Bool { idleLock?.isLocked == true }

    /// Notes a key pressed while unlocked: the idle time starts again.
    mutating func noteKey() {
        idleLock?.lastKey = now
    }

    /// After the clock moved: locks when the idle time has passed since the last key.
    mutating func lockWhenIdle() {
        guard var lock = idleLock, !lock.isLocked else { return }
        guard lock.lastKey != nil else { lock.lastKey = now; idleLock = lock; return }
        guard lock.hasExpired(at: now) else { return }
        lock.isLocked = true
        lock.typed = ""
        idleLock = lock
        status = StatusLine("Locked after \(Text.count(lock.minutes, "minute")) without a key: type the passphrase of \(lock.user), then Enter.", .info)
    }

    /// A key while locked: the passphrase's characters, Backspace, Enter, Ctrl-C to quit; any other key
    /// only repeats what the lock asks for.
    mutating func lockKey(_ key: Key) -> [Effect] {
        guard var lock = idleLock else { return [] }
        defer { idleLock = lock }
        switch key {
        case .character(let character) where lock.typed.utf8.count < FreeText.maximumBytes:
            lock.typed.append(character)
            return []
        case .control("c"):
            return [.quit] // quitting shows nothing
        case .backspace:
            if !lock.typed.isEmpty { lock.typed.removeLast() }
            return []
        case .enter where !lock.typed.isEmpty:
            let passphrase = lock.typed
            lock.typed = ""
            status = StatusLine("Checking the passphrase of \(lock.user)…", .info)
            return [.unlock(user: lock.user, passphrase: passphrase)]
        default:
            status = StatusLine("Locked: type the passphrase of \(lock.user), then Enter; Ctrl-C quits; nothing else works until then.", .info)
            return []
        }
    }

    /// The runner's answer to `Effect.unlock`: nil when the passphrase was right (back where the user was),
    /// else why not (a wrong one was counted toward the lockout).
    mutating func unlockOutcome(refusal: String?) {
        guard var lock = idleLock, lock.isLocked else { return }
        if let refusal {
            status = StatusLine(refusal, .error)
            return
        }
        lock.isLocked = false
        lock.lastKey = now
        idleLock = lock
        status = StatusLine("Unlocked: welcome back, \(lock.user).", .info)
    }
}
