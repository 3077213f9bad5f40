import Foundation
import Hummingbird
import Touchlog

/// `/healthz` (open), `/metrics` (Prometheus text, admin scope) and `/openapi.json` (open).
struct OperationalRoutes: Sendable {
    let log: EventLog
    let metrics: ServerMetrics

    func add(to router: Router<ServerContext>) {
        router.get("/healthz") { _, _ in
            let head = try log.head()
            return Response.json("{\"status\":\"ok\",\"head\":\(head)}")
        }
        router.get("/metrics") { _, _ in
            let attributes = try? FileManager.default.attributesOfItem(atPath: log.path + "/data.mdb")
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition(head: try log.head(), databaseBytes: size, views: try log.viewStatuses())))
            )
        }
        router.get("/openapi.json") { _, _ in Response.json(OpenAPIDocument.json) }
    }
}
