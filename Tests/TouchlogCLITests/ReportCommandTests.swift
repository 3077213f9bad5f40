import Foundation
import Testing
import Touchlog

/// `touchlog cohorts` and `touchlog report` as a user runs them.
struct ReportCommandTests {
    static let events = [
        #"{"specversion":"1.0","id":"p1","source":"pos/1","type":"touch.purchase","subject":"c1","time":"2025-01-05T10:00:00Z","data":{"orderId":"o1","amount":20,"currency":"EUR"}}"#,
        #"{"specversion":"1.0","id":"p2","source":"pos/1","type":"touch.purchase","subject":"c1","time":"2025-02-10T10:00:00Z","data":{"orderId":"o2","amount":30,"currency":"EUR"}}"#,
        #"{"specversion":"1.0","id":"p3","source":"pos/1","type":"touch.purchase","subject":"c2","time":"2025-01-20T10:00:00Z","data":{"orderId":"o3","amount":100,"currency":"EUR"}}"#,
        #"{"specversion":"1.0","id":"u1","source":"crm","type":"customer.profile_updated","subject":"c2","time":"2025-01-01T00:00:00Z","data":{"attributes":{"region":"<south>"}}}"#,
    ].joined(separator: "\n")

    static func withDatabase(_ body: (String, String) throws -> Void) throws {
        try withTemporaryDirectory { directory in
            let db = directory + "/t.db"
            try CLI.touchlog("init", "--db", db)
            let appended = try CLI.touchlog("append", "-", "--db", db, stdin: Data(events.utf8))
            #expect(appended.status == 0)
            try body(db, directory)
        }
    }

    @Test func cohortsPrintTextJSONAndCSV() throws {
        try Self.withDatabase { db, _ in
            let text = try CLI.touchlog("cohorts", "--db", db, "--as-of", "2025-02-28")
            #expect(text.status == 0)
            #expect(text.stdout.contains("observed through 2025-02: 1 cohorts"))
            #expect(text.stdout.contains("2025-01") && text.stdout.contains("100%") && text.stdout.contains("50%"))
            let json = try CLI.touchlog("cohorts", "--db", db, "--as-of", "2025-02-28", "--json")
            #expect(json.stdout.contains(#""through":"2025-02","cohorts":[{"month":"2025-01","customers":2,"active":[2,1],"retention":[1.0000,0.5000]}]"#))
            let csv = try CLI.touchlog("cohorts", "--db", db, "--as-of", "2025-02-28", "--csv")
            #expect(csv.stdout == "cohort,customers,month0,month1\n2025-01,2,1.0000,0.5000\n")
            let both = try CLI.touchlog("cohorts", "--db", db, "--json", "--csv")
            #expect(both.status == 64)
        }
    }

    @Test func reportWritesOneSelfContainedPage() throws {
        try Self.withDatabase { db, directory in
            let out = directory + "/report.html"
            let result = try CLI.touchlog("report", "--db", db, "--as-of", "2025-02-28", "--out", out)
            #expect(result.status == 0)
            #expect(result.stdout.contains("Wrote \(out)") && result.stdout.contains("2 customers, 2 buyers"))
            let html = try String(contentsOfFile: out, encoding: .utf8)
            #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg") && html.contains("&lt;south&gt;"))
            #expect(!html.contains("http://") && !html.contains("https://"))
        }
    }

    @Test func reportNeedsAnOutputFileAndAValidTime() throws {
        try Self.withDatabase { db, directory in
            #expect(try CLI.touchlog("report", "--db", db).status == 64)
            let badTime = try CLI.touchlog("report", "--db", db, "--as-of", "soon", "--out", directory + "/r.html")
            #expect(badTime.status == 64 && badTime.stderr.contains("--as-of"))
            let missing = try CLI.touchlog("report", "--db", directory + "/none.db", "--out", directory + "/r.html")
            #expect(missing.status == 2)
        }
    }
}
