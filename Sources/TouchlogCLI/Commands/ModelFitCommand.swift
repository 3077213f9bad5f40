import ArgumentParser
import Foundation
import Touchlog
import TouchlogAnalytics

struct ModelFitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit BG/NBD and Gamma-Gamma on the customers' summaries as of a time, evaluate on a holdout, store the models.",
        discussion: """
        Every customer who had bought by --as-of (the calibration end) is summarised in --period \
        units (week: calendar weeks from Monday to Sunday, as lifetimes' freq='W'; day), BG/NBD is \
        fitted by maximum likelihood, and Gamma-Gamma on the repeat customers. With \
        --holdout-end, the repeat purchase periods after --as-of up to that day are compared with \
        the model's expectation, in total and by calibration frequency. The fitted models replace \
        the stored ones (the loyalty of `touchlog clv` comes from them) and the kept churn list is \
        recomputed with them (its low_p_alive flags). --customers FILE writes \
        each customer's summary, P(alive), expected purchases over the holdout (or a year) and \
        12-month CLV at 1% a month as NDJSON. Exit status 1 when the data cannot be fitted or the \
        fit does not converge.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The calibration end: summaries as of this time (YYYY-MM-DD or RFC 3339). Default: now.", valueName: "time"))
    var asOf: String?

    @Option(help: ArgumentHelp("Evaluate against the purchases after --as-of up to this time.", valueName: "time"))
    var holdoutEnd: String?

    @Option(help: ArgumentHelp("The time unit: week or day.", valueName: "unit"))
    var period: String = "week"

    @Option(help: ArgumentHelp("Write every customer's predictions to this NDJSON file.", valueName: "file"))
    var customers: String?

    @Flag(help: "Print a JSON object.")
    var json = false

    func validate() throws {
        for (name, value) in [("--as-of", asOf), ("--holdout-end", holdoutEnd)] {
            if let value, Timestamp(dateOrDateTime: value) == nil {
                throw ValidationError("\(name) must be a date (1997-09-30) or an RFC 3339 time, not \(value)")
            }
        }
        guard ["week", "day"].contains(period) else { throw ValidationError("--period must be week or day, not \(period)") }
    }

    func run() throws {
        let log = try global.openLog()
        let asOfTime = asOf.flatMap(Timestamp.init(dateOrDateTime:)) ?? .now
        let end = holdoutEnd.flatMap(Timestamp.init(dateOrDateTime:))
        let unit = PurchasePeriod(name: period) ?? .calendarWeek
        let report: ModelFitReport
        do {
            report = try log.fitModel(asOf: asOfTime, period: unit, holdoutEnd: end)
        } catch {
            if error.cause is ModelFitError { fail(error.message, status: 1) }
            fail(error.description, status: exitStatus(for: error.code))
        }
        try reportingFailures { try log.storeModel(report.model) }
        if let customers { writeCustomers(report, to: customers) }
        if json {
            print(ModelReportText.json(report))
        } else {
            ModelReportText.lines(report).forEach { print($0) }
        }
    }

    private func writeCustomers(_ report: ModelFitReport, to path: String) {
        var text = ""
        for customer in report.customers {
            let s = customer.summary
            text += JSONText.object([
                "customer": JSONText.string(customer.customer), "frequency": "\(s.frequency)",
                "recency": ModelReportText.number(s.recency), "T": ModelReportText.number(s.age),
                "monetary": ModelReportText.number(s.monetary), "holdoutPurchases": "\(customer.holdoutPurchases)",
                "pAlive": ModelReportText.number(customer.probabilityAlive),
                "expectedPurchases": ModelReportText.number(customer.expectedPurchases),
                "clv": ModelReportText.number(customer.lifetimeValue),
            ]) + "\n"
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { fail("cannot write \(path)", status: 1) }
    }
}
