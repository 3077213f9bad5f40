import ArgumentParser
import Foundation
import Touchlog

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append CloudEvents from NDJSON (one event per line) or a JSON array batch.",
        discussion: """
        Events are appended in batches (--batch-size), each in one durable transaction. By default a \
        batch is all-or-nothing: if any event in it is rejected, nothing of that batch is stored and \
        nothing after it either; the rest of the input is still checked so that every bad line is \
        reported. Fix the input and run the same command again: events already stored are \
        acknowledged as duplicates, never stored twice. With --partial, valid events are stored and \
        the rejected ones reported. The exit status is 1 whenever something was rejected.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("NDJSON or JSON-array file; - or nothing reads standard input.", valueName: "file"))
    var file: String = "-"

    @OptionGroup var ingest: IngestOptions

    func run() throws {
        try ingest.run(file: file, into: try global.openLog(inlineViews: !ingest.deferViews))
    }
}

/// Options and reporting shared by every command that ingests a file (`append`, `import …`).
struct IngestOptions: ParsableArguments {
    @Flag(help: "Store the valid events even when others are rejected.")
    var partial = false

    @Option(help: ArgumentHelp("Write each rejected input with its reason to this NDJSON file.", valueName: "file"))
    var rejects: String?

    @Option(help: "Events per write transaction. The inline views cost per distinct customer per batch, so larger batches fold them faster and hold more memory (figures in README, Performance).")
    var batchSize = 50_000

    @Option(help: "Seconds an event's time may lie in the future (clock skew).")
    var maxFutureSkew: Double = 900

    @Flag(help: "Print one JSON line per batch as it is committed, then a summary line.")
    var json = false

    @Flag(help: "For bulk loads: store the log only, then rebuild the views once at the end (much faster than folding batch by batch; until then, reading a view says it is out of date, and an interrupted load rebuilds them on the next open).")
    var deferViews = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard maxFutureSkew >= 0 else { throw ValidationError("--max-future-skew must not be negative") }
    }

    /// Ingests `file` (- for standard input), reporting batches, rejections and a summary; exits 1
    /// if anything was rejected.
    func run(
        file: String, into log: EventLog,
        transform: ((UnsafeRawBufferPointer) throws(ValidationFailure) -> [UInt8]?)? = nil
    ) throws {
        let descriptor = file == "-" ? STDIN_FILENO : open(file, O_RDONLY)
        guard descriptor >= 0 else { fail("cannot open \(file): \(String(cString: strerror(errno)))", status: 1) }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        let rejectsFile = rejects.map { path in
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                fail("cannot write rejects file \(path)", status: 1)
            }
            return handle
        }
        let totalBytes = fileSize(descriptor)
        let progress = ProgressLine()
        let reader = LineReader(fileDescriptor: descriptor)
        var listed = 0
        let ingestor = Ingestor(log: log, options: Ingestor.Options(
            batchSize: batchSize, partial: partial, decoder: EventDecoder(maxFutureSkew: maxFutureSkew)
        ))
        let summary = try reportingFailures {
            try ingestor.ingest(from: reader, onBatch: { batch, summary in
                for rejected in batch.rejected {
                    if json {
                        print(rejectionJSON(rejected.rejection))
                    } else if listed < 100 {
                        progress.finish()
                        note("rejected \(rejected.rejection)")
                        listed += 1
                    }
                    rejectsFile?.write(Data((rejectsLine(rejected) + "\n").utf8))
                }
                if json {
                    print(JSONText.object([
                        "batch": JSONText.object([
                            "fromLine": "\(batch.lines.lowerBound)", "toLine": "\(batch.lines.upperBound)",
                            "committed": "\(batch.committed)", "stored": "\(batch.stored)",
                            "duplicates": "\(batch.duplicates)", "rejected": "\(batch.rejected.count)",
                            "head": "\(batch.head)",
                        ]),
                    ]))
                    fflush(nil)
                }
                progress.update(progressText(summary, totalBytes: totalBytes, elapsed: progress.elapsed))
            }, transform: transform)
        }
        progress.finish()
        try rejectsFile?.close()
        report(summary, listed: listed, elapsed: progress.elapsed)
        if deferViews { try rebuildViews(log) }
        if summary.rejected > 0 { throw ExitCode(1) }
    }

    /// The end of a deferred-views load: one rebuild of every view.
    private func rebuildViews(_ log: EventLog) throws {
        let progress = ProgressLine()
        try reportingFailures {
            try log.rebuild { names, reached, head in progress.update("rebuilding \(names): \(grouped(reached)) / \(grouped(head))") }
        }
        progress.finish()
        if !json { print("Rebuilt the views (\(log.viewNames.joined(separator: ", "))) in \(String(format: "%.2f", progress.elapsed)) s.") }
    }

    private func report(_ summary: Ingestor.Summary, listed: Int, elapsed: Double) {
        if json {
            print(JSONText.object([
                "summary": JSONText.object([
                    "events": "\(summary.events)", "stored": "\(summary.stored)", "duplicates": "\(summary.duplicates)",
                    "rejected": "\(summary.rejected)", "stopped": "\(summary.stopped)",
                    "lastCommittedLine": "\(summary.lastCommittedLine)", "head": "\(summary.head)",
                    "seconds": String(format: "%.3f", elapsed),
                ]),
            ]))
            return
        }
        if summary.rejected > listed {
            note("… and \(grouped(summary.rejected - listed)) more rejected\(rejects == nil ? " (use --rejects FILE to keep them all)" : "")")
        }
        let rate = elapsed >= 0.5 ? " in \(String(format: "%.2f", elapsed)) s (\(grouped(Int(Double(summary.events) / elapsed))) events/s)" : ""
        print("Stored \(grouped(summary.stored)) events, \(grouped(summary.duplicates)) duplicates acknowledged, \(grouped(summary.rejected)) rejected\(rate); head is \(grouped(summary.head)).")
        if summary.stopped {
            let stored = summary.lastCommittedLine == 0 ? "Nothing was stored" : "Nothing after line \(grouped(summary.lastCommittedLine)) was stored"
            note("\(stored), because a batch had a rejected event (batches are all-or-nothing). Fix the input and run the same command again (stored events will be acknowledged as duplicates), or use --partial.")
        }
    }

    private func progressText(_ summary: Ingestor.Summary, totalBytes: Int?, elapsed: Double) -> String {
        var text = "appending: \(grouped(summary.events)) events"
        if elapsed > 0 { text += ", \(grouped(Int(Double(summary.events) / elapsed)))/s" }
        if let totalBytes, totalBytes > 0 {
            text += ", \(Int(Double(summary.bytesRead) * 100 / Double(totalBytes)))% of \(byteSize(totalBytes))"
        }
        return text
    }

    private func rejectionJSON(_ rejection: EventRejection) -> String {
        JSONText.object(["rejected": rejectionFields(rejection)])
    }

    private func rejectionFields(_ rejection: EventRejection) -> String {
        JSONText.object([
            "location": JSONText.string(rejection.location),
            "id": rejection.id.map(JSONText.string) ?? "null",
            "path": JSONText.string(rejection.failure.path),
            "rule": JSONText.string(rejection.failure.rule),
        ])
    }

    private func rejectsLine(_ rejected: Ingestor.Rejected) -> String {
        JSONText.object([
            "reason": JSONText.string(rejected.rejection.description),
            "error": rejectionFields(rejected.rejection),
            "input": JSONText.string(String(decoding: rejected.input, as: UTF8.self)),
        ])
    }

    private func fileSize(_ descriptor: Int32) -> Int? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(info.st_size)
    }
}
