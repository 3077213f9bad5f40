import ArgumentParser
import Touchlog

struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Show one customer's view.",
        discussion: "Views: profile (attributes, activity, orders and spend, satisfaction, complaints)."
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case profile
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The view.")
    var kind: Kind

    @Argument(help: "The customer id (the CloudEvents subject).")
    var customer: String

    @Flag(help: "Print a JSON object.")
    var json = false

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
        }
    }
}
