/// Per-customer sales by year, the change from one year to the next, and the customers with the
/// largest growth and the largest decline.
public struct YearOverYear: Sendable, Equatable {
    /// One customer's sales in the compared years.
    public struct Change: Sendable, Equatable {
        public let customer: String
        /// Sales in the earlier year.
        public let previous: Double
        /// Sales in the later year.
        public let current: Double
        /// `current − previous`.
        public var change: Double { current - previous }
        /// `change / previous` (a fraction), or `nil` when the earlier year had no sales.
        public var relativeChange: Double? { previous > 0 ? change / previous : nil }
    }

    /// The earlier of the two compared years.
    public let previousYear: Int
    /// The later of the two compared years.
    public let year: Int
    /// Total sales of all customers per year, ascending by year.
    public let totals: [(year: Int, sales: Double)]
    /// Customers who bought in either compared year.
    public let customersCompared: Int
    /// Of those, how many sold more in `year` than in `previousYear`.
    public let growing: Int
    /// Of those, how many sold less.
    public let declining: Int
    /// The largest increases, largest first (only customers whose sales grew).
    public let largestGrowth: [Change]
    /// The largest decreases, largest drop first (only customers whose sales fell).
    public let largestDecline: [Change]

    /// Compares `year` with the year before.
    ///
    /// - Parameters:
    ///   - sales: one entry per customer: their id and sales per year (years absent sold nothing).
    ///   - year: the later year of the comparison.
    ///   - limit: the length of each extreme list (≥ 0).
    public init(sales: [(customer: String, byYear: [Int: Double])], year: Int, limit: Int = 10) {
        var totals: [Int: Double] = [:]
        var changes: [Change] = []
        for entry in sales {
            for (year, value) in entry.byYear where value.isFinite { totals[year, default: 0] += value }
            let previous = entry.byYear[year - 1] ?? 0, current = entry.byYear[year] ?? 0
            guard previous != 0 || current != 0 else { continue }
            changes.append(Change(customer: entry.customer, previous: previous, current: current))
        }
        let byChange = changes.sorted { a, b in a.change != b.change ? a.change > b.change : a.customer < b.customer }
        previousYear = year - 1
        self.year = year
        self.totals = totals.keys.sorted().map { ($0, totals[$0]!) }
        customersCompared = changes.count
        growing = changes.filter { $0.change > 0 }.count
        declining = changes.filter { $0.change < 0 }.count
        largestGrowth = Array(byChange.prefix { $0.change > 0 }.prefix(max(0, limit)))
        let byDrop = changes.sorted { a, b in a.change != b.change ? a.change < b.change : a.customer < b.customer }
        largestDecline = Array(byDrop.prefix { $0.change < 0 }.prefix(max(0, limit)))
    }

    public static func == (a: YearOverYear, b: YearOverYear) -> Bool {
        a.previousYear == b.previousYear && a.year == b.year && a.totals.elementsEqual(b.totals, by: { $0 == $1 })
            && a.customersCompared == b.customersCompared && a.growing == b.growing && a.declining == b.declining
            && a.largestGrowth == b.largestGrowth && a.largestDecline == b.largestDecline
    }
}
