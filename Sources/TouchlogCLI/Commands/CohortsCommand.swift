import ArgumentParser
import Foundation
import Touchlog
import TouchlogAnalytics

struct CohortsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohorts",
        abstract: "Cohort retention by month of first purchase, as of a time.",
        discussion: """
        Each cohort is the customers whose first purchase fell in one calendar month (UTC). Month k \
        is the share of the cohort with a purchase in the k-th calendar month after that (month 0 \
        is 100%). Months are observed through the last complete month of data by --as-of (a \
        date means the end of that day).
        """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var clocks: HorizonOptions

    @Option(help: ArgumentHelp("Print at most this many months after acquisition (text output).", valueName: "n"))
    var months = 12

    @Flag(help: "Print a JSON object.")
    var json = false

    @Flag(help: "CSV with a header line: cohort, customers, then the retained share of months 0, 1, …")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        if months < 0 { throw ValidationError("--months must be 0 or more") }
    }

    func run() throws {
        let log = try global.openLog(readOnly: true)
        let time = clocks.horizon.evaluationTime
        let retention = try reportingFailures { try log.cohortRetention(at: clocks.horizon) }
        func share(_ value: Double) -> String { String(format: "%.4f", value) }
        if json {
            let cohorts = retention.cohorts.map { cohort in
                JSONText.object([
                    "month": JSONText.string(cohort.month.description), "customers": "\(cohort.size)",
                    "active": "[" + cohort.active.map(String.init).joined(separator: ",") + "]",
                    "retention": "[" + cohort.retention.map(share).joined(separator: ",") + "]",
                ])
            }
            print(JSONText.object(["asOf": JSONText.string(time.rfc3339), "through": JSONText.string(retention.through.description), "cohorts": "[" + cohorts.joined(separator: ",") + "]"]))
            return
        }
        let width = retention.cohorts.map(\.active.count).max() ?? 0
        if csv {
            print((["cohort", "customers"] + (0..<width).map { "month\($0)" }).joined(separator: ","))
            for cohort in retention.cohorts {
                let cells = (0..<width).map { $0 < cohort.active.count ? share(cohort.retention[$0]) : "" }
                print(([cohort.month.description, "\(cohort.size)"] + cells).joined(separator: ","))
            }
            return
        }
        guard !retention.cohorts.isEmpty else {
            print("as of \(time.rfc3339): no purchases")
            return
        }
        let shown = min(width, months + 1)
        print("as of \(time.rfc3339), observed through \(retention.through): \(retention.cohorts.count) cohorts")
        print("COHORT".padding(toLength: 9, withPad: " ", startingAt: 0) + "CUSTOMERS".leftPadded(10) + (0..<shown).map { "M\($0)".leftPadded(6) }.joined())
        for cohort in retention.cohorts {
            let cells = (0..<shown).map { $0 < cohort.active.count ? String(format: "%.0f%%", cohort.retention[$0] * 100).leftPadded(6) : "".leftPadded(6) }
            print(cohort.month.description.padding(toLength: 9, withPad: " ", startingAt: 0) + grouped(cohort.size).leftPadded(10) + cells.joined())
        }
    }
}
