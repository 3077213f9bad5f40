import ArgumentParser
import Foundation
import Touchlog

struct TrendsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trends",
        abstract: "Trends over time.",
        subcommands: [SatisfactionTrendsCommand.self]
    )
}

struct SatisfactionTrendsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "satisfaction",
        abstract: "NPS, CSAT, CES, complaints and mentions per day, ISO week or month, by event time.",
        discussion: """
        NPS is % promoters (9–10) − % detractors (0–6); CSAT satisfied is the share of answers 4–5. \
        Each period shows its change (NPS, CSAT, complaints opened) against the previous period of \
        its group. Resolution time is the mean hours from a complaint's opening to its resolution, \
        counted on the day it was resolved. --by channel groups complaints by their channel and \
        mentions by platform (surveys carry no channel); --by region and --by segment count each \
        event under its customer's region attribute or RFM segment at the horizon (a pass over the \
        log). --as-of/--known-at/--position read the trends as they were (see `touchlog view`).
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "day, week (ISO) or month.")
    var bucket: String = "month"

    @Option(help: "overall, channel, region (the customer's region attribute) or segment (their RFM segment).")
    var by: TrendDimension = .overall

    @Option(help: ArgumentHelp("From this time (inclusive; YYYY-MM-DD or RFC 3339).", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("To this time (exclusive).", valueName: "time"))
    var to: String?

    @OptionGroup var clocks: HorizonOptions

    @Flag(help: "One JSON object per line.")
    var json = false

    @Flag(help: "CSV with a header line.")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        guard TrendBucket(rawValue: bucket) != nil else { throw ValidationError("--bucket must be day, week or month") }
        for (flag, value) in [("--from", from), ("--to", to)] {
            if let value, Timestamp(dateOrDateTime: value) == nil {
                throw ValidationError("\(flag) must be a date (2025-03-01) or an RFC 3339 time, not \(value)")
            }
        }
    }

    func run() throws {
        let log = try global.openLog(readOnly: true)
        let rows = try reportingFailures {
            try log.satisfactionTrends(
                bucket: TrendBucket(rawValue: bucket) ?? .month, by: by,
                from: from.flatMap(Timestamp.init(dateOrDateTime:)), to: to.flatMap(Timestamp.init(dateOrDateTime:)),
                at: clocks.horizon
            )
        }
        if json {
            rows.forEach { print($0.jsonText()) }
        } else if csv {
            print(FlatCSV.table(rows.map { $0.jsonText() }), terminator: "")
        } else {
            printTable(rows)
        }
    }

    private func printTable(_ rows: [TrendRow]) {
        func number(_ value: Double?, _ digits: Int = 1) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        let headers = ["PERIOD", "GROUP", "SURVEYS", "NPS", "ΔNPS", "CSAT", "CSAT≥4%", "CES", "OPENED", "RESOLVED", "RES h", "MENTIONS", "SENTIMENT"]
        print(headers.enumerated().map {
            $0.offset < 2 ? $0.element.padding(toLength: $0.offset == 0 ? 11 : 16, withPad: " ", startingAt: 0) : $0.element.leftPadded(10)
        }.joined())
        for row in rows {
            let c = row.counters
            let cells = [
                "\(c.surveys)", number(row.nps), number(row.npsChange), number(row.csatMean, 2), number(row.csatSatisfiedShare),
                number(row.cesMean, 2), "\(c.complaintsOpened)", "\(c.complaintsResolved)", number(row.meanResolutionHours),
                "\(c.mentions)", number(row.meanSentiment, 2),
            ]
            print(row.period.padding(toLength: 11, withPad: " ", startingAt: 0)
                + (row.group.isEmpty ? "all" : row.group).padding(toLength: 16, withPad: " ", startingAt: 0)
                + cells.map { $0.leftPadded(10) }.joined())
        }
    }
}

extension TrendDimension: ExpressibleByArgument {}
