import ArgumentParser
import Foundation
import Touchlog
import TouchlogAnalytics

/// The point in time to read at: the two clocks of the log (see `Horizon`).
struct HorizonOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Event time: what had happened by then, late arrivals included; values that depend on now are evaluated then. YYYY-MM-DD (the end of that day, UTC) or RFC 3339.",
        valueName: "time"
    ))
    var asOf: String?

    @Option(help: ArgumentHelp(
        "Recorded time: only what the log held then (YYYY-MM-DD is the end of that day, UTC, or RFC 3339).", valueName: "time"
    ))
    var knownAt: String?

    @Option(help: ArgumentHelp("Only what the log held up to this position.", valueName: "position"))
    var position: UInt64?

    func validate() throws {
        for (flag, value) in [("--as-of", asOf), ("--known-at", knownAt)] {
            if let value, Timestamp(endOfDateOrDateTime: value) == nil {
                throw ValidationError("\(flag) must be a date (1997-09-30) or an RFC 3339 time, not \(value)")
            }
        }
    }

    /// The horizon the options name; the present when none is given.
    var horizon: Horizon {
        Horizon(
            asOf: asOf.flatMap(Timestamp.init(endOfDateOrDateTime:)), knownAt: knownAt.flatMap(Timestamp.init(endOfDateOrDateTime:)),
            position: position
        )
    }

    /// Whether no clock option was given.
    var isPresent: Bool { asOf == nil && knownAt == nil && position == nil }
}

/// The point in time to read at, and the churn thresholds.
struct EvaluationOptions: ParsableArguments {
    @OptionGroup var clocks: HorizonOptions

    @Option(help: ArgumentHelp(
        "Churn thresholds (JSON; every key optional, see Docs/churn.example.json). Default: $TOUCHLOG_CHURN_CONFIG, else built-in defaults.",
        valueName: "file"
    ))
    var config: String?

    var horizon: Horizon { clocks.horizon }
    var isPresent: Bool { clocks.isPresent }

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
