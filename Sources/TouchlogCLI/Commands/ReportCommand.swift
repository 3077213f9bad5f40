import ArgumentParser
import Foundation
import Touchlog
import TouchlogReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the customer report: one self-contained HTML page with charts, as of a time.",
        discussion: """
        Revenue by month with a forecast, NPS, CSAT and complaints by month, satisfaction and \
        customers by region and acquisition source, revenue concentration, RFM segments, cohort \
        retention, churn flags with the customers most at risk, and year-over-year sales. No \
        scripts and nothing loaded from the network; prints well. Without --as-of, --known-at or \
        --position the report reads the views as they are now; with any, it replays the log to \
        that point. See Docs/Report.md.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var evaluation: EvaluationOptions

    @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file"))
    var out: String

    @Option(help: ArgumentHelp("How many at-risk customers to list.", valueName: "n"))
    var atRisk = 20

    func validate() throws {
        if atRisk < 0 { throw ValidationError("--at-risk must be 0 or more") }
        if out.isEmpty { throw ValidationError("--out must name a file") }
    }

    func run() throws {
        let log = try global.openLog(readOnly: true)
        let thresholds = try evaluation.thresholds()
        let data = try reportingFailures { try log.reportData(at: evaluation.horizon, thresholds: thresholds, atRiskLimit: atRisk) }
        let html = ReportRenderer.html(data)
        guard FileManager.default.createFile(atPath: out, contents: Data(html.utf8)) else { fail("cannot write \(out)", status: 1) }
        print("Wrote \(out) (\(byteSize(html.utf8.count))): \(grouped(data.customers)) customers, \(grouped(data.buyers)) buyers, as of \(data.asOf)")
    }
}
