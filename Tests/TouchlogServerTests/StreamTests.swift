import Testing
import Touchlog

/// `GET /v1/stream`: catch-up from a position, then live, then resume with Last-Event-ID.
@Suite(.serialized) struct StreamTests {
    @Test func catchUpThenLiveThenResume() async throws {
        try await withServer { (server: TestServer) async throws in
            let first = Events.batch((1...3).map { Events.purchase("s\($0)") })
            #expect(try await server.post(contentType: "application/cloudevents-batch+json", first).status == 200)

            let stream = try await SSETestClient(port: server.port, path: "/v1/stream?after=1", key: TestServer.readKey)
            #expect(stream.status == 200)
            #expect(stream.headers["content-type"] == "text/event-stream")
            let caughtUp = try await stream.messages(2)
            #expect(caughtUp.map(\.id) == ["2", "3"])
            let stored = try #require(try server.log.event(at: 2))
            #expect(caughtUp.first?.data == #"{"position":2,"recordedAt":"\#(stored.recordedAt.rfc3339)","event":\#(stored.jsonText)}"#)

            let live = Events.batch((4...6).map { Events.purchase("s\($0)") })
            #expect(try await server.post(contentType: "application/cloudevents-batch+json", live).status == 200)
            #expect(try await stream.messages(3).map(\.id) == ["4", "5", "6"])

            // A reconnecting client sends the last id it saw; the header wins over `after`.
            let resumed = try await SSETestClient(port: server.port, path: "/v1/stream?after=0", key: TestServer.readKey, lastEventID: "5")
            #expect(try await resumed.messages(1).map(\.id) == ["6"])
            #expect(try await server.post(contentType: "application/cloudevents+json", Events.purchase("s7")).status == 200)
            #expect(try await resumed.messages(1).map(\.id) == ["7"])
            #expect(try await stream.messages(1).map(\.id) == ["7"])
        }
    }

    @Test func streamNeedsReadScopeAndAValidLastEventID() async throws {
        try await withServer { (server: TestServer) async throws in
            #expect(try await server.get("/v1/stream", key: TestServer.appendKey).status == 403)
            let bad = try await SSETestClient(port: server.port, path: "/v1/stream", key: TestServer.readKey, lastEventID: "abc")
            #expect(bad.status == 400)
        }
    }

    @Test func aStalledSubscriberDoesNotHoldBackWriters() async throws {
        try await withServer { (server: TestServer) async throws in
            // This subscriber reads nothing while 20,000 events (megabytes more than the socket
            // buffers hold) are appended; the appends are answered all the same.
            let stalled = try await SSETestClient(port: server.port, path: "/v1/stream", key: TestServer.readKey)
            let clock = ContinuousClock()
            let start = clock.now
            for batch in 0..<40 {
                let body = Events.batch((0..<500).map { Events.purchase("slow-\(batch)-\($0)", customer: "cust-\($0 % 50)") })
                #expect(try await server.post(contentType: "application/cloudevents-batch+json", body).status == 200)
            }
            #expect(clock.now - start < .seconds(60))
            #expect(try server.log.head() == 20_000)
            #expect(try await stalled.messages(3).map(\.id) == ["1", "2", "3"])
        }
    }

    @Test func gracefulShutdownEndsOpenStreams() async throws {
        let server = try await TestServer.start()
        let stream = try await SSETestClient(port: server.port, path: "/v1/stream", key: TestServer.readKey)
        #expect(stream.status == 200)
        try await server.stop()
        #expect(try await stream.ended())
    }
}
