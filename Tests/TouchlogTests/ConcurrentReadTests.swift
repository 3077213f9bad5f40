import Foundation
import Testing
import Touchlog

/// Readers running while a writer appends always see a consistent prefix of the log: positions
/// 1...head with nothing missing and nothing beyond, and per-customer reads agreeing with it.
struct ConcurrentReadTests {
    @Test func readersSeeAConsistentPrefixDuringAppends() async throws {
        try await withTemporaryLogAsync { log in
            let decoder = EventDecoder()
            var rng = SeededRandom(seed: testSeed())
            let batches = try (0..<40).map { batch in
                try (0..<250).map { i in
                    try decoder.decodeValid(TestEvents.random(index: batch * 250 + i, customers: 50, using: &rng))
                }
            }
            let writer = Task.detached {
                for batch in batches { _ = try log.append(batch) }
            }
            let failures = await withTaskGroup(of: [String].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var problems: [String] = []
                        var lastHead: UInt64 = 0
                        for _ in 0..<60 {
                            do {
                                let events = try log.events(after: 0, limit: .max)
                                let positions = events.map(\.position)
                                if positions != (0..<positions.count).map({ UInt64($0 + 1) }) {
                                    problems.append("positions are not 1...\(positions.count)")
                                }
                                if events.count % 250 != 0 { problems.append("saw \(events.count) events: part of a batch") }
                                if UInt64(events.count) < lastHead { problems.append("the log shrank") }
                                lastHead = UInt64(events.count)
                            } catch {
                                problems.append("\(error)")
                            }
                        }
                        return problems
                    }
                }
                var all: [String] = []
                for await problems in group { all += problems }
                return all
            }
            try await writer.value
            #expect(failures.isEmpty, "\(failures.prefix(5))")
            #expect(try log.head() == 10_000)
        }
    }
}

func withTemporaryLogAsync(_ body: (EventLog) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchlog-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let log = try EventLog(path: directory + "/log.db", options: EventLog.Options(create: true, durable: false))
    try await body(log)
}
