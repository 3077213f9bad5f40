import Foundation
import Testing
import Touchlog

/// A child `touchlog append` is killed with SIGKILL at random moments; after every kill the log
/// must open, verify clean, and hold every acknowledged event exactly once, with gapless positions.
/// Running the same input again then completes the log without duplicates.
struct CrashTests {
    @Test func sigkillDuringAppendLosesNothingAcknowledged() throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        var rng = SystemRandomNumberGenerator()
        try withTemporaryDirectory { directory in
            let input = directory + "/input.ndjson"
            let db = directory + "/crash.db"
            try CLI.run(CLI.sample, ["--customers", "800", "--seed", "\(seed % 1000)", "--out", input])
            let keys = try eventKeys(ofNDJSON: input)
            let distinct = Set(keys.map { "\($0.source)\u{1}\($0.id)" }).count
            #expect(try CLI.touchlog("init", "--db", db).status == 0)

            var acknowledgedThrough = 0  // input lines whose batches were acknowledged
            let trials = 24
            for trial in 0..<trials {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: CLI.touchlog)
                // Half the trials with batches large enough to fold beside their transaction, each
                // folded ahead while the one in front commits.
                let batchSize = Bool.random(using: &rng) ? Int.random(in: 50...400, using: &rng) : Int.random(in: 1_000...2_500, using: &rng)
                process.arguments = ["append", input, "--db", db, "--json", "--batch-size", "\(batchSize)"]
                let out = Pipe()
                process.standardOutput = out
                process.standardError = FileHandle.nullDevice
                try process.run()
                usleep(UInt32.random(in: 5_000...200_000, using: &rng))
                kill(process.processIdentifier, SIGKILL)
                let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                for line in output.split(separator: "\n") where line.hasPrefix("{\"batch\"") {
                    guard case .object(let object) = try JSONParser.parse(String(line)),
                          case .object(let batch)? = object["batch"],
                          case .bool(true)? = batch["committed"], case .number(let toLine)? = batch["toLine"]
                    else { continue }
                    acknowledgedThrough = max(acknowledgedThrough, Int(toLine))
                }

                let log = try EventLog(path: db, options: .init(readOnly: true))
                let report = try log.verify()
                #expect(report.isClean, "trial \(trial), seed \(seed): \(report.problems)")
                let head = try log.head()
                #expect(head <= UInt64(distinct))
                #expect(try log.events(after: head).isEmpty)
                for key in keys.prefix(acknowledgedThrough) {
                    let position = try log.position(source: key.source, id: key.id)
                    #expect(position != nil, "trial \(trial), seed \(seed): acknowledged \(key.id) is missing")
                }
            }
            #expect(acknowledgedThrough > 0, "no batch was acknowledged before any kill; the kill window is too short")

            let rerun = try CLI.touchlog("append", input, "--db", db, "--json")
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let log = try EventLog(path: db, options: .init(readOnly: true))
            #expect(try log.head() == UInt64(distinct))
            #expect(try log.verify().isClean)
            #expect(try log.statistics().events == UInt64(distinct))

            // The views maintained inline through all those kills equal a rebuild from the log,
            // and rebuilds killed at random moments leave the live views intact; a final rebuild
            // ends with the same views.
            let subjects = Set(try log.events(limit: .max).map(\.event.subject))
            let inline = try Dictionary(uniqueKeysWithValues: subjects.map { ($0, try log.profile(of: $0)) })
            for attempt in 0..<5 {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: CLI.touchlog)
                // Every other one with 1 MB for the views: many customer groups, their events in
                // temporary files.
                process.arguments = ["rebuild", "--db", db, "--chunk-size", "1500"] + (attempt % 2 == 0 ? ["--memory", "1"] : [])
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                usleep(UInt32.random(in: 20_000...400_000, using: &rng))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let during = try EventLog(path: db, options: .init(readOnly: true))
                for subject in subjects.prefix(20) {
                    #expect(try during.profile(of: subject) == inline[subject] ?? nil, "seed \(seed): \(subject) changed during a rebuild")
                }
            }
            // The temporary files of the killed rebuilds went with them.
            #expect(try FileManager.default.contentsOfDirectory(atPath: db).sorted() == ["data.mdb", "lock.mdb"])
            #expect(try CLI.touchlog("rebuild", "--db", db, "--memory", "1").status == 0)
            let rebuilt = try EventLog(path: db, options: .init(readOnly: true))
            for subject in subjects {
                #expect(try rebuilt.profile(of: subject) == inline[subject] ?? nil, "seed \(seed): \(subject) differs after a rebuild")
            }
        }
    }
}
