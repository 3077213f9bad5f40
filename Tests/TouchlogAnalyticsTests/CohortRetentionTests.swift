import Testing
import TouchlogAnalytics

@Suite("Calendar months and cohort retention")
struct CohortRetentionTests {
    static func month(_ year: Int, _ month: Int) -> CalendarMonth { CalendarMonth(year: year, month: month)! }

    @Test("Months from days and indexes, labels, arithmetic")
    func calendarMonths() {
        #expect(CalendarMonth(day: 0) == Self.month(1970, 1))
        #expect(CalendarMonth(day: 9862) == Self.month(1997, 1))  // 1997-01-01
        #expect(CalendarMonth(day: 9861) == Self.month(1996, 12))
        #expect(CalendarMonth(day: -1) == Self.month(1969, 12))
        #expect(CalendarMonth(day: 11_016) == Self.month(2000, 2))  // 2000-02-29
        #expect(CalendarMonth(index: -1) == Self.month(-1, 12))
        #expect(CalendarMonth(index: Self.month(1997, 3).index) == Self.month(1997, 3))
        #expect(Self.month(1997, 11).adding(months: 3) == Self.month(1998, 2))
        #expect(Self.month(1997, 11).months(to: Self.month(1997, 2)) == -9)
        #expect(Self.month(1997, 3).description == "1997-03")
        #expect(CalendarMonth(year: 1997, month: 13) == nil)
    }

    @Test("Each cohort's share buying in month k after its first purchase")
    func retention() {
        let m = Self.month
        let retention = CohortRetention(
            purchaseMonths: [
                [m(1997, 1), m(1997, 2), m(1997, 4)],  // A
                [m(1997, 1)],  // B
                [m(1997, 3), m(1997, 2), m(1997, 3)],  // C: repeats count once
                [m(1997, 5)],  // D: acquired after the as-of month
                [],  // E: never bought
                [m(1996, 12), m(1997, 5)],  // F: the later month is not observed
            ],
            through: m(1997, 4)
        )
        #expect(retention.cohorts.map(\.month) == [m(1996, 12), m(1997, 1), m(1997, 2)])
        #expect(retention.cohorts.map(\.size) == [1, 2, 1])
        #expect(retention.cohorts[0].active == [1, 0, 0, 0, 0])
        #expect(retention.cohorts[1].active == [2, 1, 0, 1])
        #expect(retention.cohorts[1].retention == [1, 0.5, 0, 0.5])
        #expect(retention.cohorts[2].active == [1, 1, 0])
        #expect(retention.meanRetention(month: 0) == 1)
        #expect(retention.meanRetention(month: 1) == 2.0 / 4)  // (0 + 1 + 1) of 1 + 2 + 1
        #expect(retention.meanRetention(month: 3) == 1.0 / 3)  // (0 + 1) of 1 + 2
        #expect(retention.meanRetention(month: 5) == nil)
        #expect(retention.meanRetention(month: -1) == nil)
    }

    @Test("No purchases: no cohorts")
    func empty() {
        let retention = CohortRetention(purchaseMonths: [[], []], through: Self.month(2025, 1))
        #expect(retention.cohorts.isEmpty)
        #expect(retention.meanRetention(month: 0) == nil)
    }
}
