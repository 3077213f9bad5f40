import LMDB
import Synchronization

/// A Bloom filter of the idempotency index: of one sealed generation (level 0), or of a group of
/// 16^level consecutive sealed generations starting at `first`. Groups of 16 are filtered as one
/// once they are all sealed, and groups of 16 groups likewise, so that a new key (the common case)
/// is ruled out by about 16 filters per level, not one per generation: a log of 10 M events has
/// 152 generations but 9 group filters and 8 generation filters to probe.
struct IdFilterNode: Hashable, Sendable {
    let level: UInt8
    let first: UInt32

    static let fanOut: UInt64 = 16

    /// The generations it covers: 16^level of them.
    var span: UInt64 { Self.span(level: level) }
    /// The generation after the last it covers.
    var end: UInt64 { UInt64(first) + span }

    static func span(level: UInt8) -> UInt64 { (0..<level).reduce(1) { product, _ in product * fanOut } }

    /// The `id_filters` key: the generation (4 bytes BE) for level 0, as format 2 stores it; the
    /// level and the first generation (5 bytes) for a group.
    var key: [UInt8] {
        let generation = withUnsafeBytes(of: first.bigEndian) { Array($0) }
        return level == 0 ? generation : [level] + generation
    }
}

/// Finds the position stored under an idempotency key, inside one transaction: the open
/// generation by direct lookup, sealed generations only where their Bloom filters say the key may
/// be. The sealed generations are probed through the largest group filters that cover them
/// (`IdFilterNode`), newest first; a key a group may hold is probed in its members. Batches are
/// probed one filter at a time, so that each filter is read from cache for the whole batch.
///
/// Sealed generations never change, so their part of a batch's lookups can run in any snapshot
/// that has them sealed, outside the write transaction (`EventLog.prepare`); the transaction then
/// searches only the generations sealed since, and the open one (`searchedBelow`).
struct IdIndexLookup {
    let log: EventLog
    let txn: Transaction
    /// Generations below this are sealed and have filters.
    let sealedGenerations: UInt32
    /// Generations below this were searched already; this lookup searches the others.
    let searchedBelow: UInt32
    /// The filters covering generations `searchedBelow..<sealedGenerations`, newest first.
    private let cover: [(node: IdFilterNode, filter: BloomFilter)]

    init(log: EventLog, txn: Transaction, head: UInt64, searchedBelow: UInt32 = 0) throws {
        self.log = log
        self.txn = txn
        // Clamped: a damaged head then fails on the first missing filter instead of trapping.
        sealedGenerations = UInt32(clamping: head / log.generationSize)
        self.searchedBelow = min(searchedBelow, sealedGenerations)
        cover = try Self.cover(log: log, txn: txn, from: UInt64(self.searchedBelow), to: UInt64(sealedGenerations), maxLevel: .max)
    }

    /// The filters that cover generations `lower..<upper` (all sealed), newest first: at each
    /// step the largest stored group (of at most `maxLevel`) that ends where the cover has reached
    /// and starts at or above `lower`; single generations where no group fits.
    private static func cover(
        log: EventLog, txn: Transaction, from lower: UInt64, to upper: UInt64, maxLevel: UInt8
    ) throws -> [(node: IdFilterNode, filter: BloomFilter)] {
        var nodes: [(node: IdFilterNode, filter: BloomFilter)] = []
        var end = upper
        while end > lower {
            let generation = UInt32(end - 1)
            let chosen = try largestStoredGroup(log: log, txn: txn, ending: end, from: lower, maxLevel: maxLevel)
                ?? (IdFilterNode(level: 0, first: generation), try log.filter(of: generation, in: txn))
            nodes.append(chosen)
            end -= chosen.node.span
        }
        return nodes
    }

