import Foundation
import Testing
import Touchlog

/// Reader processes killed while they hold a snapshot (Tools/reliability does more of this).
struct ReliabilityTests {
    /// A reader killed inside its read transaction leaves its slot in the lock file, pinning the
    /// snapshot it read. A writer that keeps running (a server) must free such slots: otherwise no
    /// page freed after that snapshot is ever reused, and the file grows with every commit.
    @Test func slotsOfKilledReaderProcessesAreFreedByARunningWriter() throws {
        try withTemporaryDirectory { directory in
            let input = directory + "/input.ndjson", db = directory + "/db"
            try CLI.run(CLI.sample, ["--customers", "60", "--seed", "7", "--out", input])
            #expect(try CLI.touchlog("init", "--db", db).status == 0)
            #expect(try CLI.touchlog("append", input, "--db", db).status == 0)

            let log = try EventLog(path: db, options: .init(durable: false))
            let decoder = EventDecoder()
            var next = 0
            // Appends one-event batches; returns how much the used part of the file grew.
            func growth(appending count: Int) throws -> Int {
                let before = try log.statistics().bytesUsed
                for _ in 0..<count {
                    let json = #"{"specversion":"1.0","id":"r-\#(next)","source":"test/reader","type":"touch.visit","subject":"cust-r\#(next % 40)","time":"2025-06-01T10:00:00Z","data":{"channel":"web"}}"#
                    next += 1
                    _ = try log.append([decoder.decode(Array(json.utf8), location: "event \(next)", now: .now)])
                }
                return try log.statistics().bytesUsed - before
            }
            _ = try growth(appending: 50)
            let baseline = try growth(appending: 150)
            for _ in 0..<3 { try killReaderInsideItsSnapshot(db: db) }
            let afterKills = try growth(appending: 150)
            // Pinned, each commit takes fresh pages (about 60 KiB here): 150 commits, 9 MiB.
            #expect(afterKills <= baseline + 512 * 1024, "grew \(afterKills) bytes after the kills, \(baseline) before")
            #expect(try log.verify().isClean)
        }
    }

    /// Starts `touchlog events --json`, lets it fill the pipe (it then blocks inside its read
    /// transaction, which spans the whole listing) and kills it with SIGKILL.
    private func killReaderInsideItsSnapshot(db: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.touchlog)
        process.arguments = ["events", "--json", "--limit", "1000000", "--db", db]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        #expect(!out.fileHandleForReading.readData(ofLength: 1).isEmpty, "the reader printed nothing")
        usleep(100_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the reader ended before it was killed")
    }
}
