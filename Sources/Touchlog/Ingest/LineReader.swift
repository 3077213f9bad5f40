#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads newline-delimited input (NDJSON) from a file descriptor in bounded memory.
///
/// Input is read with `read(2)` in chunks of `chunkSize` bytes into one buffer of
/// `chunkSize + maxLineBytes + 1` bytes, allocated once; memory does not grow with the
/// input. Lines end at `\n`; a `\r` right before it is dropped too. A final line without
/// a newline is reported; the empty string after a final newline is not. Empty and
/// whitespace-only lines are reported like any other (callers skip them).
///
/// A line longer than `maxLineBytes` (not counting its terminator) is never buffered
/// whole: it is reported as ``Line/tooLong(_:)`` with its length and reading goes on at
/// the next line, whether it was longer than the buffer or not.
///
/// A final class rather than a noncopyable struct so that the body of ``forEachLine(_:)``
/// can read ``bytesRead`` for progress reports. Not thread-safe: use one reader from one
/// task at a time. It does not own the file descriptor and never closes it.
public final class LineReader {
    /// One line, as handed to the body of ``forEachLine(_:)``.
    public enum Line {
        /// The line's bytes without its terminator; valid only during the call.
        case bytes(UnsafeRawBufferPointer)
        /// A line longer than `maxLineBytes`, skipped; the payload is its length in bytes.
        case tooLong(Int)
    }

    /// The file descriptor this reader reads from (not owned).
    public let fileDescriptor: Int32
    /// The longest line, in bytes without its terminator, reported as ``Line/bytes(_:)``.
    public let maxLineBytes: Int
    /// How many bytes each `read(2)` asks for, at most.
    public let chunkSize: Int
    /// Bytes read from the file descriptor so far, for progress reporting.
    public private(set) var bytesRead = 0
    /// The number of the last line reported (1-based; 0 before the first).
    public private(set) var lineNumber = 0

    private let buffer: UnsafeMutableRawPointer
    private let capacity: Int
    /// Unconsumed input is `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    /// Length so far of an over-long line being skipped, or nil when not skipping.
    private var skippedLength: Int?
    /// Whether the last byte of the skipped part was `\r`.
    private var skippedEndsWithCR = false
    private var reachedEndOfInput = false

