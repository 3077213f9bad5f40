import Testing
import Touchlog
import TouchlogServer

/// API keys and scopes: 401 without a valid key, 403 without the scope; open routes.
@Suite(.serialized) struct AuthTests {
    @Test func healthAndOpenAPIAreOpen() async throws {
        try await withServer { (server: TestServer) async throws in
            let health = try await server.get("/healthz", key: nil)
            #expect(health.status == 200)
            let document = try await server.get("/openapi.json", key: nil)
            #expect(document.status == 200)
            #expect(try document.member("openapi") == .string("3.1.0"))
        }
    }

    @Test func missingOrWrongKeyIs401() async throws {
        try await withServer { (server: TestServer) async throws in
            let missing = try await server.get("/v1/customers/cust-1", key: nil)
            #expect(missing.status == 401)
            #expect(missing.headers["content-type"] == "application/problem+json")
            #expect(missing.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            #expect(try await server.get("/v1/customers/cust-1", key: "not-a-key").status == 401)
            let bearer = try await server.request("GET", "/v1/customers/cust-1", key: nil, headers: [("Authorization", "Bearer \(TestServer.readKey)")])
            #expect(bearer.status == 404)
        }
    }

    @Test func keyWithoutTheScopeIs403() async throws {
        try await withServer { (server: TestServer) async throws in
            let readOnly = try await server.post(contentType: "application/cloudevents+json", Events.purchase("a1"), key: TestServer.readKey)
            #expect(readOnly.status == 403)
            #expect(try await server.get("/v1/customers/cust-1", key: TestServer.appendKey).status == 403)
            #expect(try await server.get("/metrics", key: TestServer.readKey).status == 403)
            let admin = try await server.post(contentType: "application/cloudevents+json", Events.purchase("a1"), key: TestServer.adminKey)
            #expect(admin.status == 200)
            let metrics = try await server.get("/metrics", key: TestServer.adminKey)
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("touchlog_head_position 1"))
            #expect(metrics.text.contains(#"touchlog_http_requests_total{method="POST",route="/v1/events",status="403"} 1"#))
            #expect(metrics.text.contains("touchlog_http_request_duration_seconds_bucket"))
            #expect(metrics.text.contains(#"touchlog_view_position{view="profile"} 1"#))
            #expect(metrics.text.contains(#"touchlog_view_rebuild_position{view="profile"} 0"#))
        }
    }

    @Test func withoutKeysEverythingIsOpen() async throws {
        try await withServer(authenticated: false) { (server: TestServer) async throws in
            #expect(try await server.post(contentType: "application/cloudevents+json", Events.purchase("o1"), key: nil).status == 200)
            #expect(try await server.get("/metrics", key: nil).status == 200)
        }
    }

    @Test func keysFileLinesAreChecked() throws {
        #expect(throws: ServerError.self) { try APIKeys(text: "secret-key read") }
        #expect(throws: ServerError.self) { try APIKeys(text: String(repeating: "a", count: 64) + " write") }
        let keys = try APIKeys(text: "# comment\n\n" + APIKeys.line(forKey: "k", scopes: [.read], name: "my key") + "  # trailing\n")
        #expect(keys.count == 1)
        #expect(keys.entry(forKey: "k")?.name == "my key")
        #expect(keys.entry(forKey: "k")?.allows(.append) == false)
        // SHA-256 of "abc" (FIPS 180-4 example).
        #expect(APIKeys.line(forKey: "abc", scopes: [.admin], name: nil)
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad admin")
    }
}
