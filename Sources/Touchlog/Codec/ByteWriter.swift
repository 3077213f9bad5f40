/// Appends little-endian fixed-width values and length-prefixed strings to a byte array.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func write(_ value: UInt8) { bytes.append(value) }

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Double) { write(value.bitPattern) }

    /// A string with a 16-bit length prefix (strings in events are at most 4 KiB of UTF-8).
    mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            write(UInt16(truncatingIfNeeded: utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Raw bytes with a 32-bit length prefix.
    mutating func write(block: UnsafeRawBufferPointer) {
        write(UInt32(truncatingIfNeeded: block.count))
        bytes.append(contentsOf: block)
    }

    /// Overwrites the bytes at `offset` with `value`, little-endian.
    mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for i in raw.indices { bytes[offset + i] = raw[i] }
        }
    }
}

/// Reads what `ByteWriter` wrote; every read checks the bounds and throws `TruncatedRecord` rather
/// than reading past the end.
struct ByteReader {
    struct Truncated: Error {}

    let buffer: UnsafeRawBufferPointer
    var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    var isAtEnd: Bool { offset == buffer.count }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws(Truncated) -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= buffer.count else { throw Truncated() }
        defer { offset += size }
        return T(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func readDouble() throws(Truncated) -> Double { Double(bitPattern: try read(UInt64.self)) }

    mutating func readString() throws(Truncated) -> String {
        let count = Int(try read(UInt16.self))
        guard offset + count <= buffer.count else { throw Truncated() }
        defer { offset += count }
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)]), as: UTF8.self)
    }

    /// A block with a 16-bit length (how strings are stored), as bytes.
    mutating func readBlock16() throws(Truncated) -> UnsafeRawBufferPointer {
        let count = Int(try read(UInt16.self))
        guard offset + count <= buffer.count else { throw Truncated() }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)])
    }

    mutating func readBlock() throws(Truncated) -> UnsafeRawBufferPointer {
        let count = Int(try read(UInt32.self))
        guard offset + count <= buffer.count else { throw Truncated() }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)])
    }
}
