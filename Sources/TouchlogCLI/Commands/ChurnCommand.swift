import ArgumentParser
import Foundation
import Touchlog
import TouchlogAnalytics

struct ChurnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn",
        abstract: "Churn flags across customers.",
        subcommands: [ChurnList.self]
    )
}

struct ChurnList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Customers with churn flags as of a time, riskiest first."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var evaluation: EvaluationOptions

    @Option(help: "Only customers with this flag (overdue, detractor, open_complaint, declining, negative_sentiment).")
    var flag: String?

    @Option(help: "Only customers with at least this risk score (0–1).")
    var minScore: Double = 0

    @Option(help: "At most this many customers.")
    var limit = 50

    @Flag(help: "One JSON object per line.")
    var json = false

    @Flag(help: "CSV with a header line: customer, risk and one column per flag (its evidence, empty when not raised).")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        if let flag, ChurnFlag.Reason(rawValue: flag) == nil {
            throw ValidationError("unknown flag \(flag); flags: \(ChurnFlag.Reason.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard limit >= 0 else { throw ValidationError("--limit must not be negative") }
    }

    func run() throws {
        let log = try global.openLog(readOnly: true)
        let thresholds = try evaluation.thresholds()
        let list = try reportingFailures {
            try log.churnList(
                at: evaluation.horizon, thresholds: thresholds, flag: flag.flatMap(ChurnFlag.Reason.init(rawValue:)),
                minimumRisk: minScore, limit: limit
            )
        }
        if csv {
            func field(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            print((["customer", "risk"] + ChurnFlag.Reason.allCases.map(\.rawValue)).joined(separator: ","))
            for churn in list {
                let evidence = ChurnFlag.Reason.allCases.map { reason in
                    churn.flags.first { $0.reason == reason }.map { field($0.evidence) } ?? ""
                }
                print(([field(churn.customer), String((churn.risk * 1000).rounded() / 1000)] + evidence).joined(separator: ","))
            }
            return
        }
        for churn in list {
            if json {
                print(churn.jsonText())
            } else {
                let reasons = churn.flags.map(\.reason.rawValue).joined(separator: ", ")
                print(churn.customer.padding(toLength: 18, withPad: " ", startingAt: 0) + "risk \((churn.risk * 100).rounded() / 100)  " + reasons)
            }
        }
    }
}
