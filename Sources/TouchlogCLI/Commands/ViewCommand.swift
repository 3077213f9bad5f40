import ArgumentParser
import Touchlog

struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Show one customer's view.",
        discussion: """
        Views: profile (attributes, activity, orders and spend, satisfaction, complaints); \
        loyalty (frequency, recency, T and monetary as the CLV literature defines them, RFM scores \
        against the whole customer base and the segment, repeat buyer, NPS class, tenure, \
        historical value), evaluated as of --as-of (default now); churn (flags with reason codes \
        and evidence, and a risk score, as of --as-of, thresholds from --config).
        """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case profile, loyalty, churn
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The view.")
    var kind: Kind

    @Argument(help: "The customer id (the CloudEvents subject).")
    var customer: String

    @Flag(help: "Print a JSON object.")
    var json = false

    @Flag(help: "Print CSV: a header line of dotted field names (rfm.segment) and one line of values.")
    var csv = false

    @OptionGroup var evaluation: EvaluationOptions

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
    }

    func run() throws {
        let log = try global.openLog(readOnly: true)
        let horizon = evaluation.horizon
        let absent = "no events for customer \(customer)" + (evaluation.isPresent ? "" : " \(horizon)")
        switch kind {
        case .profile:
            let found = try reportingFailures {
                evaluation.isPresent ? try log.profile(of: customer) : try log.profile(of: customer, at: horizon)
            }
            guard let profile = found else { fail(absent, status: 1) }
            show(json: profile.jsonText(customer: customer), lines: profile.textLines(customer: customer))
        case .loyalty:
            guard let loyalty = try reportingFailures({ try log.loyalty(of: customer, at: horizon) }) else { fail(absent, status: 1) }
            show(json: loyalty.jsonText(), lines: loyalty.textLines())
        case .churn:
            let thresholds = try evaluation.thresholds()
            guard let churn = try reportingFailures({ try log.churn(of: customer, at: horizon, thresholds: thresholds) }) else {
                fail(absent, status: 1)
            }
            show(json: churn.jsonText(), lines: churn.textLines())
        }
    }

    private func show(json text: String, lines: [String]) {
        if json {
            print(text)
        } else if csv {
            print(FlatCSV.table([text]), terminator: "")
        } else {
            lines.forEach { print($0) }
        }
    }
}
