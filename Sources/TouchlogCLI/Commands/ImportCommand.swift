import ArgumentParser
import Touchlog

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn other people's data into touch events, with stable ids (re-importing stores nothing twice).",
        subcommands: [CDNOWImport.self]
    )
}

struct CDNOWImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdnow",
        abstract: "Import a CDNOW purchase log (master or sample layout) as touch.purchase events.",
        discussion: """
        One event per line: subject cdnow-<customer_id>, time the purchase date at 00:00 UTC, \
        amount in USD, one line item of number_of_cds CDs. Ids are cdnow-<customer>-<date>-<n>.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("CDNOW_master.txt or CDNOW_sample.txt.", valueName: "file"))
    var file: String

    @OptionGroup var ingest: IngestOptions

    func run() throws {
        var importer = CDNOWImporter()
        try ingest.run(file: file, into: try global.openLog()) { (bytes) throws(ValidationFailure) -> [UInt8]? in
            try importer.event(fromLine: String(decoding: bytes, as: UTF8.self))
        }
    }
}
