import ArgumentParser

/// `touchlog-sample`: the command-line interface of the sample-data generator.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "touchlog-sample",
        abstract: "Generate deterministic sample Touchlog events (CloudEvents 1.0, one JSON object per line).",
        discussion: """
            Simulates N customers over a time window and writes their touches (purchases, visits, \
            surveys, complaints, social mentions, profile updates) as NDJSON in arrival order. The \
            same arguments always give byte-identical output, on any machine.

            About 2% of events arrive 1-30 days late (after events with later event times) and \
            about 0.3% are sent twice with identical bytes; change with --late-rate and \
            --resend-rate. A one-line summary goes to standard error at the end.

            Example: touchlog-sample --customers 1000 --seed 42 --out sample.ndjson
            """
    )

    @Option(help: ArgumentHelp("Number of customers to simulate (100,000 gives ~3-4 million events, ~1 GB).", valueName: "N"))
    var customers: Int

    @Option(help: ArgumentHelp("Seed of the random generator (an unsigned 64-bit integer); the same seed gives the same data.", valueName: "S"))
    var seed: UInt64

    @Option(help: ArgumentHelp("First day of the window (YYYY-MM-DD, UTC).", valueName: "date"))
    var start: String = "2024-01-01"

    @Option(help: ArgumentHelp("Last day of the window, inclusive (YYYY-MM-DD, UTC).", valueName: "date"))
    var end: String = "2025-12-31"

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("Share of events delivered 1-30 days late (0...1).", valueName: "share"))
    var lateRate: Double = 0.02

    @Option(help: ArgumentHelp("Share of events sent a second time, byte-identical, a little later (0...1).", valueName: "share"))
    var resendRate: Double = 0.003

    func validate() throws {
        guard customers >= 1 else { throw ValidationError("--customers must be at least 1 (got \(customers)).") }
        guard customers < 1 << 39 else { throw ValidationError("--customers must be below 2^39.") }
        guard let startDate = CivilDate(parsing: start) else {
            throw ValidationError("--start must be a date as YYYY-MM-DD (got '\(start)').")
        }
        guard let endDate = CivilDate(parsing: end) else {
            throw ValidationError("--end must be a date as YYYY-MM-DD (got '\(end)').")
        }
        guard startDate <= endDate else { throw ValidationError("--start (\(start)) must not be after --end (\(end)).") }
        guard endDate.daysSinceEpoch - startDate.daysSinceEpoch < 100 * 366 else {
            throw ValidationError("the window must be shorter than 100 years.")
        }
        guard (0...1).contains(lateRate) else { throw ValidationError("--late-rate must be between 0 and 1.") }
        guard (0...1).contains(resendRate) else { throw ValidationError("--resend-rate must be between 0 and 1.") }
    }

    func run() throws {
        // validate() has checked both dates.
        guard let startDate = CivilDate(parsing: start), let endDate = CivilDate(parsing: end) else {
            throw ValidationError("invalid window")
        }
        let options = Generator.Options(
            customers: customers, seed: seed, start: startDate, end: endDate,
            lateRate: lateRate, resendRate: resendRate, outputPath: out)
        let clock = ContinuousClock()
        let began = clock.now
        let stats: EventSink.Stats
        do {
            stats = try Generator(options: options).run()
        } catch {
            printError("touchlog-sample: \(error.description)\n")
            throw ExitCode.failure
        }
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = seconds > 0 ? Int(Double(stats.lines) / seconds) : 0
        let line = "touchlog-sample: \(stats.lines) events written, \(customers) customers, "
            + "\(stats.late) late events, \(stats.resends) re-sends "
            + "(\(Int(seconds * 1000)) ms, \(rate) events/s)\n"
        printError(line)
    }
}
