#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import Touchlog

/// Prints parse, canonicalization and NDJSON ingest throughput on representative
/// CloudEvents. Never fails on time. Each figure takes about a quarter of a second; set
/// `TOUCHLOG_BENCH_SECONDS` for longer runs. Meaningful only in release builds:
/// `swift test -c release --filter JSONParserBenchmarkTests`.
@Suite("JSONParser: benchmark", .serialized)
struct JSONParserBenchmarkTests {
    /// A typical ~300-byte CloudEvent: ASCII, no escapes.
    static let typicalEvent = #"{"specversion":"1.0","id":"0b6f5c1e-8a43-4c57-9d1a-3f2e7c9b4a10","source":"/crm/web","type":"com.touchlog.interaction.recorded","time":"2025-03-14T09:26:53.589Z","subject":"customer/C-004217","datacontenttype":"application/json","data":{"channel":"email","amount":11.77,"tags":["billing","vip"]}}"#

    /// A larger event with free text, non-ASCII characters and escapes (the slow string path).
    static let textEvent = #"{"specversion":"1.0","id":"0b6f5c1e-8a43-4c57-9d1a-3f2e7c9b4a10","source":"/crm/web","type":"com.touchlog.interaction.recorded","time":"2025-03-14T09:26:53.589Z","subject":"customer/C-004217","datacontenttype":"application/json","data":{"channel":"email","direction":"inbound","agent":"José","amount":11.77,"tags":["billing","priority"],"note":"Asked about invoice #4411 \u2014 \"due\" date"}}"#

    static var seconds: Double {
        getenv("TOUCHLOG_BENCH_SECONDS").flatMap { Double(String(cString: $0)) } ?? 0.25
    }

    @Test(arguments: [("typical", typicalEvent), ("text", textEvent)])
    func parseThroughput(name: String, event: String) throws {
        let bytes = Array(event.utf8)
        let value = try JSONParser.parse(bytes)
        #expect(try JSONParser.parse(value.canonicalBytes()).canonicalBytes() == value.canonicalBytes())

        let (parses, parseSeconds) = try bytes.withUnsafeBytes { buffer in
            try Self.measure(for: Self.seconds) {
                if case .null = try JSONParser.parse(buffer) { Issue.record("unexpected null") }
            }
        }
        let (writes, writeSeconds) = Self.measure(for: Self.seconds) {
            if value.canonicalBytes().isEmpty { Issue.record("empty output") }
        }
        let perSecond = Double(parses) / parseSeconds
        print("JSON parse (\(name), \(bytes.count) bytes): \(Int(perSecond)) events/s, "
            + "\(Self.megabytes(perSecond * Double(bytes.count))) MB/s; "
            + "canonicalBytes: \(Int(Double(writes) / writeSeconds)) events/s")
    }

    /// LineReader plus parser over an NDJSON file, as `touchlog ingest` would read it.
    @Test func ndjsonIngestThroughput() throws {
        let lineCount = 20_000
        let line = Array(Self.typicalEvent.utf8) + [UInt8(ascii: "\n")]
        var path = Array("/tmp/touchlog-bench-XXXXXX".utf8CString)
        let fd = mkstemp(&path)
        try #require(fd >= 0)
        defer {
            close(fd)
            unlink(path)
        }
        var content: [UInt8] = []
        content.reserveCapacity(line.count * lineCount)
        for _ in 0..<lineCount { content += line }
        #expect(content.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) } == content.count)

        let clock = ContinuousClock()
        var parsed = 0
        var rounds = 0
        let start = clock.now
        repeat {
            #expect(lseek(fd, 0, SEEK_SET) == 0)
            let reader = LineReader(fileDescriptor: fd)
            try reader.forEachLine { _, line in
                guard case .bytes(let bytes) = line else { return }
                _ = try JSONParser.parse(bytes)
                parsed += 1
            }
            rounds += 1
        } while Self.seconds(clock.now - start) < Self.seconds
        let elapsed = Self.seconds(clock.now - start)
        #expect(parsed == rounds * lineCount)
        print("NDJSON ingest (LineReader + parse, \(line.count - 1)-byte lines): \(Int(Double(parsed) / elapsed)) events/s, "
            + "\(Self.megabytes(Double(rounds * content.count) / elapsed)) MB/s")
    }

    /// Runs `body` in batches until `seconds` have passed; returns iterations and time.
    static func measure(for seconds: Double, _ body: () throws -> Void) rethrows -> (Int, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        var iterations = 0
        repeat {
            for _ in 0..<1_000 { try body() }
            iterations += 1_000
        } while Self.seconds(clock.now - start) < seconds
        return (iterations, Self.seconds(clock.now - start))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func megabytes(_ bytesPerSecond: Double) -> Double {
        (bytesPerSecond / 1e5).rounded() / 10
    }
}
