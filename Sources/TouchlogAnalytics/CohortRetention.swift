/// Cohort retention by month of first purchase: for each cohort (the customers whose first
/// purchase fell in one month), the share who bought in each month after acquisition.
///
/// Month k of a cohort acquired in month c is calendar month c + k; month 0 is the acquisition
/// month itself, so its share is always 1. A customer counts in month k when at least one of
/// their purchases falls in that calendar month, whatever they did in between (the classic
/// "return rate" triangle, not a survival curve).
public struct CohortRetention: Sendable, Equatable {
    /// One acquisition month and its activity in the following months.
    public struct Cohort: Sendable, Equatable {
        /// The month of the cohort's first purchases.
        public let month: CalendarMonth
        /// The number of customers acquired that month.
        public let size: Int
        /// `active[k]`: customers of the cohort with a purchase in month k after acquisition, for
        /// k = 0 through the last month observed (`active[0] == size`).
        public let active: [Int]

        /// `active[k] / size`: the share retained in month k.
        public var retention: [Double] { active.map { Double($0) / Double(size) } }
    }

    /// The cohorts, oldest first; months without new customers have no cohort.
    public let cohorts: [Cohort]
    /// The last month observed: months after it are not counted.
    public let through: CalendarMonth

    /// Builds the cohorts from each customer's purchase months.
    ///
    /// - Parameters:
    ///   - purchaseMonths: one entry per customer: the months in which they bought (any order,
    ///     repeats allowed). Customers with no month, or whose first purchase is after `through`,
    ///     are left out; months after `through` are ignored.
    ///   - through: the last month observed (the as-of month).
    public init(purchaseMonths: [[CalendarMonth]], through: CalendarMonth) {
        var sizes: [Int: Int] = [:]
        var active: [Int: [Int]] = [:]
        for months in purchaseMonths {
            let observed = Set(months.map(\.index).filter { $0 <= through.index })
            guard let first = observed.min() else { continue }
            sizes[first, default: 0] += 1
            var counts = active[first] ?? Array(repeating: 0, count: through.index - first + 1)
            for month in observed { counts[month - first] += 1 }
            active[first] = counts
        }
        cohorts = sizes.keys.sorted().map { Cohort(month: CalendarMonth(index: $0), size: sizes[$0]!, active: active[$0]!) }
        self.through = through
    }

    /// The mean retention in month k, weighted by cohort size, over the cohorts observed for at
    /// least k months after acquisition; `nil` when none is.
    public func meanRetention(month k: Int) -> Double? {
        let observed = cohorts.filter { $0.active.count > k }
        let size = observed.reduce(0) { $0 + $1.size }
        guard k >= 0, size > 0 else { return nil }
        return Double(observed.reduce(0) { $0 + $1.active[k] }) / Double(size)
    }
}
