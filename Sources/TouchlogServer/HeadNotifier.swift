import Synchronization

/// Tells stream subscribers that the log's head moved. Subscribers keep no buffers: a woken
/// subscriber reads the new events from the log itself, at its own pace, so a slow one never
/// holds back the writer or other subscribers.
final class HeadNotifier: Sendable {
    private struct State {
        var head: UInt64
        var waiters: [UInt64: CheckedContinuation<UInt64?, Never>] = [:]
        /// Waits that started but are not registered yet, and those of them cancelled meanwhile.
        var starting: Set<UInt64> = []
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
        var closed = false
    }

    private let state: Mutex<State>

    init(head: UInt64) { state = Mutex(State(head: head)) }

    /// Records a new head and wakes every waiter.
    func publish(_ head: UInt64) {
        let woken = state.withLock { state -> [CheckedContinuation<UInt64?, Never>] in
            state.head = max(state.head, head)
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume(returning: head) }
    }

    /// Waits until the head is beyond `position` and returns it; `nil` when the notifier was
    /// closed or the task cancelled.
    func wait(beyond position: UInt64) async -> UInt64? {
        let id = state.withLock { state in
            state.nextID += 1
            state.starting.insert(state.nextID)
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let answer: UInt64?? = state.withLock { state in
                    state.starting.remove(id)
                    if state.closed || state.cancelled.remove(id) != nil { return .some(nil) }
                    if state.head > position { return .some(state.head) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    if state.starting.contains(id) { state.cancelled.insert(id) }
                    return nil as CheckedContinuation<UInt64?, Never>?
                }
                return waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Whether `close()` was called.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Wakes every waiter with `nil` and makes later waits return `nil` at once.
    func close() {
        let woken = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume(returning: nil) }
    }
}
