import TouchlogAnalytics

/// How the server listens, whom it lets in, and its limits.
public struct ServerConfiguration: Sendable {
    /// The address to bind; `127.0.0.1` keeps the service on this machine.
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one (reported by `onServerRunning`).
    public var port = 8080
    /// The accepted API keys; `nil` turns authentication off (`--insecure-no-auth`).
    public var keys: APIKeys?
    /// Request bodies over this many bytes are answered 413.
    public var maxBodyBytes = 16 << 20
    /// Requests with more events than this are answered 413.
    public var maxBatchEvents = 10_000
    /// Events over this many bytes are rejected (the engine's default limit).
    public var maxEventBytes = 65_536
    /// At most this many events go into one group-commit transaction.
    public var maxGroupEvents = 20_000
    /// Thresholds for the churn views.
    public var churnThresholds = ChurnThresholds()

    public init(keys: APIKeys?) { self.keys = keys }
}
