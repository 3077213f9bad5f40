import Dispatch
import Synchronization
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
/// Appends run on a dedicated dispatch queue, never on the server's event loops or the Swift
/// concurrency pool: a write transaction blocks on the disk.
final class GroupCommitter: Sendable {
    /// One request's valid events, and where to send their outcomes.
    private struct Pending {
        let events: [DecodedEvent]
        let partial: Bool
        let reply: CheckedContinuation<Result<[AppendOutcome], TouchlogError>, Never>
    }

    private struct State {
        var queue: [Pending] = []
        var draining = false
        var closed = false
    }

    private let log: EventLog
    private let notifier: HeadNotifier
    private let metrics: ServerMetrics
    private let maxGroupEvents: Int
    private let state = Mutex(State())
    private let writer = DispatchQueue(label: "touchlog.server.writer")

    init(log: EventLog, notifier: HeadNotifier, metrics: ServerMetrics, maxGroupEvents: Int) {
        self.log = log
        self.notifier = notifier
        self.metrics = metrics
        self.maxGroupEvents = maxGroupEvents
    }

    /// Appends `events` (all valid) as one request: one outcome per event, in order. Returns once
    /// the transaction holding them is durable.
    ///
    /// - Parameter partial: `false`: any rejection stores nothing of this request.
    /// - Throws: `TouchlogError` for storage failures (nothing of the request stored), or
    ///   `.storage` "shutting down" once `close()` was called.
    func append(_ events: [DecodedEvent], partial: Bool) async throws(TouchlogError) -> [AppendOutcome] {
        let result = await withCheckedContinuation { continuation in
            let start = state.withLock { state -> Bool? in
                guard !state.closed else { return nil }
                state.queue.append(Pending(events: events, partial: partial, reply: continuation))
                defer { state.draining = true }
                return !state.draining
            }
            switch start {
            case nil: continuation.resume(returning: .failure(TouchlogError(.storage, "the server is shutting down")))
            case true?: writer.async { self.drain() }
            case false?: break
            }
        }
        return try result.get()
    }

    /// Refuses new appends and returns once every queued one is answered.
    func close() {
        state.withLock { $0.closed = true }
        writer.sync {}
    }

    /// Commits groups until the queue is empty.
    private func drain() {
        while true {
            let group = state.withLock { state -> [Pending] in
                var count = 0
                var taken = 0
                while taken < state.queue.count, taken == 0 || count + state.queue[taken].events.count <= maxGroupEvents {
                    count += state.queue[taken].events.count
                    taken += 1
                }
                let group = Array(state.queue.prefix(taken))
                state.queue.removeFirst(taken)
                if group.isEmpty { state.draining = false }
                return group
            }
            guard !group.isEmpty else { return }
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
