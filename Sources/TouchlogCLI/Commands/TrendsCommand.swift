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
        Each period shows its NPS change against the previous period with NPS answers. --by channel \
        groups complaints by their channel and mentions by platform (surveys carry no channel).
        """
    )

    enum Grouping: String, ExpressibleByArgument, CaseIterable { case overall, channel }

    @OptionGroup var global: GlobalOptions

    @Option(help: "day, week (ISO) or month.")
    var bucket: String = "month"

    @Option(help: "overall or channel.")
    var by: Grouping = .overall

    @Option(help: ArgumentHelp("From this time (inclusive; YYYY-MM-DD or RFC 3339).", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("To this time (exclusive).", valueName: "time"))
    var to: String?

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
                bucket: TrendBucket(rawValue: bucket) ?? .month, by: by == .channel ? .channel : .overall,
                from: from.flatMap(Timestamp.init(dateOrDateTime:)), to: to.flatMap(Timestamp.init(dateOrDateTime:))
            )
        }
        func number(_ value: Double?, _ digits: Int = 1) -> String {
            guard let value else { return json ? "null" : csv ? "" : "-" }
            return String(format: "%.\(digits)f", value)
        }
        if csv {
            print("period,group,surveys,npsAnswers,nps,npsChange,csatMean,csatSatisfiedPercent,cesMean,complaintsOpened,complaintsResolved,mentions,meanSentiment")
            for row in rows {
                let c = row.counters
                let group = row.group.contains(",") || row.group.contains("\"") ? "\"\(row.group.replacingOccurrences(of: "\"", with: "\"\""))\"" : row.group
                print([row.period, group, "\(c.surveys)", "\(c.npsAnswers)", number(row.nps), number(row.npsChange), number(row.csatMean, 3),
                       number(row.csatSatisfiedShare), number(row.cesMean, 3), "\(c.complaintsOpened)", "\(c.complaintsResolved)",
                       "\(c.mentions)", number(row.meanSentiment, 3)].joined(separator: ","))
            }
            return
        }
        if !json {
            print(["PERIOD", "GROUP", "SURVEYS", "NPS", "ΔNPS", "CSAT", "CSAT≥4%", "CES", "OPENED", "RESOLVED", "MENTIONS", "SENTIMENT"]
                .enumerated().map { $0.offset < 2 ? $0.element.padding(toLength: $0.offset == 0 ? 11 : 12, withPad: " ", startingAt: 0) : $0.element.leftPadded(10) }
                .joined())
        }
        for row in rows {
            let c = row.counters
            if json {
                print(row.jsonText())
            } else {
                let cells = [
                    "\(c.surveys)", number(row.nps), number(row.npsChange), number(row.csatMean, 2), number(row.csatSatisfiedShare),
                    number(row.cesMean, 2), "\(c.complaintsOpened)", "\(c.complaintsResolved)", "\(c.mentions)", number(row.meanSentiment, 2),
                ]
                print(row.period.padding(toLength: 11, withPad: " ", startingAt: 0) + (row.group.isEmpty ? "all" : row.group).padding(toLength: 12, withPad: " ", startingAt: 0)
                    + cells.map { $0.leftPadded(10) }.joined())
            }
        }
    }
}
