import Foundation
import Testing
import Touchlog

/// `touchlog replay` and the clock options of the reading commands, as a user runs them.
struct ReplayTests {
    @Test func replayWritesEveryViewAsItWasAndAgreesWithTheReadingCommands() throws {
        try withTemporaryDirectory { directory in
            let input = directory + "/in.ndjson", db = directory + "/t.db", out = directory + "/replay"
            try CLI.run(CLI.sample, ["--customers", "80", "--seed", "11", "--out", input])
            try CLI.touchlog("init", "--db", db)
            let lines = try String(contentsOfFile: input, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
            let half = lines.count / 2
            try CLI.touchlog("append", "--db", db, stdin: Data(lines[..<half].joined(separator: "\n").utf8))
            // What the dashboards said after the first half arrived, before the rest.
            let stats = try JSONParser.parse(try CLI.touchlog("stats", "--db", db, "--json").stdout)
            guard case .object(let statistics) = stats, case .number(let head)? = statistics["head"] else {
                Issue.record("stats --json has no head")
                return
            }
            let position = String(Int(head))
            let before = try CLI.touchlog("view", "profile", "cust-0000007", "--db", db, "--json").stdout
            let trendsBefore = try CLI.touchlog("trends", "satisfaction", "--db", db, "--bucket", "day", "--json").stdout
            try CLI.touchlog("append", "--db", db, stdin: Data(lines[half...].joined(separator: "\n").utf8))

            #expect(try CLI.touchlog("view", "profile", "cust-0000007", "--db", db, "--json", "--position", position).stdout == before)
            #expect(try CLI.touchlog("trends", "satisfaction", "--db", db, "--bucket", "day", "--json", "--position", position).stdout == trendsBefore)

            let replayed = try CLI.touchlog("replay", "--db", db, "--position", position, "--as-of", "2025-06-30", "--out", out)
            #expect(replayed.status == 0, "\(replayed.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
            #expect(files == ["churn.csv", "churn.ndjson", "loyalty.csv", "loyalty.ndjson", "manifest.json", "profile.csv", "profile.ndjson", "trends.csv", "trends.ndjson"])
            let manifest = try JSONParser.parse(try String(contentsOfFile: out + "/manifest.json", encoding: .utf8))
            guard case .object(let object) = manifest else { Issue.record("manifest is not an object"); return }
            #expect(object["position"] == .number(head) && object["asOf"] == .string("2025-06-30T23:59:59.999999Z"))
            // Each customer's replayed views equal the one-customer answer at the same clocks.
            let loyalty = try String(contentsOfFile: out + "/loyalty.ndjson", encoding: .utf8).split(separator: "\n")
            let profiles = try String(contentsOfFile: out + "/profile.ndjson", encoding: .utf8).split(separator: "\n")
            #expect(loyalty.count == profiles.count && loyalty.count > 10)
            for customer in ["cust-0000003", "cust-0000040"] {
                let one = try CLI.touchlog("view", "loyalty", customer, "--db", db, "--json", "--position", position, "--as-of", "2025-06-30")
                if one.status == 0 {
                    #expect(loyalty.contains { $0 == one.stdout.dropLast() }, "\(customer)")
                } else {
                    #expect(!loyalty.contains { $0.contains("\"\(customer)\"") })
                }
            }
            let csv = try String(contentsOfFile: out + "/loyalty.csv", encoding: .utf8).split(separator: "\n")
            #expect(csv.count == loyalty.count + 1 && csv[0].hasPrefix("customer,asOf,"))

            #expect(try CLI.touchlog("replay", "--db", db, "--out", out).status == 64)
            #expect(try CLI.touchlog("view", "profile", "cust-0000007", "--db", db, "--known-at", "not-a-time").status == 64)
            let csvView = try CLI.touchlog("view", "churn", "cust-0000007", "--db", db, "--csv").stdout.split(separator: "\n")
            #expect(csvView.count == 2 && csvView[0] == "customer,asOf,risk,flags")
            let regions = try CLI.touchlog("trends", "satisfaction", "--db", db, "--by", "region", "--json").stdout.split(separator: "\n")
            #expect(regions.contains { $0.contains(#""group":"north""#) })
        }
    }
}
