/// Customers and revenue by a categorical key (region, acquisition source, …).
public struct Distribution: Sendable, Equatable {
    /// One value of the key.
    public struct Row: Sendable, Equatable {
        /// The key's value, or ``Distribution/unknownKey`` for customers without one.
        public let key: String
        public let customers: Int
        public let revenue: Double
        /// Share of all customers, 0–1.
        public let customerShare: Double
        /// Share of all revenue, 0–1 (0 when the total is 0).
        public let revenueShare: Double

        /// Revenue per customer of this key.
        public var revenuePerCustomer: Double { customers == 0 ? 0 : revenue / Double(customers) }
    }

    /// The label of customers whose key is missing.
    public static let unknownKey = "(unknown)"

    /// The rows, most customers first, ties by key; the unknown row last whatever its size.
    public let rows: [Row]
    /// All customers counted.
    public let customers: Int
    /// All revenue counted.
    public let revenue: Double

    /// Groups customers by key.
    ///
    /// - Parameter entries: one per customer: the key (`nil` or empty when unknown) and the
    ///   customer's revenue (non-finite revenue counts as 0).
    public init(_ entries: [(key: String?, revenue: Double)]) {
        var groups: [String: (customers: Int, revenue: Double)] = [:]
        for entry in entries {
            let key = (entry.key?.isEmpty ?? true) ? Self.unknownKey : entry.key!
            groups[key, default: (0, 0)].customers += 1
            groups[key, default: (0, 0)].revenue += entry.revenue.isFinite ? entry.revenue : 0
        }
        let customers = entries.count
        let revenue = groups.values.reduce(0) { $0 + $1.revenue }
        rows = groups.map { key, value in
            Row(
                key: key, customers: value.customers, revenue: value.revenue,
                customerShare: customers == 0 ? 0 : Double(value.customers) / Double(customers),
                revenueShare: revenue == 0 ? 0 : value.revenue / revenue
            )
        }.sorted { a, b in
            if (a.key == Self.unknownKey) != (b.key == Self.unknownKey) { return b.key == Self.unknownKey }
            return a.customers != b.customers ? a.customers > b.customers : a.key < b.key
        }
        self.customers = customers
        self.revenue = revenue
    }
}
