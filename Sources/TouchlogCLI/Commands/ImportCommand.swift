import ArgumentParser
import Foundation
import Touchlog

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn other people's data into touch events, with stable ids (re-importing stores nothing twice).",
        subcommands: [CDNOWImport.self, CSVImport.self]
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
        try ingest.run(file: file, into: try global.openLog(inlineViews: !ingest.deferViews)) { (bytes) throws(ValidationFailure) -> [UInt8]? in
            try importer.event(fromLine: String(decoding: bytes, as: UTF8.self))
        }
    }
}

struct CSVImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csv",
        abstract: "Import a CSV file of touches, its columns mapped to events by a JSON mapping file.",
        discussion: """
        The mapping names the customer, time and type columns, the id column (else ids are \
        hashes of the rows, so re-importing stores nothing twice) and each data field. See \
        Docs/Importing.md and Docs/examples/ for a worked example. Each row is validated like an \
        appended event; rejected rows are reported with their line number.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The CSV file (- for standard input).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("The JSON mapping file.", valueName: "file"))
    var mapping: String

    @OptionGroup var ingest: IngestOptions

    func run() throws {
        guard let data = FileManager.default.contents(atPath: mapping) else { fail("cannot read mapping file \(mapping)", status: 1) }
        let parsed: CSVMapping
        do {
            parsed = try JSONDecoder().decode(CSVMapping.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            fail("mapping \(mapping): \(context.debugDescription)", status: 1)
        } catch let DecodingError.keyNotFound(key, _) {
            fail("mapping \(mapping): \"\(key.stringValue)\" is required", status: 1)
        } catch {
            fail("mapping \(mapping) is not valid: \(error)", status: 1)
        }
        var importer = CSVImporter(mapping: parsed)
        try ingest.run(file: file, into: try global.openLog(inlineViews: !ingest.deferViews)) { (bytes) throws(ValidationFailure) -> [UInt8]? in
            try importer.event(fromLine: bytes)
        }
    }
}
