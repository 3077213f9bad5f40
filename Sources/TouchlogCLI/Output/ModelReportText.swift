import Foundation
import Touchlog
import TouchlogAnalytics

/// `touchlog model fit` output: a JSON object or lines for a terminal.
enum ModelReportText {
    /// A number at full precision, `null` when absent or not finite.
    static func number(_ value: Double?) -> String { value.map { JSONValue.number($0).serialized() } ?? "null" }

    static func optimization(_ result: MinimizationResult, seconds: Double) -> String {
        JSONText.object([
            "converged": "\(result.converged)", "status": JSONText.string(result.status), "iterations": "\(result.iterations)",
            "evaluations": "\(result.evaluations)", "gradientNorm": number(result.gradientNorm), "seconds": number(seconds),
        ])
    }

    static func json(_ report: ModelFitReport) -> String {
        let m = report.model, fit = report.purchaseFit
        let bgnbd = JSONText.object([
            "r": number(m.purchases.r), "alpha": number(m.purchases.alpha), "a": number(m.purchases.a), "b": number(m.purchases.b),
            "logLikelihood": number(fit.logLikelihood), "customers": "\(fit.customers)", "distinctPatterns": "\(fit.distinctPatterns)",
            "optimization": optimization(fit.optimization, seconds: report.purchaseFitSeconds),
        ])
        let gammaGamma = report.spendFit.map { spend in
            JSONText.object([
                "p": number(spend.model.p), "q": number(spend.model.q), "v": number(spend.model.v),
                "logLikelihood": number(spend.logLikelihood), "customers": "\(spend.customers)",
                "optimization": optimization(spend.optimization, seconds: report.spendFitSeconds),
            ])
        } ?? "null"
        let holdout = report.holdout.map { h in
            let groups = h.groups.map { g in
                JSONText.object([
                    "frequency": JSONText.string(g.label), "customers": "\(g.customers)", "actual": number(g.actual),
                    "predicted": number(g.predicted), "meanActual": number(g.meanActual), "meanPredicted": number(g.meanPredicted),
                ])
            }
            return JSONText.object([
                "end": JSONText.time(report.holdoutEnd), "periods": number(h.duration), "customers": "\(h.customers)",
                "actual": number(h.actual), "predicted": number(h.predicted), "groups": "[" + groups.joined(separator: ",") + "]",
            ])
        } ?? "null"
        return JSONText.object([
            "asOf": JSONText.time(m.asOf), "fittedAt": JSONText.time(m.fittedAt), "period": JSONText.string(m.period.name),
            "bgnbd": bgnbd, "gammaGamma": gammaGamma, "gammaGammaError": report.spendFailure.map(JSONText.string) ?? "null",
            "holdout": holdout, "predictionPeriods": number(report.predictionPeriods), "summarySeconds": number(report.summarySeconds),
            "stored": "true",
        ])
    }

    static func lines(_ report: ModelFitReport) -> [String] {
        let m = report.model, fit = report.purchaseFit
        let unit = m.period == .day ? "days" : "weeks"
        func f(_ value: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)f", value) }
        func run(_ o: MinimizationResult, _ seconds: Double) -> String {
            "\(o.converged ? "converged" : "NOT converged") (\(o.status)) after \(o.iterations) iterations, \(o.evaluations) evaluations, \(f(seconds * 1000, 1)) ms"
        }
        var lines = [
            "as of \(m.asOf.rfc3339), periods: \(unit)",
            "BG/NBD on \(grouped(fit.customers)) customers (\(grouped(fit.distinctPatterns)) distinct x, t_x, T)",
            "  r \(f(m.purchases.r))  alpha \(f(m.purchases.alpha))  a \(f(m.purchases.a))  b \(f(m.purchases.b))",
            "  log-likelihood \(f(fit.logLikelihood, 2)); \(run(fit.optimization, report.purchaseFitSeconds))",
        ]
        if let spend = report.spendFit {
            lines += [
                "Gamma-Gamma on \(grouped(spend.customers)) repeat customers",
                "  p \(f(spend.model.p))  q \(f(spend.model.q))  v \(f(spend.model.v))  (mean spend per purchase \(f(spend.model.populationMeanSpend, 2)))",
                "  log-likelihood \(f(spend.logLikelihood, 2)); \(run(spend.optimization, report.spendFitSeconds))",
            ]
        } else {
            lines.append("Gamma-Gamma not fitted: \(report.spendFailure ?? "no repeat customers")")
        }
        if let h = report.holdout, let end = report.holdoutEnd {
            let change = h.actual > 0 ? " (\(h.predicted >= h.actual ? "+" : "")\(f((h.predicted - h.actual) / h.actual * 100, 1))%)" : ""
            lines.append("holdout to \(end.rfc3339) (\(f(h.duration, 2)) \(unit)): actual \(f(h.actual, 0)) repeat purchases, predicted \(f(h.predicted, 1))\(change)")
            lines.append("  " + "REPEATS IN CALIBRATION".padding(toLength: 24, withPad: " ", startingAt: 0) + "CUSTOMERS".leftPadded(10)
                + "ACTUAL/CUST".leftPadded(13) + "PREDICTED/CUST".leftPadded(16))
            for g in h.groups {
                lines.append("  " + g.label.padding(toLength: 24, withPad: " ", startingAt: 0) + grouped(g.customers).leftPadded(10)
                    + f(g.meanActual, 3).leftPadded(13) + f(g.meanPredicted, 3).leftPadded(16))
            }
        }
        lines.append("stored as the database's model")
        return lines
    }
}
