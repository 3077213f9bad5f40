#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a message to standard error, unbuffered.
func printError(_ message: String) {
    var text = message
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}

/// Why writing the output failed.
struct OutputError: Error, CustomStringConvertible {
    let description: String
}

/// Buffered output to standard output or a file, through stdio (`fwrite` in 1 MiB blocks).
struct OutputFile: ~Copyable {
    private nonisolated(unsafe) let file: UnsafeMutablePointer<FILE>
    private let path: String?
    private var buffer = ByteBuffer(capacity: OutputFile.blockSize + 64 * 1024)
    private static let blockSize = 1 << 20

    /// Standard output when `path` is nil, otherwise the file at `path`, created or truncated.
    init(path: String?) throws(OutputError) {
        self.path = path
        if let path {
            guard let handle = fopen(path, "wb") else {
                throw OutputError(description: "cannot open \(path) for writing: \(String(cString: strerror(errno)))")
            }
            file = handle
        } else {
            guard let handle = fdopen(1, "wb") else {
                throw OutputError(description: "cannot write to standard output: \(String(cString: strerror(errno)))")
            }
            file = handle
        }
    }

    @inline(__always)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputError) {
        buffer.append(bytes)
        if buffer.count >= OutputFile.blockSize { try flush() }
    }

    @inline(__always)
    mutating func write(_ bytes: [UInt8]) throws(OutputError) {
        buffer.append(bytes)
        if buffer.count >= OutputFile.blockSize { try flush() }
    }

    mutating func flush() throws(OutputError) {
        guard buffer.count > 0 else { return }
        let expected = buffer.count
        let bytes = buffer.unsafeBytes(0..<expected)
        let written = fwrite(bytes.baseAddress, 1, expected, file)
        buffer.removeAll()
        if written != expected {
            throw OutputError(description: "write to \(path ?? "standard output") failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Flushes and closes (a file) or flushes (standard output).
    mutating func close() throws(OutputError) {
        try flush()
        let result = path == nil ? fflush(file) : fclose(file)
        if result != 0 {
            throw OutputError(description: "closing \(path ?? "standard output") failed: \(String(cString: strerror(errno)))")
        }
    }
}
