import ArgumentParser
import Foundation
import Touchlog

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write stored events as NDJSON, exactly as they arrived, for other tools.",
        discussion: """
        Events come in position order (one customer's in their order with --customer), each line \
        the original CloudEvent JSON. The output can be appended to another Touchlog database as is.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only this customer's events.")
    var customer: String?

    @Option(help: "Only events of this type (repeatable), e.g. touch.purchase.")
    var type: [String] = []

    @Option(help: ArgumentHelp("Only events whose time is at or after this (YYYY-MM-DD or RFC 3339).", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("Only events whose time is before this (YYYY-MM-DD or RFC 3339).", valueName: "time"))
    var to: String?

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    func validate() throws {
        for name in type where EventType(name: name) == nil {
            throw ValidationError("unknown type \(name); types: \(EventType.allCases.map(\.name).joined(separator: ", "))")
        }
        for (flag, value) in [("--from", from), ("--to", to)] {
            if let value, Timestamp(dateOrDateTime: value) == nil {
                throw ValidationError("\(flag) must be a date (1997-09-30) or an RFC 3339 time, not \(value)")
            }
        }
    }

    func run() throws {
        let log = try global.openLog(readOnly: true)
        let types = Set(type.compactMap(EventType.init(name:)))
        let start = from.flatMap(Timestamp.init(dateOrDateTime:))
        let end = to.flatMap(Timestamp.init(dateOrDateTime:))
        guard let handle = out.map({ path -> FileHandle? in
            FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil
        }) ?? FileHandle.standardOutput else { fail("cannot write \(out ?? "")", status: 1) }
        var buffer = Data()
        var written = 0
        let progress = ProgressLine()
        let write = { (stored: StoredEvent) -> Bool in
            let event = stored.event
            if !types.isEmpty && !types.contains(event.type) { return true }
            if let start, event.time < start { return true }
            if let end, event.time >= end { return true }
            buffer.append(contentsOf: stored.json)
            buffer.append(0x0A)
            written += 1
            if buffer.count >= 1 << 20 {
                handle.write(buffer)
                buffer.removeAll(keepingCapacity: true)
                if out != nil { progress.update("exporting: \(grouped(written)) events") }
            }
            return true
        }
        try reportingFailures {
            if let customer {
                try log.forEachEvent(ofCustomer: customer, write)
            } else {
                try log.forEachEvent(write)
            }
        }
        handle.write(buffer)
        progress.finish()
        if let out {
            try handle.close()
            note("Exported \(grouped(written)) events to \(out)")
        }
    }
}
