import ArgumentParser
import Foundation
import Touchlog
import TouchlogAnalytics

struct ClvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv",
        abstract: "A customer's P(alive), expected purchases and predicted lifetime value from the stored model.",
        discussion: """
        Uses the models stored by `touchlog model fit` (exit status 2 if there are none). The \
        customer is summarised as of --as-of (default: the time the model was fitted as of) in the \
        model's period; expected purchases and CLV cover the next --horizon months (a month is 30 \
        days or 4.345 weeks, as in lifetimes), discounted at --discount per month.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The customer id (the CloudEvents subject).")
    var customer: String

    @Option(help: ArgumentHelp("Evaluate as of this time (YYYY-MM-DD or RFC 3339). Default: the model's as-of time.", valueName: "time"))
    var asOf: String?

    @Option(help: ArgumentHelp("The horizon in months.", valueName: "months"))
    var horizon: Int = 12

    @Option(help: ArgumentHelp("The monthly discount rate.", valueName: "rate"))
    var discount: Double = 0.01

    @Flag(help: "Print a JSON object.")
    var json = false

    func validate() throws {
        if let asOf, Timestamp(dateOrDateTime: asOf) == nil {
            throw ValidationError("--as-of must be a date (1997-09-30) or an RFC 3339 time, not \(asOf)")
        }
        guard horizon >= 0, horizon <= 1200 else { throw ValidationError("--horizon must be from 0 to 1200 months, not \(horizon)") }
        guard discount > -1, discount.isFinite else { throw ValidationError("--discount must be a rate above -1, not \(discount)") }
    }

    func run() throws {
        let log = try global.openLog(readOnly: true)
        let time = asOf.flatMap(Timestamp.init(dateOrDateTime:))
        let value = try reportingFailures {
            try log.customerValue(of: customer, asOf: time, months: horizon, monthlyDiscountRate: discount)
        }
        guard let v = value else { fail("no events for customer \(customer)", status: 1) }
        if json {
            print(JSONText.object([
                "customer": JSONText.string(v.customer), "asOf": JSONText.time(v.asOf), "modelAsOf": JSONText.time(v.model.asOf),
                "period": JSONText.string(v.model.period.name), "frequency": v.summary.map { "\($0.frequency)" } ?? "null",
                "recency": ModelReportText.number(v.summary?.recency), "T": ModelReportText.number(v.summary?.age),
                "monetary": ModelReportText.number(v.summary?.monetary), "pAlive": ModelReportText.number(v.probabilityAlive),
                "horizonMonths": "\(horizon)", "horizonPeriods": ModelReportText.number(v.predictionPeriods),
                "expectedPurchases": ModelReportText.number(v.expectedPurchases),
                "expectedAverageSpend": ModelReportText.number(v.expectedAverageSpend),
                "discountRate": ModelReportText.number(discount), "clv": ModelReportText.number(v.lifetimeValue),
            ]))
            return
        }
        func f(_ value: Double?, _ digits: Int) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        let unit = v.model.period == .day ? "days" : "weeks"
        print("customer            \(v.customer)")
        print("as of               \(v.asOf.rfc3339) (model fitted as of \(v.model.asOf.rfc3339), periods: \(unit))")
        guard let summary = v.summary else {
            print("purchases           none by this time")
            return
        }
        print("frequency           \(summary.frequency) repeat purchase \(unit)")
        print("recency, T          \(f(summary.recency, 2)), \(f(summary.age, 2)) \(unit)")
        print("P(alive)            \(f(v.probabilityAlive, 4))")
        print("expected purchases  \(f(v.expectedPurchases, 3)) in the next \(horizon) months (\(f(v.predictionPeriods, 2)) \(unit))")
        print("spend per purchase  \(v.expectedAverageSpend.map { f($0, 2) } ?? "- (no spend model)")")
        print("predicted CLV       \(v.lifetimeValue.map { f($0, 2) } ?? "- (no spend model)") over \(horizon) months at \(f(discount * 100, 2))% a month")
    }
}
