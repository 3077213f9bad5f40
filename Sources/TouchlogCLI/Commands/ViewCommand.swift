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

    @OptionGroup var evaluation: EvaluationOptions

    func run() throws {
        let log = try global.openLog(readOnly: true)
        switch kind {
        case .profile:
            guard let profile = try reportingFailures({ try log.profile(of: customer) }) else {
                fail("no events for customer \(customer)", status: 1)
            }
            if json {
                print(profile.jsonText(customer: customer))
            } else {
                profile.textLines(customer: customer).forEach { print($0) }
            }
        case .loyalty:
            guard let loyalty = try reportingFailures({ try log.loyalty(of: customer, asOf: evaluation.time) }) else {
                fail("no events for customer \(customer)", status: 1)
            }
            if json { print(loyalty.jsonText()) } else { loyalty.textLines().forEach { print($0) } }
        case .churn:
            let thresholds = try evaluation.thresholds()
            guard let churn = try reportingFailures({ try log.churn(of: customer, asOf: evaluation.time, thresholds: thresholds) }) else {
                fail("no events for customer \(customer)", status: 1)
            }
            if json { print(churn.jsonText()) } else { churn.textLines().forEach { print($0) } }
        }
    }
}
