import Testing
import Touchlog
import TouchlogServer

/// `POST /v1/events` in each content mode, duplicates, conflicts, all-or-nothing and partial.
@Suite(.serialized) struct AppendTests {
    @Test func structuredEventIsStoredThenAcknowledgedAsDuplicate() async throws {
        try await withServer { (server: TestServer) async throws in
            let first = try await server.post(contentType: "application/cloudevents+json", Events.purchase("p1"))
            #expect(first.status == 200, "\(first.text)")
            #expect(first.text.contains(#""status":"stored","position":1"#))
            let again = try await server.post(contentType: "application/cloudevents+json; charset=utf-8", Events.purchase("p1"))
            #expect(again.status == 200)
            #expect(again.text.contains(#""status":"duplicate","position":1"#))
            #expect(try server.log.head() == 1)
        }
    }

    @Test func batchAndNDJSONStoreEveryEventInOrder() async throws {
        try await withServer { (server: TestServer) async throws in
            let batch = try await server.post(
                contentType: "application/cloudevents-batch+json", Events.batch((1...5).map { Events.purchase("b\($0)") })
            )
            #expect(batch.status == 200, "\(batch.text)")
            #expect(try batch.member("stored") == .number(5))
            let ndjson = try await server.post(
                contentType: "application/x-ndjson", (1...3).map { Events.survey("n\($0)", score: 9) }.joined(separator: "\n") + "\n"
            )
            #expect(ndjson.status == 200, "\(ndjson.text)")
            #expect(ndjson.text.contains(#""index":2,"id":"n3","status":"stored","position":8"#))
            #expect(try server.log.head() == 8)
        }
    }

