import Foundation
import ArgumentParser
import Touchlog

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild views from the log while appends and readers go on.",
        discussion: """
        Each view is rebuilt from position 1 into a spare copy and swapped in at the end in one \
        transaction; readers see the old view until then. Interrupting is harmless: the live view \
        stays as it was, and the next rebuild resumes (chunked views) or starts again (views folded \
        in memory, such as profile). Views folded in memory read the log once, keeping its events in \
        temporary files beside the database (about 120 bytes per event; removed when the rebuild \
        ends, even if it is killed), and fold them in groups of customers that fit --memory.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Views to rebuild (default: all).")
    var views: [String] = []

    @Option(help: "Events folded per write transaction; appends interleave between transactions.")
    var chunkSize = 200_000

    @Option(help: ArgumentHelp(
        "Memory for the views a rebuild holds at once, in MB; customers are rebuilt in as many groups as this requires (default: \(EventLog.Options().rebuildPassBytes >> 20)).",
        valueName: "MB"
    ))
    var memory: Int?

    func validate() throws {
        guard chunkSize >= 1 else { throw ValidationError("--chunk-size must be at least 1") }
        if let memory, memory < 1 { throw ValidationError("--memory must be at least 1 (MB)") }
    }

    func run() throws {
        let log = try global.openLog(rebuildPassBytes: memory.map { $0 << 20 })
        let progress = ProgressLine()
        try reportingFailures {
            try log.rebuild(views.isEmpty ? nil : views, chunkSize: chunkSize) { name, reached, head in
                progress.update("rebuilding \(name): \(grouped(reached)) of \(grouped(head)) events")
            }
        }
        progress.finish()
        print("Rebuilt \((views.isEmpty ? log.viewNames : views).joined(separator: ", ")) in \(String(format: "%.2f", progress.elapsed)) s")
    }
}
