import Dispatch
import Foundation
import LMDB

extension EventLog {
    /// Runs `body` on `workers` threads (the calling one among them), each with its worker number
    /// and its own state, and returns the states in worker order; throws the first worker's error
    /// (others as `.storage` errors while `activity`).
    static func onWorkers<State>(
        _ workers: Int, makeState: (_ worker: Int) -> State, while activity: String, _ body: (Int, inout State) throws -> Void
    ) throws(TouchlogError) -> [State] {
        var states = (0..<workers).map(makeState)
        var failures = [TouchlogError?](repeating: nil, count: workers)
        withoutActuallyEscaping(body) { body in
            states.withUnsafeMutableBufferPointer { states in
                failures.withUnsafeMutableBufferPointer { failures in
                    // Each worker touches only its own slot of `states` and `failures`.
                    let slots = (states: states, failures: failures)
                    let run = UncheckedSendable { (worker: Int) in
                        do {
                            try body(worker, &slots.states[worker])
                        } catch {
                            slots.failures[worker] = (error as? TouchlogError) ?? TouchlogError.storage(error, while: activity)
                        }
                    }
                    if workers == 1 { run.value(0) } else { DispatchQueue.concurrentPerform(iterations: workers) { run.value($0) } }
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        return states
    }
}

/// A value handed to other threads whose safety the caller ensures (disjoint slots per thread).
package struct UncheckedSendable<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}

/// Work running on a thread of its own while the caller goes on: a rebuild writes one group of
/// customers while its workers fold the next; a large append folds its batch into the views while
/// it writes the log. One thread at a time calls `finish`: the one that started it, or one it
/// handed the work to.
final class BackgroundWork<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Set by the work's thread before it signals `done`; read after waiting for it.
    private var outcome: Result<Value, TouchlogError>?
    private var waited = false

    /// Starts `body` on a new thread; `activity` names it in an error that is not a `TouchlogError`.
    /// With `yielding`, the thread runs `ThreadPriority.yieldingIncrement` below the caller's
    /// priority, for work the caller waits on only after its own.
    init(while activity: String, yielding: Bool = false, _ body: @escaping () throws -> Value) {
        let work = UncheckedSendable(body)
        Thread { [self] in
            if yielding { ThreadPriority.lower(by: ThreadPriority.yieldingIncrement) }
            do {
                outcome = .success(try work.value())
            } catch {
                outcome = .failure((error as? TouchlogError) ?? TouchlogError.storage(error, while: activity))
            }
            done.signal()
        }.start()
    }

    /// Waits for the work to end (the first time) and returns its value or throws its error.
    @discardableResult
    func finish() throws(TouchlogError) -> Value {
        if !waited {
            done.wait()
            waited = true
        }
        return try outcome!.get()
    }
}

/// The calling thread's scheduling priority (its nice value: on Linux each thread has its own).
package enum ThreadPriority {
    /// How far below an append's writer its folds run. The writer's transaction is the longest
    /// step of an append with views, and with the decoder, the writer and the folds all busy on
    /// two cores, the scheduler's equal shares kept it off a core a third of the time; a little
    /// below, the folds take what the writer leaves (1 M events appended with views: +6%, +9%
    /// and +6% over three alternating pairs). Not more: the folds must not starve behind other
    /// work on a busy machine, and the writer waits for them before it commits anyway.
    package static let yieldingIncrement: Int32 = 5

    /// The calling thread's nice value (-20, the highest priority, to 19).
    package static var niceValue: Int32 {
        getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    }

    /// Lowers the calling thread's priority by `increment` nice steps (at most to 19). Best
    /// effort: where the system refuses, the thread keeps its priority.
    package static func lower(by increment: Int32) {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, niceValue + increment))
    }
}
