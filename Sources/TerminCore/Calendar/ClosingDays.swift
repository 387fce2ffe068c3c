/// Days on which offices are closed: Bavarian public holidays (computed for any year), the days the city closes
/// its offices although they are working days (Christmas Eve, New Year's Eve), and per-office closures.
public enum BavarianHolidays {
    /// Public holidays in Bavaria, as observed in Munich (Assumption Day included, Augsburg's Peace Festival not).
    public static func publicHolidays(year: Int) -> [LocalDate: String] {
        let easter = easterSunday(year: year)
        var days: [LocalDate: String] = [:]
        func fixed(_ month: Int, _ day: Int, _ name: String) { days[LocalDate(year: year, month: month, day: day)!] = name }
        fixed(1, 1, "Neujahr")
        fixed(1, 6, "Heilige Drei Könige")
        days[easter.adding(days: -2)] = "Karfreitag"
        days[easter.adding(days: 1)] = "Ostermontag"
        fixed(5, 1, "Tag der Arbeit")
        days[easter.adding(days: 39)] = "Christi Himmelfahrt"
        days[easter.adding(days: 50)] = "Pfingstmontag"
        days[easter.adding(days: 60)] = "Fronleichnam"
        fixed(8, 15, "Mariä Himmelfahrt")
        fixed(10, 3, "Tag der Deutschen Einheit")
        fixed(11, 1, "Allerheiligen")
        fixed(12, 25, "1. Weihnachtstag")
        fixed(12, 26, "2. Weihnachtstag")
        return days
    }

    /// Days the city closes all offices: the public holidays plus Christmas Eve and New Year's Eve.
    public static func cityClosingDays(year: Int) -> [LocalDate: String] {
        var days = publicHolidays(year: year)
        days[LocalDate(year: year, month: 12, day: 24)!] = "Heiligabend"
        days[LocalDate(year: year, month: 12, day: 31)!] = "Silvester"
        return days
    }

    /// Easter Sunday (Gregorian computus, anonymous algorithm).
    public static func easterSunday(year: Int) -> LocalDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)!
    }
}

/// Answers whether a given office is closed on a day, memoising the holiday tables per year.
public struct ClosingCalendar: Sendable {
    /// Per-office closures (renovation, staff meeting, …) by office id.
    public let officeClosures: [Int: Set<LocalDate>]
    private let cityDays: [Int: [LocalDate: String]]

    /// Creates a calendar covering the city closing days of `years`; other years are computed on demand.
    public init(officeClosures: [Int: Set<LocalDate>] = [:], years: ClosedRange<Int> = 2024...2035) {
        self.officeClosures = officeClosures
        var table: [Int: [LocalDate: String]] = [:]
        for year in years { table[year] = BavarianHolidays.cityClosingDays(year: year) }
        cityDays = table
    }

    /// Whether `officeID` is closed on `date`.
    public func isClosed(officeID: Int, on date: LocalDate) -> Bool {
        let year = date.year
        let table = cityDays[year] ?? BavarianHolidays.cityClosingDays(year: year)
        return table[date] != nil || officeClosures[officeID]?.contains(date) == true
    }
}
