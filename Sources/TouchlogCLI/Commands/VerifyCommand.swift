import ArgumentParser
import Touchlog

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every record and index; exit 1 if anything is inconsistent."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON object.")
    var json = false

    func run() throws {
        let log = try global.openLog(readOnly: true)
        let progress = ProgressLine()
        let report = try reportingFailures {
            try log.verify { checked, head in progress.update("verifying: \(grouped(checked)) of \(grouped(head)) events") }
        }
        progress.finish()
        if json {
            print(JSONText.object([
                "clean": "\(report.isClean)", "eventsChecked": "\(report.eventsChecked)",
                "customers": "\(report.customers)", "problemCount": "\(report.problemCount)",
                "problems": "[" + report.problems.map(JSONText.string).joined(separator: ",") + "]",
            ]))
        } else if report.isClean {
            print("OK: \(grouped(report.eventsChecked)) events and \(grouped(report.customers)) customers checked, no inconsistency")
        } else {
            for problem in report.problems { print("problem: \(problem)") }
            if report.problemCount > report.problems.count {
                print("… and \(grouped(report.problemCount - report.problems.count)) more")
            }
        }
        if !report.isClean {
            note("touchlog: verify found \(grouped(report.problemCount)) inconsistencies")
            throw ExitCode(1)
        }
    }
}
