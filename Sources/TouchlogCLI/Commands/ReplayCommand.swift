import ArgumentParser
import Foundation
import Touchlog

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Write every view as it was at a point in time.",
        discussion: """
        Replays the log in memory at the horizon the clocks name and writes, into --out: \
        profile, loyalty and churn (every customer; values that depend on now evaluated at the \
        as-of time) and trends (daily rows, overall and by channel), each as NDJSON and as CSV, \
        plus manifest.json with the clocks used, the last position read and the counts. \
        --as-of T keeps what had happened by T, late arrivals included; --known-at K or \
        --position P keeps what the log held then; together, what was known at K about what had \
        happened by T. Needs no view and leaves the database untouched.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var evaluation: EvaluationOptions

    @Option(help: ArgumentHelp("The directory to write (created if missing; existing view files are replaced).", valueName: "dir"))
    var out: String

    func validate() throws {
        if evaluation.isPresent { throw ValidationError("name a point in time: --as-of, --known-at or --position (or several)") }
    }

    func run() throws {
        let log = try global.openLog(readOnly: true)
        let thresholds = try evaluation.thresholds()
        let horizon = evaluation.horizon
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            fail("cannot create \(out): \(error.localizedDescription)", status: 3)
        }
        let progress = ProgressLine()
        let replay = try reportingFailures {
            try log.replay(at: horizon) { reached, last in
                progress.update("replaying \(grouped(reached)) / \(grouped(last)) events")
            }
        }
        let subjects = replay.profiles.keys.sorted()
        var files: [String] = []
        func write(_ view: String, _ objects: @autoclosure () -> [String]) {
            progress.update(force: true, "writing \(view).ndjson and \(view).csv")
            let objects = objects()
            let ndjson = objects.map { $0 + "\n" }.joined()
            save("\(view).ndjson", ndjson)
            save("\(view).csv", FlatCSV.table(objects))
            files += ["\(view).ndjson", "\(view).csv"]
        }
        write("profile", subjects.parallelMap { replay.profiles[$0]!.jsonText(customer: $0) })
        write("loyalty", replay.loyalty().parallelMap { $0.jsonText() })
        write("churn", replay.churn(thresholds: thresholds).parallelMap { $0.jsonText() })
        let trends = [TrendDimension.overall, .channel].flatMap { dimension in
            replay.satisfactionTrends(bucket: .day, by: dimension).map {
                "{\"by\":\"\(dimension.rawValue)\"," + $0.jsonText().dropFirst()
            }
        }
        write("trends", trends)
        let manifest = JSONText.object([
            "asOf": JSONText.time(horizon.asOf), "knownAt": JSONText.time(horizon.knownAt),
            "position": horizon.position.map { String($0) } ?? "null",
            "evaluatedAt": JSONText.time(horizon.evaluationTime), "lastPosition": String(replay.lastPosition),
            "eventsFolded": String(replay.eventsFolded), "customers": String(subjects.count),
            "files": "[" + files.map(JSONText.string).joined(separator: ",") + "]",
        ])
        save("manifest.json", manifest + "\n")
        progress.finish()
        print("Replayed \(grouped(replay.eventsFolded)) events of positions 1–\(grouped(replay.lastPosition)) (\(horizon)) "
            + "for \(grouped(subjects.count)) customers into \(out) in \(String(format: "%.2f", progress.elapsed)) s.")
    }

    private func save(_ name: String, _ text: String) {
        let path = (out as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { fail("cannot write \(path)", status: 3) }
    }
}
