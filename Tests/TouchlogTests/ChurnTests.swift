import Testing
import Touchlog
import TouchlogAnalytics

/// Churn flags through the engine: as of a time, from the profile view, and the flagged list.
struct ChurnTests {
    @Test func flagsAsOfATimeAndTheFlaggedList() throws {
        try withTemporaryLog { log, _ in
            let opened = #"{"specversion":"1.0","id":"c1","source":"crm","type":"touch.complaint","subject":"a","time":"2025-03-01T10:00:00Z","data":{"complaintId":"k1","status":"opened"}}"#
            let resolved = #"{"specversion":"1.0","id":"c2","source":"crm","type":"touch.complaint","subject":"a","time":"2025-03-20T10:00:00Z","data":{"complaintId":"k1","status":"resolved"}}"#
            let lines = [
                TestEvents.purchase(id: "p1", subject: "a", time: "2025-01-01T10:00:00Z"),
                TestEvents.survey(id: "s1", subject: "a", time: "2025-03-02T10:00:00Z", score: 3),
                opened, resolved,
                TestEvents.purchase(id: "p2", subject: "b", time: "2025-03-10T10:00:00Z"),
            ]
            _ = try log.append(try lines.map { try EventDecoder().decodeValid($0) })
            // 2025-03-18: complaint open 17 days, detractor 16 days ago, last purchase 76 days ago.
            let march = Timestamp(rfc3339: "2025-03-18T00:00:00Z")!
            let a = try #require(try log.churn(of: "a", asOf: march))
            #expect(a.flags.map(\.reason) == [.detractor, .openComplaint])
            #expect(abs(a.risk - 0.45) < 1e-12)
            // 2025-04-15: the complaint was resolved; 104 days since the purchase → overdue.
            let april = Timestamp(rfc3339: "2025-04-15T00:00:00Z")!
            #expect(try log.churn(of: "a", asOf: april)?.flags.map(\.reason) == [.overdue, .detractor])
            #expect(try log.churn(of: "b", asOf: april)?.flags.isEmpty == true)
            let list = try log.churnList(asOf: april)
            #expect(list.map(\.customer) == ["a"])
            #expect(try log.churnList(asOf: april, flag: .openComplaint).isEmpty)
            #expect(try log.churnList(asOf: march, minimumRisk: 0.5).isEmpty)
        }
    }
}
