/// Runs the simulation day by day and streams the events out in arrival order.
///
/// Customers wait in day buckets keyed by their next timer, so a day touches only the customers
/// that have something happening that day. Memory: the customers' state (~300 bytes each), one day
/// of events, and the held-back late events and re-sends.
struct Generator {
    struct Options {
        var customers: Int
        var seed: UInt64
        var start: CivilDate
        var end: CivilDate
        var lateRate: Double
        var resendRate: Double
        var outputPath: String?
    }

    let options: Options

    func run() throws(OutputError) -> EventSink.Stats {
        let timeline = Timeline(start: options.start, end: options.end)
        let catalog = Catalog(seed: options.seed)
        let simulator = Simulator(timeline: timeline, catalog: catalog, seed: options.seed)
        let output = try OutputFile(path: options.outputPath)
        var sink = EventSink(
            output: output, timeline: timeline, seed: options.seed, customers: options.customers,
            lateRate: options.lateRate, resendRate: options.resendRate)

        // Sign-ups over the window, more early on (density falling linearly to a quarter at the
        // end); customer numbers follow sign-up order.
        var rng = Xoshiro256(seed: SplitMix64.mix(options.seed ^ 0x51_6E_55_50))
        let hours = catalog.webHourTable
        var signups = [Int64](repeating: 0, count: options.customers)
        for i in 0..<options.customers {
            let fraction = Generator.signupFraction(rng.uniform())
            let day = min(timeline.dayCount - 1, Int(fraction * Double(timeline.dayCount)))
            signups[i] = Int64(day) * Timeline.secondsPerDay + Int64(rng.pick(hours) * 3600 + rng.below(3600))
        }
        signups.sort()

        var customers: [Customer] = []
        customers.reserveCapacity(options.customers)
        var buckets = [[Int32]](repeating: [], count: timeline.dayCount)
        for (index, signup) in signups.enumerated() {
            customers.append(simulator.makeCustomer(number: index + 1, signup: signup))
            buckets[timeline.day(of: signup)].append(Int32(index))
        }
        signups = []

        let endTime = timeline.endTime
        for day in 0..<timeline.dayCount {
            let dayEnd = Int64(day + 1) * Timeline.secondsPerDay
            let due = buckets[day]
            buckets[day] = []
            for index in due {
                let i = Int(index)
                simulator.advance(&customers[i], number: i + 1, until: dayEnd, sink: &sink)
                let next = customers[i].nextTimer.time
                if next < endTime {
                    buckets[timeline.day(of: next)].append(index)
                }
            }
            try sink.flushDay(until: dayEnd)
        }
        try sink.finish()
        return sink.stats
    }

    /// Inverse CDF of the sign-up density f(x) ∝ 1 - 0.75 x on [0, 1): four times as many
    /// sign-ups at the start of the window as at its end.
    static func signupFraction(_ u: Double) -> Double {
        // F(x) = (x - 0.375 x²) / 0.625; solve 0.375 x² - x + 0.625 u = 0.
        let a = 0.375
        return (1 - (1 - 4 * a * 0.625 * u).squareRoot()) / (2 * a)
    }
}
