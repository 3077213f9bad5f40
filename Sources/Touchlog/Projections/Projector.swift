import LMDB

/// Folds events, one at a time, into one materialised view.
///
/// A projector is stateless: everything it knows lives in its view, which it reads and writes
/// through the `ViewStore` it is handed, inside the write transaction that appends the events (or
/// that rebuilds the view). Folds must not depend on arrival order where the view speaks of event
/// time: appending the same events in any order, or rebuilding, must give the same view.
/// Events reach projectors with their typed fields only (`json` is empty): a rebuild never parses
/// or copies JSON.
public protocol Projector: Sendable {
    /// A stable name; also the name `touchlog view` and `touchlog rebuild` use.
    var name: String { get }
    /// Bump when the fold or the stored form changes: a view of another version is rebuilt.
    var version: UInt32 { get }
    /// Folds one stored event into the view.
    func apply(_ event: StoredEvent, to view: ViewStore) throws

    /// Folds a batch of stored events, in position order. The default folds them one by one;
    /// projectors whose entries are costly to decode can group them.
    func apply(_ events: [StoredEvent], to view: ViewStore) throws

    /// Whether each of the view's entries follows from one customer's events alone (entries
    /// that do not, such as settings, are written with the same value whoever's events lead to
    /// them), so that a large append's events can be folded in parts by customer, on several
    /// threads at once. The default: `false`.
    var foldsCustomersApart: Bool { get }

    /// An in-memory fold for rebuilds, or `nil` (the default) to rebuild through `apply` in
    /// chunks. A folder sees every event once and writes each view entry once, which is much
    /// faster when entries are costly to decode and encode; its state must fit in memory.
    func makeRebuildFolder() -> (any ViewFolder)?
}

/// Accumulates a view in memory during a rebuild, then writes it.
///
/// Rebuilds take customers in groups (to bound memory) and split each group across threads: a
/// folder sees every event of its share of the customers, each customer's in position order.
public protocol ViewFolder {
    /// Before anything is folded, in the transaction that empties the view being rebuilt: reads
    /// what the fold needs from it (the default: nothing). The folders that then fold are copies
    /// of this one.
    mutating func begin(in view: ViewStore) throws
    /// Folds one event (in position order).
    mutating func fold(_ event: StoredEvent) throws
    /// After a group of customers, on the thread that folded them: encodes what `writeFinal`
    /// will write, so that the write transaction only writes (the default: nothing).
    mutating func prepareFinal()
    /// Adds a folder of the same projector that folded other customers' events (on the thread
    /// that writes the group, as are `writeFinal` and `dropFinal`).
    mutating func merge(_ other: any ViewFolder)
    /// After a group of customers: writes the entries that are final (the default: none,
    /// everything waits for `write`). It may run again if its transaction is retried.
    func writeFinal(to view: ViewStore) throws
    /// Forgets what `writeFinal` wrote, once its transaction has committed.
    mutating func dropFinal()
    /// Writes every remaining entry into the view.
    func write(to view: ViewStore) throws
}

extension ViewFolder {
    public mutating func begin(in view: ViewStore) throws {}
    public mutating func prepareFinal() {}
    public func writeFinal(to view: ViewStore) throws {}
    public mutating func dropFinal() {}
}

extension Projector {
    public func apply(_ events: [StoredEvent], to view: ViewStore) throws {
        for event in events { try apply(event, to: view) }
    }

    public func makeRebuildFolder() -> (any ViewFolder)? { nil }

    public var foldsCustomersApart: Bool { false }
}

/// One view's key/value storage, valid only during the call that receives it.
///
/// Either the view in a write transaction, or (with `recorder`) the view in a read snapshot whose
/// writes are kept in the recorder, to be made in a write transaction later (see `ViewWrites`).
public struct ViewStore {
    let txn: Transaction
    let database: Database
    /// The log's `meta` database, for settings a view is computed with (the kept churn list's).
    let meta: Database
    /// Where writes go instead of `txn`; reads see them.
    let recorder: ViewWrites?
    /// What reads go through, if set (`readingNearby`).
    private var cursor: Cursor?

    init(txn: Transaction, database: Database, meta: Database, recorder: ViewWrites? = nil) {
        self.txn = txn
        self.database = database
        self.meta = meta
        self.recorder = recorder
    }