    /// The largest group (of at most `maxLevel`, above 0) with a stored filter that ends at
    /// generation `end` and starts at or above `lower`, or `nil`.
    private static func largestStoredGroup(
        log: EventLog, txn: Transaction, ending end: UInt64, from lower: UInt64, maxLevel: UInt8
    ) throws -> (node: IdFilterNode, filter: BloomFilter)? {
        for level in stride(from: min(maxLevel, IdFilterNode.topLevel(below: end)), to: 0, by: -1) {
            let span = IdFilterNode.span(level: level)
            guard end % span == 0, end - span >= lower else { continue }
            let node = IdFilterNode(level: level, first: UInt32(end - span))
            if let filter = try log.storedFilter(of: node, in: txn) { return (node, filter) }
        }
        return nil
    }

    /// The position stored under `key`, or `nil`.
    func position(of key: IdempotencyKey) throws -> UInt64? {
        try positions(of: [key])[key]
    }

    /// The positions stored under those of `keys` that are stored in the generations this lookup
    /// searches: the open one (unless `sealedOnly`) and the sealed ones from `searchedBelow` up.
    func positions(of keys: [IdempotencyKey], sealedOnly: Bool = false) throws -> [IdempotencyKey: UInt64] {
        var found: [IdempotencyKey: UInt64] = [:]
        let pending = sealedOnly ? keys : try searchOpenGeneration(keys, found: &found)
        _ = try search(pending, in: cover, found: &found)
        return found
    }

    /// Searches `keys` in the open generation, adding those found to `found`; returns the others.
    /// In key order through one cursor: LMDB finds a key on the page the cursor is on without a
    /// search from the root, and a batch's keys share the generation's pages.
    private func searchOpenGeneration(_ keys: [IdempotencyKey], found: inout [IdempotencyKey: UInt64]) throws -> [IdempotencyKey] {
        // The order of `indexKey`'s bytes: each half is stored little-endian.
        let sorted = keys.sorted { ($0.low.byteSwapped, $0.high.byteSwapped) < ($1.low.byteSwapped, $1.high.byteSwapped) }
        var pending: [IdempotencyKey] = []
        pending.reserveCapacity(keys.count)
        try txn.withCursor(log.eventIds) { cursor in
            for key in sorted {
                let entry = try key.indexKey(generation: sealedGenerations).withUnsafeBytes { try cursor.seek($0) }
                if let entry, let position = PositionKey.decode(entry.value) { found[key] = position } else { pending.append(key) }
            }
        }
        return pending
    }

    /// Searches `keys` in the generations under `nodes` (newest first), adding those found to
    /// `found`; returns the others.
    private func search(
        _ keys: [IdempotencyKey], in nodes: [(node: IdFilterNode, filter: BloomFilter)], found: inout [IdempotencyKey: UInt64]
    ) throws -> [IdempotencyKey] {
        var pending = keys
        for (node, filter) in nodes where !pending.isEmpty {
            var remaining: [IdempotencyKey] = [], candidates: [IdempotencyKey] = []
            remaining.reserveCapacity(pending.count)
            for key in pending {
                if filter.mayContain(key) { candidates.append(key) } else { remaining.append(key) }
            }
            guard !candidates.isEmpty else {
                pending = remaining
                continue
            }
            if node.level == 0 {
                for key in candidates {
                    if let position = try lookup(key, generation: node.first) { found[key] = position } else { remaining.append(key) }
                }
            } else {
                let members = try Self.cover(log: log, txn: txn, from: UInt64(node.first), to: node.end, maxLevel: node.level - 1)
                remaining += try search(candidates, in: members, found: &found)
            }
            pending = remaining
        }
        return pending
    }

    private func lookup(_ key: IdempotencyKey, generation: UInt32) throws -> UInt64? {
        guard let value = try txn.get(log.eventIds, key: key.indexKey(generation: generation)),
              let position = PositionKey.decode(value)
        else { return nil }
        return position
    }
}

