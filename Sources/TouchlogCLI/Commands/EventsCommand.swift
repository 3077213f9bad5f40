import ArgumentParser
import Touchlog

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List stored events by position, or one customer's events in order."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only this customer's events (the CloudEvents subject).")
    var customer: String?

    @Option(help: "Start after this position (with --reverse: before it; 0 means the head).")
    var after: UInt64 = 0

    @Option(help: "At most this many events.")
    var limit = 100

    @Flag(help: "Newest first.")
    var reverse = false

    @Flag(help: "One JSON object per line: position, recordedAt and the event as it arrived.")
    var json = false

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must not be negative") }
        if reverse && customer != nil { throw ValidationError("--reverse is not available with --customer") }
    }

    func run() throws {
        let log = try global.openLog(readOnly: true)
        if !json {
            print(pad("POSITION", 10) + pad("RECORDED AT", 22) + pad("TIME", 22) + pad("TYPE", 26) + pad("SUBJECT", 16) + "SOURCE / ID")
        }
        let show = { (stored: StoredEvent) -> Bool in
            if json {
                print("{\"position\":\(stored.position),\"recordedAt\":\(JSONText.time(stored.recordedAt)),\"event\":\(stored.jsonText)}")
            } else {
                let event = stored.event
                print(
                    pad("\(stored.position)", 10) + pad(seconds(stored.recordedAt), 22) + pad(seconds(event.time), 22)
                        + pad(event.type.name, 26) + pad(event.subject, 16) + "\(event.source) / \(event.id)"
                )
            }
            return true
        }
        try reportingFailures {
            if let customer {
                try log.forEachEvent(ofCustomer: customer, after: after, limit: limit, show)
            } else {
                try log.forEachEvent(after: after, direction: reverse ? .backward : .forward, limit: limit, show)
            }
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private func seconds(_ time: Timestamp) -> String {
        let text = time.rfc3339
        guard let dot = text.firstIndex(of: ".") else { return text }
        return text[..<dot] + "Z"
    }
}
