import Dispatch
import LMDB

extension EventLog {
    /// A customer in the customer index: their subject and how many events they have.
    struct IndexedCustomer {
        let subject: String
        let eventCount: UInt64
    }

    /// Every customer in the customer index, in subject order.
    func indexedCustomers() throws(TouchlogError) -> [IndexedCustomer] {
        try withSnapshot("reading the customer index") { txn in
            var found: [IndexedCustomer] = []
            try txn.withCursor(customers) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    let subject = String(decoding: current.key, as: UTF8.self)
                    found.append(IndexedCustomer(subject: subject, eventCount: try CustomerState(current.value).eventCount))
                    entry = try cursor.next()
                }
            }
            return found
        }
    }

    /// Folds the events up to position `head` of `group`'s customers, each customer's in position
    /// order, on `workers` threads (customers dealt out in turn), each into its own state.
    ///
    /// Each customer's events are found by walking their chain back from the customer index and
    /// read where they lie, so the work is proportional to these customers' events, not to the
    /// log: a rebuild in several groups reads every event once instead of scanning the whole log
    /// per group. One read transaction per worker and group; events appended after `head` are
    /// skipped (the rebuild folds them in its last transaction). Returns the states and the
    /// number of events folded.
    func foldCustomerChains<State>(
        _ group: ArraySlice<IndexedCustomer>, through head: UInt64, workers: Int, makeState: () -> State,
        _ fold: (inout State, StoredEvent) throws -> Void
    ) throws(TouchlogError) -> (states: [State], folded: UInt64) {
        let workers = max(1, min(workers, group.count))
        let states = try Self.onWorkers(
            workers, makeState: { (state: makeState(), folded: UInt64(0)) }, while: "rebuilding from the customers' events"
        ) { worker, slot in
            try withSnapshot("rebuilding from the customers' events") { txn in
                var records: [(position: UInt64, bytes: UnsafeRawBufferPointer, header: RecordHeader)] = []
                for index in stride(from: group.startIndex + worker, to: group.endIndex, by: workers) {
                    records.removeAll(keepingCapacity: true)
                    try walkChain(txn, of: group[index].subject) { position, bytes, header in
                        if position <= head { records.append((position, bytes, header)) }
                    }
                    for record in records.reversed() {
                        let event = try decodeRecord(record.bytes, position: record.position, includingJSON: false, header: record.header)
                        try fold(&slot.state, event)
                    }
                    slot.folded += UInt64(records.count)
                }
            }
        }
        return (states.map(\.state), states.reduce(0) { $0 + $1.folded })
    }

    /// Runs `body` on `workers` threads (the calling one among them), each with its worker number
    /// and its own state, and returns the states in worker order; throws the first worker's error
    /// (others as `.storage` errors while `activity`).
    static func onWorkers<State>(
        _ workers: Int, makeState: () -> State, while activity: String, _ body: (Int, inout State) throws -> Void
    ) throws(TouchlogError) -> [State] {
        var states = (0..<workers).map { _ in makeState() }
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
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
