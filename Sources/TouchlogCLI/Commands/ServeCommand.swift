import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Touchlog
import TouchlogServer
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the log over HTTP: post events, read views, follow the stream.",
        discussion: """
        The API is under /v1 and described by GET /openapi.json (see Docs/Service.md). Requests \
        need an API key with the right scope (read, append, admin) from the keys file given with \
        --keys or $TOUCHLOG_KEYS; make keys with `touchlog keys add`. Without a keys file the \
        server refuses to start unless --insecure-no-auth is given. Once listening it prints \
        `listening on http://HOST:PORT` on standard output. SIGTERM or SIGINT stop it gracefully: \
        it stops accepting, finishes the requests in flight (every acknowledged event is durable) \
        and closes the database.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The address to listen on (default $TOUCHLOG_HOST, else 127.0.0.1).", valueName: "address"))
    var host: String = ProcessInfo.processInfo.environment["TOUCHLOG_HOST"] ?? "127.0.0.1"

    @Option(help: ArgumentHelp("The port (default $TOUCHLOG_PORT, else 8080; 0 picks a free one).", valueName: "port"))
    var port: Int = ProcessInfo.processInfo.environment["TOUCHLOG_PORT"].flatMap { Int($0) } ?? 8080

    @Option(help: ArgumentHelp("The API keys file (default $TOUCHLOG_KEYS).", valueName: "file"))
    var keys: String?

    /// `--keys`, else `$TOUCHLOG_KEYS`.
    private var keysFile: String? { keys ?? ProcessInfo.processInfo.environment["TOUCHLOG_KEYS"] }

    @Flag(help: "Serve without authentication: anyone who can reach the port may read and append.")
    var insecureNoAuth = false

    @Option(help: ArgumentHelp("Answer 413 to request bodies over this many bytes.", valueName: "bytes"))
    var maxBodyBytes = 16 << 20

    @Option(help: ArgumentHelp("Answer 413 to requests with more events than this.", valueName: "count"))
    var maxBatchEvents = 10_000

    @Option(help: ArgumentHelp("Churn thresholds (JSON; default $TOUCHLOG_CHURN_CONFIG, else built-in defaults).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp(
        "On SIGTERM, wait this long for open connections (a stalled stream client, say) before closing them.", valueName: "seconds"
    ))
    var shutdownGrace = 10

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "info"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard maxBodyBytes > 0, maxBatchEvents > 0, shutdownGrace > 0 else { throw ValidationError("limits must be positive") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        if keysFile == nil && !insecureNoAuth {
            throw ValidationError("give an API keys file with --keys (or $TOUCHLOG_KEYS), or --insecure-no-auth to serve without authentication")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "touchlog.serve")
        var configuration = ServerConfiguration(keys: nil)
        if let keys = keysFile, !insecureNoAuth {
            do {
                configuration.keys = try APIKeys(contentsOf: keys)
            } catch {
                fail(error.message, status: 64)
            }
        }
        configuration.host = host
        configuration.port = port
        configuration.maxBodyBytes = maxBodyBytes
        configuration.maxBatchEvents = maxBatchEvents
        configuration.churnThresholds = churnThresholds(file: config)

        let log = try global.openLog()
        let application = try reportingFailures {
            try TouchlogServer.application(log: log, configuration: configuration, logger: logger) { port in
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
            }
        }
        if configuration.keys == nil { logger.warning("serving without authentication (--insecure-no-auth)") }
        var groupConfiguration = ServiceGroupConfiguration(
            services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        )
        // Past the grace period the server's tasks are cancelled and its connections closed; the
        // writer still finishes the appends it holds (unanswered ones were never acknowledged).
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(shutdownGrace)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            fail("the server stopped: \(error)", status: 3)
        }
        logger.info("stopped; head \((try? log.head()) ?? 0)")
    }
}
