#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import Touchlog

@Suite("LineReader")
struct LineReaderTests {
    /// What the body saw for one line, copied out of the reader's buffer.
    enum Seen: Equatable, CustomStringConvertible {
        case bytes(String)
        case tooLong(Int)
        var description: String {
            switch self {
            case .bytes(let text): return "bytes(\(text.debugDescription))"
            case .tooLong(let count): return "tooLong(\(count))"
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let input: String
        let maxLineBytes: Int
        let expected: [Seen]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty input", input: "", maxLineBytes: 8, expected: []),
        Case(name: "one newline", input: "\n", maxLineBytes: 8, expected: [.bytes("")]),
        Case(name: "lines", input: "a\nbb\nccc\n", maxLineBytes: 8, expected: [.bytes("a"), .bytes("bb"), .bytes("ccc")]),
        Case(name: "no final newline", input: "a\nbb", maxLineBytes: 8, expected: [.bytes("a"), .bytes("bb")]),
        Case(name: "CRLF", input: "a\r\nbb\r\n\r\nc", maxLineBytes: 8, expected: [.bytes("a"), .bytes("bb"), .bytes(""), .bytes("c")]),
        Case(name: "lone CR stays", input: "a\rb\n\r", maxLineBytes: 8, expected: [.bytes("a\rb"), .bytes("\r")]),
        Case(name: "empty and blank lines", input: "\n  \n\t\nx\n\n", maxLineBytes: 8,
             expected: [.bytes(""), .bytes("  "), .bytes("\t"), .bytes("x"), .bytes("")]),
        Case(name: "over-long line in the middle", input: "ab\n0123456789\ncd\n", maxLineBytes: 4,
             expected: [.bytes("ab"), .tooLong(10), .bytes("cd")]),
        Case(name: "over-long CRLF line", input: "ab\r\n0123456789\r\ncd\r\n", maxLineBytes: 4,
             expected: [.bytes("ab"), .tooLong(10), .bytes("cd")]),
        Case(name: "exactly the limit", input: "abcd\nabcd\r\nabcde\nabcde\r\n", maxLineBytes: 4,
             expected: [.bytes("abcd"), .bytes("abcd"), .tooLong(5), .tooLong(5)]),
        Case(name: "over-long final line", input: "ab\n0123456789", maxLineBytes: 4, expected: [.bytes("ab"), .tooLong(10)]),
        Case(name: "several over-long lines in a row", input: String(repeating: "x", count: 50) + "\n" + String(repeating: "y", count: 7) + "\n\nz",
             maxLineBytes: 6, expected: [.tooLong(50), .tooLong(7), .bytes(""), .bytes("z")]),
        Case(name: "limit zero", input: "\na\n\r\n", maxLineBytes: 0, expected: [.bytes(""), .tooLong(1), .bytes("")]),
        Case(name: "UTF-8 passes through", input: "é😀\n{\"a\":1}\n", maxLineBytes: 16, expected: [.bytes("é😀"), .bytes("{\"a\":1}")]),
    ]

    /// Every case with chunk sizes that put chunk boundaries everywhere, including between
    /// `\r` and `\n`.
    @Test(arguments: cases, [1, 2, 3, 5, 7, 64, 1 << 20])
    func readsLines(_ c: Case, chunkSize: Int) throws {
        let bytes = Array(c.input.utf8)
        let (seen, numbers, bytesRead) = try withTemporaryFile(containing: bytes) { fd in
            try Self.readAll(fd, maxLineBytes: c.maxLineBytes, chunkSize: chunkSize)
        }
        #expect(seen == c.expected)
        #expect(numbers == seen.indices.map { $0 + 1 })
        #expect(bytesRead == bytes.count)
    }

    /// Random inputs against a straightforward split, over random chunk sizes and limits.
    @Test func matchesAReferenceSplitOnRandomInput() throws {
        let seed = testSeed()  // TOUCHLOG_TEST_SEED=<seed> replays
        var random = SeededRandom(seed: seed)
        for round in 0..<200 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 0...30, using: &random) {
                let length = Int.random(in: 0...40, using: &random)
                input += (0..<length).map { _ in [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "\r"), UInt8(ascii: " ")].randomElement(using: &random)! }
                input += Bool.random(using: &random) ? [UInt8(ascii: "\n")] : [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
            }
            if Bool.random(using: &random) { input += Array("tail".utf8) }
            let maxLineBytes = Int.random(in: 0...20, using: &random)
            let chunkSize = Int.random(in: 1...50, using: &random)
            let expected = Self.referenceSplit(input, maxLineBytes: maxLineBytes)
            let (seen, _, bytesRead) = try withTemporaryFile(containing: input) { fd in
                try Self.readAll(fd, maxLineBytes: maxLineBytes, chunkSize: chunkSize)
            }
            guard seen == expected, bytesRead == input.count else {
                Issue.record("seed \(seed), round \(round), max \(maxLineBytes), chunk \(chunkSize): got \(seen), expected \(expected)")
                return
            }
        }
    }

