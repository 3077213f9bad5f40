#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import Touchlog

/// Replays the committed fuzz corpus (`Fixtures/Fuzz/<target>/`: hand-made nasty inputs and the
/// inputs fuzzing found, see FUZZING.md) through the checks the libFuzzer harnesses run
/// (`FuzzTargets`), and holds the hand-made ones to the outcome their names promise.
struct FuzzCorpusTests {
    struct Input: CustomTestStringConvertible, Sendable {
        let target: FuzzTargets.Target
        let name: String
        let bytes: [UInt8]
        var testDescription: String { "\(target.rawValue)/\(name)" }
    }

    static let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Fuzz")

    static let inputs: [Input] = FuzzTargets.Target.allCases.flatMap { target in
        let directory = corpusDirectory.appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().compactMap { name in
            FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).map {
                Input(target: target, name: name, bytes: Array($0))
            }
        }
    }

    static func inputs(of target: FuzzTargets.Target) -> [Input] { inputs.filter { $0.target == target } }

    @Test func theCorpusIsThereAndSmall() {
        for target in FuzzTargets.Target.allCases {
            #expect(Self.inputs(of: target).count >= 30, "too few inputs for \(target.rawValue)")
        }
        #expect(Self.inputs.count < 400)
        #expect(Self.inputs.reduce(0) { $0 + $1.bytes.count } < 1 << 20)
    }

    @Test(arguments: inputs)
    func keepsEveryProperty(_ input: Input) {
        let problems = FuzzTargets.run(input.target, input.bytes)
        #expect(problems.isEmpty, "\(input.testDescription): \(problems.joined(separator: "; "))")
    }

    /// `valid-*` events are accepted; every other hand-made event is rejected with a reason.
    @Test(arguments: inputs(of: .validator).filter { !$0.name.hasPrefix("found-") })
    func validatorOutcome(_ input: Input) {
        let now = Timestamp(rfc3339: "2999-01-01T00:00:00Z")!
        do {
            _ = try EventDecoder().decode(input.bytes, location: input.name, now: now)
            #expect(input.name.hasPrefix("valid-"), "\(input.name) was accepted")
        } catch {
            #expect(!input.name.hasPrefix("valid-"), "\(input.name) was rejected: \(error)")
            #expect(!error.failure.rule.isEmpty)
        }
    }

    /// `valid-*` records decode; so do `tolerated-*` ones, which hold what the encoder never writes
    /// (reserved bits, invalid UTF-8) behind a correct checksum; every other hand-made record is
    /// refused as damaged, whether its checksum was left stale or recomputed over the damage.
    @Test(arguments: inputs(of: .record).filter { !$0.name.hasPrefix("found-") })
    func recordOutcome(_ input: Input) {
        let decoded = input.bytes.withUnsafeBytes { bytes in Result { () throws(RecordDamage) in try RecordCodec.decode(bytes, position: 1) } }
        switch decoded {
        case .success:
            #expect(input.name.hasPrefix("valid-") || input.name.hasPrefix("tolerated-"), "\(input.name) decoded")
        case .failure(let damage):
            #expect(!input.name.hasPrefix("valid-") && !input.name.hasPrefix("tolerated-"), "\(input.name) is damaged: \(damage)")
        }
    }

    /// Appends an NDJSON input as `touchlog append --partial` does, from a file at `scratch`.
    static func appendPartially(_ input: Input, to log: EventLog, scratch file: String) throws -> Ingestor.Summary {
        try Data(input.bytes).write(to: URL(fileURLWithPath: file))
        let descriptor = open(file, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        return try Ingestor(log: log, options: .init(partial: true)).ingest(from: LineReader(fileDescriptor: descriptor))
    }

    /// Every NDJSON input goes through `touchlog append`'s path into a real log (`--partial`):
    /// each line is stored, a duplicate or rejected, and the log verifies clean afterwards.
    @Test(arguments: inputs(of: .ndjson))
    func appendsCleanly(_ input: Input) throws {
        try withTemporaryLog { log, path in
            do {
                let summary = try Self.appendPartially(input, to: log, scratch: path + ".input")
                #expect(summary.events == summary.stored + summary.duplicates + summary.rejected)
                #expect(summary.bytesRead == input.bytes.count)
                let head = try log.head()
                #expect(summary.stored == Int(head))
            } catch let error as TouchlogError {
                // Only an input that starts with '[' but is no JSON array is refused whole.
                #expect(input.bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "["), "\(error)")
            }
            #expect(try log.verify().isClean)
        }
    }

    /// The hand-made NDJSON inputs whose outcome matters most, counted as `touchlog append` counts.
    @Test(arguments: [
        ("three-events.ndjson", 3, 0), ("crlf.ndjson", 3, 0), ("no-final-newline.ndjson", 3, 0),
        ("final-line-ends-with-cr.ndjson", 3, 0), ("blank-lines.ndjson", 2, 0), ("cr-only.ndjson", 0, 1),
        ("bom-first-line.ndjson", 2, 1), ("nul-bytes.ndjson", 1, 2), ("invalid-utf8-line.ndjson", 2, 1),
        ("overlong-line-65537.ndjson", 2, 1), ("overlong-line-70000-crlf.ndjson", 1, 1),
        ("line-exactly-65536.ndjson", 1, 1), ("overlong-final-line-no-newline.ndjson", 1, 1),
        ("duplicate-event.ndjson", 1, 0), ("same-id-different-event.ndjson", 1, 1),
        ("array-batch.json", 3, 0), ("array-batch-whitespace.json", 3, 0), ("array-after-whitespace-lines.ndjson", 1, 0),
    ])
    func appendOutcome(_ name: String, stored: Int, rejected: Int) throws {
        let input = try #require(Self.inputs(of: .ndjson).first { $0.name == name })
        try withTemporaryLog { log, path in
            let summary = try Self.appendPartially(input, to: log, scratch: path + ".input")
            #expect(summary.stored == stored, "\(name): \(summary)")
            #expect(summary.rejected == rejected, "\(name): \(summary)")
        }
    }
}
