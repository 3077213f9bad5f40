import ArgumentParser
import Touchlog

struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Show one customer's view.",
        discussion: """
        Views: profile (attributes, activity, orders and spend, satisfaction, complaints);
        loyalty (frequency, recency, T and monetary as the CLV literature defines them, RFM scores
        against the whole customer base and the segment, repeat buyer, NPS class, tenure,
        historical value), evaluated as of --as-of (default now).
        """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case profile, loyalty
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The view.")
    var kind: Kind

    @Argument(help: "The customer id (the CloudEvents subject).")
    var customer: String

    @Flag(help: "Print a JSON object.")
    var json = false

    @Option(help: ArgumentHelp("Evaluate values that depend on now at this time (YYYY-MM-DD or RFC 3339).", valueName: "time"))
    var asOf: String?

    func validate() throws {
        if let asOf, Timestamp(dateOrDateTime: asOf) == nil {
            throw ValidationError("--as-of must be a date (1997-09-30) or an RFC 3339 time, not \(asOf)")
        }
    }

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
            let time = asOf.flatMap(Timestamp.init(dateOrDateTime:)) ?? .now
            guard let loyalty = try reportingFailures({ try log.loyalty(of: customer, asOf: time) }) else {
                fail("no events for customer \(customer)", status: 1)
            }
            if json { print(loyalty.jsonText()) } else { loyalty.textLines().forEach { print($0) } }
        }
    }
}
