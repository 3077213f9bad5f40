import Foundation
import HTTPTypes
import Touchlog

/// The one writer: appends the events of concurrent requests together, in shared durable write
/// transactions (group commit), and answers each request with its own outcomes.
///
/// Requests queue up while a commit is running; the writer then takes all of them (up to
/// `maxGroupEvents`) into the next transaction, so one fsync serves many requests. All-or-nothing
/// is per request: requests arrive already decoded and validated, so only a conflict found inside
/// the transaction (same source and id, different content) can reject an event there. The writer
/// then rolls the transaction back, answers each all-or-nothing request that had a conflict (nothing
/// of it stored), drops the conflicting events of partial requests, and commits the rest again.
///
/// Appends run on a dedicated writer thread, never on the server's event loops, the Swift
/// concurrency pool or Dispatch's shared pool (which blocked readers could exhaust): a write
/// transaction blocks on the disk.
final class GroupCommitter: @unchecked Sendable {
    /// One request's valid events, and where to send their outcomes.
    private struct Pending {
        let events: [DecodedEvent]
        let partial: Bool
        /// Receives the outcomes, or the storage failure.
        let reply: CheckedContinuation<Result<[AppendOutcome], TouchlogError>?, Never>
    }

    // Guarded by `condition`.
    private var queue: [Pending] = []
    private var closed = false
    private var finished = false
    private let condition = NSCondition()

    private let log: EventLog
    private let notifier: HeadNotifier
    private let metrics: ServerMetrics
    private let maxGroupEvents: Int

    init(log: EventLog, notifier: HeadNotifier, metrics: ServerMetrics, maxGroupEvents: Int) {
        self.log = log
        self.notifier = notifier
        self.metrics = metrics
        self.maxGroupEvents = maxGroupEvents
        let thread = Thread { [self] in run() }
        thread.name = "touchlog.writer"
        thread.start()
    }

    /// Appends `events` (all valid) as one request: one outcome per event, in order. Returns once
    /// the transaction holding them is durable.
    ///
    /// - Parameter partial: `false`: any rejection stores nothing of this request.
    /// - Throws: `TouchlogError` for storage failures (nothing of the request stored), or a 503
    ///   `Problem` once `close()` was called.
    func append(_ events: [DecodedEvent], partial: Bool) async throws -> [AppendOutcome] {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[AppendOutcome], TouchlogError>?, Never>) in
            condition.lock()
            defer { condition.unlock() }
            guard !closed else {
                continuation.resume(returning: nil)
                return
            }
            queue.append(Pending(events: events, partial: partial, reply: continuation))
            condition.signal()
        }
        guard let result else { throw Problem(.serviceUnavailable, "the server is shutting down; send the events again to another instance or later") }
        return try result.get()
    }

    /// Refuses new appends and returns once every queued one is answered.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    /// The writer thread: commits groups as requests arrive, until closed and drained.
    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            var count = 0
            var taken = 0
            while taken < queue.count, taken == 0 || count + queue[taken].events.count <= maxGroupEvents {
                count += queue[taken].events.count
                taken += 1
            }
            let group = Array(queue.prefix(taken))
            queue.removeFirst(taken)
            condition.unlock()
            commit(group)
        }
    }

    /// Appends one group, retrying without the requests (or, for partial ones, the events) that
    /// had conflicts, until a transaction commits with no rejection.
    private func commit(_ group: [Pending]) {
        var outcomes = group.map { [AppendOutcome](repeating: .notStored, count: $0.events.count) }
        var active = Array(group.indices)
        var excluded = group.map { _ in Set<Int>() }
        while true {
            var inputs: [Result<DecodedEvent, EventRejection>] = []
            var origin: [(request: Int, event: Int)] = []
            for request in active {
                for (index, event) in group[request].events.enumerated() where !excluded[request].contains(index) {
                    inputs.append(.success(event))
                    origin.append((request, index))
                }
            }
            guard !inputs.isEmpty else { break }
            let result: AppendResult
            do {
                result = try log.append(inputs, partial: false)
            } catch {
                for request in active { group[request].reply.resume(returning: .failure(error)) }
                active = []
                break
            }
            let conflicts = result.outcomes.enumerated().compactMap { index, outcome -> (Int, EventRejection)? in
                if case .rejected(let rejection) = outcome { (index, rejection) } else { nil }
            }
            if conflicts.isEmpty {
                for (index, outcome) in result.outcomes.enumerated() {
                    outcomes[origin[index].request][origin[index].event] = outcome
                }
                metrics.recordCommit(stored: result.storedCount, duplicates: result.duplicateCount, rejected: 0)
                notifier.publish(result.head)
                break
            }
            var failed = Set<Int>()
            for (index, rejection) in conflicts {
                let (request, event) = origin[index]
                outcomes[request][event] = .rejected(rejection)
                metrics.recordRejected(1)
                if group[request].partial { excluded[request].insert(event) } else { failed.insert(request) }
            }
            for request in failed {
                group[request].reply.resume(returning: .success(outcomes[request]))
            }
            active.removeAll { failed.contains($0) }
        }
        for request in active { group[request].reply.resume(returning: .success(outcomes[request])) }
    }
}
