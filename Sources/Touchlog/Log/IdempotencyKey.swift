/// The `event_ids` key of an event: a 128-bit hash of its (source, id). A match is confirmed
/// against the stored record's own source and id, so a hash collision can never merge two events.
enum IdempotencyKey {
    static func of(source: String, id: String) -> [UInt8] {
        var material = Array(source.utf8)
        material.append(0xFF)  // never occurs in UTF-8, so ("a", "bc") and ("ab", "c") differ
        material.append(contentsOf: id.utf8)
        var key = ByteWriter(capacity: 16)
        key.write(XXHash64.hash(material, seed: 0))
        key.write(XXHash64.hash(material, seed: 0x9E37_79B9_7F4A_7C15))
        return key.bytes
    }
}

/// A position as an LMDB key: 8 bytes big-endian, so that byte order is numeric order.
enum PositionKey {
    static func of(_ position: UInt64) -> [UInt8] {
        withUnsafeBytes(of: position.bigEndian) { Array($0) }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
    }
}
