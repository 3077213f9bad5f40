import ArgumentParser
import Touchlog

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show events, customers, event-time range, head position and size on disk."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON object.")
    var json = false

    func run() throws {
        let log = try global.openLog(readOnly: true)
        let stats = try reportingFailures { try log.statistics() }
        if json {
            print(JSONText.object([
                "events": "\(stats.events)", "customers": "\(stats.customers)",
                "firstEventTime": JSONText.time(stats.earliestEventTime),
                "lastEventTime": JSONText.time(stats.latestEventTime),
                "head": "\(stats.head)", "lastRecordedAt": JSONText.time(stats.lastRecordedAt),
                "bytesOnDisk": "\(stats.bytesOnDisk)", "bytesUsed": "\(stats.bytesUsed)", "mapSize": "\(stats.mapSize)",
            ]))
            return
        }
        print("""
        database         \(global.db)
        events           \(grouped(stats.events))
        customers        \(grouped(stats.customers))
        first event      \(stats.earliestEventTime?.rfc3339 ?? "-")
        last event       \(stats.latestEventTime?.rfc3339 ?? "-")
        head position    \(grouped(stats.head))
        last recorded    \(stats.lastRecordedAt?.rfc3339 ?? "-")
        size on disk     \(byteSize(stats.bytesOnDisk)) (\(byteSize(stats.bytesUsed)) in use, map \(byteSize(stats.mapSize)))
        """)
    }
}