    /// The value under `key`, valid only during the call.
    public func get(_ key: [UInt8]) throws -> UnsafeRawBufferPointer? {
        switch recorder?.recorded(key) {
        case .value(let value)?: return value
        case .deleted?: return nil
        case nil:
            guard let cursor else { return try txn.get(database, key: key) }
            return try key.withUnsafeBytes { try cursor.seek($0) }?.value
        }
    }

    /// Calls `body` with this store reading through a cursor of its own, valid during the call:
    /// a key on the page of the key read before it is found there, without a search from the
    /// root of the tree. Reads in key order, or of neighbouring keys, go fastest.
    public func readingNearby<R>(_ body: (ViewStore) throws -> R) throws -> R {
        try txn.withCursor(database) { cursor in
            var store = self
            store.cursor = cursor
            return try body(store)
        }
    }

    /// Stores `value` under `key`.
    public func put(_ key: [UInt8], _ value: [UInt8]) throws {
        if let recorder { recorder.record(key, value) } else { try txn.put(database, key: key, value: value) }
    }

    /// Stores `value` under `key`, which sorts after every key in the view (LMDB's fast path for
    /// ordered loads); throws if it does not (recorded, it is a `put`: the recorder sorts its writes).
    public func append(_ key: [UInt8], _ value: [UInt8]) throws {
        if let recorder { recorder.record(key, value) } else { try txn.put(database, key: key, value: value, flags: .append) }
    }

    /// Removes the entry under `key`, if any.
    public func delete(_ key: [UInt8]) throws {
        if let recorder { recorder.record(key, nil) } else { try key.withUnsafeBytes { _ = try txn.delete(database, key: $0) } }
    }
}