extension IdFilterNode {
    /// The node of `level` that covers `generation`.
    init(containing generation: UInt32, level: UInt8) {
        self.init(level: level, first: generation - UInt32(UInt64(generation) % Self.span(level: level)))
    }

    /// The highest level whose span is at most `generations`.
    static func topLevel(below generations: UInt64) -> UInt8 {
        var level: UInt8 = 0
        while span(level: level + 1) <= generations { level += 1 }
        return level
    }

    /// Every group whose generations are all among the first `sealed`, lower levels first (so a
    /// group's members come before it).
    static func groups(completedBy sealed: UInt64) -> [IdFilterNode] {
        stride(from: UInt8(1), through: topLevel(below: sealed), by: 1).flatMap { level in
            let span = span(level: level)
            return stride(from: UInt64(0), to: sealed - sealed % span, by: Int(span)).map { IdFilterNode(level: level, first: UInt32($0)) }
        }
    }
}

extension EventLog {
    /// The Bloom filter of a sealed generation, cached after the first read (it never changes).
    func filter(of generation: UInt32, in txn: Transaction) throws -> BloomFilter {
        guard let filter = try storedFilter(of: IdFilterNode(level: 0, first: generation), in: txn) else {
            throw TouchlogError(.corruption, "the filter of sealed id generation \(generation) is missing or damaged; run `touchlog verify`")
        }
        return filter
    }

    /// The Bloom filter of `node`, cached after the first read, or `nil` if it was not written (a
    /// group's, yet: a log written before group filters has none until its next append seals a
    /// generation).
    func storedFilter(of node: IdFilterNode, in txn: Transaction) throws -> BloomFilter? {
        if let cached = filterCache.withLock({ $0[node] }) { return cached }
        guard let bytes = try txn.get(idFilters, key: node.key) else { return nil }
        guard let filter = BloomFilter(bytes: bytes) else {
            throw TouchlogError(.corruption, "the id filter of generations \(node.first)..<\(node.end) is damaged; run `touchlog verify`")
        }
        filterCache.withLock { $0[node] = filter }
        return filter
    }

    /// Writes the Bloom filter of every generation that the append from `oldHead` to `newHead`
    /// filled, and of every group of generations now all sealed that has none.
    func sealGenerations(_ txn: Transaction, from oldHead: UInt64, to newHead: UInt64) throws {
        let (before, after) = (oldHead / generationSize, newHead / generationSize)
        guard after > before else { return }
        for generation in before..<after {
            try writeFilter(of: IdFilterNode(level: 0, first: UInt32(generation)), in: txn)
        }
        for node in IdFilterNode.groups(completedBy: after) where try txn.get(idFilters, key: node.key) == nil {
            try writeFilter(of: node, in: txn)
        }
    }

    /// Writes the filter of `node` from the keys of its generations in `event_ids`.
    private func writeFilter(of node: IdFilterNode, in txn: Transaction) throws {
        var filter = BloomFilter(capacity: Int(generationSize * node.span))
        try txn.withCursor(eventIds) { cursor in
            let start = IdempotencyKey(low: 0, high: 0).indexKey(generation: node.first)
            var entry = try start.withUnsafeBytes { try cursor.seek(atOrAfter: $0) }
            while let current = entry, let parsed = IdempotencyKey.parse(indexKey: current.key), UInt64(parsed.generation) < node.end {
                filter.insert(parsed.key)
                entry = try cursor.next()
            }
        }
        try txn.put(idFilters, key: node.key, value: filter.bytes)
    }
}

/// What the `customers` database holds per customer: the position of the last event (the head
/// of the customer's chain) and how many events the customer has.
struct CustomerState {
    var lastPosition: UInt64 = 0
    var eventCount: UInt64 = 0

    init() {}

    init(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count == 16 else { throw TouchlogError(.corruption, "a customer index entry is damaged") }
        lastPosition = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        eventCount = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 16)
        writer.write(lastPosition)
        writer.write(eventCount)
        return writer.bytes
    }
}
