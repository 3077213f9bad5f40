/// Bytes as a dictionary key, hashed as one run (an array of bytes hashes them one at a time):
/// view writes recorded by key, complaint states by their trends key.
struct ByteKey: Hashable, Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
}
