import Hummingbird

/// The per-request context: Hummingbird's core storage (logger with the request id, route
/// parameters) and the API key the request authenticated with.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated key; `nil` when the route is open or authentication is off.
    var key: APIKeys.Entry?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
    }
}
