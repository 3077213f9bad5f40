import LMDB
import Synchronization

/// Finds the position stored under an idempotency key, inside one transaction: the open
/// generation by direct lookup, sealed generations only where their Bloom filter says the key
/// may be, newest first. Batches are probed one generation at a time, so that each filter is
/// read from cache for the whole batch.
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
    /// The filters of generations `searchedBelow..<sealedGenerations`.
    let filters: [BloomFilter]

    init(log: EventLog, txn: Transaction, head: UInt64, searchedBelow: UInt32 = 0) throws {
        self.log = log
        self.txn = txn
        // Clamped: a damaged head then fails on the first missing filter instead of trapping.
        sealedGenerations = UInt32(clamping: head / log.generationSize)
        self.searchedBelow = min(searchedBelow, sealedGenerations)
        filters = try (self.searchedBelow..<sealedGenerations).map { try log.filter(of: $0, in: txn) }
    }

    /// The position stored under `key`, or `nil`.
    func position(of key: IdempotencyKey) throws -> UInt64? {
        try positions(of: [key])[key]
    }

    /// The positions stored under those of `keys` that are stored in the generations this lookup
    /// searches: the open one (unless `sealedOnly`) and the sealed ones from `searchedBelow` up.
    func positions(of keys: [IdempotencyKey], sealedOnly: Bool = false) throws -> [IdempotencyKey: UInt64] {
        var found: [IdempotencyKey: UInt64] = [:]
        var pending: [IdempotencyKey] = []
        pending.reserveCapacity(keys.count)
        for key in keys {
            if !sealedOnly, let position = try lookup(key, generation: sealedGenerations) {
                found[key] = position
            } else {
                pending.append(key)
            }
        }
        var generation = sealedGenerations
        while generation > searchedBelow, !pending.isEmpty {
            generation -= 1
            let filter = filters[Int(generation - searchedBelow)]
            var remaining: [IdempotencyKey] = []
            remaining.reserveCapacity(pending.count)
            for key in pending {
                if filter.mayContain(key), let position = try lookup(key, generation: generation) {
                    found[key] = position
                } else {
                    remaining.append(key)
                }
            }
            pending = remaining
        }
        return found
    }

    private func lookup(_ key: IdempotencyKey, generation: UInt32) throws -> UInt64? {
        guard let value = try txn.get(log.eventIds, key: key.indexKey(generation: generation)),
              let position = PositionKey.decode(value)
        else { return nil }
        return position
    }
}

extension EventLog {
    /// The Bloom filter of a sealed generation, cached after the first read (it never changes).
    func filter(of generation: UInt32, in txn: Transaction) throws -> BloomFilter {
        if let cached = filterCache.withLock({ $0[generation] }) { return cached }
        guard let bytes = try txn.get(idFilters, key: withUnsafeBytes(of: generation.bigEndian) { Array($0) }),
              let filter = BloomFilter(bytes: bytes)
        else { throw TouchlogError(.corruption, "the filter of sealed id generation \(generation) is missing or damaged; run `touchlog verify`") }
        filterCache.withLock { $0[generation] = filter }
        return filter
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
