#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FuzzTargets {
    /// One line as the reader delivered it, copied out of its buffer.
    enum Line: Equatable, CustomStringConvertible {
        case bytes([UInt8])
        case tooLong(Int)
        var description: String {
            switch self {
            case .bytes(let bytes): "bytes(\(bytes.count))"
            case .tooLong(let count): "tooLong(\(count))"
            }
        }
    }

    /// One way of reading the input: buffer sizes, and whether to look at the first byte first
    /// (as `Ingestor` does) or go straight to lines.
    struct ReaderConfiguration {
        let maxLineBytes: Int
        let chunkSize: Int
        let peeks: Bool
        let decodes: Bool
    }

    /// The input as a file read by ``LineReader``, three times: with production sizes as
    /// `touchlog append` reads it (NDJSON lines, or a JSON array batch), every event decoded;
    /// and twice with tiny buffers, so that lines straddle reads and overflow `maxLineBytes`.
    ///
    /// Properties: the lines delivered are exactly those of a plain split at `\n` (one `\r`
    /// before it dropped; too long means over `maxLineBytes` after that), numbered from 1, with
    /// every byte counted; an array batch is read back whole; the splitter finds exactly the
    /// elements of any input that parses as a JSON array; and every event accepted from a line
    /// or an element is stored and read back unchanged.
    static func checkNDJSON(_ input: UnsafeRawBufferPointer, _ problems: inout Problems) {
        let n = input.count
        let configurations = [
            // `touchlog append`'s line limit; reads of 64 KiB rather than 1 MiB keep each run cheap.
            ReaderConfiguration(maxLineBytes: 65_536, chunkSize: 1 << 16, peeks: true, decodes: true),
            ReaderConfiguration(maxLineBytes: 8 + n % 23, chunkSize: 1 + n % 7, peeks: false, decodes: false),
            ReaderConfiguration(maxLineBytes: n % 5, chunkSize: 2 + n % 3, peeks: true, decodes: false),
        ]
        let written = withInputFile(input) { fileDescriptor in
            for configuration in configurations {
                guard lseek(fileDescriptor, 0, SEEK_SET) == 0 else {
                    problems.list.append("cannot rewind the input file")
                    return
                }
                read(input, from: fileDescriptor, configuration, &problems)
            }
        }
        problems.expect(written, "cannot write the input to a temporary file")
    }

    private static func read(
        _ input: UnsafeRawBufferPointer, from fileDescriptor: Int32, _ configuration: ReaderConfiguration,
        _ problems: inout Problems
    ) {
        let context = "maxLineBytes \(configuration.maxLineBytes), chunkSize \(configuration.chunkSize)"
        let reader = LineReader(
            fileDescriptor: fileDescriptor, maxLineBytes: configuration.maxLineBytes, chunkSize: configuration.chunkSize
        )
        do {
            if configuration.peeks {
                let first = try reader.peekFirstSignificantByte()
                let leadingSpace = input.prefix(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }).count
                let expected = leadingSpace < input.count ? input[leadingSpace] : nil
                // The look-ahead reads at most one buffer; a buffer of nothing but whitespace reads as "none".
                let bufferSize = configuration.chunkSize + configuration.maxLineBytes + 1
                problems.expect(
                    first == expected || (first == nil && leadingSpace >= bufferSize),
                    "\(context): peeked \(String(describing: first)), expected \(String(describing: expected))"
                )
                if first == UInt8(ascii: "[") {
                    let bytes = try reader.readRemaining(limit: 256 << 20)
                    problems.expect(bytes.elementsEqual(input), "\(context): an array batch was not read back whole")
                    if configuration.decodes { checkArrayBatch(bytes, &problems) }
                    return
                }
            }
            var lines: [Line] = []
            var numbering = true
            try reader.forEachLine { number, line in
                numbering = numbering && number == lines.count + 1
                switch line {
                case .bytes(let bytes):
                    lines.append(.bytes(Array(bytes)))
                    if configuration.decodes, bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                        decode(bytes, location: "line \(number)", &problems)
                    }
                case .tooLong(let count):
                    lines.append(.tooLong(count))
                }
            }
            let expected = referenceLines(input, maxLineBytes: configuration.maxLineBytes)
            problems.expect(numbering, "\(context): lines were not numbered 1, 2, 3, …")
            problems.expect(lines == expected, "\(context): read lines \(lines.prefix(8)) where a plain split gives \(expected.prefix(8))")
            problems.expect(reader.lineNumber == expected.count, "\(context): lineNumber is \(reader.lineNumber), expected \(expected.count)")
            problems.expect(reader.bytesRead == input.count, "\(context): bytesRead is \(reader.bytesRead) of \(input.count)")
        } catch {
            problems.list.append("\(context): reading a regular file failed: \(error)")
        }
    }

    /// The lines of `input` by the rules ``LineReader`` documents, computed the plain way.
    static func referenceLines(_ input: UnsafeRawBufferPointer, maxLineBytes: Int) -> [Line] {
        var lines: [Line] = []
        func add(_ start: Int, _ length: Int) {
            lines.append(length > maxLineBytes ? .tooLong(length) : .bytes(Array(input[start..<(start + length)])))
        }
        var start = 0
        for index in input.indices where input[index] == UInt8(ascii: "\n") {
            let length = index - start
            add(start, length > 0 && input[index - 1] == UInt8(ascii: "\r") ? length - 1 : length)
            start = index + 1
        }
        if start < input.count { add(start, input.count - start) }
        return lines
    }

    /// A JSON array batch: split, and each element decoded on its own.
    private static func checkArrayBatch(_ bytes: [UInt8], _ problems: inout Problems) {
        bytes.withUnsafeBytes { raw in
            let whole = try? JSONParser.parse(raw)
            let ranges: [Range<Int>]
            do {
                ranges = try JSONArraySplitter.elements(of: raw)
            } catch {
                if case .array = whole {
                    problems.list.append("the splitter rejects a valid JSON array: \(error)")
                }
                return
            }
            var previousEnd = 0
            for range in ranges {
                guard range.lowerBound >= previousEnd, range.upperBound <= raw.count, !range.isEmpty else {
                    problems.list.append("the splitter returned the range \(range) out of order or out of bounds")
                    return
                }
                previousEnd = range.upperBound
            }
            if case .array(let elements) = whole {
                problems.expect(elements.count == ranges.count, "the splitter found \(ranges.count) elements in an array of \(elements.count)")
                for (element, range) in zip(elements, ranges) {
                    let alone = try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: raw[range]))
                    problems.expect(alone == element, "the splitter cut the element at \(range) wrongly")
                }
            }
            for (index, range) in ranges.enumerated() {
                decode(UnsafeRawBufferPointer(rebasing: raw[range]), location: "event \(index + 1)", &problems)
            }
        }
    }

    /// One event through the decoder `touchlog append` uses; what it accepts must store.
    private static func decode(_ bytes: UnsafeRawBufferPointer, location: String, _ problems: inout Problems) {
        do {
            let decoded = try EventDecoder().decode(bytes, location: location, now: now)
            problems.expect(decoded.json.elementsEqual(bytes), "\(location): the decoder did not keep the event's bytes verbatim")
            checkAccepted(decoded, &problems, context: location)
        } catch {
            problems.expect(error.location == location, "\(location): the rejection names \(error.location)")
        }
    }

    /// Writes `input` to a new unlinked temporary file and calls `body` with its descriptor.
    /// - Returns: false when the file could not be made or written.
    private static func withInputFile(_ input: UnsafeRawBufferPointer, _ body: (Int32) -> Void) -> Bool {
        let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        var template = Array("\(directory)/touchlog-fuzz-XXXXXX".utf8CString)
        let fileDescriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fileDescriptor >= 0 else { return false }
        defer { close(fileDescriptor) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var offset = 0
        while offset < input.count {
            let count = write(fileDescriptor, input.baseAddress! + offset, input.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        body(fileDescriptor)
        return true
    }
}
