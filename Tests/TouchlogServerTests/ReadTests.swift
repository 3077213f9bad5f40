import Testing
import Touchlog
import TouchlogAnalytics

/// The read endpoints answer what the library (and so the CLI's --json) answers.
@Suite(.serialized) struct ReadTests {
    @Test func customerViewsMatchTheLibrary() async throws {
        try await withServer { (server: TestServer) async throws in
            let body = Events.batch([
                Events.purchase("r1", day: 1), Events.purchase("r2", amount: 30, day: 8), Events.survey("r3", score: 3),
            ])
            #expect(try await server.post(contentType: "application/cloudevents-batch+json", body).status == 200)
            let profile = try await server.get("/v1/customers/cust-1")
            #expect(profile.status == 200)
            #expect(profile.text == (try server.log.profile(of: "cust-1"))?.jsonText(customer: "cust-1"))
            let asOf = try #require(Timestamp(endOfDateOrDateTime: "2025-09-01"))
            let loyalty = try await server.get("/v1/customers/cust-1/loyalty?asOf=2025-09-01")
            #expect(loyalty.text == (try server.log.loyalty(of: "cust-1", asOf: asOf))?.jsonText())
            let churn = try await server.get("/v1/customers/cust-1/churn?asOf=2025-09-01")
            #expect(churn.status == 200)
            #expect(churn.text == (try server.log.churn(of: "cust-1", asOf: asOf))?.jsonText())
            #expect(churn.text.contains("overdue"))

            // Time travel: the profile as the log held it before the last purchase arrived.
            let head = try server.log.head()
            #expect(try await server.post(contentType: "application/cloudevents-batch+json", Events.batch([Events.purchase("r4", day: 20)])).status == 200)
            let before = try await server.get("/v1/customers/cust-1?position=\(head)")
            #expect(before.text == profile.text)
            #expect(try await server.get("/v1/customers/cust-1").text != profile.text)
            let known = try await server.get("/v1/customers/cust-1/churn?asOf=2025-09-01&position=\(head)")
            #expect(known.text == (try server.log.churn(of: "cust-1", at: Horizon(asOf: asOf, position: head)))?.jsonText())

            let firstPage = try await server.get("/v1/customers/cust-1/events?limit=2")
            #expect(firstPage.status == 200)
            #expect(try firstPage.member("next") == .number(2))
            let secondPage = try await server.get("/v1/customers/cust-1/events?after=2&limit=2")
            #expect(secondPage.text.contains(#""position":3"#))
            #expect(try secondPage.member("next") == .null)
        }
    }

    @Test func unknownCustomersAndBadParametersAreProblems() async throws {
        try await withServer { (server: TestServer) async throws in
            for path in ["/v1/customers/nobody", "/v1/customers/nobody/loyalty", "/v1/customers/nobody/churn", "/v1/customers/nobody/events"] {
                let response = try await server.get(path)
                #expect(response.status == 404, "\(path)")
                #expect(response.headers["content-type"] == "application/problem+json")
            }
            #expect(try await server.get("/v1/customers/x/loyalty?asOf=yesterday").status == 400)
            #expect(try await server.get("/v1/customers/x/loyalty?knownAt=later").status == 400)
            #expect(try await server.get("/v1/customers/x?position=-1").status == 400)
            #expect(try await server.get("/v1/trends/satisfaction?bucket=year").status == 400)
            #expect(try await server.get("/v1/churn?limit=0").status == 400)
            #expect(try await server.get("/v1/churn?cursor=nonsense").status == 400)
            #expect(try await server.get("/v1/nothing-here").status == 404)
        }
    }

    @Test func trendsAndChurnListWithCursor() async throws {
        try await withServer { (server: TestServer) async throws in
            let events = (1...5).map { Events.purchase("t\($0)", customer: "cust-\($0)", day: $0) } + [Events.survey("s1", score: 10)]
            #expect(try await server.post(contentType: "application/cloudevents-batch+json", Events.batch(events)).status == 200)
            let trends = try await server.get("/v1/trends/satisfaction?bucket=day&from=2025-03-01&to=2025-04-01")
            #expect(trends.status == 200)
            let rows = try server.log.satisfactionTrends(
                bucket: .day, from: Timestamp(dateOrDateTime: "2025-03-01"), to: Timestamp(dateOrDateTime: "2025-04-01")
            )
            #expect(trends.text == #"{"bucket":"day","by":"overall","rows":["# + rows.map { $0.jsonText() }.joined(separator: ",") + "]}")

            /// The customers of up to five pages of `/v1/churn?query`, following the cursors.
            func churnPages(_ query: String) async throws -> [String] {
                var seen: [String] = []
                var path = "/v1/churn?\(query)"
                for _ in 0..<5 {
                    let page = try await server.get(path)
                    #expect(page.status == 200, "\(page.text)")
                    guard case .array(let customers)? = try page.member("customers") else { break }
                    for case .object(let churn) in customers { if case .string(let id)? = churn["customer"] { seen.append(id) } }
                    guard case .string(let cursor)? = try page.member("nextCursor") else { break }
                    path = "/v1/churn?\(query)&cursor=\(cursor.addingPercentEncodingForQuery())"
                }
                return seen
            }
            var seen = try await churnPages("asOf=2026-01-01&flag=overdue&limit=2")
            let all = try server.log.churnList(asOf: try #require(Timestamp(dateOrDateTime: "2026-01-01")), flag: .overdue, limit: .max)
            #expect(seen == all.map(\.customer))
            #expect(seen.count == 5)

            // For now: from the kept churn list, page by page, the same customers.
            seen = try await churnPages("flag=overdue&limit=2")
            #expect(try server.log.churnListFallbackReason(thresholds: ChurnThresholds()) == nil)
            #expect(seen == (try server.log.churnList(flag: .overdue, limit: .max)).map(\.customer))
            #expect(seen.count == 5)
        }
    }
}

extension String {
    /// Percent-encodes everything but unreserved characters.
    func addingPercentEncodingForQuery() -> String {
        var result = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(Character(UnicodeScalar(byte)))
            default:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}
