/// A calendar month (UTC, proleptic Gregorian), the unit of cohorts and monthly series.
///
/// Ordered and countable: `index` is `year × 12 + month − 1`, so consecutive months differ by 1.
public struct CalendarMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, e.g. 1997.
    public let year: Int
    /// The month, 1–12.
    public let month: Int

    /// The month of a year; `nil` when `month` is not 1–12.
    public init?(year: Int, month: Int) {
        guard (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// The month with the given ``index``.
    public init(index: Int) {
        let (quotient, remainder) = index.quotientAndRemainder(dividingBy: 12)
        let wrapped = remainder < 0 ? remainder + 12 : remainder
        year = remainder < 0 ? quotient - 1 : quotient
        month = wrapped + 1
    }

    /// The month holding a UTC calendar day, counted in days since 1970-01-01.
    public init(day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
    }

    /// `year × 12 + month − 1`: months count up by one.
    public var index: Int { year * 12 + month - 1 }

    /// The month `count` months later (earlier when negative).
    public func adding(months count: Int) -> CalendarMonth { CalendarMonth(index: index + count) }

    /// The number of months from `self` to `other` (negative when `other` is earlier).
    public func months(to other: CalendarMonth) -> Int { other.index - index }

    /// `1997-03`.
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public static func < (a: CalendarMonth, b: CalendarMonth) -> Bool { a.index < b.index }
}
