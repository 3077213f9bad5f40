import Foundation
import Testing
import Touchlog

/// `touchlog model fit` and `touchlog clv` as a user runs them.
struct ModelCommandTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TouchlogTests/Fixtures/CDNOW_master_head.txt").path

    @Test func fitStoresAModelThatClvReads() throws {
        try withTemporaryDirectory { directory in
            let db = directory + "/db"
            #expect(try CLI.touchlog("init", "--db", db).status == 0)
            #expect(try CLI.touchlog("import", "cdnow", Self.fixture, "--db", db).status == 0)

            let noModel = try CLI.touchlog("clv", "cdnow-00003", "--db", db)
            #expect(noModel.status == 2 && noModel.stderr == "touchlog: no model; run touchlog model fit\n")
            #expect(try CLI.touchlog("model", "show", "--db", db).status == 2)

            let customers = directory + "/customers.ndjson"
            let fit = try CLI.touchlog("model", "fit", "--db", db, "--as-of", "1997-09-30", "--holdout-end", "1998-06-30", "--json", "--customers", customers)
            #expect(fit.status == 0, "\(fit.stderr)")
            guard case .object(let report) = try JSONParser.parse(fit.stdout), case .object(let bgnbd)? = report["bgnbd"],
                  case .object(let holdout)? = report["holdout"], case .number(let r)? = bgnbd["r"]
            else {
                Issue.record("unexpected output \(fit.stdout)")
                return
            }
            #expect(r > 0)
            #expect(report["period"] == .string("week") && report["stored"] == .bool(true))
            #expect(holdout["periods"] == .number(39))
            let lines = try String(contentsOfFile: customers, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 125)
            let first = try JSONParser.parse(String(lines[0]))
            guard case .object(let row) = first, case .number(let alive)? = row["pAlive"] else {
                Issue.record("unexpected customer line \(lines[0])")
                return
            }
            #expect(alive > 0 && alive <= 1)

            let shown = try CLI.touchlog("model", "show", "--db", db, "--json")
            guard case .object(let stored)? = try? JSONParser.parse(shown.stdout), case .object(let storedBGNBD)? = stored["bgnbd"] else {
                Issue.record("unexpected model show output \(shown.stdout)")
                return
            }
            #expect(storedBGNBD["r"] == .number(r) && stored["asOf"] == .string("1997-09-30T00:00:00Z"))

            let text = try CLI.touchlog("model", "fit", "--db", db, "--as-of", "1997-09-30", "--holdout-end", "1998-06-30")
            #expect(text.status == 0 && text.stdout.contains("BG/NBD on 125 customers") && text.stdout.contains("7+"))

            let clv = try CLI.touchlog("clv", "cdnow-00003", "--db", db, "--json", "--horizon", "6")
            #expect(clv.status == 0)
            guard case .object(let value) = try JSONParser.parse(clv.stdout), case .number(let worth)? = value["clv"] else {
                Issue.record("unexpected clv output \(clv.stdout)")
                return
            }
            #expect(worth > 0 && value["horizonMonths"] == .number(6) && value["asOf"] == .string("1997-09-30T00:00:00Z"))
            #expect(try CLI.touchlog("clv", "cdnow-00003", "--db", db).stdout.contains("P(alive)"))
            #expect(try CLI.touchlog("clv", "nobody", "--db", db).status == 1)
            #expect(try CLI.touchlog("clv", "cdnow-00003", "--db", db, "--discount", "-2").status == 64)
            #expect(try CLI.touchlog("model", "fit", "--db", db, "--period", "month").status == 64)
        }
    }

    @Test func unfittableDataExitsOneWithTheReason() throws {
        try withTemporaryDirectory { directory in
            let db = directory + "/db"
            #expect(try CLI.touchlog("init", "--db", db).status == 0)
            let result = try CLI.touchlog("model", "fit", "--db", db, "--as-of", "2025-01-01")
            #expect(result.status == 1 && result.stderr.contains("no customers to fit"))
        }
    }
}
