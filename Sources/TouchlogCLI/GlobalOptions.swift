import ArgumentParser
import Foundation
import Touchlog

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database directory.", valueName: "path"))
    var db: String = ProcessInfo.processInfo.environment["TOUCHLOG_DB"] ?? "./touchlog.db"

    /// Opens the log, turning a failure into a one-line error and an exit status.
    func openLog(readOnly: Bool = false, inlineViews: Bool = true, rebuildPassBytes: Int? = nil) throws -> EventLog {
        var options = EventLog.Options(readOnly: readOnly)
        options.inlineViews = inlineViews
        if let rebuildPassBytes { options.rebuildPassBytes = rebuildPassBytes }
        return try reportingFailures { try EventLog(path: db, options: options) }
    }
}

/// Runs `body`; a Touchlog error becomes one line on stderr and the exit status for its kind.
func reportingFailures<R>(_ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch let error as TouchlogError {
        fail(error.description, status: exitStatus(for: error.code))
    } catch let error as LineReader.ReadError {
        fail(error.message, status: 3)
    } catch let error as LineReader.InputTooLarge {
        fail(error.description, status: 1)
    }
}

/// Prints `message` as one line on stderr and exits with `status`.
func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("touchlog: \(message)\n".utf8))
    exit(status)
}

/// Writes one line to stderr.
func note(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

func exitStatus(for code: TouchlogError.Code) -> Int32 {
    switch code {
    case .invalidArgument: 64
    case .databaseMissing, .incompatibleDatabase: 2
    case .corruption, .storage, .io: 3
    case .viewOutOfDate, .notFound: 2
    }
}
