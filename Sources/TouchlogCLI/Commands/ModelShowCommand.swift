import ArgumentParser
import Foundation
import Touchlog
import TouchlogAnalytics

struct ModelShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the stored models: parameters, the as-of time they were fitted on, when.",
        discussion: "Exit status 2 when no model is stored."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON object.")
    var json = false

    func run() throws {
        let log = try global.openLog(readOnly: true)
        guard let model = try reportingFailures({ try log.storedModel() }) else { fail("no model; run touchlog model fit", status: 2) }
        let n = ModelReportText.number
        let p = model.purchases
        if json {
            let spend = model.spend.map { s in
                JSONText.object(["p": n(s.p), "q": n(s.q), "v": n(s.v), "logLikelihood": n(model.spendLogLikelihood), "customers": "\(model.spendCustomers)"])
            } ?? "null"
            print(JSONText.object([
                "asOf": JSONText.time(model.asOf), "fittedAt": JSONText.time(model.fittedAt), "period": JSONText.string(model.period.name),
                "bgnbd": JSONText.object([
                    "r": n(p.r), "alpha": n(p.alpha), "a": n(p.a), "b": n(p.b),
                    "logLikelihood": n(model.purchaseLogLikelihood), "customers": "\(model.purchaseCustomers)",
                ]),
                "gammaGamma": spend,
            ]))
            return
        }
        func f(_ value: Double) -> String { String(format: "%.4f", value) }
        print("fitted at \(model.fittedAt.rfc3339) on summaries as of \(model.asOf.rfc3339), periods: \(model.period == .day ? "days" : "weeks")")
        print("BG/NBD       r \(f(p.r))  alpha \(f(p.alpha))  a \(f(p.a))  b \(f(p.b))  (\(grouped(model.purchaseCustomers)) customers, LL \(String(format: "%.2f", model.purchaseLogLikelihood)))")
        if let s = model.spend {
            print("Gamma-Gamma  p \(f(s.p))  q \(f(s.q))  v \(f(s.v))  (\(grouped(model.spendCustomers)) repeat customers, LL \(String(format: "%.2f", model.spendLogLikelihood)))")
        } else {
            print("Gamma-Gamma  not fitted")
        }
    }
}
