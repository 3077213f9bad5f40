import Foundation
import Testing
import Touchlog

/// The `touchlog` commands as a user runs them: outputs, exit statuses, one-line errors.
struct CommandLineTests {
    static let good = #"{"specversion":"1.0","id":"e1","source":"pos/1","type":"touch.purchase","subject":"cust-1","time":"2025-03-01T10:15:00Z","data":{"orderId":"o1","amount":12.5,"currency":"EUR"}}"#
    static let good2 = #"{"specversion":"1.0","id":"e2","source":"pos/1","type":"touch.survey","subject":"cust-2","time":"2025-03-02T10:15:00Z","data":{"surveyId":"s1","metric":"nps","score":9}}"#
    static let badScore = #"{"specversion":"1.0","id":"e3","source":"pos/1","type":"touch.survey","subject":"cust-2","time":"2025-03-02T10:15:00Z","data":{"surveyId":"s1","metric":"nps","score":11}}"#

    @Test func commandsWithoutADatabaseSayHowToCreateOne() throws {
        try withTemporaryDirectory { directory in
            let result = try CLI.touchlog("stats", "--db", directory + "/missing.db")
            #expect(result.status == 2)
            #expect(result.stderr.contains("touchlog init"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func strictAppendStoresNothingOfABatchWithARejection() throws {
        try withTemporaryDirectory { directory in
            let db = directory + "/t.db"
            try CLI.touchlog("init", "--db", db)
            let input = Data([Self.good, "", Self.badScore, "{oops", Self.good2].joined(separator: "\n").utf8)
            let result = try CLI.touchlog("append", "-", "--db", db, stdin: input)
            #expect(result.status == 1)
            #expect(result.stderr.contains(#"line 3 (id "e3"): data.score: must be from 0 to 10 for metric nps"#))
            #expect(result.stderr.contains("line 4: event: malformed JSON"))
            #expect(result.stdout.contains("Stored 0 events"))
            let stats = try CLI.touchlog("stats", "--db", db, "--json")
            #expect(stats.stdout.contains(#""events":0"#))
        }
    }

    @Test func partialAppendStoresValidEventsAndWritesRejects() throws {
        try withTemporaryDirectory { directory in
            let db = directory + "/t.db", input = directory + "/in.ndjson", rejects = directory + "/rejects.ndjson"
            try CLI.touchlog("init", "--db", db)
            try Data([Self.good, Self.badScore, Self.good2].joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: input))
            let result = try CLI.touchlog("append", input, "--db", db, "--partial", "--rejects", rejects)
            #expect(result.status == 1)
            #expect(result.stdout.contains("Stored 2 events"))
            let rejected = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
            #expect(rejected.count == 1)
            guard case .object(let object) = try JSONParser.parse(String(rejected[0])),
                  case .string(let original)? = object["input"], case .string(let reason)? = object["reason"]
            else { Issue.record("rejects line is not the expected JSON"); return }
            #expect(original == Self.badScore)
            #expect(reason.hasPrefix("line 2"))
            // Sending it all again: acknowledged duplicates, nothing new.
            let again = try CLI.touchlog("append", input, "--db", db, "--partial", "--json")
            #expect(again.stdout.contains(#""duplicates":2"#))
            let events = try CLI.touchlog("events", "--db", db, "--json")
            #expect(events.status == 0)
            #expect(events.stdout.split(separator: "\n").count == 2)
            #expect(events.stdout.contains(#""position":1"#) && events.stdout.contains(Self.good))
        }
    }

    @Test func acceptsAJSONArrayBatch() throws {
        try withTemporaryDirectory { directory in
            let db = directory + "/t.db"
            try CLI.touchlog("init", "--db", db)
            let result = try CLI.touchlog("append", "--db", db, stdin: Data("[\(Self.good),\n \(Self.good2)]".utf8))
            #expect(result.status == 0, "\(result.stderr)")
            let customer = try CLI.touchlog("events", "--db", db, "--customer", "cust-2", "--json")
            #expect(customer.stdout.contains(Self.good2))
            #expect(!customer.stdout.contains(Self.good))
        }
    }

