import ArgumentParser
import Foundation
import Touchlog
import TouchlogAnalytics

struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "RFM segments of the customer base as of a time, and optionally every customer's loyalty.",
        discussion: """
        Counts customers and historical value per RFM segment, among customers who had bought by \
        --as-of. --customers FILE also writes one loyalty JSON object per customer (NDJSON).
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var evaluation: EvaluationOptions

    @Option(help: ArgumentHelp("Write every customer's loyalty view to this NDJSON file.", valueName: "file"))
    var customers: String?

    @Flag(help: "Print a JSON object.")
    var json = false

    func run() throws {
        let log = try global.openLog(readOnly: true)
        let horizon = evaluation.horizon
        let all = try reportingFailures { try log.loyaltyOfAll(at: horizon) }
        let asOf = all.first?.asOf ?? horizon.evaluationTime
        if let customers {
            let text = all.map { $0.jsonText() }.joined(separator: "\n") + (all.isEmpty ? "" : "\n")
            guard FileManager.default.createFile(atPath: customers, contents: Data(text.utf8)) else {
                fail("cannot write \(customers)", status: 1)
            }
        }
        var counts: [RFMSegment: (customers: Int, value: Double)] = [:]
        for loyalty in all {
            guard let segment = loyalty.rfm?.segment else { continue }
            counts[segment, default: (0, 0)].customers += 1
            counts[segment, default: (0, 0)].value += loyalty.historicalValue
        }
        let buyers = counts.values.reduce(0) { $0 + $1.customers }
        if json {
            let rows = RFMSegment.allCases.map { segment in
                let entry = counts[segment] ?? (0, 0)
                return "{\"segment\":\(JSONValue.string(segment.rawValue).serialized()),\"customers\":\(entry.customers),\"historicalValue\":\(JSONValue.number((entry.value * 100).rounded() / 100).serialized())}"
            }
            print("{\"asOf\":\"\(asOf.rfc3339)\",\"customers\":\(all.count),\"buyers\":\(buyers),\"segments\":[\(rows.joined(separator: ","))]}")
            return
        }
        print("as of \(asOf.rfc3339): \(grouped(all.count)) customers, \(grouped(buyers)) with a purchase")
        print("SEGMENT".padding(toLength: 22, withPad: " ", startingAt: 0) + "CUSTOMERS".leftPadded(10) + "SHARE".leftPadded(8) + "VALUE".leftPadded(14))
        for segment in RFMSegment.allCases {
            let entry = counts[segment] ?? (0, 0)
            let share = buyers > 0 ? Double(entry.customers) * 100 / Double(buyers) : 0
            print(segment.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0) + grouped(entry.customers).leftPadded(10)
                + String(format: "%.1f%%", share).leftPadded(8) + String(format: "%.2f", entry.value).leftPadded(14))
        }
    }
}
