import ArgumentParser
import Foundation
import Touchlog
import TouchlogAnalytics

struct ChurnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn",
        abstract: "Churn flags across customers.",
        discussion: """
        The database keeps a list of flagged customers (with the thresholds set by `churn keep`, \
        the built-in defaults until then, and the stored model), updated with every append, so \
        that `churn list` for now reads it instead of evaluating every customer. Asked with other \
        thresholds, or for another time, `churn list` evaluates every customer (and says so on \
        stderr for now).
        """,
        subcommands: [ChurnList.self, ChurnKeep.self]
    )
}

struct ChurnList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Customers with churn flags as of a time, riskiest first.",
        discussion: """
        For now (no --as-of, --known-at or --position), reads the kept list of flagged customers \
        when the thresholds (--config or $TOUCHLOG_CHURN_CONFIG) are the kept ones (see `touchlog \
        churn keep`) and evaluates only the customers it prints; otherwise evaluates every customer \
        and says why on stderr. Both give the same list.
        """
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
        if evaluation.isPresent, let reason = try reportingFailures({ try log.churnListFallbackReason(thresholds: thresholds) }) {
            note("touchlog: evaluating every customer: \(reason)")
        }
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

struct ChurnKeep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keep",
        abstract: "Keep the list of flagged customers for these churn thresholds.",
        discussion: """
        Stores the thresholds (--config, else $TOUCHLOG_CHURN_CONFIG, else the built-in defaults) \
        as the kept ones and recomputes every customer's entries in the kept list, in one \
        transaction; appends keep it up to date from then on. `churn list` for now, with the same \
        thresholds, reads the kept list instead of evaluating every customer. Fitting a model \
        (`touchlog model fit`, which stores it) recomputes the list too.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp(
        "Churn thresholds (JSON; every key optional, see Docs/churn.example.json). Default: $TOUCHLOG_CHURN_CONFIG, else built-in defaults.",
        valueName: "file"
    ))
    var config: String?

    func run() throws {
        let log = try global.openLog()
        let thresholds = churnThresholds(file: config)
        let clock = ContinuousClock()
        let started = clock.now
        try reportingFailures { try log.keepChurnThresholds(thresholds) }
        let (seconds, attoseconds) = (clock.now - started).components
        print("kept the churn list for these thresholds (\(String(format: "%.2f", Double(seconds) + Double(attoseconds) * 1e-18)) s)")
    }
}
