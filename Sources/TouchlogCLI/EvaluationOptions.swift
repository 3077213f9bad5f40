import ArgumentParser
import Foundation
import Touchlog
import TouchlogAnalytics

/// The time values are evaluated at, and the churn thresholds.
struct EvaluationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Evaluate values that depend on now at this time (YYYY-MM-DD or RFC 3339).", valueName: "time"))
    var asOf: String?

    @Option(help: ArgumentHelp(
        "Churn thresholds (JSON; every key optional, see Docs/churn.example.json). Default: $TOUCHLOG_CHURN_CONFIG, else built-in defaults.",
        valueName: "file"
    ))
    var config: String?

    func validate() throws {
        if let asOf, Timestamp(dateOrDateTime: asOf) == nil {
            throw ValidationError("--as-of must be a date (1997-09-30) or an RFC 3339 time, not \(asOf)")
        }
    }

    var time: Timestamp { asOf.flatMap(Timestamp.init(dateOrDateTime:)) ?? .now }

    func thresholds() throws -> ChurnThresholds { churnThresholds(file: config) }
}

/// The churn thresholds in `file`, else in $TOUCHLOG_CHURN_CONFIG, else the defaults; exits on a
/// file that cannot be read or is not valid.
func churnThresholds(file: String?) -> ChurnThresholds {
    guard let path = file ?? ProcessInfo.processInfo.environment["TOUCHLOG_CHURN_CONFIG"] else { return ChurnThresholds() }
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read churn configuration \(path)", status: 1) }
    do {
        return try JSONDecoder().decode(ChurnThresholds.self, from: data)
    } catch {
        fail("churn configuration \(path) is not valid: \(error)", status: 1)
    }
}
