import Foundation
import Testing
import Touchlog

/// `touchlog export` writes events exactly as they arrived: exporting a log and appending the
/// export to a new database reproduces the log and its views; filters select what they say.
struct ExportTests {
    @Test func exportRoundTripsAndFilters() throws {
        try withTemporaryDirectory { directory in
            let input = directory + "/in.ndjson", a = directory + "/a.db", b = directory + "/b.db"
            try CLI.run(CLI.sample, ["--customers", "150", "--seed", "9", "--out", input])
            try CLI.touchlog("init", "--db", a)
            try CLI.touchlog("append", input, "--db", a)
            let exported = try CLI.touchlog("export", "--db", a)
            #expect(exported.status == 0)
            try CLI.touchlog("init", "--db", b)
            let appended = try CLI.touchlog("append", "--db", b, stdin: Data(exported.stdout.utf8))
            #expect(appended.status == 0, "\(appended.stderr)")
            #expect(try CLI.touchlog("export", "--db", b).stdout == exported.stdout)
            for customer in ["cust-0000001", "cust-0000077", "cust-0000150"] {
                #expect(try CLI.touchlog("view", "profile", customer, "--db", a, "--json").stdout
                    == CLI.touchlog("view", "profile", customer, "--db", b, "--json").stdout)
            }

            // Filters, against a direct count over the exported lines.
            let lines = exported.stdout.split(separator: "\n")
            let purchasesInMarch = lines.filter { $0.contains(#""type":"touch.purchase""#) && $0.contains(#""time":"2025-03-"#) }
            let filtered = try CLI.touchlog("export", "--db", a, "--type", "touch.purchase", "--from", "2025-03-01", "--to", "2025-04-01")
            #expect(filtered.stdout.split(separator: "\n").count == purchasesInMarch.count)
            #expect(purchasesInMarch.count > 0)
            let one = try CLI.touchlog("export", "--db", a, "--customer", "cust-0000042", "--out", directory + "/one.ndjson")
            #expect(one.status == 0)
            let oneLines = try String(contentsOfFile: directory + "/one.ndjson", encoding: .utf8).split(separator: "\n")
            #expect(oneLines.count == lines.filter { $0.contains(#""subject":"cust-0000042""#) }.count)
            #expect(try CLI.touchlog("export", "--db", a, "--type", "touch.nope").status == 64)
        }
    }
}

/// Machine outputs of the reading commands agree with each other.
struct MachineOutputTests {
    @Test func trendsAndChurnInCSVAndJSON() throws {
        try withTemporaryDirectory { directory in
            let input = directory + "/in.ndjson", db = directory + "/t.db"
            try CLI.run(CLI.sample, ["--customers", "120", "--seed", "4", "--out", input])
            try CLI.touchlog("init", "--db", db)
            try CLI.touchlog("append", input, "--db", db)
            let json = try CLI.touchlog("trends", "satisfaction", "--db", db, "--bucket", "week", "--json").stdout.split(separator: "\n")
            let csv = try CLI.touchlog("trends", "satisfaction", "--db", db, "--bucket", "week", "--csv").stdout.split(separator: "\n")
            #expect(json.count > 50)
            #expect(csv.count == json.count + 1)
            #expect(csv.first?.hasPrefix("period,group,surveys,npsAnswers,nps") == true)
            let churnJSON = try CLI.touchlog("churn", "list", "--db", db, "--as-of", "2026-01-01", "--json", "--limit", "1000").stdout.split(separator: "\n")
            let churnCSV = try CLI.touchlog("churn", "list", "--db", db, "--as-of", "2026-01-01", "--csv", "--limit", "1000").stdout.split(separator: "\n")
            #expect(churnJSON.count > 0 && churnCSV.count == churnJSON.count + 1)
            #expect(try CLI.touchlog("trends", "satisfaction", "--db", db, "--json", "--csv").status == 64)
        }
    }
}

/// A bulk load with --defer-views ends with the same views as folding them inline.
struct DeferredViewsTests {
    @Test func deferredViewsEqualInlineViews() throws {
        try withTemporaryDirectory { directory in
            let input = directory + "/in.ndjson", inline = directory + "/a.db", deferred = directory + "/b.db"
            try CLI.run(CLI.sample, ["--customers", "100", "--seed", "5", "--out", input])
            for db in [inline, deferred] { try CLI.touchlog("init", "--db", db) }
            try CLI.touchlog("append", input, "--db", inline, "--batch-size", "700")
            let loaded = try CLI.touchlog("append", input, "--db", deferred, "--batch-size", "700", "--defer-views")
            #expect(loaded.status == 0 && loaded.stdout.contains("Rebuilt the views"), "\(loaded.stderr)")
            for arguments in [["view", "profile", "cust-0000042", "--json"], ["trends", "satisfaction", "--bucket", "day", "--by", "channel", "--json"],
                              ["churn", "list", "--as-of", "2026-01-01", "--json", "--limit", "500"]] {
                let a = try CLI.run(CLI.touchlog, arguments + ["--db", inline]).stdout
                let b = try CLI.run(CLI.touchlog, arguments + ["--db", deferred]).stdout
                #expect(!a.isEmpty && a == b, "\(arguments)")
            }
        }
    }
}

/// `--csv` cells that hold a comma, a quote or a line break are quoted, with quotes doubled
/// (RFC 4180), so that a CSV reader gets the exact values back.
struct CSVQuotingTests {
    @Test func cellsWithCommasQuotesAndLineBreaksRoundTrip() throws {
        try withTemporaryDirectory { directory in
            let db = directory + "/q.db"
            let awkward = "Say \"hi\", then\nleave"
            let event = """
            {"specversion":"1.0","id":"u1","source":"crm","type":"customer.profile_updated","subject":"ann","time":"2025-01-01T00:00:00Z","data":{"attributes":{"city":\(JSONText.quoted(awkward)),"region":"north"}}}
            """
            try CLI.touchlog("init", "--db", db)
            let appended = try CLI.touchlog("append", "--db", db, stdin: Data(event.utf8))
            #expect(appended.status == 0, "\(appended.stderr)")
            let csv = try CLI.touchlog("view", "profile", "ann", "--db", db, "--csv")
            #expect(csv.status == 0)
            let rows = Self.parse(csv.stdout)
            #expect(rows.count == 2 && rows[0].count == rows[1].count)
            let cells = Dictionary(zip(rows[0], rows[1]), uniquingKeysWith: { first, _ in first })
            #expect(cells["attributes.city"] == awkward)
            #expect(cells["attributes.region"] == "north")
        }
    }

    /// A minimal RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field); field = ""
            } else if character == "\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}

private enum JSONText {
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
