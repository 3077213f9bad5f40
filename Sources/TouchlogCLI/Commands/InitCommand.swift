import ArgumentParser
import Touchlog

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty database (does nothing if one exists)."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let log = try reportingFailures {
            try EventLog(path: global.db, options: EventLog.Options(create: true))
        }
        let head = try reportingFailures { try log.head() }
        print(head == 0 ? "Database ready at \(global.db)" : "Database at \(global.db) already holds \(grouped(head)) events")
    }
}
