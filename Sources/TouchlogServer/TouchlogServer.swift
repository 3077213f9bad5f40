import Hummingbird
import Logging
import NIOCore
import Touchlog

/// The HTTP service over one event log: routes, middleware and the writer, as a Hummingbird
/// application to run in a `ServiceGroup`.
public enum TouchlogServer {
    /// Builds the application.
    ///
    /// - Parameters:
    ///   - log: the log to serve, opened for writing; the application appends to it from one
    ///     writer queue and reads from any task.
    ///   - onServerRunning: called with the bound port once the server listens.
    /// - Throws: `TouchlogError` if the log's head cannot be read.
    public static func application(
        log: EventLog, configuration: ServerConfiguration, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws(TouchlogError) -> some ApplicationProtocol {
        // Say once, at start, when /v1/churn cannot read the kept churn list (the CLI says it per
        // call). A profile view that is not current yet says nothing here; reads report it.
        if let reason = (try? log.churnListFallbackReason(thresholds: configuration.churnThresholds)) ?? nil {
            logger.warning("GET /v1/churn evaluates every customer: \(reason)")
        }
        let metrics = ServerMetrics()
        let notifier = HeadNotifier(head: try log.head())
        let committer = GroupCommitter(log: log, notifier: notifier, metrics: metrics, maxGroupEvents: configuration.maxGroupEvents)
        let router = Router(context: ServerContext.self)
        router.middlewares.add(MetricsMiddleware(metrics: metrics))
        router.middlewares.add(ProblemMiddleware())
        router.middlewares.add(AuthMiddleware(keys: configuration.keys))

        let append = AppendRoute(
            committer: committer,
            bodyDecoder: EventBodyDecoder(decoder: EventDecoder(maxEventBytes: configuration.maxEventBytes), maxBatchEvents: configuration.maxBatchEvents),
            metrics: metrics, maxBodyBytes: configuration.maxBodyBytes
        )
        router.post("/v1/events") { request, context in try await append.handle(request, context: context) }
        ReadRoutes(log: log, thresholds: configuration.churnThresholds).add(to: router)
        let stream = StreamRoute(log: log, notifier: notifier, metrics: metrics)
        router.get("/v1/stream") { request, context in try stream.handle(request, context: context) }
        OperationalRoutes(log: log, metrics: metrics).add(to: router)

        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "touchlog"),
            services: [WriterService(committer: committer, notifier: notifier)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }
}
