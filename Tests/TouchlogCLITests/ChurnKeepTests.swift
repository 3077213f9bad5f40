import Foundation
import Testing

/// `touchlog churn list` for now reads the kept list when the thresholds are the kept ones, and
/// evaluates every customer (saying so on stderr) when they are not; both print the same list.
struct ChurnKeepTests {
    @Test func otherThresholdsFallBackAndGiveTheSameListOnceKept() throws {
        try withTemporaryDirectory { directory in
            let db = directory + "/db", input = directory + "/events.ndjson", config = directory + "/churn.json"
            try CLI.run(CLI.sample, ["--customers", "150", "--seed", "3", "--out", input])
            try CLI.touchlog("init", "--db", db)
            #expect(try CLI.touchlog("append", "--db", db, input).status == 0)
            try Data(#"{"overdueFloorDays": 45, "detractorWithinDays": 30, "weights": {"declining": 0.4}}"#.utf8).write(to: URL(fileURLWithPath: config))

            let defaults = try CLI.touchlog("churn", "list", "--db", db, "--json", "--limit", "40")
            #expect(defaults.status == 0 && defaults.stderr.isEmpty, "\(defaults.stderr)")
            let scanned = try CLI.touchlog("churn", "list", "--db", db, "--config", config, "--json", "--limit", "40")
            #expect(scanned.status == 0)
            #expect(scanned.stderr.contains("evaluating every customer") && scanned.stderr.contains("touchlog churn keep"), "\(scanned.stderr)")

            let keep = try CLI.touchlog("churn", "keep", "--db", db, "--config", config)
            #expect(keep.status == 0, "\(keep.stderr)")
            let kept = try CLI.touchlog("churn", "list", "--db", db, "--config", config, "--json", "--limit", "40")
            #expect(kept.status == 0 && kept.stderr.isEmpty, "\(kept.stderr)")
            // The as-of time in each line is now: compare without it.
            func withoutTime(_ text: String) -> [String] {
                text.split(separator: "\n").map { String($0).replacing(/"asOf":"[^"]*"/, with: "") }
            }
            #expect(!withoutTime(kept.stdout).isEmpty)
            #expect(withoutTime(kept.stdout) == withoutTime(scanned.stdout))
            // The defaults are no longer the kept thresholds.
            #expect(try CLI.touchlog("churn", "list", "--db", db, "--limit", "1").stderr.contains("differ from the kept ones"))
        }
    }
}
