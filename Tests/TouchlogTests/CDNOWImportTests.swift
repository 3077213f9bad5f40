import Foundation
import Testing
import Touchlog
import TouchlogAnalytics

/// The CDNOW importer on excerpts of both layouts: every purchase becomes one event, re-imports
/// store nothing, bad lines are rejected with the column and rule, and the loyalty summary per
/// customer equals a direct computation from the file with lifetimes' daily rules.
struct CDNOWImportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func importFile(_ name: String, into log: EventLog) throws -> Ingestor.Summary {
        let descriptor = open(Self.fixtures.appendingPathComponent(name).path, O_RDONLY)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var importer = CDNOWImporter()
        return try Ingestor(log: log).ingest(from: LineReader(fileDescriptor: descriptor), transform: { (bytes) throws(ValidationFailure) -> [UInt8]? in
            try importer.event(fromLine: String(decoding: bytes, as: UTF8.self))
        })
    }

    @Test func importsBothLayoutsOnceAndMatchesDirectSummaries() throws {
        try withTemporaryLog { log, _ in
            let master = try importFile("CDNOW_master_head.txt", into: log)
            #expect(master.stored == 500 && master.rejected == 0)
            let again = try importFile("CDNOW_master_head.txt", into: log)
            #expect(again.stored == 0 && again.duplicates == 500)

            // Direct computation from the file: distinct days and spend per customer up to 1997-09-30.
            let text = try String(contentsOf: Self.fixtures.appendingPathComponent("CDNOW_master_head.txt"), encoding: .utf8)
            var days: [String: [String: Double]] = [:]
            for line in text.split(separator: "\n").dropFirst() {
                let f = line.split(whereSeparator: { $0 == " " || $0 == "\r" })
                guard String(f[1]) <= "19970930" else { continue }
                days["cdnow-\(f[0])", default: [:]][String(f[1]), default: 0] += Double(f[3])!
            }
            let asOf = Timestamp(rfc3339: "1997-09-30T00:00:00Z")!
            for (customer, spend) in days {
                let summary = try #require(try log.loyalty(of: customer, asOf: asOf)?.summary)
                let sorted = spend.keys.sorted()
                #expect(summary.frequency == sorted.count - 1, "\(customer)")
                let repeatSpend = sorted.dropFirst().map { spend[$0]! }
                let monetary = repeatSpend.isEmpty ? 0 : repeatSpend.reduce(0, +) / Double(repeatSpend.count)
                #expect(abs(summary.monetary - monetary) < 1e-9, "\(customer)")
                #expect(abs(summary.totalSpend - spend.values.reduce(0, +)) < 1e-9, "\(customer)")
            }

            let sample = try importFile("CDNOW_sample_head.txt", into: log)
            #expect(sample.rejected == 0 && sample.stored + sample.duplicates == 200)
        }
    }

    @Test func badLinesNameTheColumn() throws {
        var importer = CDNOWImporter()
        let cases: [(String, String)] = [
            (" 00001 1997010x  1   11.77", "date"), (" 00001 19970230  1   11.77", "date"),
            (" 00002 19970112 -1 3", "number_of_cds"), (" 00002 19970112 1 -3", "dollar_value"),
            (" 0000a 19970112 1 3", "customer_id"), (" 00003 19970112 1", ""),
        ]
        for (line, path) in cases {
            #expect(throws: ValidationFailure.self) { _ = try importer.event(fromLine: line) }
            do { _ = try importer.event(fromLine: line) } catch { #expect(error.path == path, "\(line)") }
        }
        #expect(try importer.event(fromLine: " customer_id  date number_of_cds  dollar_value\r") == nil)
    }
}