    /// - Parameters:
    ///   - fileDescriptor: an open descriptor (file, pipe, stdin); the caller closes it.
    ///   - maxLineBytes: the longest line delivered as bytes; longer ones are skipped.
    ///   - chunkSize: bytes per `read(2)`.
    public init(fileDescriptor: Int32, maxLineBytes: Int = 65_536, chunkSize: Int = 1 << 20) {
        precondition(maxLineBytes >= 0, "maxLineBytes must not be negative")
        precondition(chunkSize > 0, "chunkSize must be positive")
        self.fileDescriptor = fileDescriptor
        self.maxLineBytes = maxLineBytes
        self.chunkSize = chunkSize
        // Room for a carried-over partial line (up to maxLineBytes plus a possible \r)
        // followed by a full chunk.
        self.capacity = chunkSize + maxLineBytes + 1
        self.buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    /// Calls `body` for each remaining line with its 1-based number, until end of input.
    ///
    /// The reader advances past a line before calling `body`, so if `body` throws, the
    /// error propagates and a later call resumes with the next line.
    /// - Throws: ``ReadError`` when `read(2)` fails (`EINTR` is retried), or what
    ///   `body` throws.
    public func forEachLine(_ body: (_ lineNumber: Int, _ line: Line) throws -> Void) throws {
        while true {
            // Deliver every complete line in the buffer.
            while start < end, let newline = memchr(buffer + start, Int32(UInt8(ascii: "\n")), end - start) {
                let newlineOffset = buffer.distance(to: newline)
                let lineStart = start
                start = newlineOffset + 1
                lineNumber += 1
                if let skipped = skippedLength {
                    let endsWithCR = newlineOffset > lineStart
                        ? buffer.load(fromByteOffset: newlineOffset - 1, as: UInt8.self) == UInt8(ascii: "\r")
                        : skippedEndsWithCR
                    skippedLength = nil
                    try body(lineNumber, .tooLong(skipped + newlineOffset - lineStart - (endsWithCR ? 1 : 0)))
                } else {
                    var length = newlineOffset - lineStart
                    if length > 0, buffer.load(fromByteOffset: newlineOffset - 1, as: UInt8.self) == UInt8(ascii: "\r") {
                        length -= 1
                    }
                    try deliver(lineStart: lineStart, length: length, to: body)
                }
            }

            if reachedEndOfInput {
                try finish(body)
                return
            }
            compact()
            try fill()
        }
    }

    private func deliver(lineStart: Int, length: Int, to body: (Int, Line) throws -> Void) throws {
        if length > maxLineBytes {
            try body(lineNumber, .tooLong(length))
        } else {
            try body(lineNumber, .bytes(UnsafeRawBufferPointer(start: buffer + lineStart, count: length)))
        }
    }

    /// At end of input: reports a final line that had no newline.
    private func finish(_ body: (Int, Line) throws -> Void) throws {
        if let skipped = skippedLength {
            let length = skipped + end - start
            skippedLength = nil
            start = end
            lineNumber += 1
            try body(lineNumber, .tooLong(length))
        } else if start < end {
            let lineStart = start
            start = end
            lineNumber += 1
            try deliver(lineStart: lineStart, length: end - lineStart, to: body)
        }
    }

    /// Moves a partial line to the front of the buffer, or starts skipping it when it
    /// cannot be a line of acceptable length.
    private func compact() {
        let remaining = end - start
        if skippedLength != nil || remaining > maxLineBytes + 1 {
            if remaining > 0 {
                skippedLength = (skippedLength ?? 0) + remaining
                skippedEndsWithCR = buffer.load(fromByteOffset: end - 1, as: UInt8.self) == UInt8(ascii: "\r")
            }
            start = 0
            end = 0
        } else {
            if start > 0 && remaining > 0 {
                buffer.copyMemory(from: buffer + start, byteCount: remaining)
            }
            start = 0
            end = remaining
        }
    }

    /// Reads the next chunk after the buffered bytes; notes end of input.
    private func fill() throws {
        let wanted = min(chunkSize, capacity - end)
        while true {
            let count = read(fileDescriptor, buffer + end, wanted)
            if count > 0 {
                end += count
                bytesRead += count
                return
            }
            if count == 0 {
                reachedEndOfInput = true
                return
            }
            let code = errno
            if code == EINTR { continue }
            throw ReadError(code: code, fileDescriptor: fileDescriptor)
        }
    }
}

extension LineReader {
    /// `read(2)` failed.
    public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The `errno` value, e.g. `EBADF`, `EIO`.
        public let code: Int32
        /// The descriptor that was being read.
        public let fileDescriptor: Int32
        /// `read failed on file descriptor 3: Bad file descriptor (errno 9)`.
        public let message: String

        public init(code: Int32, fileDescriptor: Int32) {
            self.code = code
            self.fileDescriptor = fileDescriptor
            self.message = "read failed on file descriptor \(fileDescriptor): \(String(cString: strerror(code))) (errno \(code))"
        }

        public var description: String { message }
    }
}

extension LineReader {
    /// The first byte of the input that is not whitespace, read ahead without consuming anything;
    /// `nil` for input that is empty or all whitespace. Call before `forEachLine`.
    public func peekFirstSignificantByte() throws -> UInt8? {
        var index = start
        while true {
            while index < end {
                let byte = buffer.load(fromByteOffset: index, as: UInt8.self)
                if byte != 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D { return byte }
                index += 1
            }
            if reachedEndOfInput || end == capacity { return nil }
            try fill()
        }
    }

    /// All input not consumed yet, for inputs read whole (a JSON array batch).
    ///
    /// - Throws: `ReadError`, or `InputTooLarge` past `limit` bytes.
    public func readRemaining(limit: Int) throws -> [UInt8] {
        var result = Array(UnsafeRawBufferPointer(start: buffer + start, count: end - start))
        start = end
        while !reachedEndOfInput {
            end = 0
            start = 0
            try fill()
            result.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: end))
            start = end
            if result.count > limit { throw InputTooLarge(limit: limit) }
        }
        return result
    }

    /// An input read whole was larger than allowed.
    public struct InputTooLarge: Error, Sendable, CustomStringConvertible {
        public let limit: Int
        public var description: String {
            "a JSON array batch may be at most \(limit) bytes; send larger inputs as NDJSON (one event per line)"
        }
    }
}
