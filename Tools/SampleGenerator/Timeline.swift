/// The calendar of the simulated window, one entry per day: date text, weekday, seasonal factors,
/// store opening, promotions, and the quarterly NPS campaigns.
///
/// Times in the generator are seconds since the window's first midnight (UTC).
struct Timeline {
    static let secondsPerDay: Int64 = 86_400

    let start: CivilDate
    let dayCount: Int
    /// `YYYY-MM-DDT` for each day, 11 bytes per day.
    let datePrefixes: [UInt8]
    let weekday: [UInt8]
    let month: [UInt8]
    /// Relative purchase intensity of each day (season × weekday × special days).
    let purchases: Intensity
    /// Relative visit intensity of each day.
    let visits: Intensity
    /// Stores are closed on Sundays, 25-26 December and 1 January.
    let storeOpen: [Bool]
    /// Probability that a purchase carries a discount on this day.
    let discountChance: [Double]
    /// November or December: gift categories sell more.
    let isQ4: [Bool]
    /// A delivery incident (carrier trouble) in the second summer: more delivery complaints.
    let incident: [Bool]

    /// Quarterly relationship-NPS campaigns: first day of each quarter inside the window.
    struct Campaign {
        let day: Int
        let surveyId: [UInt8]  // JSON string content, e.g. nps-2025q1
        let source: [UInt8]  // e.g. survey/nps-2025q1
    }
    let campaigns: [Campaign]

    var endTime: Int64 { Int64(dayCount) * Timeline.secondsPerDay }

    init(start: CivilDate, end: CivilDate) {
        self.start = start
        let first = start.daysSinceEpoch
        dayCount = end.daysSinceEpoch - first + 1

        var prefixes: [UInt8] = []
        prefixes.reserveCapacity(dayCount * 11)
        var weekday: [UInt8] = []
        var month: [UInt8] = []
        var purchase: [Double] = []
        var visit: [Double] = []
        var open: [Bool] = []
        var discount: [Double] = []
        var q4: [Bool] = []
        var incident: [Bool] = []
        var campaigns: [Campaign] = []

        // Purchases: more in November-December, fewer in summer.
        let monthFactor: [Double] = [0.95, 0.88, 0.97, 1.0, 1.0, 0.88, 0.76, 0.78, 0.96, 1.02, 1.32, 1.58]
        // Monday ... Sunday.
        let weekdayPurchase: [Double] = [0.93, 0.90, 0.95, 1.00, 1.10, 1.28, 0.84]
        let weekdayVisit: [Double] = [1.00, 0.97, 0.98, 1.00, 1.02, 1.12, 0.91]
        let incidentStart = dayCount * 72 / 100
        let incidentEnd = incidentStart + 45

        for offset in 0..<dayCount {
            let date = CivilDate(daysSinceEpoch: first + offset)
            var text = ByteBuffer(capacity: 11)
            text.append(int: date.year, width: 4)
            text.append(byte: UInt8(ascii: "-"))
            text.append(twoDigits: date.month)
            text.append(byte: UInt8(ascii: "-"))
            text.append(twoDigits: date.day)
            text.append(byte: UInt8(ascii: "T"))
            prefixes.append(contentsOf: text.array)

            let wd = date.weekday
            weekday.append(UInt8(wd))
            month.append(UInt8(date.month))
            let holiday = (date.month == 12 && (date.day == 25 || date.day == 26))
                || (date.month == 1 && date.day == 1)
            // Black Friday: the fourth Friday of November; Cyber Monday three days later.
            let blackFriday = date.month == 11 && wd == 4 && (22...28).contains(date.day)
            let cyberMonday = (date.month == 11 && wd == 0 && (25...30).contains(date.day))
                || (date.month == 12 && wd == 0 && date.day == 1)
            let christmasRush = date.month == 12 && (15...23).contains(date.day)

            var p = monthFactor[date.month - 1] * weekdayPurchase[wd]
            if blackFriday { p *= 2.6 }
            if cyberMonday { p *= 1.8 }
            if christmasRush { p *= 1.25 }
            if holiday { p *= 0.35 }
            if date.month == 12 && date.day == 24 { p *= 0.7 }
            purchase.append(p)

            var v = (0.85 + 0.15 * monthFactor[date.month - 1] / 1.58 * 1.6) * weekdayVisit[wd]
            if blackFriday || cyberMonday { v *= 1.6 }
            if holiday { v *= 0.6 }
            visit.append(v)

            open.append(wd != 6 && !holiday)
            var d = 0.12
            if blackFriday || cyberMonday { d = 0.65 } else if date.month == 1 && date.day <= 15 {
                d = 0.30  // January sales
            } else if date.month == 7 && date.day >= 15 { d = 0.25 }  // summer sale
            discount.append(d)
            q4.append(date.month >= 11)
            incident.append(offset >= incidentStart && offset < incidentEnd)

            if date.day == 1 && (date.month - 1) % 3 == 0 {
                let quarter = (date.month - 1) / 3 + 1
                let id = "nps-\(date.year)q\(quarter)"
                campaigns.append(Campaign(day: offset, surveyId: Array(id.utf8), source: Array("survey/\(id)".utf8)))
            }
        }
        datePrefixes = prefixes
        self.weekday = weekday
        self.month = month
        purchases = Intensity(factors: purchase)
        visits = Intensity(factors: visit)
        storeOpen = open
        discountChance = discount
        isQ4 = q4
        self.incident = incident
        self.campaigns = campaigns
    }

    @inline(__always)
    func day(of time: Int64) -> Int {
        Int(time / Timeline.secondsPerDay)
    }

    /// Index of the first campaign starting at or after `time`, or nil.
    func campaign(atOrAfter time: Int64) -> Int? {
        let day = Int((time + Timeline.secondsPerDay - 1) / Timeline.secondsPerDay)
        return campaigns.firstIndex { $0.day >= day }
    }
}

/// A day-by-day intensity profile (piecewise constant) for time-varying Poisson processes.
struct Intensity {
    /// Relative intensity of each day (> 0).
    let factors: [Double]
    /// cumulative[d] = factors[0] + ... + factors[d - 1].
    private let cumulative: [Double]

    init(factors: [Double]) {
        self.factors = factors
        var running = 0.0
        var cumulative = [0.0]
        cumulative.reserveCapacity(factors.count + 1)
        for factor in factors {
            running += factor
            cumulative.append(running)
        }
        self.cumulative = cumulative
    }

    /// The next event after `time` of a Poisson process with `rate` events per day at factor 1,
    /// by inverting the cumulative intensity (exact, no rejected candidates); `Customer.never`
    /// past the window.
    func next(after time: Int64, rate: Double, rng: inout Xoshiro256) -> Int64 {
        let count = factors.count
        let day = Int(time / Timeline.secondsPerDay)
        guard rate > 0, day < count else { return Customer.never }
        let within = Double(time - Int64(day) * Timeline.secondsPerDay) / Double(Timeline.secondsPerDay)
        let target = cumulative[day] + factors[day] * within + rng.exponential(mean: 1 / rate)
        guard target < cumulative[count] else { return Customer.never }
        var low = day
        var high = count  // cumulative[low] <= target < cumulative[high]
        while high - low > 1 {
            let middle = (low + high) / 2
            if cumulative[middle] <= target { low = middle } else { high = middle }
        }
        let fraction = (target - cumulative[low]) / factors[low]
        let next = Int64(low) * Timeline.secondsPerDay + Int64(fraction * Double(Timeline.secondsPerDay))
        return max(time + 1, next)
    }
}
