import Testing
import TouchlogAnalytics

@Suite("Distribution by a categorical key")
struct DistributionTests {
    @Test("Customers and revenue per key, most customers first, unknown last")
    func grouped() {
        let distribution = Distribution([
            ("north", 10), ("south", 5), (nil, 1), ("north", 20), ("", 4), ("east", 0),
        ])
        #expect(distribution.customers == 6)
        #expect(distribution.revenue == 40)
        #expect(distribution.rows.map(\.key) == ["north", "east", "south", Distribution.unknownKey])
        #expect(distribution.rows.map(\.customers) == [2, 1, 1, 2])
        #expect(distribution.rows.map(\.revenue) == [30, 0, 5, 5])
        #expect(distribution.rows[0].customerShare == 2.0 / 6)
        #expect(distribution.rows[0].revenueShare == 0.75)
        #expect(distribution.rows[0].revenuePerCustomer == 15)
    }

    @Test("Nothing to group: no rows, zero shares")
    func empty() {
        #expect(Distribution([]).rows.isEmpty)
        let noRevenue = Distribution([("a", 0)])
        #expect(noRevenue.rows.map(\.revenueShare) == [0])
        #expect(noRevenue.rows.map(\.customerShare) == [1])
    }
}
