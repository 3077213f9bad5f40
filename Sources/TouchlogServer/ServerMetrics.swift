import Synchronization
import Touchlog

/// The server's counters and histograms, rendered by hand in the Prometheus text format
/// (version 0.0.4). Shared by every request; each update takes one short lock.
public final class ServerMetrics: Sendable {
    /// Upper bounds (seconds) of the request latency histogram buckets.
    static let bucketBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct RouteKey: Hashable, Comparable {
        let method: String
        let route: String

        static func < (a: RouteKey, b: RouteKey) -> Bool { (a.route, a.method) < (b.route, b.method) }
    }

    private struct Histogram {
        var buckets = [UInt64](repeating: 0, count: ServerMetrics.bucketBounds.count)
        var count: UInt64 = 0
        var sum: Double = 0
    }

    private struct State {
        var requests: [RouteKey: [Int: UInt64]] = [:]
        var latencies: [RouteKey: Histogram] = [:]
        var appendedEvents: UInt64 = 0
        var duplicateEvents: UInt64 = 0
        var rejectedEvents: UInt64 = 0
        var commits: UInt64 = 0
        var subscribers = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts one answered request and its latency.
    func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        let key = RouteKey(method: method, route: route)
        state.withLock { state in
            state.requests[key, default: [:]][status, default: 0] += 1
            var histogram = state.latencies[key] ?? Histogram()
            if let bucket = Self.bucketBounds.firstIndex(where: { seconds <= $0 }) { histogram.buckets[bucket] += 1 }
            histogram.count += 1
            histogram.sum += seconds
            state.latencies[key] = histogram
        }
    }

    /// Counts one committed group: events stored, acknowledged as duplicates, rejected.
    func recordCommit(stored: Int, duplicates: Int, rejected: Int) {
        state.withLock { state in
            state.commits += 1
            state.appendedEvents += UInt64(stored)
            state.duplicateEvents += UInt64(duplicates)
            state.rejectedEvents += UInt64(rejected)
        }
    }

    /// Counts rejected events of requests that never reached the writer.
    func recordRejected(_ count: Int) {
        state.withLock { $0.rejectedEvents += UInt64(count) }
    }

    /// Adds `delta` to the number of open SSE streams.
    func addSubscribers(_ delta: Int) {
        state.withLock { $0.subscribers += delta }
    }

    /// The exposition text, with the log's head, size and views read at scrape time.
    func exposition(head: UInt64, databaseBytes: Int, views: [ViewStatus]) -> String {
        let state = state.withLock { $0 }
        var lines: [String] = []
        func labels(_ key: RouteKey) -> String { "method=\"\(key.method)\",route=\"\(escape(key.route))\"" }
        lines.append("# HELP touchlog_http_requests_total HTTP requests answered, by method, route and status.")
        lines.append("# TYPE touchlog_http_requests_total counter")
        for key in state.requests.keys.sorted() {
            for (status, count) in state.requests[key, default: [:]].sorted(by: { $0.key < $1.key }) {
                lines.append("touchlog_http_requests_total{\(labels(key)),status=\"\(status)\"} \(count)")
            }
        }
        lines.append("# HELP touchlog_http_request_duration_seconds Time from request to response head, by method and route.")
        lines.append("# TYPE touchlog_http_request_duration_seconds histogram")
        for key in state.latencies.keys.sorted() {
            guard let histogram = state.latencies[key] else { continue }
            var cumulative: UInt64 = 0
            for (index, bound) in Self.bucketBounds.enumerated() {
                cumulative += histogram.buckets[index]
                lines.append("touchlog_http_request_duration_seconds_bucket{\(labels(key)),le=\"\(bound)\"} \(cumulative)")
            }
            lines.append("touchlog_http_request_duration_seconds_bucket{\(labels(key)),le=\"+Inf\"} \(histogram.count)")
            lines.append("touchlog_http_request_duration_seconds_sum{\(labels(key))} \(histogram.sum)")
            lines.append("touchlog_http_request_duration_seconds_count{\(labels(key))} \(histogram.count)")
        }
        func single(_ name: String, _ type: String, _ help: String, _ value: String) {
            lines += ["# HELP \(name) \(help)", "# TYPE \(name) \(type)", "\(name) \(value)"]
        }
        single("touchlog_appended_events_total", "counter", "Events stored by this server process.", "\(state.appendedEvents)")
        single("touchlog_duplicate_events_total", "counter", "Events acknowledged as duplicates of stored ones.", "\(state.duplicateEvents)")
        single("touchlog_rejected_events_total", "counter", "Events rejected (invalid or conflicting).", "\(state.rejectedEvents)")
        single("touchlog_append_commits_total", "counter", "Group-commit write transactions.", "\(state.commits)")
        single("touchlog_head_position", "gauge", "Position of the last stored event.", "\(head)")
        single("touchlog_database_size_bytes", "gauge", "Size of the database file on disk.", "\(databaseBytes)")
        single("touchlog_stream_subscribers", "gauge", "Open server-sent event streams.", "\(state.subscribers)")
        lines += ["# HELP touchlog_view_position Log position each view reflects (the head when up to date).", "# TYPE touchlog_view_position gauge"]
        lines += views.map { "touchlog_view_position{view=\"\(escape($0.name))\"} \($0.position)" }
        lines += [
            "# HELP touchlog_view_rebuild_position How far a recorded rebuild of each view got; 0 when none is running.",
            "# TYPE touchlog_view_rebuild_position gauge",
        ]
        lines += views.map { "touchlog_view_rebuild_position{view=\"\(escape($0.name))\"} \($0.rebuildPosition ?? 0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    private func escape(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
    }
}
