import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import Touchlog

struct BenchViewsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-views",
        abstract: "Measure view reads, time travel, replay and rebuild on an existing database.",
        discussion: """
        On the database at --db (fill it first, e.g. with touchlog-sample and append): point reads \
        of the profile view on 1 and on all cores, of the whole profile and of its summary; one customer's profile and churn flags as of a \
        random past time and profile as known at a random past position (latency percentiles, wall \
        and CPU time: CPU time leaves out waits for cores other processes hold); one customer's \
        loyalty as of a day; `churn list --limit 100` for now from the kept list and by evaluating \
        every customer; a full replay of the log, at its head and as of the middle of its event \
        times; and, with --rebuild, a rebuild of every \
        view. Prints figures; never fails on time.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Point reads per measurement.")
    var reads = 200_000

    @Option(help: "Time-travel questions per measurement.")
    var questions = 2_000

    @Flag(help: "Also rebuild every view (rewrites them; readers go on).")
    var rebuild = false

    @Option(help: "Only these measurements, comma-separated: reads, as-of, loyalty, churn-list, replay (whole log and as of a past time; and rebuild with --rebuild).")
    var only: String?

    private func wants(_ measurement: String) -> Bool {
        only.map { $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == measurement } } ?? true
    }

    func run() throws {
        let log = try global.openLog(readOnly: !rebuild)
        let statistics = try reportingFailures { try log.statistics() }
        let head = statistics.head
        guard head > 0 else { fail("the database is empty; append events first", status: 1) }
        print("touchlog bench-views: \(grouped(head)) events, \(grouped(statistics.customers)) customers, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        var rng = SystemRandomNumberGenerator()
        let customers = try reportingFailures {
            try (0..<1_000).compactMap { _ in try log.event(at: UInt64.random(in: 1...head, using: &rng))?.event.subject }
        }
        let earliest = statistics.earliestEventTime?.microseconds ?? 0
        let latest = statistics.latestEventTime?.microseconds ?? 0

        // Point reads, each from a snapshot of its own: the whole profile decoded, and its summary.
        if wants("reads") {
            try measurePointReads("profile point reads", customers: customers) { _ = try log.profile(of: $0) }
            try measurePointReads("profile summary point reads", customers: customers) { _ = try log.profileSummary(of: $0) }
        }

        // One customer as it was: a walk of their own events.
        var profileAsOf = Latencies(), churnAsOf = Latencies(), knownAt = Latencies()
        for index in 0..<questions where wants("as-of") {
            let customer = customers[index % customers.count]
            let time = Timestamp(microseconds: Int64.random(in: earliest...max(earliest, latest), using: &rng))
            try profileAsOf.measure { _ = try log.profile(of: customer, at: Horizon(asOf: time)) }
            try churnAsOf.measure { _ = try log.churn(of: customer, at: Horizon(asOf: time)) }
            let position = UInt64.random(in: 1...head, using: &rng)
            try knownAt.measure { _ = try log.profile(of: customer, at: Horizon(position: position)) }
        }
        if wants("as-of") {
            print("one customer's profile as of a random time: \(profileAsOf)")
            print("one customer's churn flags as of a random time: \(churnAsOf)")
            print("one customer's profile as known at a random position: \(knownAt)")
        }
        if wants("loyalty") { try measureLoyalty(of: customers, asOf: Timestamp(microseconds: latest - 30 * 86_400_000_000), log: log) }
        if wants("churn-list") { try measureChurnList(log: log) }
        if wants("replay") {
            var replayed = 0
            let replaySeconds = try measure { replayed = try log.replay(at: Horizon(position: head)).eventsFolded }
            print("replay of the whole log: \(grouped(replayed)) events in \(String(format: "%.2f", replaySeconds)) s, \(grouped(Int(Double(replayed) / replaySeconds))) events/s")
            // As of the middle of the event-time range: every record is still read (late arrivals
            // can be anywhere), the events that had not happened by then are skipped.
            let middle = Timestamp(microseconds: earliest + (latest - earliest) / 2)
            let asOfSeconds = try measure { replayed = try log.replay(at: Horizon(asOf: middle)).eventsFolded }
            print("replay as of \(middle) (the middle of the event times): \(grouped(head)) events read, \(grouped(replayed)) folded, in \(String(format: "%.2f", asOfSeconds)) s, \(grouped(Int(Double(head) / asOfSeconds))) events/s read")
        }
        if rebuild && wants("rebuild") {
            let seconds = try measure { try log.rebuild() }
            print("rebuild of every view (\(log.viewNames.joined(separator: ", "))): \(String(format: "%.2f", seconds)) s, \(grouped(Int(Double(head) / seconds))) events/s")
        }
        print("peak resident memory: \(byteSize(peakResidentBytes()))")
    }

    /// `read` of the customers in turn, on 1 and on all cores; the first failure is reported.
    private func measurePointReads(_ what: String, customers: [String], _ read: @Sendable (String) throws -> Void) throws {
        for threads in [1, ProcessInfo.processInfo.activeProcessorCount] {
            let perThread = reads / threads
            let cpu = Mutex(0.0)
            let failure = Mutex<(any Error)?>(nil)
            let seconds = try measure {
                DispatchQueue.concurrentPerform(iterations: threads) { thread in
                    let start = threadCPUSeconds()
                    do {
                        for index in 0..<perThread { try read(customers[(index &* 7 &+ thread) % customers.count]) }
                    } catch {
                        failure.withLock { $0 = error }
                    }
                    let used = threadCPUSeconds() - start
                    cpu.withLock { $0 += used }
                }
                if let error = failure.withLock({ $0 }) { throw error }
            }
            let cpuPerRead = cpu.withLock { $0 } / Double(perThread * threads) * 1e6
            print("\(what), \(threads) thread(s): \(grouped(Int(Double(perThread * threads) / seconds)))/s (\(String(format: "%.2f", cpuPerRead)) µs CPU per read)")
        }
    }

    private func measureLoyalty(of customers: [String], asOf day: Timestamp, log: EventLog) throws {
        // The first question about a buyer builds the day's RFM population.
        let buyer = customers.first { ((try? log.profile(of: $0))?.firstPurchase).map { $0 <= day } ?? false } ?? customers[0]
        let first = try measure { _ = try log.loyalty(of: buyer, asOf: day) }
        var loyalty = Latencies()
        for index in 0..<min(questions, 500) {
            try loyalty.measure { _ = try log.loyalty(of: customers[index % customers.count], asOf: day) }
        }
        print("one customer's loyalty as of a day: first \(String(format: "%.1f", first * 1000)) ms (RFM population pass), then \(loyalty)")
    }

    /// `churn list --limit 100` for now: from the kept list, and by evaluating every customer.
    private func measureChurnList(log: EventLog) throws {
        let thresholds = try reportingFailures { try log.keptChurnThresholds() }
        let now = Timestamp.now
        var kept: [CustomerChurn] = [], full: [CustomerChurn] = []
        func best(_ runs: Int, _ body: () throws -> Void) throws -> Double {
            try (0..<runs).map { _ in try measure(body) }.min()!
        }
        let keptSeconds = try best(5) {
            kept = try log.churnList(presentAt: now, thresholds: thresholds, flag: nil, minimumRisk: 0, limit: 100)
        }
        let fullSeconds = try best(2) {
            full = try log.churnList(presentAt: now, thresholds: thresholds, flag: nil, minimumRisk: 0, limit: 100, source: .everyone)
        }
        let same = kept.map { "\($0.customer) \($0.risk) \($0.flags)" } == full.map { "\($0.customer) \($0.risk) \($0.flags)" }
        print("churn list for now, limit 100: kept list \(String(format: "%.1f", keptSeconds * 1000)) ms, every customer evaluated \(String(format: "%.1f", fullSeconds * 1000)) ms (best of 5 and 2; \(same ? "same list" : "THE LISTS DIFFER"))")
    }

    private func measure(_ body: () throws -> Void) throws -> Double {
        try secondsTaken { try reportingFailures(body) }
    }

    private func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
