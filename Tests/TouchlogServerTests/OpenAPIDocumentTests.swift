import Foundation
import Testing
import Touchlog

/// The served OpenAPI document is Schemas/openapi.json, and lists every route the server has.
@Suite(.serialized) struct OpenAPIDocumentTests {
    static let schemaFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Schemas/openapi.json").path

    @Test func servedDocumentIsTheSchemasFile() async throws {
        try await withServer { (server: TestServer) async throws in
            let served = try await server.get("/openapi.json", key: nil)
            #expect(served.status == 200)
            let file = try String(contentsOfFile: Self.schemaFile, encoding: .utf8)
            #expect(served.text + "\n" == file, "run python3 Tools/make-openapi.py")
            guard case .object(let paths)? = try served.member("paths") else {
                Issue.record("no paths")
                return
            }
            let routes = [
                "/v1/events", "/v1/customers/{id}", "/v1/customers/{id}/loyalty", "/v1/customers/{id}/churn",
                "/v1/customers/{id}/events", "/v1/trends/satisfaction", "/v1/churn", "/v1/stream", "/healthz", "/metrics", "/openapi.json",
            ]
            #expect(Set(paths.members.map(\.key)) == Set(routes))
        }
    }
}
