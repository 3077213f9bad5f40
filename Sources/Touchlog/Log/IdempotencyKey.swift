/// The identity of an event for deduplication: a 128-bit hash of its (source, id). A match is
/// confirmed against the stored record's own source and id, so a hash collision can never merge
/// two events.
struct IdempotencyKey: Hashable, Sendable {
    let low: UInt64
    let high: UInt64

    init(source: String, id: String) {
        (low, high) = Self.withMaterial(source: source, id: id) { material in
            (XXHash64.hash(material, seed: 0), XXHash64.hash(material, seed: 0x9E37_79B9_7F4A_7C15))
        }
    }

    /// Calls `body` with what an event's identity hashes: the UTF-8 of `source`, a 0xFF byte
    /// (never in UTF-8, so ("a", "bc") and ("ab", "c") differ) and the UTF-8 of `id`. Built on the
    /// stack when small: every appended event and every survey or profile update folded needs one.
    static func withMaterial<Result>(source: String, id: String, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let (sourceCount, idCount) = (source.utf8.count, id.utf8.count)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: sourceCount + 1 + idCount) { material in
            _ = material.initialize(fromContentsOf: source.utf8)
            material[sourceCount] = 0xFF
            _ = UnsafeMutableBufferPointer(rebasing: material[(sourceCount + 1)...]).initialize(fromContentsOf: id.utf8)
            return body(UnsafeRawBufferPointer(material))
        }
    }

    init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// The `event_ids` key: the generation (big-endian, so that a generation is one key range)
    /// followed by the hash.
    func indexKey(generation: UInt32) -> [UInt8] {
        withIndexKey(generation: generation) { Array($0) }
    }

    /// Calls `body` with the `event_ids` key (`indexKey`), built on the stack.
    func withIndexKey<R>(generation: UInt32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(byteCount: 20, alignment: 8) { key in
            key.storeBytes(of: generation.bigEndian, as: UInt32.self)
            key.storeBytes(of: low.littleEndian, toByteOffset: 4, as: UInt64.self)
            key.storeBytes(of: high.littleEndian, toByteOffset: 12, as: UInt64.self)
            return try body(UnsafeRawBufferPointer(key))
        }
    }

    /// Whether this key's `event_ids` key sorts before `other`'s in the same generation: the
    /// order of their little-endian bytes, which is the numeric order of the byte-swapped halves.
    func precedesInIndex(_ other: IdempotencyKey) -> Bool {
        low != other.low ? low.byteSwapped < other.low.byteSwapped : high.byteSwapped < other.high.byteSwapped
    }

    /// The key and generation of an `event_ids` key.
    static func parse(indexKey bytes: UnsafeRawBufferPointer) -> (generation: UInt32, key: IdempotencyKey)? {
        guard bytes.count == 20 else { return nil }
        var reader = ByteReader(bytes)
        guard let generation = try? reader.read(UInt32.self), let low = try? reader.read(UInt64.self),
              let high = try? reader.read(UInt64.self)
        else { return nil }
        return (UInt32(bigEndian: generation), IdempotencyKey(low: low, high: high))
    }
}

/// A position as an LMDB key: 8 bytes big-endian, so that byte order is numeric order.
enum PositionKey {
    static func of(_ position: UInt64) -> [UInt8] {
        with(position) { Array($0) }
    }

    /// Calls `body` with the key of `position` (big-endian, so that keys sort by position), on the stack.
    static func with<R>(_ position: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: position.bigEndian, body)
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
    }
}
