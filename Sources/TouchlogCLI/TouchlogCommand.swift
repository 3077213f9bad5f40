import ArgumentParser
import Touchlog

/// The `touchlog` command: an event-sourced log of customer touches.
@main
struct TouchlogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "touchlog",
        abstract: "An event-sourced log of customer touches in LMDB.",
        discussion: """
        Every command works on the database at --db (default ./touchlog.db, or $TOUCHLOG_DB). \
        Exit status: 0 on success; 1 when input was rejected or a check failed; 2 when the \
        database is missing or incompatible; 3 on a storage, corruption or I/O failure; \
        64 on a usage error. Errors are one line on stderr.
        """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, AppendCommand.self, EventsCommand.self, StatsCommand.self,
            VerifyCommand.self, BackupCommand.self, ViewCommand.self, TrendsCommand.self, ChurnCommand.self, SegmentsCommand.self, ModelCommand.self, ClvCommand.self, CohortsCommand.self, ReportCommand.self, ImportCommand.self, ExportCommand.self, ReplayCommand.self, RebuildCommand.self, BenchCommand.self, BenchViewsCommand.self,
            ServeCommand.self, KeysCommand.self,
        ]
    )

    static func main() async {
        ProcessMemory.keepFreedMemoryForReuse()
        await main(nil)
    }
}
