import Hummingbird
import ServiceLifecycle
import Touchlog

/// `GET /v1/stream?after=P`: server-sent events. Catches up from position P (or the
/// `Last-Event-ID` a reconnecting client sends), then follows the log live. Each event's `id:` is
/// its position and its `data:` the stored event as `touchlog events --json` prints it.
///
/// A subscriber holds no buffer of its own: it reads pages from the log by position, writes them
/// at the pace the client takes them, and when caught up waits on the head notifier. Writers
/// never wait for subscribers. A comment line every `heartbeat` keeps proxies from closing an
/// idle stream and notices clients that left. Graceful shutdown ends every stream.
struct StreamRoute: Sendable {
    let log: EventLog
    let notifier: HeadNotifier
    let metrics: ServerMetrics
    var pageSize = 256
    var heartbeat: Duration = .seconds(15)

    func handle(_ request: Request, context: ServerContext) throws -> Response {
        let query = Query(request: request)
        var after = try query.integer("after", as: UInt64.self, in: 0...UInt64(Int64.max)) ?? 0
        if let lastEventID = request.headers[.lastEventID] {
            guard let position = UInt64(lastEventID) else {
                throw Problem(.badRequest, "Last-Event-ID must be a position (a whole number), not \(lastEventID)")
            }
            after = position
        }
        let start = after
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                metrics.addSubscribers(1)
                defer { metrics.addSubscribers(-1) }
                try await withGracefulShutdownHandler {
                    try await follow(from: start, writer: &writer)
                } onGracefulShutdown: {
                    notifier.close()
                }
                try await writer.finish(nil)
            }
        )
    }

    private func follow(from start: UInt64, writer: inout any ResponseBodyWriter) async throws {
        var cursor = start
        try await writer.write(ByteBuffer(string: ": touchlog stream after \(start)\n\n"))
        while !Task.isCancelled && !notifier.isClosed {
            let page = try log.events(after: cursor, limit: pageSize)
            if let last = page.last {
                var buffer = ByteBuffer()
                for stored in page { buffer.writeString(Self.message(stored)) }
                try await writer.write(buffer)
                cursor = last.position
                continue
            }
            switch await nextHead(beyond: cursor) {
            case .head: continue
            case .idle: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
            case .closed: return
            }
        }
    }

    private enum Wake: Sendable { case head, idle, closed }

    /// Waits for the head to pass `position`, at most one heartbeat.
    private func nextHead(beyond position: UInt64) async -> Wake {
        await withTaskGroup(of: Wake.self) { group in
            group.addTask { await notifier.wait(beyond: position) == nil ? .closed : .head }
            group.addTask {
                do {
                    try await Task.sleep(for: heartbeat)
                    return .idle
                } catch {
                    return .closed
                }
            }
            let first = await group.next() ?? .closed
            group.cancelAll()
            return Task.isCancelled ? .closed : first
        }
    }

    /// One SSE message; the JSON's line breaks (whitespace only) become separate `data:` lines.
    static func message(_ stored: StoredEvent) -> String {
        let json = ReadRoutes.eventJSON(stored)
        let lines = json.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        return "id: \(stored.position)\n" + lines.map { "data: \($0)\n" }.joined() + "\n"
    }
}
