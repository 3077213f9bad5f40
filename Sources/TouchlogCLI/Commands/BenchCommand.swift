import ArgumentParser
import Foundation
import LMDB
import Touchlog

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ingest on this machine: raw LMDB, the library and `touchlog append`, side by side.",
        discussion: """
        Uses the first --events lines of --input (generated with touchlog-sample when omitted), in \
        fresh databases under --dir. Every figure comes from the same events in the same run:
        - raw LMDB: MDB_APPEND of the already-encoded records, durable batches of 10,000 (the ceiling);
        - library append: EventLog.append of decoded events (dedup, indexes, records, durable commits);
        - library ingest: bytes in, decode + validate + append, batches of 1,000 and 10,000 (the log \
        alone), then with the inline views;
        - touchlog append: the CLI as a child process reading the NDJSON file (log and views), with \
        its peak memory.

        Prints figures; never fails on time.
        """
    )

    @Option(help: "Events to use.")
    var events = 1_000_000

    @Option(help: ArgumentHelp("NDJSON input (default: generated).", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("Directory for the scratch databases (removed afterwards).", valueName: "dir"))
    var dir: String = NSTemporaryDirectory()

    func run() throws {
        let scratch = (dir as NSString).appendingPathComponent("touchlog-bench-\(getpid())")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let source = try input ?? generate(into: scratch)
        let lines = try readLines(source, limit: events)
        let inputFile = scratch + "/input.ndjson"
        try Data(lines.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: inputFile))
        let bytes = lines.reduce(0) { $0 + $1.count }
        print("touchlog bench: \(grouped(lines.count)) events, \(byteSize(bytes)) of JSON (mean \(bytes / max(lines.count, 1)) bytes), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("")
        print(row("measure", "events/s", "MB/s", "vs raw LMDB"))

        let decoder = EventDecoder(maxFutureSkew: 86_400 * 365 * 100)
        let now = Timestamp.now
        var decoded: [DecodedEvent] = []
        decoded.reserveCapacity(lines.count)
        let decodeSeconds = try secondsTaken {
            for (index, line) in lines.enumerated() { decoded.append(try decoder.decode(line, location: "line \(index + 1)", now: now)) }
        }
        let records = decoded.map { RecordCodec.encode($0, recordedAt: now, previousOfCustomer: 0) }
        let recordBytes = records.reduce(0) { $0 + $1.count }
        let raw = try rawAppend(records, into: scratch + "/raw")
        let rawRate = Double(records.count) / raw
        func report(_ name: String, _ seconds: Double, count: Int, bytes: Int) {
            let rate = Double(count) / seconds
            print(row(name, grouped(Int(rate)), String(format: "%.0f", Double(bytes) / seconds / 1e6), String(format: "%.0f%%", rate / rawRate * 100)))
        }
        report("raw LMDB MDB_APPEND (records, batches of 10,000)", raw, count: records.count, bytes: recordBytes)
        report("decode + validate only (1 core)", decodeSeconds, count: lines.count, bytes: bytes)
        for batch in [1_000, 10_000] {
            let log = try openFresh(scratch + "/library-\(batch)", views: false)
            let seconds = try secondsTaken {
                for start in stride(from: 0, to: decoded.count, by: batch) {
                    _ = try log.append(Array(decoded[start..<min(start + batch, decoded.count)]))
                }
            }
            report("library append of decoded events, batches of \(grouped(batch))", seconds, count: decoded.count, bytes: bytes)
        }
        for (batch, views) in [(1_000, false), (10_000, false), (10_000, true)] {
            let log = try openFresh(scratch + "/ingest-\(batch)-\(views)", views: views)
            let descriptor = open(inputFile, O_RDONLY)
            defer { close(descriptor) }
            let ingestor = Ingestor(log: log, options: .init(batchSize: batch, decoder: decoder))
            let seconds = try secondsTaken { _ = try ingestor.ingest(from: LineReader(fileDescriptor: descriptor)) }
            let name = "library ingest from bytes, batches of \(grouped(batch))" + (views ? " + views" : "")
            report(name, seconds, count: lines.count, bytes: bytes)
        }
        let cli = try cliAppend(inputFile, db: scratch + "/cli")
        report("touchlog append FILE (child process, with views)", cli.seconds, count: lines.count, bytes: bytes)
        print("")
        print("touchlog append peak memory: \(byteSize(cli.peakAnonymousKB * 1024)) anonymous, \(byteSize(cli.peakResidentKB * 1024)) resident including the mapped database file")
        let logOnly = try EventLog(path: scratch + "/library-10000", options: .init(readOnly: true), projectors: [])
        print("database size after the library append (log only): \(byteSize(try logOnly.statistics().bytesOnDisk))")
    }

    private func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        a.padding(toLength: 62, withPad: " ", startingAt: 0) + b.leftPadded(12) + c.leftPadded(8) + d.leftPadded(14)
    }


    private func openFresh(_ path: String, views: Bool = true) throws -> EventLog {
        try reportingFailures {
            try EventLog(path: path, options: .init(create: true), projectors: views ? StandardProjectors.all : [])
        }
    }

    private func rawAppend(_ records: [[UInt8]], into path: String) throws -> Double {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var options = Environment.Options()
        options.mapSize = 1 << 30
        let environment = try Environment(path: path, options: options)
        guard let database = try environment.openDatabase("events", flags: .create) else { return 0 }
        return try secondsTaken {
            for start in stride(from: 0, to: records.count, by: 10_000) {
                try environment.write { txn in
                    for index in start..<min(start + 10_000, records.count) {
                        try txn.put(database, key: withUnsafeBytes(of: UInt64(index + 1).bigEndian) { Array($0) }, value: records[index], flags: .append)
                    }
                }
            }
        }
    }

    /// Runs `touchlog append` as a child and samples its memory from /proc while it runs
    /// (getrusage's maxrss would carry over the parent's, which exec does not reset).
    private func cliAppend(_ file: String, db: String) throws -> (seconds: Double, peakAnonymousKB: Int, peakResidentKB: Int) {
        let executable = CommandLine.arguments[0]
        _ = try openFresh(db)
        var pid: pid_t = 0
        let arguments = [executable, "append", file, "--db", db]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, executable, &actions, nil, &argv, environ) == 0 else {
            throw TouchlogError(.io, "cannot start \(executable)")
        }
        var status: Int32 = 0
        var peakAnonymous = 0, peakResident = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                    guard fields.count >= 2, let kb = Int(fields[1]) else { continue }
                    if fields[0] == "RssAnon:" { peakAnonymous = max(peakAnonymous, kb) }
                    if fields[0] == "VmHWM:" { peakResident = max(peakResident, kb) }
                }
            }
            usleep(20_000)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (seconds, peakAnonymous, peakResident)
    }

    private func generate(into directory: String) throws -> String {
        let generator = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("touchlog-sample").path
        let customers = max(1, events / 36)
        let output = directory + "/generated.ndjson"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: generator)
        process.arguments = ["--customers", "\(customers)", "--seed", "1", "--out", output]
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { fail("cannot run \(generator); build it or pass --input", status: 1) }
        process.waitUntilExit()
        return output
    }

    private func readLines(_ path: String, limit: Int) throws -> [[UInt8]] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { fail("cannot open \(path)", status: 1) }
        defer { close(descriptor) }
        var lines: [[UInt8]] = []
        let reader = LineReader(fileDescriptor: descriptor)
        struct Enough: Error {}
        do {
            try reader.forEachLine { _, line in
                if case .bytes(let bytes) = line, !bytes.isEmpty { lines.append(Array(bytes)) }
                if lines.count >= limit { throw Enough() }
            }
        } catch is Enough {}
        // Exact re-sends in the sample would count as duplicates; keep each (source, id) once.
        var seen = Set<[UInt8]>()
        return lines.filter { seen.insert($0).inserted }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