    @Test func verifyReportsADamagedRecordAndReadsFailInsteadOfLying() throws {
        try withTemporaryDirectory { directory in
            let db = directory + "/t.db"
            try CLI.touchlog("init", "--db", db)
            try CLI.touchlog("append", "--db", db, stdin: Data([Self.good, Self.good2].joined(separator: "\n").utf8))
            #expect(try CLI.touchlog("verify", "--db", db).status == 0)
            // Flip one byte inside the stored JSON of the second event.
            let file = db + "/data.mdb"
            var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            let marker = Data(#""metric":"nps""#.utf8)
            let range = try #require(bytes.range(of: marker))
            bytes[range.lowerBound + 2] ^= 0x20
            try bytes.write(to: URL(fileURLWithPath: file))
            let verify = try CLI.touchlog("verify", "--db", db)
            #expect(verify.status == 1)
            #expect(verify.stdout.contains("position 2: damaged JSON (checksum mismatch)"))
            let read = try CLI.touchlog("events", "--db", db, "--json")
            #expect(read.status == 3)
            #expect(read.stderr.contains("position 2 is damaged"))
        }
    }

    @Test func backupOpensAndMatches() throws {
        try withTemporaryDirectory { directory in
            let db = directory + "/t.db"
            try CLI.touchlog("init", "--db", db)
            try CLI.touchlog("append", "--db", db, stdin: Data([Self.good, Self.good2].joined(separator: "\n").utf8))
            let backup = try CLI.touchlog("backup", "--db", db, directory + "/copy")
            #expect(backup.status == 0, "\(backup.stderr)")
            #expect(try CLI.touchlog("verify", "--db", directory + "/copy").status == 0)
            let original = try CLI.touchlog("events", "--db", db, "--json").stdout
            #expect(try CLI.touchlog("events", "--db", directory + "/copy", "--json").stdout == original)
            #expect(try CLI.touchlog("backup", "--db", db, directory + "/copy").status != 0)
        }
    }

    /// A rebuild keeps a temporary file per group of customers and pair of workers: it raises a
    /// low soft limit of open files up to the hard limit, and when even that is too low it says
    /// what to do, and the live views stay as they were.
    @Test func aRebuildShortOfFileDescriptorsSaysWhatToDoAndKeepsTheViews() throws {
        try withTemporaryDirectory { directory in
            let input = directory + "/input.ndjson", db = directory + "/t.db"
            try CLI.run(CLI.sample, ["--customers", "1000", "--seed", "3", "--out", input])
            try CLI.touchlog("init", "--db", db)
            #expect(try CLI.touchlog("append", input, "--db", db).status == 0)
            let before = try CLI.touchlog("view", "profile", "cust-0000007", "--db", db, "--json")
            #expect(before.status == 0, "\(before.stderr)")
            // --memory 1 takes this log (about 37,000 events) in 5 groups of customers: 20 files
            // for 2 workers (5 for one), on top of the 10 or so any run holds.
            guard EventLog.foldWorkers > 1 else { return }
            let soft = try CLI.run("/bin/sh", ["-c", "ulimit -S -n 20 && exec \"$0\" rebuild --db \"$1\" --memory 1", CLI.touchlog, db])
            #expect(soft.status == 0, "a soft limit the rebuild may raise: \(soft.stderr)")
            let short = try CLI.run("/bin/sh", ["-c", "ulimit -n 20 && exec \"$0\" rebuild --db \"$1\" --memory 1", CLI.touchlog, db])
            #expect(short.status != 0)
            #expect(short.stderr.contains("Too many open files") && short.stderr.contains("--memory") && short.stderr.contains("ulimit -n"), "\(short.stderr)")
            #expect(try CLI.touchlog("view", "profile", "cust-0000007", "--db", db, "--json").stdout == before.stdout)
            #expect(try CLI.touchlog("rebuild", "--db", db, "--memory", "1").status == 0)
            #expect(try CLI.touchlog("view", "profile", "cust-0000007", "--db", db, "--json").stdout == before.stdout)
        }
    }
}
