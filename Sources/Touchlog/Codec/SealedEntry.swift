/// View entries sealed with a checksum, so that a damaged entry is refused instead of read as
/// other numbers: the payload, then the low 32 bits of its XXH64, little-endian.
enum SealedEntry {
    /// `payload` followed by its checksum.
    static func seal(_ payload: [UInt8]) -> [UInt8] {
        var bytes = payload
        let checksum = UInt32(truncatingIfNeeded: XXHash64.hash(payload))
        withUnsafeBytes(of: checksum.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The payload of sealed bytes, or `nil` if they are too short or the checksum does not match.
    static func open(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard bytes.count >= 4 else { return nil }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 4)])
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self))
        return stored == UInt32(truncatingIfNeeded: XXHash64.hash(payload)) ? payload : nil
    }
}
