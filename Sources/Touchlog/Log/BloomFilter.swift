/// A blocked Bloom filter: each key sets 8 bits inside one 512-bit block, so a lookup costs one
/// cache line. 16 bits per key give a false-positive rate of about 0.1–0.2%; there are no false
/// negatives. Used to skip sealed generations of the idempotency index that cannot hold a key.
struct BloomFilter: Sendable, Equatable {
    private(set) var words: [UInt64]

    private static let wordsPerBlock = 8

    /// An empty filter sized for `capacity` keys.
    init(capacity: Int) {
        let blocks = max(1, (capacity * 16 + 511) / 512)
        words = Array(repeating: 0, count: blocks * Self.wordsPerBlock)
    }

    /// A filter from its stored bytes, or `nil` if they cannot be one.
    init?(bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty, bytes.count % (Self.wordsPerBlock * 8) == 0 else { return nil }
        words = (0..<(bytes.count / 8)).map { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
    }

    /// The stored form.
    var bytes: [UInt8] {
        var writer = ByteWriter(capacity: words.count * 8)
        for word in words { writer.write(word) }
        return writer.bytes
    }

    mutating func insert(_ key: IdempotencyKey) {
        let base = blockBase(key)
        for probe in 0..<8 {
            let bit = Self.bit(probe, of: key)
            words[base + bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    func mayContain(_ key: IdempotencyKey) -> Bool {
        let base = blockBase(key)
        for probe in 0..<8 {
            let bit = Self.bit(probe, of: key)
            if words[base + bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return false }
        }
        return true
    }

    /// The bit (0..<512) of the block that probe `n` uses: seven 9-bit slices of the low hash,
    /// then the low 9 bits of the high one (whose top half picks the block).
    @inline(__always) private static func bit(_ n: Int, of key: IdempotencyKey) -> Int {
        n < 7 ? Int((key.low >> UInt64(9 * n)) & 511) : Int(key.high & 511)
    }

    private func blockBase(_ key: IdempotencyKey) -> Int {
        let blocks = UInt64(words.count / Self.wordsPerBlock)
        return Int(((key.high >> 32) &* blocks) >> 32) * Self.wordsPerBlock
    }
}