    @Test func binaryModeTakesAttributesFromHeaders() async throws {
        try await withServer { (server: TestServer) async throws in
            let response = try await server.request(
                "POST", "/v1/events",
                headers: [
                    ("ce-specversion", "1.0"), ("ce-id", "bin-1"), ("ce-source", "test%2Fbinary"), ("ce-type", "touch.survey"),
                    ("ce-subject", "cust-9"), ("ce-time", "2025-03-02T10:00:00Z"), ("Content-Type", "application/json"),
                ],
                body: Array(#"{"surveyId":"s9","metric":"csat","score":4}"#.utf8)
            )
            #expect(response.status == 200, "\(response.text)")
            let stored = try #require(try server.log.event(at: 1))
            #expect(stored.event.source == "test/binary")
            #expect(stored.event.subject == "cust-9")
            #expect(try server.log.position(source: "test/binary", id: "bin-1") == 1)
        }
    }

    @Test func rejectionStoresNothingUnlessPartial() async throws {
        try await withServer { (server: TestServer) async throws in
            let body = Events.batch([Events.purchase("ok-1"), Events.survey("bad-1", score: 11), Events.purchase("ok-2")])
            let strict = try await server.post(contentType: "application/cloudevents-batch+json", body)
            #expect(strict.status == 422)
            #expect(strict.headers["content-type"] == "application/problem+json")
            #expect(strict.text.contains(#""index":1,"id":"bad-1","status":"rejected","location":"event 2","path":"data.score""#))
            #expect(strict.text.contains(#""index":0,"id":"ok-1","status":"not_stored""#))
            #expect(try server.log.head() == 0)

            let partial = try await server.post("/v1/events?partial=true", contentType: "application/cloudevents-batch+json", body)
            #expect(partial.status == 200, "\(partial.text)")
            #expect(try partial.member("stored") == .number(2))
            #expect(try partial.member("rejected") == .number(1))
            #expect(try server.log.head() == 2)
        }
    }

    @Test func conflictingResendIsRejected() async throws {
        try await withServer { (server: TestServer) async throws in
            _ = try await server.post(contentType: "application/cloudevents+json", Events.purchase("c1", amount: 10))
            let conflict = try await server.post(contentType: "application/cloudevents+json", Events.purchase("c1", amount: 99))
            #expect(conflict.status == 422)
            #expect(conflict.text.contains(#""path":"id""#))
            #expect(conflict.text.contains(#""conflictingPosition":1"#))
            // In a batch with a valid event, the conflict keeps the whole request out.
            let batch = try await server.post(
                contentType: "application/cloudevents-batch+json", Events.batch([Events.purchase("c2"), Events.purchase("c1", amount: 99)])
            )
            #expect(batch.status == 422, "\(batch.text)")
            #expect(try server.log.head() == 1)
            let partial = try await server.post(
                "/v1/events?partial=true", contentType: "application/cloudevents-batch+json",
                Events.batch([Events.purchase("c2"), Events.purchase("c1", amount: 99)])
            )
            #expect(partial.status == 200, "\(partial.text)")
            #expect(try server.log.head() == 2)
        }
    }

    @Test func concurrentRequestsAreGroupCommittedAndEachAnswered() async throws {
        try await withServer { (server: TestServer) async throws in
            let count = 64
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<count {
                    group.addTask {
                        // Every eighth request carries a conflict with an event of another request
                        // or a bad event: those store nothing, the others are not held back.
                        let body = index % 8 == 7
                            ? Events.batch([Events.purchase("g\(index)"), Events.survey("bad\(index)", score: 99)])
                            : Events.batch([Events.purchase("g\(index)")])
                        return try await server.post(contentType: "application/cloudevents-batch+json", body).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == count - count / 8)
            #expect(statuses.filter { $0 == 422 }.count == count / 8)
            #expect(try server.log.head() == UInt64(count - count / 8))
            for index in 0..<count {
                let position = try server.log.position(source: "test/pos", id: "g\(index)")
                #expect((position == nil) == (index % 8 == 7), "g\(index)")
            }
        }
    }

    @Test func conflictsInsideAGroupRejectOnlyTheirOwnRequest() async throws {
        try await withServer { (server: TestServer) async throws in
            _ = try await server.post(contentType: "application/cloudevents+json", Events.purchase("base", amount: 1))
            // Concurrent requests share transactions; every third carries a conflict with the stored
            // event (all-or-nothing: nothing of it may be stored), every third a conflict with
            // ?partial=true (its other event is stored), the rest are plain.
            let count = 48
            let statuses = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for index in 0..<count {
                    group.addTask {
                        let own = Events.purchase("k\(index)")
                        switch index % 3 {
                        case 0:
                            let body = Events.batch([own, Events.purchase("base", amount: 2)])
                            return (index, try await server.post(contentType: "application/cloudevents-batch+json", body).status)
                        case 1:
                            let body = Events.batch([own, Events.purchase("base", amount: 3)])
                            return (index, try await server.post("/v1/events?partial=true", contentType: "application/cloudevents-batch+json", body).status)
                        default:
                            return (index, try await server.post(contentType: "application/cloudevents+json", own).status)
                        }
                    }
                }
                return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
            }
            for index in 0..<count {
                #expect(statuses[index] == (index % 3 == 0 ? 422 : 200), "request \(index)")
                let position = try server.log.position(source: "test/pos", id: "k\(index)")
                #expect((position == nil) == (index % 3 == 0), "k\(index)")
            }
            #expect(try server.log.head() == UInt64(1 + count * 2 / 3))
            #expect(try server.log.verify().isClean)
        }
    }

    @Test func limitsAnswer413() async throws {
        try await withServer({ $0.maxBodyBytes = 4096; $0.maxBatchEvents = 3 }) { (server: TestServer) async throws in
            let many = try await server.post(
                contentType: "application/cloudevents-batch+json", Events.batch((1...4).map { Events.purchase("l\($0)") })
            )
            #expect(many.status == 413)
            #expect(many.headers["content-type"] == "application/problem+json")
            let big = try await server.post(
                contentType: "application/x-ndjson", String(repeating: Events.purchase("x") + "\n", count: 40)
            )
            #expect(big.status == 413)
            #expect(try server.log.head() == 0)
        }
    }

    @Test func unknownContentTypeIs415AndEmptyBodyIs400() async throws {
        try await withServer { (server: TestServer) async throws in
            #expect(try await server.post(contentType: "text/plain", "hello").status == 415)
            #expect(try await server.post(contentType: "application/x-ndjson", "\n").status == 400)
            #expect(try await server.post(contentType: "application/cloudevents-batch+json", "{").status == 400)
        }
    }
}