    @Test func readsFromAPipeFedInSmallPieces() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd) }
        let lines = (0..<2_000).map { #"{"n":\#($0),"pad":"\#(String(repeating: "p", count: $0 % 97))"}"# }
        let payload = Array((lines.joined(separator: "\n") + "\n").utf8)
        let writer = Thread {
            var offset = 0
            var piece = 1
            while offset < payload.count {
                let count = min(piece, payload.count - offset)
                let written = payload.withUnsafeBytes { write(writeEnd, $0.baseAddress! + offset, count) }
                if written > 0 { offset += written }
                piece = piece % 4_093 + 37
            }
            close(writeEnd)
        }
        writer.start()
        let reader = LineReader(fileDescriptor: readEnd, maxLineBytes: 256, chunkSize: 1_000)
        var received: [String] = []
        try reader.forEachLine { number, line in
            #expect(number == received.count + 1)
            guard case .bytes(let bytes) = line else {
                Issue.record("line \(number) reported too long")
                return
            }
            // The line is valid JSON; parse it where it lies.
            _ = try JSONParser.parse(bytes)
            received.append(String(decoding: bytes, as: UTF8.self))
        }
        #expect(received == lines)
        #expect(reader.bytesRead == payload.count)
        #expect(reader.lineNumber == lines.count)
    }

    @Test func bytesReadIsVisibleDuringTheLoop() throws {
        let input = Array(String(repeating: "0123456789\n", count: 100).utf8)
        var progress: [Int] = []
        try withTemporaryFile(containing: input) { fd in
            let reader = LineReader(fileDescriptor: fd, chunkSize: 256)
            try reader.forEachLine { _, _ in progress.append(reader.bytesRead) }
        }
        #expect(progress.count == 100)
        #expect(progress == progress.sorted())
        #expect(progress.first == 256)
        #expect(progress.last == input.count)
    }

    @Test func aThrowingBodyStopsReadingAndALaterCallResumes() throws {
        struct Stop: Error {}
        let input = Array("one\ntwo\nthree\nfour\n".utf8)
        try withTemporaryFile(containing: input) { fd in
            let reader = LineReader(fileDescriptor: fd, chunkSize: 3)
            var seen: [String] = []
            #expect(throws: Stop.self) {
                try reader.forEachLine { number, line in
                    if case .bytes(let bytes) = line { seen.append(String(decoding: bytes, as: UTF8.self)) }
                    if number == 2 { throw Stop() }
                }
            }
            #expect(seen == ["one", "two"])
            try reader.forEachLine { number, line in
                if case .bytes(let bytes) = line { seen.append("\(number):" + String(decoding: bytes, as: UTF8.self)) }
            }
            #expect(seen == ["one", "two", "3:three", "4:four"])
            // At end of input, another call reports nothing.
            try reader.forEachLine { _, _ in Issue.record("line after end of input") }
        }
    }

    @Test func readErrorsCarryErrno() throws {
        let fd = open("/dev/null", O_RDONLY)
        close(fd)  // now a closed descriptor
        let reader = LineReader(fileDescriptor: fd)
        do {
            try reader.forEachLine { _, _ in }
            Issue.record("reading a closed descriptor succeeded")
        } catch let error as LineReader.ReadError {
            #expect(error.code == EBADF)
            #expect(error.message == "read failed on file descriptor \(fd): \(String(cString: strerror(EBADF))) (errno \(EBADF))")
        }
        // A directory gives EISDIR.
        let directory = open("/tmp", O_RDONLY | O_DIRECTORY)
        defer { close(directory) }
        #expect(throws: LineReader.ReadError(code: EISDIR, fileDescriptor: directory)) {
            try LineReader(fileDescriptor: directory).forEachLine { _, _ in }
        }
    }

    @Test func memoryStaysBoundedOnAHugeLine() throws {
        // 5 MB without a newline, read with a 4 KiB buffer: reported as one long line.
        let input = [UInt8](repeating: UInt8(ascii: "x"), count: 5_000_000) + Array("\nok\n".utf8)
        let (seen, _, bytesRead) = try withTemporaryFile(containing: input) { fd in
            try Self.readAll(fd, maxLineBytes: 1_024, chunkSize: 4_096)
        }
        #expect(seen == [.tooLong(5_000_000), .bytes("ok")])
        #expect(bytesRead == input.count)
    }

    // MARK: - Helpers

    static func readAll(_ fd: Int32, maxLineBytes: Int, chunkSize: Int) throws -> ([Seen], [Int], Int) {
        let reader = LineReader(fileDescriptor: fd, maxLineBytes: maxLineBytes, chunkSize: chunkSize)
        var seen: [Seen] = []
        var numbers: [Int] = []
        try reader.forEachLine { number, line in
            numbers.append(number)
            switch line {
            case .bytes(let bytes): seen.append(.bytes(String(decoding: bytes, as: UTF8.self)))
            case .tooLong(let count): seen.append(.tooLong(count))
            }
        }
        return (seen, numbers, reader.bytesRead)
    }

    static func referenceSplit(_ input: [UInt8], maxLineBytes: Int) -> [Seen] {
        var lines = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        let endsWithNewline = input.last == UInt8(ascii: "\n")
        if endsWithNewline || input.isEmpty { lines.removeLast() }
        return lines.enumerated().map { index, line in
            var line = line
            let terminated = index < lines.count - 1 || endsWithNewline
            if terminated, line.last == UInt8(ascii: "\r") { line.removeLast() }
            return line.count > maxLineBytes ? .tooLong(line.count) : .bytes(String(decoding: line, as: UTF8.self))
        }
    }

    func withTemporaryFile<R>(containing bytes: [UInt8], _ body: (Int32) throws -> R) throws -> R {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("linereader-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        return try body(fd)
    }
}
