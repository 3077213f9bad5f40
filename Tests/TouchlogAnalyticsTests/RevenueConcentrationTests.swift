import Testing
import TouchlogAnalytics

@Suite("Revenue concentration")
struct RevenueConcentrationTests {
    @Test("Top 20% share, Lorenz points and Gini of five customers")
    func fiveCustomers() throws {
        let concentration = try RevenueConcentration(revenues: [30, 0, 40, 10, 20])
        #expect(concentration.customers == 5)
        #expect(concentration.totalRevenue == 100)
        #expect(concentration.topFifthShare == 0.4)
        #expect(abs(concentration.gini - 0.4) < 1e-12)  // (−4·0 − 2·10 + 0·20 + 2·30 + 4·40) / (5·100)
        let points = concentration.lorenz.map { [$0.customerShare, $0.revenueShare] }
        #expect(points == [[0, 0], [0.2, 0], [0.4, 0.1], [0.6, 0.3], [0.8, 0.6], [1, 1]])
    }

    @Test("Equal revenues: Gini 0; one customer with everything: Gini (n − 1)/n")
    func extremes() throws {
        let equal = try RevenueConcentration(revenues: [5, 5, 5, 5])
        #expect(equal.gini == 0)
        #expect(equal.topFifthShare == 0.25)  // ⌈0.8⌉ = 1 customer of 4
        let one = try RevenueConcentration(revenues: [0, 0, 0, 100])
        #expect(one.gini == 0.75)
        #expect(one.topFifthShare == 1)
    }

    @Test("The curve is thinned to at most maxPoints segments")
    func thinned() throws {
        let concentration = try RevenueConcentration(revenues: [30, 0, 40, 10, 20], maxPoints: 2)
        #expect(concentration.lorenz.map(\.customerShare) == [0, 0.4, 1])
        #expect(concentration.lorenz.map(\.revenueShare) == [0, 0.1, 1])
    }

    @Test("No customers, negative or non-finite revenue, or no revenue at all: an error")
    func badInput() {
        #expect(throws: AnalysisError.self) { try RevenueConcentration(revenues: []) }
        #expect(throws: AnalysisError.self) { try RevenueConcentration(revenues: [1, -1]) }
        #expect(throws: AnalysisError.self) { try RevenueConcentration(revenues: [1, .nan]) }
        #expect(throws: AnalysisError.self) { try RevenueConcentration(revenues: [0, 0]) }
    }
}