/// The writes a projector made to a `ViewStore` over a read snapshot, to be made in a write
/// transaction whose view is that snapshot's: an append folds its batch into the views on a thread
/// of its own this way while it writes the log. Reads through the store see the writes.
///
/// Only each key's latest write matters to the transaction, so `replay` makes those alone, in key
/// order through one cursor: most keys then land on the page the cursor is on, with no search from
/// the root. `sortForReplay` puts them in that order beforehand, on the recording thread, so that
/// the write transaction (the critical path of an append) only writes.
///
/// A batch folded ahead of its transaction (`EventLog.FoldAhead`) reads a snapshot from before the
/// batch in front of it, so its recorder also reads through that batch's writes (`base`), which
/// the transaction in front makes.
///
/// Thread rules: one thread records (and sorts), then another replays, after the first is done;
/// once sorted, any number of threads may read it as a base.
package final class ViewWrites: @unchecked Sendable {
    private struct Write {
        let key: [UInt8]
        /// A copy of the value, so that reads can hand out a pointer to it; `nil` for a delete.
        let value: UnsafeMutableRawBufferPointer?
        /// Whether a later write of the same key replaced it.
        var superseded = false
    }

    /// One slot of `latest`: a key's hash and the index in `writes` of its latest write (-1 for
    /// an empty slot).
    private struct Slot {
        var hash: UInt64
        var index: Int32
        static let empty = Slot(hash: 0, index: -1)
    }

    private var writes: [Write] = []
    /// Each key's latest write, by the key's hash: open addressing with linear probing, a power
    /// of two slots, at most three quarters full. The slots keep the hashes, so that a probe
    /// compares a key only where the hash matches (Swift's dictionary compares the key at every
    /// slot it probes, each held elsewhere in memory: a cache miss each).
    private var latest: [Slot]
    private var keyCount = 0
    /// The indices in `writes` of each key's latest write, in key order (`sortForReplay`).
    private var replayOrder: [Int]?
    /// Writes made before these, read where this recorder has none of its own (not through its
    /// own base), until recording ends (`sortForReplay`).
    private var base: ViewWrites?

    /// The seed of the keys' hashes, random per process: keys come from events, and a sender who
    /// knew the hash could make many keys share one slot.
    private static let seed = UInt64.random(in: .min ... .max)

    /// - Parameters:
    ///   - expectedWrites: room to reserve, so that recording a large batch does not grow its
    ///     tables over and over.
    ///   - base: the writes of the batch in front, sorted, when folding ahead of it.
    package init(expectedWrites: Int = 0, over base: ViewWrites? = nil) {
        writes.reserveCapacity(expectedWrites)
        var slots = 16
        while slots * 3 < expectedWrites * 4 { slots *= 2 }
        latest = Array(repeating: .empty, count: slots)
        self.base = base
    }

    deinit {
        for write in writes { write.value?.deallocate() }
    }

    private static func hash(_ key: [UInt8]) -> UInt64 {
        key.withUnsafeBytes { XXHash64.hash($0, seed: seed) }
    }

    /// The slot of `key`'s latest write, or the empty slot where it would go.
    private func slot(of key: [UInt8], hash: UInt64) -> Int {
        let mask = latest.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = latest[slot]
            if entry.index < 0 || (entry.hash == hash && writes[Int(entry.index)].key == key) { return slot }
            slot = (slot + 1) & mask
        }
    }

    /// Records a put of `value` under `key`, or a delete of `key` when `value` is `nil`.
    package func record(_ key: [UInt8], _ value: [UInt8]?) {
        let copy = value.map { value in
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: value.count, alignment: 1)
            value.withUnsafeBytes { copy.copyMemory(from: $0) }
            return copy
        }
        let hash = Self.hash(key)
        let slot = slot(of: key, hash: hash)
        let replaced = Int(latest[slot].index)
        latest[slot] = Slot(hash: hash, index: Int32(writes.count))
        writes.append(Write(key: key, value: copy))
        replayOrder = nil
        if replaced >= 0 {
            writes[replaced].superseded = true
        } else {
            keyCount += 1
            if keyCount * 4 > latest.count * 3 { grow() }
        }
    }

    /// Doubles the slots; the keys stay where they are, only their hashes move.
    private func grow() {
        let old = latest
        latest = Array(repeating: .empty, count: old.count * 2)
        let mask = latest.count - 1
        for entry in old where entry.index >= 0 {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while latest[slot].index >= 0 { slot = (slot + 1) & mask }
            latest[slot] = entry
        }
    }

    /// What the latest write of a key left.
    package enum Recorded {
        /// The value, valid while the recorder lives.
        case value(UnsafeRawBufferPointer)
        case deleted
    }

    /// What the latest recorded write of `key` left (here, else in the base), or `nil` if none
    /// was recorded.
    package func recorded(_ key: [UInt8]) -> Recorded? {
        let hash = Self.hash(key)
        return recordedHere(key, hash: hash) ?? base?.recordedHere(key, hash: hash)
    }

    private func recordedHere(_ key: [UInt8], hash: UInt64) -> Recorded? {
        let index = Int(latest[slot(of: key, hash: hash)].index)
        guard index >= 0 else { return nil }
        return writes[index].value.map { .value(UnsafeRawBufferPointer($0)) } ?? .deleted
    }

    /// Sorts each key's latest write by key, for `replay`, and lets the base go. Call once
    /// recording is done.
    package func sortForReplay() {
        // Taken in the order they were recorded, which folds that go through their keys in
        // order (the profile's) leave nearly sorted, so that neighbours are compared.
        var order: [Int] = []
        order.reserveCapacity(keyCount)
        for index in writes.indices where !writes[index].superseded { order.append(index) }
        writes.withUnsafeBufferPointer { writes in order.sort { KeyOrder.precedes(writes[$0].key, writes[$1].key) } }
        replayOrder = order
        base = nil
    }

    /// Makes each key's latest write of `parts` (recorders of one view whose keys are apart, such
    /// as its shares of customers; a key in several has the same write in each) in `database` of
    /// `txn`, in one pass in key order: the keys of all shares together lie closer than each
    /// share's, so that more are found on the cursor's page without a search from the root.
    package static func replay(_ parts: [ViewWrites], in txn: Transaction, database: Database) throws {
        for part in parts where part.replayOrder == nil { part.sortForReplay() }
        var next = [Int](repeating: 0, count: parts.count)  // each part's next write in its order
        try txn.withCursor(database) { cursor in
            while true {
                // The part whose next key is the smallest (a handful of parts: one per thread).
                var smallest: (part: Int, write: Write)?
                for (index, part) in parts.enumerated() where next[index] < part.replayOrder!.count {
                    let write = part.writes[part.replayOrder![next[index]]]
                    if let current = smallest, !KeyOrder.precedes(write.key, current.write.key) { continue }
                    smallest = (index, write)
                }
                guard let (part, write) = smallest else { return }
                next[part] += 1
                try write.key.withUnsafeBytes { key in
                    if let value = write.value {
                        try cursor.put(key, UnsafeRawBufferPointer(value))
                    } else {
                        try cursor.delete(key)
                    }
                }
            }
        }
    }
}

/// The views every Touchlog database maintains.
public enum StandardProjectors {
    public static let all: [any Projector] = [ProfileProjector(), TrendsProjector()]
}
