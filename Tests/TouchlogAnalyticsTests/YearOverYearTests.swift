import Testing
import TouchlogAnalytics

@Suite("Year-over-year sales per customer")
struct YearOverYearTests {
    static let sales: [(customer: String, byYear: [Int: Double])] = [
        ("A", [2022: 100, 2023: 150]),
        ("B", [2022: 200, 2023: 50]),
        ("C", [2023: 80]),
        ("D", [2021: 30]),
        ("E", [2022: 40, 2023: 40]),
        ("F", [2022: 60]),
    ]

    @Test("Totals by year, growing and declining counts, extreme lists")
    func comparison() {
        let yoy = YearOverYear(sales: Self.sales, year: 2023)
        #expect(yoy.previousYear == 2022)
        #expect(yoy.totals.map(\.year) == [2021, 2022, 2023])
        #expect(yoy.totals.map(\.sales) == [30, 400, 320])
        #expect(yoy.customersCompared == 5)  // D bought in neither year
        #expect(yoy.growing == 2)
        #expect(yoy.declining == 2)
        #expect(yoy.largestGrowth.map(\.customer) == ["C", "A"])
        #expect(yoy.largestGrowth.map(\.change) == [80, 50])
        #expect(yoy.largestGrowth[0].relativeChange == nil)
        #expect(yoy.largestGrowth[1].relativeChange == 0.5)
        #expect(yoy.largestDecline.map(\.customer) == ["B", "F"])
        #expect(yoy.largestDecline.map(\.change) == [-150, -60])
        #expect(yoy.largestDecline[0].relativeChange == -0.75)
        #expect(yoy.largestDecline[1].relativeChange == -1)
    }

    @Test("The lists stop at the limit")
    func limited() {
        let yoy = YearOverYear(sales: Self.sales, year: 2023, limit: 1)
        #expect(yoy.largestGrowth.map(\.customer) == ["C"])
        #expect(yoy.largestDecline.map(\.customer) == ["B"])
        #expect(YearOverYear(sales: Self.sales, year: 2023, limit: 0).largestGrowth.isEmpty)
    }
}
