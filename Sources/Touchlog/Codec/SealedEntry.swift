/// View entries sealed with a checksum over their key and value, so that a damaged entry is
/// refused instead of read as other numbers (or under another key): the payload, then the low 32
/// bits of the XXH64 of the payload seeded with the XXH64 of the key, little-endian.
enum SealedEntry {
    /// `payload` followed by its checksum under `key`.
    static func seal(_ payload: [UInt8], key: [UInt8]) -> [UInt8] {
        var bytes = payload
        let check = payload.withUnsafeBytes { payload in key.withUnsafeBytes { checksum(payload, key: $0) } }
        withUnsafeBytes(of: check.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The payload of bytes sealed under `key`, or `nil` if they are too short or the checksum
    /// does not match (the value or the key was damaged).
    static func open(_ bytes: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard bytes.count >= 4 else { return nil }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 4)])
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self))
        return stored == checksum(payload, key: key) ? payload : nil
    }

    private static func checksum(_ payload: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(truncatingIfNeeded: XXHash64.hash(payload, seed: XXHash64.hash(key)))
    }
}
