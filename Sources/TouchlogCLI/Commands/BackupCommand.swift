import ArgumentParser
import Foundation
import Touchlog

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent, compacted copy of the database while writers go on."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("An empty or new directory for the copy.", valueName: "destination"))
    var destination: String

    func run() throws {
        let log = try global.openLog()
        let progress = ProgressLine()
        try reportingFailures { try log.backup(to: destination) }
        let copy = try reportingFailures { try EventLog(path: destination, options: EventLog.Options(readOnly: true)) }
        let stats = try reportingFailures { try copy.statistics() }
        print("Backed up \(grouped(stats.events)) events to \(destination) (\(byteSize(stats.bytesOnDisk))) in \(String(format: "%.2f", progress.elapsed)) s")
    }
}
